"""English verb forms from lemmas, so that word lists hold lemmas ("plan", "say") and every tense is
matched ("plans", "planned", "planning"; "says", "said"), not lists of surface forms tuned to
particular sentences."""

from __future__ import annotations


def verb_forms(lemma: str) -> tuple[str, ...]:
    """Every tense of a regular English verb from its lemma: "plan" -> plan, plans, planned,
    planning; "agree" -> agree, agrees, agreed, agreeing; "commit" -> committed; "apply" -> applied.
    Verbs are matched by lemma and tense, not by lists of surface forms."""
    if " " in lemma:  # "set out": inflect the verb, keep the particle
        head, rest = lemma.split(" ", 1)
        return tuple(f"{f} {rest}" for f in verb_forms(head))
    irregular = _IRREGULAR_VERBS.get(lemma)
    if irregular:
        return (lemma, *irregular)
    if lemma.endswith("e"):
        past, ing = lemma + "d", (lemma[:-1] if not lemma.endswith("ee") else lemma) + "ing"
    elif lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        past, ing = lemma[:-1] + "ied", lemma + "ing"
    elif (len(lemma) >= 3 and lemma[-1] not in "aeiouwxy" and lemma[-2] in "aeiou" and lemma[-3] not in "aeiou"
          and (len(lemma) <= 4 or lemma in _STRESSED_LAST)):
        past, ing = lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"  # plan, commit
    else:
        past, ing = lemma + "ed", lemma + "ing"
    third = lemma + ("es" if lemma.endswith(("s", "sh", "ch", "x", "z", "o")) else "s")
    if lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        third = lemma[:-1] + "ies"
    return (lemma, third, past, ing)


_IRREGULAR_VERBS = {"undertake": ("undertakes", "undertook", "undertaken", "undertaking"),
                    "set": ("sets", "setting"), "take": ("takes", "took", "taken", "taking"),
                    "seek": ("seeks", "sought", "seeking"), "say": ("says", "said", "saying"),
                    "tell": ("tells", "told", "telling"), "write": ("writes", "wrote", "written", "writing"),
                    "hit": ("hits", "hitting"), "quip": ("quips", "quipped", "quipping"),
                    "label": ("labels", "labelled", "labeled", "labelling"),
                    "signal": ("signals", "signalled", "signaled", "signalling")}
_STRESSED_LAST = frozenset("commit admit submit omit permit regret refer prefer transfer compel expel "
                           "propel control patrol".split())
