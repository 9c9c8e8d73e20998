"""Organisations: capitalised names headed by an organisation word ("Coalition of the Willing",
"Law Commission", "British Chambers of Commerce") and well-known acronyms."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.extract.lexicon import (COUNTRY_FORMS, HONORIFICS, NOT_NAME_WORDS, ORG_ACRONYMS, ORG_HEADS,
                                      ROLE_HEADS)
from pipeline.extract.sentences import Sentence

_WORD = r"[A-Z][\w&'’.-]*"
_RUN = rf"{_WORD}(?:\s+{_WORD})*"
# A capitalised run, optionally continued by "of (the)" / "for" / "on" and another run.
_ORG = re.compile(rf"(?<![\w-])(?P<name>{_RUN}(?:\s+(?:of|for|on)(?:\s+the)?\s+{_RUN})?)")
_ACRONYM = re.compile(r"(?<![\w-])([A-Z][A-Za-z0-9]{1,5})(?![\w-])")


@dataclass(frozen=True)
class FoundOrganisation:
    name: str
    sentence: Sentence
    rule: str


def find_organisations(sentences: list[Sentence]) -> list[FoundOrganisation]:
    found: list[FoundOrganisation] = []
    for s in sentences:
        if s.kind in ("title", "heading"):
            continue
        for m in _ORG.finditer(s.text):
            name = _trim(m.group("name"))
            if name:
                found.append(FoundOrganisation(name, s, "organisation-head"))
        for m in _ACRONYM.finditer(s.text):
            word = m.group(1)
            if word in ORG_ACRONYMS and word not in COUNTRY_FORMS:
                found.append(FoundOrganisation(word, s, "acronym"))
    return found


def _trim(name: str) -> str | None:
    words = name.split()
    while words and (words[0] in NOT_NAME_WORDS and words[0] not in ORG_HEADS):
        words.pop(0)
    words = [re.sub(r"(?:'s|’s)$", "", w) for w in words]
    if not words:
        return None
    # The run must be headed by an organisation word: "Law Commission", "Bank of England".
    heads = [i for i, w in enumerate(words) if w in ORG_HEADS]
    if not heads:
        return None
    # "Metropolitan Police Commissioner Sir John Stevens": the organisation ends before the role.
    for i in range(heads[0] + 1, len(words)):
        if words[i] in HONORIFICS or (words[i].lower() in ROLE_HEADS and words[i] not in ORG_HEADS):
            words = words[:i]
            break
    if len(words) == 1:
        return None  # "Coalition" alone is a common noun at the start of a sentence
    return " ".join(words)


def unique(found: list[FoundOrganisation]) -> list[FoundOrganisation]:
    """Each organisation once, in the order found; none whose name is a run of the words of one
    found before ("Bank" after "Bank of England"), nor an acronym within one ("EU" after
    "European Union")."""
    out: dict[str, FoundOrganisation] = {}
    # The names kept, by each of their words: a name is looked for only in those that hold its
    # rarest word (comparing it with every name kept grew with the square of the article). An
    # acronym, one of a fixed list, is looked for in every name, once.
    by_word: dict[str, list[str]] = {}
    within: set[str] = set()
    for org in found:
        key = org.name.casefold()
        if key in out or key in within:
            continue
        words = key.split()
        if len(words) == 1:
            hidden = any(key in other for other in out)
        else:
            hidden = any(_run_within(key, other) for other in min((by_word.get(word, ()) for word in words), key=len))
        if hidden:
            within.add(key)
            continue
        out[key] = org
        for word in dict.fromkeys(words):
            by_word.setdefault(word, []).append(key)
    return list(out.values())


def _run_within(words: str, other: str) -> bool:
    """Whether `words` are a run of the words of `other`."""
    return f" {words} " in f" {other} "
