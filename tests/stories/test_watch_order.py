from __future__ import annotations

import dataclasses
import datetime as dt
import random

from pipeline.model import Organisation, Person
from pipeline.stories import group, limit, order, organisation_matches, person_matches, watch

from tests.stories.articles import T0, flood, item, near_copy, rates, rewrite, wire


def test_person_by_full_name_or_alias():
    assert person_matches("Keir Starmer", Person("Keir Starmer"))
    assert person_matches("Keir Starmer", Person("Sir Keir Starmer"))
    assert person_matches("keir starmer", Person("Starmer", aliases=["Sir Keir"]))
    assert person_matches("Keir Starmer", Person("Starmer", aliases=["Mr Starmer"]))
    assert person_matches("Keir Starmer", Person("K. Starmer", aliases=["Keir Starmer"]))
    assert person_matches("Sir Keir", Person("Keir Starmer", aliases=["Sir Keir"]))


def test_person_not_matched_by_a_shared_surname_or_partial_word():
    assert not person_matches("Keir Starmer", Person("Victoria Starmer", aliases=["Mrs Starmer"]))
    assert not person_matches("Keir Starmer", Person("Starmerson", aliases=["Mr Starmerson"]))
    assert not person_matches("Keir Starmer", Person("Keir Hardie", aliases=["Keir"]))
    assert not person_matches("Keir Starmer", Person("Starmer", aliases=["Starmer family"]))


def test_organisation_by_name_or_initials():
    assert organisation_matches("Ministry of Defence", Organisation("ministry of defence"))
    assert organisation_matches("Ministry of Defence", Organisation("MoD"))
    assert organisation_matches("MOD", Organisation("Ministry of Defence"))
    assert organisation_matches("NATO", Organisation("North Atlantic Treaty Organization"))
    assert not organisation_matches("Ministry of Defence", Organisation("Ministry of Justice"))


def test_hits_and_counts():
    stories = group([wire(), near_copy(), rewrite(), flood(), rates()])
    report = watch(stories, ["Keir Starmer", "Ministry of Defence", "Andrew Bailey", "Nobody Atall"])
    assert report.counts == {"Keir Starmer": 1, "Ministry of Defence": 1, "Andrew Bailey": 1, "Nobody Atall": 0}
    assert report.lines()[0] == "Keir Starmer in 1 story"
    summit = [s for s in stories if len(s.items) > 1][0]
    assert report.names_in(summit) == ["Keir Starmer", "Ministry of Defence"]
    assert {h.outlet for h in report.hits[summit.id] if h.name == "Keir Starmer"} == {
        "Wire Service", "Daily Courier", "Evening Post"}


def test_count_stories_not_mentions():
    a = item("Starmer opens hospital in Leeds", "Keir Starmer opened a new children's hospital in Leeds.",
             "A", T0, people=[Person("Keir Starmer")], event_date="2026-01-06")
    b = item("Starmer hosts Irish taoiseach at Downing Street", "Sir Keir hosted the taoiseach to discuss "
             "trade and the border.", "B", T0 + dt.timedelta(hours=30),
             people=[Person("Starmer", aliases=["Sir Keir"])], event_date="2026-01-07")
    report = watch(group([a, b, wire()]), ["Keir Starmer"])
    assert report.lines() == ["Keir Starmer in 3 stories"]


def _ids(stories):
    return [s.id for s in stories]


def test_order_watch_then_outlets_then_time_then_key():
    stories = group([wire(), near_copy(), rewrite(), flood(), rates()])
    report = watch(stories, ["Andrew Bailey"])
    ordered = order(stories, report)
    assert [s.lead.source_name for s in ordered] == ["City Journal", "Wire Service", "Northern Echo"]
    assert [s.lead.source_name for s in order(stories)] == ["Wire Service", "City Journal", "Northern Echo"]


def test_order_is_deterministic_with_ties():
    same = [item(f"Unrelated story number {n} about {w}", f"A short text about {w} and nothing else.",
                 "Outlet", T0, event_date="2026-01-06")
            for n, w in enumerate(["apples", "bridges", "cranes", "dams", "eels", "ferries"])]
    expected = _ids(order(group(same)))
    assert expected == sorted(expected)       # all else equal: by key
    for seed in range(5):
        shuffled = same[:]
        random.Random(seed).shuffle(shuffled)
        assert _ids(order(group(shuffled))) == expected


def test_limit_per_feed_and_total_with_reasons():
    stories = order(group([wire(), near_copy(), rewrite(), flood(), rates()]))
    feeds = {"Wire Service": "world", "City Journal": "world", "Northern Echo": "uk"}
    stories = [dataclasses.replace(s, items=(dataclasses.replace(s.lead, brief=dataclasses.replace(
        s.lead.brief, source=dataclasses.replace(s.lead.brief.source, feed=feeds[s.lead.source_name]))),
        *s.items[1:])) for s in stories]
    kept, cut = limit(stories, max_per_feed=1, max_stories=10)
    assert [s.lead.source_name for s in kept] == ["Wire Service", "Northern Echo"]
    assert [(c.story.lead.source_name, c.reason) for c in cut] == [
        ("City Journal", "world already has 1 story (max_per_feed)")]
    kept, cut = limit(stories, max_stories=2)
    assert len(kept) == 2 and cut[0].reason == "the pack already has 2 stories (max_stories)"
    kept, cut = limit(stories)
    assert len(kept) == 3 and cut == []
