"""Stories and people across the days of a pack.

    records = tracking.story_records(groups, texts, times)     # what a run keeps of its stories
    found = tracking.follows(groups, earlier, settings, days)   # the earlier story each one follows

A story follows a story of an earlier pack when `group` would join one of its articles to that
story's lead: the same near-copy and same-event tests that join today's articles, with the time
window widened to the days looked back (articles of different days are always hours apart),
and the event dates still no further apart than `date_tolerance_days`. The same article found
again (the same bytes) follows nothing: it is the same story, not a new turn of it.

A story whose event date is more than some days before the pack's date is background: it is
never "new", and the people only it names are not "first seen".

Pure functions: no I/O, no clock. The history (`pipeline.packs.history`) stores what they return.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass
from typing import Sequence

from pipeline.model import Brief, Organisation, Person, Source
from pipeline.stories.grouping import GroupSettings, Item, group, normalise_name

# Of an article's body, what a later day compares: grouping reads no further by default (the
# first 400 words for near-copies, 60 for the lead), and the history stays small.
TEXT_CHARS = 5000


def person_key(name: str) -> str:
    """A person as the history knows them: the full name, without honorifics, in any case."""
    return normalise_name(name)


@dataclass(frozen=True)
class StoryRecord:
    """What a run keeps of a story: its lead's SHA-256 and headline, and `features` (JSON)."""

    lead: str
    title: str
    features: str


@dataclass(frozen=True)
class Earlier:
    """A story of an earlier run: its pack's date and what was kept of it."""

    date: str
    lead: str
    title: str
    features: str


def story_records(groups: Sequence[Sequence[Item]]) -> list[StoryRecord]:
    """For each story (its items, the lead first), what a later day compares it by."""
    records = []
    for items in groups:
        lead = items[0]
        brief = lead.brief
        when = lead.when
        features = {
            "articles": sorted({item.brief.source.sha256 for item in items if item.brief.source.sha256}),
            "standfirst": brief.standfirst,
            "event_date": brief.event_date,
            "people": [p.name for p in brief.people],
            "organisations": [o.name for o in brief.organisations],
            "locations": list(brief.locations),
            "text": lead.text[:TEXT_CHARS],
            "when": when.isoformat() if when else None,
        }
        records.append(StoryRecord(brief.source.sha256 or lead.key, brief.title,
                                   json.dumps(features, ensure_ascii=False, sort_keys=True, separators=(",", ":"))))
    return records


def _item(story: Earlier, number: int) -> tuple[Item, set[str]]:
    """An earlier story's lead as an article to group, and the articles the story held."""
    try:
        data = json.loads(story.features)
    except ValueError:
        data = {}
    when = None
    if data.get("when"):
        try:
            when = dt.datetime.fromisoformat(data["when"])
        except (TypeError, ValueError):
            when = None
    brief = Brief(title=story.title, standfirst=data.get("standfirst"), event_date=data.get("event_date"),
                  people=[Person(str(name)) for name in data.get("people") or ()],
                  organisations=[Organisation(str(name)) for name in data.get("organisations") or ()],
                  locations=[str(place) for place in data.get("locations") or ()],
                  # A key of its own: an earlier copy of today's article must not be taken for it.
                  source=Source(path=f"earlier:{story.date}:{number}"))
    return Item(brief, str(data.get("text") or ""), when), set(data.get("articles") or ())


def follows(groups: Sequence[Sequence[Item]], earlier: Sequence[Earlier], settings: GroupSettings,
            days: int) -> list[Earlier | None]:
    """For each of today's stories (its items), the earlier story it continues, or None: of
    the earlier stories one of its articles is joined to, the latest pack's, then the most
    strongly joined, then the first in that pack."""
    found: list[Earlier | None] = [None] * len(groups)
    if not groups or not earlier or days <= 0:
        return found
    widened = dataclasses.replace(settings, window_hours=(days + 1) * 24.0)
    where: dict[int, tuple[int, int]] = {}  # id(item) -> (0, today's story) or (1, earlier story)
    articles: list[set[str]] = []
    items: list[Item] = []
    for number, members in enumerate(groups):
        for item in members:
            where[id(item)] = (0, number)
            items.append(item)
    for number, story in enumerate(earlier):
        item, held = _item(story, number)
        where[id(item)] = (1, number)
        articles.append(held)
        items.append(item)
    best: dict[int, tuple[str, float, int]] = {}
    for story in group(items, widened):
        for link in story.links:
            a, b = story.items[link.a], story.items[link.b]
            if where[id(a)][0] == where[id(b)][0]:
                continue
            ours, theirs = (a, b) if where[id(a)][0] == 0 else (b, a)
            today, then = where[id(ours)][1], where[id(theirs)][1]
            if ours.brief.source.sha256 and ours.brief.source.sha256 in articles[then]:
                continue
            rank = (earlier[then].date, link.score, -then)
            if today not in best or rank > best[today]:
                best[today] = rank
    for today, (_, _, negative) in best.items():
        found[today] = earlier[-negative]
    return found


def is_background(event_date: str | None, pack_date: str, days: int) -> bool:
    """Whether an event of `event_date` is more than `days` days before the pack's date."""
    if not event_date or days <= 0:
        return False
    try:
        event = dt.date.fromisoformat(event_date[:10])
        today = dt.date.fromisoformat(pack_date[:10])
    except ValueError:
        return False
    return (today - event).days > days
