from __future__ import annotations

import dataclasses
import datetime as dt
import random

from pipeline.model import Person, Quote
from pipeline.stories import GroupSettings, explain, group

from tests.stories.articles import STARMER, T0, flood, item, near_copy, rates, rewrite, wire


def _titles(stories):
    return [[i.brief.title for i in s.items] for s in stories]


def test_three_versions_of_one_story_and_two_others():
    stories = group([rates(), rewrite(), flood(), near_copy(), wire()])
    assert len(stories) == 3
    (summit,) = [s for s in stories if len(s.items) > 1]
    assert summit.lead.source_name == "Wire Service"           # the fullest
    assert [a.outlet for a in summit.also] == ["Daily Courier", "Evening Post"]
    assert summit.also[0].url.startswith("https://dailycourier.example/")
    assert summit.also[0].time == T0 + dt.timedelta(hours=2)
    others = sorted(s.lead.source_name for s in stories if s is not summit)
    assert others == ["City Journal", "Northern Echo"]


def test_extras_name_their_source():
    (summit,) = [s for s in group([wire(), near_copy(), rewrite(), flood()]) if len(s.items) > 1]
    quotes = [e for e in summit.extras if e.kind == "quote"]
    assert [q.item.speaker for q in quotes] == ["John Healey"]
    assert quotes[0].outlet == "Evening Post" and quotes[0].url.startswith("https://eveningpost.")
    people = [e.item.name for e in summit.extras if e.kind == "person"]
    assert people == ["John Healey"]
    # The lead's own quote is not repeated as an extra.
    assert all("leave Ukraine" not in e.item.text for e in quotes)


def test_links_say_why():
    (summit,) = [s for s in group([wire(), near_copy(), rewrite()]) if len(s.items) > 1]
    reasons = {(summit.items[l.a].source_name, summit.items[l.b].source_name): l.reason for l in summit.links}
    copy = [r for pair, r in reasons.items() if set(pair) == {"Wire Service", "Daily Courier"}]
    assert copy and copy[0].startswith("shingle Jaccard 0.")
    assert any("Keir Starmer" in r and "title cosine" in r for r in reasons.values())
    assert explain(wire(), near_copy()).startswith("shingle Jaccard")
    assert explain(wire(), flood()).startswith("not joined")


def test_same_input_in_any_order_gives_the_same_stories():
    articles = [wire(), near_copy(), rewrite(), flood(), rates()]
    first = _titles(group(articles))
    for seed in range(5):
        shuffled = articles[:]
        random.Random(seed).shuffle(shuffled)
        assert _titles(group(shuffled)) == first


def test_lead_tie_broken_by_earliest():
    a = item("Council approves new bridge over the Tyne", "The council approved the bridge on Monday "
             "after a long debate about its cost and the route it would take across the river.",
             "Outlet A", T0 + dt.timedelta(hours=3))
    b = dataclasses.replace(a, outlet="Outlet B", time=T0,
                            brief=dataclasses.replace(a.brief, source=dataclasses.replace(a.brief.source,
                                                                                          sha256="f" * 64)))
    (story,) = group([a, b])
    assert story.lead.source_name == "Outlet B"


# --------------------------------------------------------------------------- adversarial


def test_same_person_different_events_stay_apart():
    visit = item("Starmer visits flood-hit York", "Keir Starmer visited York on Tuesday to see the "
                 "damage left by the floods and met volunteers filling sandbags at the barbican.",
                 "Northern Echo", T0 + dt.timedelta(hours=6), people=[STARMER], places=["York"],
                 event_date="2026-01-06")
    pmqs = item("Starmer clashes with Badenoch over NHS waiting lists", "Keir Starmer and Kemi Badenoch "
                "clashed at Prime Minister's Questions over hospital waiting lists, with the "
                "Conservative leader accusing the government of broken promises.", "Politics Daily",
                T0 + dt.timedelta(hours=4), people=[STARMER, Person("Kemi Badenoch")],
                orgs=["NHS"], places=["Westminster"], event_date="2026-01-06")
    stories = group([wire(), visit, pmqs])
    assert len(stories) == 3


def test_same_place_different_days_stay_apart():
    body = ("A large fire broke out at a warehouse in Leeds, and firefighters from across West Yorkshire "
            "were called to tackle the blaze. West Yorkshire Fire and Rescue Service said no one was hurt.")
    monday = item("Warehouse fire in Leeds", body, "Leeds Live", T0, orgs=["West Yorkshire Fire and Rescue Service"],
                  places=["Leeds"], event_date="2026-01-05")
    body2 = ("A fire broke out at a school in Leeds, and firefighters from across West Yorkshire were "
             "called to tackle the blaze. West Yorkshire Fire and Rescue Service said pupils were evacuated.")
    thursday = item("School fire in Leeds", body2, "Yorkshire Post", T0 + dt.timedelta(days=3),
                    orgs=["West Yorkshire Fire and Rescue Service"], places=["Leeds"], event_date="2026-01-08")
    assert len(group([monday, thursday])) == 2
    assert "event dates" in explain(monday, thursday) or "hours apart" in explain(monday, thursday)


def test_near_copy_joined_even_across_the_time_window():
    late = dataclasses.replace(near_copy(), time=T0 + dt.timedelta(days=5))
    assert len(group([wire(), late])) == 1


def test_window_keeps_rewrites_apart():
    late = dataclasses.replace(rewrite(), time=T0 + dt.timedelta(days=5))
    assert len(group([wire(), late])) == 2
    assert len(group([wire(), late], GroupSettings(window_hours=0))) == 1


def test_settings_are_frozen():
    settings = GroupSettings()
    try:
        settings.near_copy = 0.1  # type: ignore[misc]
    except dataclasses.FrozenInstanceError:
        pass
    else:  # pragma: no cover
        raise AssertionError("GroupSettings should be frozen")


def test_empty_and_single():
    assert group([]) == []
    (story,) = group([flood()])
    assert story.also == () and story.extras == () and story.links == ()


def test_quote_in_lead_text_is_not_an_extra():
    r = rewrite()
    copy = dataclasses.replace(near_copy(), brief=dataclasses.replace(
        near_copy().brief, quotes=[Quote("We will not leave Ukraine to face this alone", None, "")]))
    (summit,) = [s for s in group([wire(), copy, r]) if len(s.items) > 1]
    assert [e.item.speaker for e in summit.extras if e.kind == "quote"] == ["John Healey"]


def test_same_organisation_and_place_same_day_stay_apart():
    strike = item("Rail strike halts trains across the north", "Network Rail said no trains would run "
                  "in Manchester on Tuesday as signal workers walked out over pay, the first strike "
                  "of the new year.", "Rail News", T0, orgs=["Network Rail"], places=["Manchester"],
                  event_date="2026-01-06")
    landslip = item("Landslip closes line near Manchester", "Network Rail closed the line between "
                    "Manchester and Sheffield after a landslip buried the track near Edale following "
                    "heavy rain overnight.", "Northern Echo", T0 + dt.timedelta(hours=2),
                    orgs=["Network Rail"], places=["Manchester", "Sheffield"], event_date="2026-01-06")
    assert len(group([strike, landslip])) == 2


def test_reasons_name_people_first_then_organisations_places_and_date():
    reason = explain(wire(), rewrite())
    assert reason.startswith("shared: Emmanuel Macron, Keir Starmer")
    assert reason.index("Paris") < reason.index("2026-01-06") < reason.index("title cosine")


def test_grouping_does_not_depend_on_the_hash_seed():
    import os
    import subprocess
    import sys
    code = ("from tests.stories.articles import *; from pipeline.stories import group; "
            "print([[i.key for i in s.items] for s in group([wire(), near_copy(), rewrite(), flood(), rates()])])")
    outputs = set()
    for seed in ("1", "2", "3"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        outputs.add(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                                   check=True).stdout)
    assert len(outputs) == 1


def test_stories_package_imports_only_the_model_errors_and_the_standard_library():
    import ast
    import pathlib
    import sys
    allowed = {"pipeline.model", "pipeline.errors", "pipeline.stories"}
    folder = pathlib.Path(__file__).resolve().parents[2] / "pipeline" / "stories"
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                top = name.split(".")[0]
                assert top in sys.stdlib_module_names or any(
                    name == a or name.startswith(a + ".") for a in allowed), f"{path.name} imports {name}"


def test_settings_from_a_pack_table():
    import pytest

    from pipeline.errors import BriefError
    settings = GroupSettings.from_mapping({"window_hours": 48, "near_copy": 0.6})
    assert settings.window_hours == 48.0 and settings.near_copy == 0.6 and settings.min_shared == 2
    assert GroupSettings.from_mapping(dataclasses.asdict(settings)) == settings
    with pytest.raises(BriefError, match="unknown setting 'window'"):
        GroupSettings.from_mapping({"window": 3})
    with pytest.raises(BriefError, match="min_shared must be a number of at least 0, a whole one"):
        GroupSettings.from_mapping({"min_shared": 1.5})
    with pytest.raises(BriefError, match="near_copy"):
        GroupSettings.from_mapping({"near_copy": "high"})


def test_short_texts_with_one_headline_are_not_near_copies():
    a = item("Live updates", "", "Outlet A", T0)
    b = item("Live updates", "", "Outlet B", T0 + dt.timedelta(hours=1))
    assert len(group([a, b])) == 2
    assert explain(a, b).startswith("not joined: under 40 words")
    c = item("Live updates", "The minister resigned this morning.", "Outlet C", T0)
    assert len(group([a, c])) == 2


def test_story_to_dict_is_json():
    import json
    (summit,) = [s for s in group([wire(), near_copy(), rewrite()]) if len(s.items) > 1]
    data = json.loads(json.dumps(summit.to_dict()))
    assert data["title"] == wire().brief.title and data["lead"]["outlet"] == "Wire Service"
    assert [a["outlet"] for a in data["also"]] == ["Daily Courier", "Evening Post"]
    assert data["also"][0]["time"] == "2026-01-06T11:00:00+00:00"
    assert data["extras"][0]["item"]["speaker"] == "John Healey"
    assert {l["kind"] for l in data["links"]} == {"near-copy", "same event"}


# --------------------------------------------------------------------------- look-alike events


def _quake(title: str, body: str, outlet: str, hours: float, places) -> "Item":
    return item(title, body, outlet, T0 + dt.timedelta(hours=hours), orgs=["Geological Survey"],
                places=places, event_date="2026-01-06")


QUAKE = ("A strong earthquake of magnitude 6.1 struck {place} on Tuesday, damaging houses and roads "
         "and sending residents running into the streets, the Geological Survey said. Dozens of "
         "people were injured and rescue teams were searching collapsed buildings near {town}.")


def _two_quakes():
    aceh = [_quake("Strong earthquake hits Aceh, dozens injured", QUAKE.format(place="Aceh", town="Bireuen"),
                   "Wire Service", 0, ["Aceh", "Bireuen"]),
            _quake("Dozens hurt as 6.1 quake shakes Aceh", QUAKE.format(place="Aceh province", town="Bireuen")
                   + " Power was cut across the province.", "Daily Courier", 2, ["Aceh", "Bireuen"])]
    papua = [_quake("Strong earthquake hits West Papua, dozens injured",
                    QUAKE.format(place="West Papua", town="Manokwari"), "Evening Post", 1, ["West Papua", "Manokwari"]),
             _quake("Dozens hurt as quake shakes West Papua", QUAKE.format(place="West Papua province",
                    town="Manokwari") + " Flights were suspended.", "City Journal", 3, ["West Papua", "Manokwari"])]
    return aceh, papua


def test_look_alike_events_on_one_day_stay_apart_and_each_joins_its_write_ups():
    aceh, papua = _two_quakes()
    stories = group(aceh + papua)
    assert sorted(sorted(i.brief.title for i in s.items) for s in stories) == \
        sorted([sorted(i.brief.title for i in aceh), sorted(i.brief.title for i in papua)])
    assert explain(aceh[0], papua[0]).startswith("not joined")
    reason = explain(aceh[0], papua[0])
    assert "titles name aceh and papua" in reason and "under" not in reason


def test_a_chain_through_an_untitled_write_up_does_not_join_look_alike_events():
    aceh, papua = _two_quakes()
    # A write-up whose title names no place reads like both; it may join one of them, not both.
    vague = _quake("Strong earthquake injures dozens", QUAKE.format(place="the region", town="the coast"),
                   "Rail News", 1.5, [])
    stories = group(aceh + papua + [vague])
    places = [{p for i in s.items for p in i.brief.locations} for s in stories]
    assert not any({"Aceh", "West Papua"} <= p for p in places)


def test_a_name_the_extractor_missed_still_counts_as_mentioned():
    # The second title names Bireuen, which the first article mentions without having it
    # among its places: one event, not two.
    first = _quake("Strong earthquake hits Aceh, dozens injured", QUAKE.format(place="Aceh", town="Bireuen"),
                   "Wire Service", 0, ["Aceh"])
    second = _quake("Houses collapse in Bireuen as quake hits", QUAKE.format(place="Aceh", town="Bireuen"),
                    "Daily Courier", 2, ["Bireuen"])
    assert len(group([first, second])) == 1
