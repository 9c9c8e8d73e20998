"""Watchlists: names an analyst follows, found among the people and organisations extracted.

A watched name matches a person when, honorifics aside and ignoring case,
* the person's full name is the watched name, or
* one of the person's aliases is the watched name, or is part of it ("Sir Keir" and
  "Mr Starmer" for "Keir Starmer"), provided the person's own full name does not say it is
  somebody else (a "Victoria Starmer" called "Mrs Starmer" is not "Keir Starmer").
It matches an organisation when the names are the same, or one is the initials of the other
("MoD" for "Ministry of Defence").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from pipeline.model import Organisation, Person
from pipeline.stories.grouping import Story, normalise_name

_WORD = re.compile(r"\w+")
_SMALL = frozenset("of the and for on in at to de du la le".split())


def _initials(name: str, small: bool) -> str:
    words = _WORD.findall(name.casefold())
    return "".join(w[0] for w in words if small or w not in _SMALL)


def person_matches(watched: str, person: Person) -> bool:
    want = normalise_name(watched)
    if not want:
        return False
    want_words = want.split()
    full = normalise_name(person.name)
    if full == want:
        return True
    if any(normalise_name(alias) == want for alias in person.aliases):
        return True
    full_words = full.split()
    # A full name with a word the watched name lacks ("Victoria Starmer") is another person,
    # whatever the aliases say; initials ("K. Starmer") are allowed.
    if not all(w in want_words or (len(w) == 1 and any(x.startswith(w) for x in want_words))
               for w in full_words):
        return False
    for alias in person.aliases:
        raw = _WORD.findall(alias.casefold())
        alias_words = normalise_name(alias).split()
        if not alias_words:
            continue
        titled = len(raw) > len(alias_words)  # "Mr Starmer", "Sir Keir": a title shows a person
        if titled and _contiguous(alias_words, want_words):
            return True
    return False


def _contiguous(part: list[str], whole: list[str]) -> bool:
    n = len(part)
    return any(whole[i:i + n] == part for i in range(len(whole) - n + 1))


def organisation_matches(watched: str, org: Organisation) -> bool:
    want = normalise_name(watched)
    name = normalise_name(org.name)
    if not want or not name:
        return False
    if want == name:
        return True
    for short, long in ((want, org.name), (name, watched)):
        if " " not in short and len(short) >= 2 and len(long.split()) >= 2 and short in (
                _initials(long, True), _initials(long, False)):
            return True
    return False


@dataclass(frozen=True)
class Hit:
    """A watched name found in a story: which article's person or organisation matched."""

    name: str
    matched: str      # the extracted name (or alias) as the article gives it
    outlet: str


@dataclass(frozen=True)
class WatchReport:
    """Hits per story (by `Story.id`, in the stories' order) and, per watched name, in how
    many stories it appears (in the watchlist's order)."""

    hits: dict[str, tuple[Hit, ...]]
    counts: dict[str, int]

    def names_in(self, story: Story) -> list[str]:
        seen: dict[str, None] = {}
        for hit in self.hits.get(story.id, ()):
            seen.setdefault(hit.name, None)
        return list(seen)

    def lines(self) -> list[str]:
        """'Keir Starmer in 3 stories', one per watched name."""
        return [f"{name} in {n} stor{'y' if n == 1 else 'ies'}" for name, n in self.counts.items()]


def watch(stories: Iterable[Story], names: Iterable[str]) -> WatchReport:
    """Find each watched name in each story's people and organisations (every article's)."""
    watched = list(dict.fromkeys(n for n in names if normalise_name(n)))
    hits: dict[str, tuple[Hit, ...]] = {}
    counts = {name: 0 for name in watched}
    for story in stories:
        found: list[Hit] = []
        for item in story.items:
            for name in watched:
                for person in item.brief.people:
                    if person_matches(name, person):
                        found.append(Hit(name, person.name, item.source_name))
                for org in item.brief.organisations:
                    if organisation_matches(name, org):
                        found.append(Hit(name, org.name, item.source_name))
        if found:
            hits[story.id] = tuple(found)
            for name in dict.fromkeys(h.name for h in found):
                counts[name] += 1
    return WatchReport(hits, counts)
