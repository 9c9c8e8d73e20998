"""A pack across days, from its history: the people index counts the runs of the last days that
named each person and marks those named for the first time, a story that continues one of an
earlier pack says what it follows, and an event long before the pack's date is background,
never new. Three daily runs from feeds served on 127.0.0.1."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from pipeline.errors import SettingsError
from pipeline.packs.build import build_pack, read_content
from pipeline.packs.history import History
from pipeline.packs.settings import load_pack
from pipeline.stories.tracking import is_background
from tests.packs import story_site
from tests.packs.articles import write_articles
from tests.packs.test_stories_pack import pack_file
from tests.web_server import Route, WebServer

DAYS = ("2026-01-06", "2026-01-07", "2026-01-08")

# Day 2: the summit's next turn; a Home Secretary named for the first time.
FOLLOW = ("/wire/vote.html", "Wire Service", "Starmer to put Ukraine peacekeeping force plan to MPs",
          "2026-01-07T07:30:00Z",
          "Prime Minister Keir Starmer will ask MPs to back the Ukraine peacekeeping force he agreed with President "
          "Emmanuel Macron in Paris, Downing Street said on Wednesday 7 January 2026.\n\nThe vote on sending British "
          "troops to the reassurance force is expected next week, and Defence Secretary John Healey will open the "
          "debate.\n\n\"Parliament must have its say before a single soldier is sent,\" said Home Secretary "
          "Yvette Cooper.")
# Day 3: the vote, which follows day 2's story; and an inquiry into an October fire: old news.
VOTE = ("/post/vote.html", "Evening Post", "MPs back Ukraine peacekeeping force after Starmer plan",
        "2026-01-08T18:00:00Z",
        "MPs voted on Thursday 8 January 2026 to back the Ukraine peacekeeping force agreed by Keir Starmer and "
        "Emmanuel Macron, clearing the way for British troops to join the reassurance force after a ceasefire."
        "\n\nDefence Secretary John Healey said planning teams would meet in Northwood this month.")
VOTE_COPY = ("/courier/vote.html", "Daily Courier", "Commons vote clears way for British peacekeepers in Ukraine",
             "2026-01-08T19:00:00Z", VOTE[4].split("\n\n", 1)[0])
OLD = ("/echo/fire.html", "Northern Echo", "Inquiry blames faulty wiring for Hull dock fire", "2026-01-08T09:00:00Z",
       "The fire that destroyed a warehouse at Alexandra Dock in Hull on Tuesday 14 October 2025 was caused by "
       "faulty wiring, an inquiry found.\n\nThe inquiry's chair, Dame Rosalind Pike, said the port operator had "
       "ignored three warnings from its own engineers.")

FEEDS = {  # what each feed lists on each day: yesterday's items stay, as in a real feed
    0: ([story_site.WIRE, story_site.REWRITE, story_site.FLOOD], [story_site.COPY, story_site.RATES]),
    1: ([story_site.WIRE, story_site.REWRITE, story_site.FLOOD, FOLLOW], [story_site.COPY, story_site.RATES]),
    2: ([story_site.FLOOD, FOLLOW, VOTE], [story_site.RATES, OLD, VOTE_COPY]),
}


class Site:
    """The story site, its feeds changing from day to day."""

    def __init__(self) -> None:
        self.server = WebServer()
        self.feeds = story_site.serve(self.server)
        base = self.server.url("")
        for path, outlet, headline, published, body in (FOLLOW, VOTE, VOTE_COPY, OLD):
            self.server.routes[path] = Route(body=story_site.page(outlet, headline, published, body))
        self.base = base

    def day(self, number: int) -> None:
        one, two = FEEDS[number]
        self.server.routes["/one.xml"] = Route(body=story_site.feed(self.base, "Feed one", one),
                                               content_type="application/rss+xml")
        self.server.routes["/two.xml"] = Route(body=story_site.feed(self.base, "Feed two", two),
                                               content_type="application/rss+xml")


@pytest.fixture()
def site():
    served = Site()
    yield served
    served.server.close()


def markdown(tmp_path: Path, date: str) -> str:
    return (tmp_path / "out" / "story-daily" / date / f"story-daily-{date}.md").read_text(encoding="utf-8")


def people(text: str) -> dict[str, str]:
    """The people index's Runs column, by name."""
    index = text.split("## People index", 1)[1].split("## Sources", 1)[0]
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in index.splitlines()
            if line.startswith("| ") and not line.startswith("| Name")]
    return {row[0].replace("\\", ""): row[3] for row in rows}


def story(text: str, headline: str) -> str:
    """The part of the pack from a story's heading to the next one."""
    start = re.search(rf"^#+ \d+\. {re.escape(headline)}$", text, re.M)
    assert start is not None, headline
    rest = text[start.end():]
    end = re.search(r"^#{2,3} \d+\. ", rest, re.M)
    return rest[:end.start()] if end else rest


def run_days(tmp_path: Path, site: Site, extra: str = "") -> Path:
    path = pack_file(tmp_path, site.feeds, extra)
    for number, date in enumerate(DAYS):
        site.day(number)
        result = build_pack(load_pack(path), date, email=False)
        assert result.failures == [] and not result.skipped, result.message
    return path


# --------------------------------------------------------------------------- the acceptance case


def test_three_daily_runs_count_people_mark_first_seen_and_say_what_a_story_follows(tmp_path, site):
    run_days(tmp_path, site)
    first, second, third = (markdown(tmp_path, date) for date in DAYS)

    # Day 1: everyone is named for the first time; nothing to follow.
    assert people(first)["Keir Starmer"] == "1 of 1, first seen"
    assert "Follows:" not in first

    # Day 2: the summit's people were named yesterday too; the Home Secretary is new.
    day2 = people(second)
    assert day2["Keir Starmer"] == "2 of 2"
    assert day2["Emmanuel Macron"] == "2 of 2"
    assert day2["Yvette Cooper"] == "1 of 2, first seen"
    follow = story(second, FOLLOW[2])
    assert ("Follows: Starmer and Macron agree plan for Ukraine peacekeeping force, Tuesday 6 January 2026."
            in follow)
    assert "New since the previous pack." in follow

    # Day 3: the vote, from two outlets, follows yesterday's story, the latest it continues.
    assert "2 stories from 3 articles." in third
    day3 = people(third)
    assert day3["Keir Starmer"] == "3 of 3"
    assert day3["John Healey"] == "3 of 3"   # in the rewrite on day 1, the follow-up on day 2
    vote = story(third, VOTE[2])
    assert "Follows: Starmer to put Ukraine peacekeeping force plan to MPs, Wednesday 7 January 2026." in vote
    assert "Also reported by: [Daily Courier" in vote
    assert "Runs: how many of this pack's 3 runs since Friday 2 January 2026" in third

    # The October fire is background: not new, and its inquiry chair is not "first seen".
    fire = story(third, OLD[2])
    assert "Background (event of 14 October 2025)." in fire
    assert "New since the previous pack." not in fire and "Follows:" not in fire
    assert day3["Rosalind Pike"] == "1 of 3"
    top = next(line for line in third.splitlines() if OLD[2] in line and line.startswith("- **"))
    assert "(background)" in top and "(new)" not in top

    # The content says the same, as data.
    content = read_content(tmp_path / "out" / "story-daily" / DAYS[2])
    assert content["recent_runs"] == list(DAYS) and content["recent_from"] == "2026-01-02"
    by_title = {e["brief"]["title"]: e for e in content["entries"]}
    assert by_title[OLD[2]]["background"] == "2025-10-14" and by_title[OLD[2]]["new"] is False
    assert by_title[VOTE[2]]["follows"] == {"title": FOLLOW[2], "date": DAYS[1]}
    seen = {p["name"]: p for p in content["people_seen"]}
    assert seen["Keir Starmer"]["dates"] == list(DAYS) and not seen["Keir Starmer"]["first_seen"]


def test_forced_runs_and_dry_runs_count_a_day_once_and_the_same_history_gives_the_same_bytes(tmp_path, site):
    path = pack_file(tmp_path, site.feeds)
    site.day(0)
    build_pack(load_pack(path), DAYS[0], email=False)
    site.day(1)
    build_pack(load_pack(path), DAYS[1], email=False)
    # Day 2 again, twice, and a dry run of day 3: still one run a date.
    build_pack(load_pack(path), DAYS[1], email=False, force=True)
    build_pack(load_pack(path), DAYS[1], email=False, force=True)
    site.day(2)
    dry = build_pack(load_pack(path), DAYS[2], email=False, dry_run=True)
    assert dry.skipped
    build_pack(load_pack(path), DAYS[2], email=False)
    text = markdown(tmp_path, DAYS[2])
    assert people(text)["Keir Starmer"] == "3 of 3"
    assert "since Friday 2 January 2026" in text
    with History(load_pack(path).history_path) as history:
        assert len([r for r in history.runs("Story daily") if r.pack_date == DAYS[1]]) == 3
    # Built again from the same inputs and the same history: the same files.
    folder = tmp_path / "out" / "story-daily" / DAYS[2]
    before = text, (folder / "content.json").read_bytes()
    build_pack(load_pack(path), DAYS[2], email=False, force=True)
    assert (markdown(tmp_path, DAYS[2]), (folder / "content.json").read_bytes()) == before


def test_the_same_article_on_the_next_day_follows_nothing_and_a_person_is_first_seen_once(tmp_path):
    write_articles(tmp_path / "articles")
    path = tmp_path / "plain.toml"
    path.write_text(f'name = "Story daily"\nsources = ["{tmp_path / "articles"}/"]\nformats = ["md"]\n'
                    f'output = "{tmp_path / "out"}"\n', encoding="utf-8")
    for date in DAYS[:2]:
        build_pack(load_pack(path), date, email=False)
    first, second = markdown(tmp_path, DAYS[0]), markdown(tmp_path, DAYS[1])
    assert people(first)["Maria Lopez"] == "1 of 1, first seen"
    assert people(second)["Maria Lopez"] == "2 of 2"
    assert "Follows:" not in second and "first seen" not in second.split("## People index")[1].split("Runs:")[0]
    assert "| In briefs | Runs |" in second


def test_history_days_zero_leaves_the_index_as_it_was_and_background_days_is_a_setting(tmp_path, site):
    run_days(tmp_path, site, "[stories]\nhistory_days = 0\nbackground_days = 120\n")
    third = markdown(tmp_path, DAYS[2])
    assert "| In stories |\n" in third and "Runs:" not in third and "Follows:" not in third
    # 86 days back is within 120: the fire is news again.
    assert "Background (event of" not in third
    assert "New since the previous pack." in story(third, OLD[2])


def test_background_is_more_than_the_days_before_the_pack():
    assert is_background("2025-01-06", "2025-12-04", 30)
    assert not is_background("2025-11-04", "2025-12-04", 30)
    assert is_background("2025-11-03", "2025-12-04", 30)
    assert not is_background("2025-01-06", "2025-12-04", 0)
    assert not is_background(None, "2025-12-04", 30)
    assert not is_background("not a date", "2025-12-04", 30)


# --------------------------------------------------------------------------- the pack file


@pytest.mark.parametrize("text, says", [
    ("[stories]\nhistory_days = -1\n", "stories.history_days: must be a whole number of days from 0 to 366"),
    ('[stories]\nbackground_days = "30"\n', "stories.background_days: must be a whole number of days"),
    ("[stories]\nhistory_days = 2.5\n", "stories.history_days: must be a whole number of days"),
])
def test_a_bad_days_setting_names_the_file_line_and_key(tmp_path, text, says):
    path = tmp_path / "daily.toml"
    path.write_text('name = "Daily"\nsources = ["seeds/"]\n' + text, encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_pack(path)
    assert str(caught.value).startswith(f"{path}:4: {says}")


def test_the_days_settings_are_read_and_reach_the_run_key(tmp_path):
    path = tmp_path / "daily.toml"
    path.write_text('name = "Daily"\nsources = ["seeds/"]\n[stories]\nhistory_days = 14\nbackground_days = 0\n',
                    encoding="utf-8")
    stories = load_pack(path).stories
    assert (stories.history_days, stories.background_days) == (14, 0)
    path.write_text('name = "Daily"\nsources = ["seeds/"]\n', encoding="utf-8")
    default = load_pack(path).stories
    assert (default.history_days, default.background_days) == (7, 30)
    assert json.loads(default.digest_text())[-2:] == [7, 30]


def test_the_history_keeps_a_runs_people_and_stories(tmp_path, site):
    path = run_days(tmp_path, site)
    with sqlite3.connect(load_pack(path).history_path) as db:
        people = db.execute("SELECT p.person, p.name FROM run_people p JOIN runs r ON r.id = p.run_id "
                            "WHERE r.pack_date = ? ORDER BY p.person", (DAYS[1],)).fetchall()
        stories = db.execute("SELECT s.title, s.features FROM run_stories s JOIN runs r ON r.id = s.run_id "
                             "WHERE r.pack_date = ? ORDER BY s.position", (DAYS[1],)).fetchall()
    assert ("yvette cooper", "Yvette Cooper") in people
    assert [title for title, _ in stories] == [FOLLOW[2]]
    features = json.loads(stories[0][1])
    assert features["event_date"] == "2026-01-07" and "Keir Starmer" in features["people"]
    assert len(features["text"]) <= 5000
