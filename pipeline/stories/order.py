"""Order stories within a section, and keep a pack to a readable size."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Iterable

from pipeline.stories.grouping import Story
from pipeline.stories.watch import WatchReport

_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)


def order(stories: Iterable[Story], report: WatchReport | None = None) -> list[Story]:
    """Stories with watchlist hits first (more watched names first), then those reported by
    more outlets, then the newest (by earliest article), then by the lead's key (sha256) so the
    order never depends on the input's."""

    def key(story: Story):
        watched = len(report.names_in(story)) if report else 0
        when = story.time or _EPOCH
        return (-watched, -len(story.outlets), -(when - _EPOCH).total_seconds(), story.id)

    return sorted(stories, key=key)


@dataclass(frozen=True)
class Cut:
    story: Story
    reason: str


def feed_of(story: Story) -> str:
    """The feed a story counts against: the lead's feed, else its outlet."""
    return story.lead.brief.source.feed or story.lead.source_name


def limit(stories: Iterable[Story], max_per_feed: int | None = None,
          max_stories: int | None = None) -> tuple[list[Story], list[Cut]]:
    """Keep stories in the given order until a feed has `max_per_feed` or the whole has
    `max_stories` (None: no limit); return the kept and the cut, each cut with its reason."""
    kept: list[Story] = []
    cut: list[Cut] = []
    per_feed: dict[str, int] = {}
    for story in stories:
        feed = feed_of(story)
        if max_per_feed is not None and per_feed.get(feed, 0) >= max_per_feed:
            cut.append(Cut(story, f"{feed} already has {max_per_feed} "
                                  f"stor{'y' if max_per_feed == 1 else 'ies'} (max_per_feed)"))
        elif max_stories is not None and len(kept) >= max_stories:
            cut.append(Cut(story, f"the pack already has {max_stories} "
                                  f"stor{'y' if max_stories == 1 else 'ies'} (max_stories)"))
        else:
            kept.append(story)
            per_feed[feed] = per_feed.get(feed, 0) + 1
    return kept, cut
