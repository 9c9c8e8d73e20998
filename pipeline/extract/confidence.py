"""The evidence behind each item's confidence, as named features (0/1 flags and small numbers).
`weights.confidence(kind, features)` turns them into a score with the weights learnt from the dev
gold (benchmarks/extract_learn.py); this module only says what was seen."""

from __future__ import annotations

import re

from pipeline.extract.commitments import FoundCommitment
from pipeline.extract.morphology import verb_forms
from pipeline.extract.people import PersonEntity
from pipeline.extract.quotes import QuoteSpan
from pipeline.extract.speakers import Attribution, SpeakerResolver, _subject_position

RULE_GROUPS = {
    "subject-of-reporting-verb": "clause", "reporting-clause-after": "clause", "inverted-reporting-verb": "clause",
    "pronoun-subject": "pronoun", "pronoun-clause-after": "pronoun", "pronoun-unnamed-source": "pronoun",
    "pronoun-after-verb": "pronoun",
    "continues-previous-quote": "continues", "same-sentence-as-previous-quote": "continues",
    "no-reporting-clause": "no_clause", "subject-of-sentence": "sentence_subject",
    "subject-not-a-person": "not_person", "plural-subject": "not_person", "elided-subject": "not_person",
    "subject-of-clause": "clause", "reporting-clause-closing-sentence": "clause",
    "subject-runs-into-quote": "sentence_subject", "paragraph-after-lead-in": "clause",
}


def explicit(attribution: Attribution) -> bool:
    """The speaker was named by a reporting clause, not carried over or guessed."""
    return RULE_GROUPS.get(attribution.rule) == "clause"


def _weak(person: PersonEntity) -> bool:
    """Known by one capitalised word, with no honorific and no role: may not be a person at all."""
    return len(person.name) < 2 and person.role is None and not any(m.honorific for m in person.mentions)


def quote_features(attribution: Attribution, span: QuoteSpan, text: str, start: int, end: int,
                   resolver: SpeakerResolver) -> dict[str, float]:
    f: dict[str, float] = {"rule_" + RULE_GROUPS.get(attribution.rule, "other"): 1.0}
    person = attribution.person
    quote = text[span.start:span.end]
    # People named in the quote's sentence outside the quotation marks.
    around = [(m, p) for m, p in resolver.by_block.get(span.block, [])
              if start <= m.start < end and not span.open_at <= m.start < span.outer_end]
    others = {id(p) for m, p in around if p is not person}
    if person is None:
        f["no_speaker"] = 1.0
        if any(_subject_position(m) for m, p in around):
            f["null_but_person_subject"] = 1.0
        if re.search(r"\b(?:he|she)\b", text[start:span.open_at] + text[span.outer_end:end], re.I):
            f["null_but_pronoun"] = 1.0
    else:
        if _weak(person):
            f["weak_speaker"] = 1.0
        if len(person.mentions) == 1:
            f["single_mention"] = 1.0
        if person.surname.casefold() in quote.casefold():
            f["speaker_named_inside"] = 1.0
        if others:
            f["other_people_near"] = 1.0
    if attribution.rule == "subject-runs-into-quote":
        f["quote_is_predicate"] = 1.0  # President X "has put aside ...": words about X, maybe not X's
    if attribution.candidates:
        scores = [c[0] for c in attribution.candidates]
        margin = scores[0] - scores[1] if len(scores) > 1 else 3.0
        f["pronoun_margin"] = round(min(margin, 3.0) / 3.0, 3)
    if len(quote.split()) <= 3:
        f["short"] = 1.0
    if not span.terminated and span.family != "block":
        f["unterminated"] = 1.0
    return f


def candidate_table(attribution: Attribution) -> str:
    """For --explain: the people a pronoun speaker may be, with their scores and why."""
    if not attribution.candidates:
        return ""
    rows = [f"{score:+.2f} {person.display if person else 'no named speaker'} ({why})"
            for score, person, why in attribution.candidates[:4]]
    return "; candidates: " + " | ".join(rows)


_FIRST_PERSON = re.compile(r"^(?:we|i|our)\b", re.I)


def _forms(*lemmas: str) -> str:
    return "|".join(f for lemma in lemmas for f in verb_forms(lemma))


# A wish or an aim is not yet an undertaking: "the council aims to", "EU states want to".
_DESIRE = re.compile(rf"\b(?:{_forms('want', 'aim', 'hope', 'seek', 'wish', 'try')})\s+to\b", re.I)
# Third parties guessing at what someone will do: "analysts say that X will".
_GUESSING_SOURCE = re.compile(
    rf"\b(?:analysts|critics|experts|observers|commentators|groups|sources|officials)\s+(?:{_forms('say', 'believe', 'expect', 'predict', 'think')})\b"
    r"|\b(?:were|was)\s+not\s+\w+ed\b", re.I)
# The future seen from a narrated past: "he had decided he would quit", "he felt it would".
_FUTURE_IN_PAST = re.compile(rf"\bhad\s+(?:{_forms('decide', 'say', 'think', 'hope', 'expect', 'plan')})\b"
                             rf"|\b(?:felt|thought|believed|feared)\b", re.I)


def commitment_features(c: FoundCommitment, resolver: SpeakerResolver) -> dict[str, float]:
    f: dict[str, float] = {"cue_" + c.rule.removeprefix("commitment-").replace("-", "_"): 1.0}
    actor = c.actor or ""
    if not actor:
        f["no_actor"] = 1.0
    elif actor[:1].isupper():
        f["actor_capitalised"] = 1.0
    if _FIRST_PERSON.match(actor):
        f["actor_first_person"] = 1.0
    words = len(c.action.split())
    f["action_long"] = 1.0 if words > 20 else 0.0
    text = c.evidence
    if re.search(r"\b(?:said|says|told|according)\b", text):
        f["reported"] = 1.0
    if re.search(r"\b(?:not|never|no)\b", text):
        f["negation"] = 1.0
    if text[:1] in "\"“‘'":
        f["starts_quoted"] = 1.0
    if c.deadline:
        f["deadline"] = 1.0
    if c.conditional:
        f["conditional"] = 1.0
    if _DESIRE.search(text):
        f["desire"] = 1.0
    if _GUESSING_SOURCE.search(text):
        f["guessing_source"] = 1.0
    if _FUTURE_IN_PAST.search(text):
        f["future_in_past"] = 1.0
    if c.rule.endswith("passive-future") and not re.search(r"\bby\s+(?:the\s+)?[A-Z]", text):
        f["passive_no_agent"] = 1.0
    return f


def role_features(person: PersonEntity) -> dict[str, float]:
    f: dict[str, float] = {}
    if person.role is None:
        f["no_role"] = 1.0
        return f
    source = next((m for m in person.mentions if m.role == person.role), None)
    rule = source.rule if source else "other"
    f["rule_" + rule.replace("-", "_")] = 1.0
    words = len(person.role.split())
    f["role_long"] = 1.0 if words > 6 else 0.0
    if source is not None and source.role_only:
        f["from_role_noun"] = 1.0
    return f
