"""Where the event happened: places named with a preposition or as a modifier of an event
noun ("in Paris", "the Paris talks"), the event place first."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.extract.lexicon import CITIES, COUNTRY_FORMS, EVENT_CUES
from pipeline.extract.names import tokens
from pipeline.extract.sentences import Sentence

# Countries by their own name only: "French" is an adjective, not a place.
PLACES = frozenset(CITIES | {form for form, country in COUNTRY_FORMS.items() if form == country})
_LONGEST = max(len(p.split()) for p in PLACES)
_PREPOSITIONS = frozenset("in at to from near outside inside".split())
_EVENT_NOUNS = frozenset("talks summit meeting conference negotiations ceremony agreement accord declaration "
                         "rally visit".split())
_ALIASES = {"Kiev": "Kyiv"}


@dataclass(frozen=True)
class FoundPlace:
    name: str
    sentence: Sentence
    rule: str
    event: bool


def find_places(sentences: list[Sentence]) -> list[FoundPlace]:
    found = []
    for s in sentences:
        if s.kind in ("title", "heading"):
            continue
        words = {w.lower() for w in re.findall(r"[\w-]+", s.text)}
        event = bool(words & EVENT_CUES)
        toks = tokens(s.text)
        i = 0
        while i < len(toks):
            size, name = _place_at(toks, i) if toks[i].capitalised else (0, "")
            if not size:
                i += 1
                continue
            rule = _rule(toks, i, size)
            if rule:
                found.append(FoundPlace(_ALIASES.get(name, name), s, rule, event or rule == "event-modifier"))
            i += size
    return found


def _place_at(toks, i: int) -> tuple[int, str]:
    for size in range(min(_LONGEST, len(toks) - i), 0, -1):
        words = [t.text for t in toks[i:i + size]]
        words[-1] = toks[i + size - 1].bare
        name = " ".join(words)
        if name in PLACES:
            return size, name
    return 0, ""


def _rule(toks, i: int, size: int) -> str | None:
    before = toks[i - 1].text.lower() if i >= 1 else ""
    if before == "the" and i >= 2:
        before = toks[i - 2].text.lower()
    if before in _PREPOSITIONS:
        return "preposition"
    if i + size < len(toks) and toks[i + size].text.lower() in _EVENT_NOUNS:
        return "event-modifier"
    return None


def ordered_locations(found: list[FoundPlace]) -> list[str]:
    """Event places first (in order of mention), then other places, each once."""
    out: list[str] = []
    for place in sorted(found, key=lambda p: (0 if p.event else 1, p.sentence.index)):
        if place.name not in out:
            out.append(place.name)
    return out
