"""A pack among the packs of the days before it, from its history: how many of the last days'
runs named each person and who is named for the first time, which earlier story a story
follows, and which stories are background (an event long before the pack's date).

Runs are counted by pack date: of the runs of one date, the latest that finished ("ok" or
"partial"); a dry run records nothing and a date built again counts once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

from pipeline.model import Pack, PackEntry, PackFollow, PersonSeen
from pipeline.packs.history import History, StoryRow
from pipeline.packs.settings import StorySettings
from pipeline.text import clean_line


@dataclass
class Tracked:
    """What the run records for the days after it: its people, as (key, name), and its stories."""

    people: list[tuple[str, str]] = field(default_factory=list)
    stories: list[StoryRow] = field(default_factory=list)


def _day(date: str, back: int) -> str:
    return (dt.date.fromisoformat(date) - dt.timedelta(days=back)).isoformat()


def _moment(value: str | None) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def across_days(pack: Pack, history: History, name: str, settings: StorySettings,
                texts: dict[str | None, str], times: dict[str | None, str]) -> tuple[Pack, Tracked]:
    """The pack with its background, "follows" and people counts set, and what to record of it.
    `texts` and `times` are each article's body and feed time (ISO 8601), by SHA-256."""
    from pipeline.stories import GroupSettings, Item
    from pipeline.stories import tracking

    if not pack.entries:
        return pack, Tracked()
    date = pack.date
    # Today's stories, each as its entries' positions, the lead first.
    position = {}
    for at, entry in enumerate(pack.entries):
        position.setdefault(entry.brief.source.sha256, at)
    if pack.sections is not None:
        stories = [[position[sha] for sha in [story.lead, *(a.article for a in story.also)] if sha in position]
                   for section in pack.sections for story in section.stories if story.lead in position]
    else:
        stories = [[at] for at in range(len(pack.entries))]
    items = [[Item(pack.entries[at].brief, texts.get(pack.entries[at].brief.source.sha256, ""),
                   _moment(times.get(pack.entries[at].brief.source.sha256))) for at in story] for story in stories]

    entries: list[PackEntry] = list(pack.entries)
    for at, entry in enumerate(entries):
        if tracking.is_background(entry.brief.event_date, date, settings.background_days):
            entries[at] = dataclasses.replace(entry, new=False, background=entry.brief.event_date[:10])

    days = settings.history_days
    people_seen = recent = recent_from = None
    if days > 0:
        earlier_runs = history.recent_runs(name, _day(date, days), date)
        earlier = [tracking.Earlier(when, row.lead, row.title, row.features)
                   for when, row in history.stories_in(earlier_runs)]
        found = tracking.follows(items, earlier, settings.grouping or GroupSettings(), days)
        for story, story_follows in zip(stories, found):
            if story_follows is not None:
                entries[story[0]] = dataclasses.replace(entries[story[0]],
                                                        follows=PackFollow(story_follows.title, story_follows.date))

        recent_from = _day(date, days - 1)
        counted = [run for run in earlier_runs if run.pack_date >= recent_from]
        named = history.people_in(counted)
        shown: dict[str, str] = {}    # the index's key of a name -> the name
        keys: dict[str, str] = {}     # the index's key -> the history's
        fresh: set[str] = set()       # history keys named by a story that is not background
        for entry in entries:
            for person in entry.brief.people:
                key = tracking.person_key(person.name)
                if not key:
                    continue
                shown_key = clean_line(person.name).casefold()
                shown.setdefault(shown_key, person.name)
                keys.setdefault(shown_key, key)
                if entry.background is None:
                    fresh.add(key)
        before = history.people_named_before(name, date, sorted(set(keys.values())))
        people_seen = [PersonSeen(shown[k], sorted(named.get(keys[k], set()) | {date}),
                                  keys[k] in fresh and keys[k] not in before) for k in sorted(shown)]
        recent = sorted({run.pack_date for run in counted} | {date})

    people: dict[str, str] = {}
    for entry in entries:
        for person in entry.brief.people:
            key = tracking.person_key(person.name)
            if key:
                people.setdefault(key, clean_line(person.name))
    records = [StoryRow(r.lead, r.title, r.features) for r in tracking.story_records(items)]
    tracked = Tracked(sorted(people.items()), records)
    arranged = dataclasses.replace(pack, entries=entries, recent_runs=recent, recent_from=recent_from,
                                   people_seen=people_seen)
    return arranged, tracked
