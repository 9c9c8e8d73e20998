"""Where things happened: places named after a preposition ("in Paris", "at the Commonwealth
Club", "at London's Paddington Green police station", "at RAF Northolt, west London") or as the
modifier of an event noun ("the Paris talks"). Places in a sentence about the event come first.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.extract.lexicon import (CITIES, COMPASS_WORDS, COUNTRY_FORMS, EVENT_CUES, INSTITUTION_PLACES,
                                      VENUE_NOUNS)
from pipeline.extract.names import Token, tokens

# Countries by their own name only: "French" is an adjective, not a place.
PLACES = frozenset(CITIES | INSTITUTION_PLACES | {form for form, country in COUNTRY_FORMS.items()
                                                  if form == country})
_LONGEST = max(len(p.split()) for p in PLACES)
_PREPOSITIONS = frozenset("in at to from near outside inside into".split())
_EVENT_NOUNS = frozenset("talks summit meeting conference negotiations ceremony agreement accord declaration "
                         "rally visit".split())
_ALIASES = {"Kiev": "Kyiv"}
_MAX_RUN = 5


@dataclass(frozen=True)
class FoundPlace:
    name: str
    sentence: object
    rule: str
    event: bool


def find_places(sentences, texts: dict[int, str]) -> list[FoundPlace]:
    """Places in the sentences; `texts` holds each block's text (token offsets are in it)."""
    found = []
    for s in sentences:
        if s.kind in ("title", "heading"):
            continue
        toks = tokens(s.text, s.start)
        event = any(t.text.lower() in EVENT_CUES for t in toks)
        text = texts[s.block]
        i = 0
        while i < len(toks):
            hit = _place_at(text, toks, i)
            if hit is None:
                i += 1
                continue
            size, name, rule = hit
            found.append(FoundPlace(_ALIASES.get(name, name), s, rule, event or rule == "event-modifier"))
            i += size
    return found


def _place_at(text: str, toks: list[Token], i: int) -> tuple[int, str, str] | None:
    if not toks[i].capitalised:
        return None
    known = _known_place(toks, i)
    after_preposition = _after_preposition(toks, i)
    if known and after_preposition:
        return known[0], known[1], "preposition"
    if known and i + known[0] < len(toks) and toks[i + known[0]].text.lower() in _EVENT_NOUNS:
        return known[0], known[1], "event-modifier"
    if not after_preposition:
        return None
    run = _capitalised_run(text, toks, i)
    if not run:
        return None
    name = " ".join(t.bare if k == len(run) - 1 else t.text for k, t in enumerate(run))
    end = i + len(run)
    if run[-1].bare.lower() in VENUE_NOUNS:
        return len(run), name, "venue"
    venue = _venue_noun_after(text, toks, end)
    if venue:
        return end - i + len(venue), f"{name} {' '.join(t.text for t in venue)}", "venue"
    if _located_by_comma(text, toks, end):
        return len(run), name, "place-then-area"
    return None


def _known_place(toks: list[Token], i: int) -> tuple[int, str] | None:
    for size in range(min(_LONGEST, len(toks) - i), 0, -1):
        words = [t.text for t in toks[i:i + size]]
        words[-1] = toks[i + size - 1].bare
        name = " ".join(words)
        if name in PLACES:
            return size, name
    return None


def _after_preposition(toks: list[Token], i: int) -> bool:
    """"in X", "at the X", "at London's X"."""
    k = i - 1
    if k >= 0 and (toks[k].text.lower() == "the" or (toks[k].possessive and toks[k].capitalised)):
        k -= 1
    return k >= 0 and toks[k].text.lower() in _PREPOSITIONS


def _capitalised_run(text: str, toks: list[Token], i: int) -> list[Token]:
    run = [toks[i]]
    while (len(run) < _MAX_RUN and i + len(run) < len(toks) and toks[i + len(run)].capitalised
           and text[run[-1].end:toks[i + len(run)].start] == " " and not run[-1].possessive):
        run.append(toks[i + len(run)])
    return run


def _venue_noun_after(text: str, toks: list[Token], end: int) -> list[Token]:
    """"Paddington Green police station": lower-case words ending in a venue noun."""
    for size in (1, 2):
        words = toks[end:end + size]
        if (len(words) == size and all(not t.capitalised for t in words)
                and words[-1].bare.lower() in VENUE_NOUNS
                and all(text[a.end:b.start] == " " for a, b in zip([toks[end - 1], *words[:-1]], words))):
            return words
    return []


def _located_by_comma(text: str, toks: list[Token], end: int) -> bool:
    """"RAF Northolt, west London": a name placed by the area that follows it."""
    if end >= len(toks) or not text[toks[end - 1].end:toks[end].start].startswith(","):
        return False
    k = end
    if toks[k].text.lower() in COMPASS_WORDS:
        k += 1
    known = _known_place(toks, k) if k < len(toks) else None
    # "Borussia Dortmund, Germany's only listed club" describes a club, not a place.
    return known is not None and not toks[k + known[0] - 1].possessive


def ordered_locations(found: list[FoundPlace]) -> list[str]:
    """Event places first (in order of mention), then other places, each once."""
    out: list[str] = []
    for place in sorted(found, key=lambda p: (0 if p.event else 1, p.sentence.index)):
        if place.name not in out:
            out.append(place.name)
    return out
