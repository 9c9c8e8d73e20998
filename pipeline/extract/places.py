"""Where things happened: places named after a preposition ("in Paris", "at the Commonwealth
Club", "at London's Paddington Green police station", "at RAF Northolt, west London") or as the
modifier of an event noun ("the Paris talks"). Places in a sentence about the event come first.
"""

from __future__ import annotations

from dataclasses import dataclass

import re

from pipeline.extract.lexicon import (CITIES, COMPASS_WORDS, COUNTRY_FORMS, EVENT_CUES, INSTITUTION_PLACES,
                                      NOT_NAME_WORDS, VENUE_NOUNS)
from pipeline.extract.names import Token

# Countries by their own name only: "French" is an adjective, not a place.
PLACES = frozenset(CITIES | INSTITUTION_PLACES | {form for form, country in COUNTRY_FORMS.items()
                                                  if form == country})
_LONGEST = max(len(p.split()) for p in PLACES)
_PREPOSITIONS = frozenset("in at to from near outside inside into around across throughout towards toward along off".split())
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
    lead: list[str] = []
    event_lead = False
    for s in sentences:
        if s.kind in ("title", "heading"):
            continue
        toks = s.tokens
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
        if s.block in (-2, 0, 1):
            lead.extend(t.bare for t in toks if t.capitalised and _country_noun(t.bare))
        if s.block in (-2, 0) and not event_lead:
            # A city the opening paragraph names, even as part of a body's name ("Leeds City
            # Council has approved ...", "the Lagos State Government signed"), is where it happens.
            for k, t in enumerate(toks):
                known = _known_place(toks, k) if t.capitalised else None
                if known and known[1] in CITIES and not any(f.name == known[1] for f in found):
                    found.append(FoundPlace(_ALIASES.get(known[1], known[1]), s, "city-in-lead", False))
    if not found:
        # Nothing is placed anywhere: the countries the lead names are the story's scope ("the UK
        # High Street", "half Colombia's budget"). Otherwise the event's place is not every country
        # mentioned.
        first = next((s for s in sentences if s.block in (-2, 0, 1)), None)
        for name in dict.fromkeys(lead):
            found.append(FoundPlace(name, first, "country-in-lead", False))
    return found


def _country_noun(word: str) -> bool:
    country = COUNTRY_FORMS.get(word)
    return country is not None and word not in SUBNATIONAL_ADJECTIVES and (
        word == country or (word.isupper() and len(word) <= 3) or word in PLACES)


SUBNATIONAL_ADJECTIVES = frozenset({"English", "Scottish", "Welsh", "Northern Irish", "European"})


def _place_at(text: str, toks: list[Token], i: int) -> tuple[int, str, str] | None:
    if not toks[i].capitalised:
        return None
    known = _known_place(toks, i)
    after_preposition = _after_preposition(toks, i)
    if after_preposition and not known:
        # "at HMP Birmingham": a capitalised run that ends in a known place names a place there.
        run = _capitalised_run(text, toks, i)
        for k in range(1, len(run)):
            tail = _known_place(toks, i + k)
            if tail and k + tail[0] == len(run) and not any(t.text in NOT_NAME_WORDS for t in run[:k]):
                return len(run), " ".join(t.text for t in run[:-1]) + " " + run[-1].bare, "preposition"
    if known and after_preposition:
        return known[0], known[1], "preposition"
    if after_preposition and toks[i].bare in COUNTRY_FORMS and toks[i].bare == toks[i].text and (
            toks[i].text.isupper() or not _DEMONYM.search(toks[i].text)):
        return 1, toks[i].text, "preposition"  # "in the UK", "to the US"
    if known and i + known[0] < len(toks) and toks[i + known[0]].text.lower() in _EVENT_NOUNS:
        return known[0], known[1], "event-modifier"
    if not after_preposition:
        return None
    run = _capitalised_run(text, toks, i)
    if not run:
        return None
    name = " ".join(t.bare if k == len(run) - 1 else t.text for k, t in enumerate(run))
    end = i + len(run)
    if run[-1].bare.lower() in VENUE_NOUNS and len(run) > 1:  # "the House" alone names no place
        return len(run), name, "venue"
    venue = _venue_noun_after(text, toks, end)
    if venue:
        return end - i + len(venue), f"{name} {' '.join(t.text for t in venue)}", "venue"
    if _located_by_comma(text, toks, end):
        return len(run), name, "place-then-area"
    return None


_DEMONYM = re.compile(r"(?:ish|ian|ese|ean|ch|i)$")


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
    if k >= 0 and (toks[k].text.lower() in ("the", "a", "an") or (toks[k].possessive and toks[k].capitalised)):
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


_MONTH_ABBR = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
# "BRUSSELS, Dec 12 (Reuters) -", "SEOUL, South Korea —", "WASHINGTON (AP) —", "LONDON, March 3, 2025 -":
# a place in capitals opening the first paragraph, maybe its region, maybe a date and an agency.
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'’\-]+(?: [A-Z][A-Z.'’\-]+){0,3})"
    r"(?:,\s+(?!" + _MONTH_ABBR + r"\s+\d)(?P<region>[A-Z][\w.'’\-]+(?: [A-Z][\w.'’\-]+){0,3}))?"
    r"(?:,?\s+(?P<date>" + _MONTH_ABBR + r"\s+\d{1,2}(?:,\s+(?:19|20)\d\d)?))?"
    r"\s*(?:\([^)]{1,40}\))?\s*[-—–]+\s")


@dataclass(frozen=True)
class Dateline:
    place: str        # as written: "SEOUL, South Korea"
    date: str | None  # "Dec 12, 2025", if the dateline gives one


def dateline(text: str) -> Dateline | None:
    """The dateline opening an article's first paragraph, if it has one."""
    m = _DATELINE.match(text)
    if m is None or len(m.group("place").replace(".", "")) < 3:
        return None
    place = m.group("place") + (f", {m.group('region')}" if m.group("region") else "")
    return Dateline(place, m.group("date"))
