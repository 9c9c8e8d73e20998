"""Stories across outlets, sections by query, watchlists, order and volume for a pack.

    from pipeline import stories
    found = stories.group([stories.Item(brief, text, time, outlet), ...])
    report = stories.watch(found, ["Keir Starmer", "Ministry of Defence"])
    sections = stories.assign(found, {"Defence": 'org:nato OR "defence spending"'})
    for name, members in sections.items():
        kept, cut = stories.limit(stories.order(members, report), max_per_feed=5, max_stories=20)

Pure functions over `pipeline.model` objects: no I/O, no clock, deterministic.
"""

from pipeline.stories.grouping import (Also, Extra, GroupSettings, Item, Link, Story, explain, group,
                                       normalise_name)
from pipeline.stories.order import Cut, feed_of, limit, order
from pipeline.stories.query import FIELDS, Query, QueryError, assign, matches, parse
from pipeline.stories.watch import Hit, WatchReport, organisation_matches, person_matches, watch

__all__ = ["Also", "Cut", "Extra", "FIELDS", "GroupSettings", "Hit", "Item", "Link", "Query", "QueryError",
           "Story", "WatchReport", "assign", "explain", "feed_of", "group", "limit", "matches",
           "normalise_name", "order", "organisation_matches", "parse", "person_matches", "watch"]
