"""Cron parsing, fire times across daylight-saving changes, and the scheduler (with an injected
clock; one test runs two schedulers in two real processes)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.errors import BriefError
from pipeline.packs.locking import PackLock
from pipeline.packs.settings import PackConfig, load_pack
from pipeline.packs.schedule import (Scheduler, fire_times, last_fire_time, next_fire_time, pack_date_of, parse_cron)
from pipeline.packs.history import History

ROOT = Path(__file__).resolve().parent.parent
UTC = timezone.utc
LONDON = ZoneInfo("Europe/London")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
NEW_YORK = ZoneInfo("America/New_York")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def fires(expr: str, zone: ZoneInfo, after: datetime, count: int) -> list[datetime]:
    return fire_times(parse_cron(expr), zone, after, count)


def as_utc(times: list[datetime]) -> list[datetime]:
    """Compare instants in UTC: Python's == between time zones is always False for a wall time in a
    repeated hour (PEP 495), even for the same instant."""
    return [t.astimezone(UTC) for t in times]


# -- parsing -------------------------------------------------------------------------------------

@pytest.mark.parametrize("expr, expected", [
    ("* * * * *", dict(minutes=tuple(range(60)), hours=tuple(range(24)), days_of_month=tuple(range(1, 32)),
                       months=tuple(range(1, 13)), days_of_week=tuple(range(7)))),
    ("*/15 0-6/2 1,15 jan-mar,DEC mon-fri", dict(minutes=(0, 15, 30, 45), hours=(0, 2, 4, 6), days_of_month=(1, 15),
                                                 months=(1, 2, 3, 12), days_of_week=(1, 2, 3, 4, 5))),
    ("5,10-12,50-59/5 7 * 6 *", dict(minutes=(5, 10, 11, 12, 50, 55), hours=(7,), months=(6,))),
    ("0 7 * * 7", dict(days_of_week=(0,))),
    ("0 7 * * 0,7,sun", dict(days_of_week=(0,))),
    ("0 7 * * 5-7", dict(days_of_week=(0, 5, 6))),
    ("0 7 * * fri-sun", dict(days_of_week=(0, 5, 6))),
    ("0 7 * * Sat,SUN", dict(days_of_week=(0, 6))),
    ("0 0 1 * mon", dict(day_of_month_restricted=True, day_of_week_restricted=True)),
    ("0 0 */2 * mon", dict(day_of_month_restricted=False, day_of_week_restricted=True, days_of_month=tuple(range(1, 32, 2)))),
    ("0 0 1 * *", dict(day_of_month_restricted=True, day_of_week_restricted=False)),
    ("  0   7 * *  1-5 ", dict(minutes=(0,), hours=(7,), days_of_week=(1, 2, 3, 4, 5))),
])
def test_parse_valid_forms(expr, expected):
    spec = parse_cron(expr)
    for attribute, value in expected.items():
        assert getattr(spec, attribute) == value, attribute


@pytest.mark.parametrize("expr, field, reason", [
    ("60 * * * *", "cron field 1 (minute)", "60 is out of range 0-59"),
    ("* 24 * * *", "cron field 2 (hour)", "24 is out of range 0-23"),
    ("* * 0 * *", "cron field 3 (day of month)", "0 is out of range 1-31"),
    ("* * 32 * *", "cron field 3 (day of month)", "32 is out of range 1-31"),
    ("* * * 13 *", "cron field 4 (month)", "13 is out of range 1-12"),
    ("* * * * 8", "cron field 5 (day of week)", "8 is out of range 0-7"),
    ("* * * foo *", "cron field 4 (month)", "'foo' is not a number or a month name"),
    ("* * * * funday", "cron field 5 (day of week)", "'funday' is not a number or a day of week name"),
    ("* mon * * *", "cron field 2 (hour)", "'mon' is not a number"),
    ("* * * mon *", "cron field 4 (month)", "'mon' is not a number or a month name"),
    ("*/0 * * * *", "cron field 1 (minute)", "step '0' is not a whole number of at least 1"),
    ("*/x * * * *", "cron field 1 (minute)", "step 'x' is not a whole number"),
    ("5/10 * * * *", "cron field 1 (minute)", "a step needs '*' or a range before it"),
    ("10-5 * * * *", "cron field 1 (minute)", "range '10-5' runs backwards"),
    ("1,,2 * * * *", "cron field 1 (minute)", "empty list item"),
    ("* 1, * * *", "cron field 2 (hour)", "empty list item"),
    ("-5 * * * *", "cron field 1 (minute)", "'' is not a number"),
    ("1.5 * * * *", "cron field 1 (minute)", "'1.5' is not a number"),
    ("0 0 30 2 *", "cron field 3 (day of month)", "never fires"),
    ("0 0 31 4,6 *", "cron field 3 (day of month)", "never fires"),
    ("* * * *", "cron expression", "expected 5 fields"),
    ("* * * * * *", "cron expression", "expected 5 fields"),
    ("", "cron expression", "expected 5 fields"),
])
def test_invalid_expressions_name_the_field_and_the_reason(expr, field, reason):
    with pytest.raises(ValueError) as caught:
        parse_cron(expr)
    message = str(caught.value)
    assert message.startswith(field)
    assert reason in message
    assert "\n" not in message


def test_thirty_first_of_february_fires_when_the_weekday_field_also_applies():
    # Either day field may match, so "31 February or any Monday" is every Monday in February.
    assert fires("0 0 31 2 mon", UTC, utc(2026, 1, 1), 2) == [utc(2026, 2, 2), utc(2026, 2, 9)]


# -- fire times ----------------------------------------------------------------------------------

def test_fire_times_are_strictly_after_and_in_the_zone():
    result = fires("0 7 * * 1-5", LONDON, datetime(2026, 5, 4, 7, 0, tzinfo=LONDON), 3)
    assert as_utc(result) == [datetime(2026, 5, 5, 7, tzinfo=LONDON), datetime(2026, 5, 6, 7, tzinfo=LONDON),
                      datetime(2026, 5, 7, 7, tzinfo=LONDON)]
    assert all(t.tzinfo is LONDON for t in result)
    friday = datetime(2026, 5, 8, 7, 0, tzinfo=LONDON)
    assert next_fire_time(parse_cron("0 7 * * 1-5"), LONDON, friday) == datetime(2026, 5, 11, 7, tzinfo=LONDON)


def test_fire_times_of_a_rare_schedule_are_found_quickly():
    start = time.monotonic()
    assert fires("0 0 29 2 *", UTC, utc(2026, 1, 1), 2) == [utc(2028, 2, 29), utc(2032, 2, 29)]
    assert time.monotonic() - start < 1


def test_fire_times_need_an_aware_time():
    with pytest.raises(ValueError, match="no time zone"):
        fires("* * * * *", UTC, datetime(2026, 1, 1), 1)
    assert fires("* * * * *", UTC, utc(2026, 1, 1), 0) == []


def test_either_day_field_matches_when_both_are_restricted():
    # The 13th of the month or any Friday.
    days = [t.date().isoformat() for t in fires("0 0 13 * fri", UTC, utc(2026, 3, 1), 8)]
    assert days == ["2026-03-06", "2026-03-13", "2026-03-20", "2026-03-27",
                    "2026-04-03", "2026-04-10", "2026-04-13", "2026-04-17"]


def test_both_day_fields_must_match_when_one_starts_with_a_star():
    # Vixie cron: "*/2" is not a restriction for the either-or rule, so odd days that are Fridays.
    days = [t.date().isoformat() for t in fires("0 0 */2 * fri", UTC, utc(2026, 3, 1), 4)]
    assert days == ["2026-03-13", "2026-03-27", "2026-04-03", "2026-04-17"]
    assert [t.day for t in fires("0 0 13 * *", UTC, utc(2026, 3, 1), 2)] == [13, 13]


def test_london_spring_forward_gap_fires_once_shifted_by_the_gap():
    # 01:30 does not exist on 29 March 2026: it fires at 02:30 BST, 01:30 UTC.
    result = fires("30 1 * * *", LONDON, utc(2026, 3, 28, 12), 3)
    assert as_utc(result) == [utc(2026, 3, 29, 1, 30), utc(2026, 3, 30, 0, 30), utc(2026, 3, 31, 0, 30)]
    assert (result[0].hour, result[0].minute, result[0].utcoffset()) == (2, 30, timedelta(hours=1))
    assert pack_date_of(result[0]) == "2026-03-29"


def test_london_fall_back_fires_once_at_the_first_occurrence():
    # 01:30 happens twice on 25 October 2026: 00:30 UTC (BST) and 01:30 UTC (GMT); only the first.
    result = fires("30 1 * * *", LONDON, utc(2026, 10, 24, 12), 2)
    assert as_utc(result) == [utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 1, 30)]
    assert result[0].fold == 0 and result[0].utcoffset() == timedelta(hours=1)


def test_london_hourly_across_both_changes_has_no_duplicate_instant():
    spring = fires("0 * * * *", LONDON, utc(2026, 3, 28, 23, 30), 4)
    # 01:00 GMT never was: shifted it is 02:00 BST, the same instant as 02:00 BST itself; one run.
    assert as_utc(spring) == [utc(2026, 3, 29, 0), utc(2026, 3, 29, 1), utc(2026, 3, 29, 2), utc(2026, 3, 29, 3)]
    autumn = fires("0 * * * *", LONDON, utc(2026, 10, 24, 22, 30), 4)
    # 01:00 fires once (BST); the repeated 01:00 GMT, 01:00 UTC, does not.
    assert as_utc(autumn) == [utc(2026, 10, 24, 23), utc(2026, 10, 25, 0), utc(2026, 10, 25, 2), utc(2026, 10, 25, 3)]


def test_shifted_gap_times_come_out_in_time_order():
    # Wall order 01:00, 01:30, 02:00, 02:30 on 29 March is instant order 01:00, 01:30, 01:00, 01:30 UTC.
    result = fires("0,30 1,2 * * *", LONDON, utc(2026, 3, 29, 0), 6)
    assert as_utc(result) == [utc(2026, 3, 29, 1, 0), utc(2026, 3, 29, 1, 30),
                      utc(2026, 3, 30, 0, 0), utc(2026, 3, 30, 0, 30), utc(2026, 3, 30, 1, 0), utc(2026, 3, 30, 1, 30)]


def test_lord_howe_half_hour_gap_hourly():
    # 4 October 2026: 02:00 (+10:30) jumps to 02:30 (+11). 02:00 fires at 02:30 local, 15:30 UTC.
    result = fires("0 * * * *", LORD_HOWE, utc(2026, 10, 3, 13, 0), 5)
    assert as_utc(result) == [utc(2026, 10, 3, 13, 30), utc(2026, 10, 3, 14, 30), utc(2026, 10, 3, 15, 30),
                      utc(2026, 10, 3, 16, 0), utc(2026, 10, 3, 17, 0)]
    assert [(t.hour, t.minute) for t in result] == [(0, 0), (1, 0), (2, 30), (3, 0), (4, 0)]
    quarter_past = fires("15 * * * *", LORD_HOWE, utc(2026, 10, 3, 15, 0), 2)
    assert as_utc(quarter_past) == [utc(2026, 10, 3, 15, 45), utc(2026, 10, 3, 16, 15)]


def test_lord_howe_half_hour_fall_back_hourly():
    # 5 April 2026: 02:00 (+11) goes back to 01:30 (+10:30); 01:30 happens twice, fires once.
    result = fires("30 * * * *", LORD_HOWE, utc(2026, 4, 4, 13, 0), 4)
    assert as_utc(result) == [utc(2026, 4, 4, 13, 30), utc(2026, 4, 4, 14, 30), utc(2026, 4, 4, 16, 0), utc(2026, 4, 4, 17, 0)]
    on_the_hour = fires("0 * * * *", LORD_HOWE, utc(2026, 4, 4, 13, 30), 3)
    assert as_utc(on_the_hour) == [utc(2026, 4, 4, 14, 0), utc(2026, 4, 4, 15, 30), utc(2026, 4, 4, 16, 30)]


def test_new_york_both_changes():
    spring = fires("30 2 * * *", NEW_YORK, utc(2026, 3, 7, 0), 3)
    # 02:30 does not exist on 8 March: 03:30 EDT.
    assert as_utc(spring) == [utc(2026, 3, 7, 7, 30), utc(2026, 3, 8, 7, 30), utc(2026, 3, 9, 6, 30)]
    assert (spring[1].hour, spring[1].minute) == (3, 30)
    autumn = fires("30 1 * * *", NEW_YORK, utc(2026, 10, 31, 12), 2)
    assert as_utc(autumn) == [utc(2026, 11, 1, 5, 30), utc(2026, 11, 2, 6, 30)]
    both_hours = fires("0 2,3 * * *", NEW_YORK, utc(2026, 3, 8, 0), 2)
    assert as_utc(both_hours) == [utc(2026, 3, 8, 7), utc(2026, 3, 9, 6)]


def test_last_fire_time_follows_the_same_policy():
    spec = parse_cron("30 1 * * *")
    assert last_fire_time(spec, LONDON, utc(2026, 3, 29, 12)).astimezone(UTC) == utc(2026, 3, 29, 1, 30)
    assert last_fire_time(spec, LONDON, utc(2026, 3, 29, 1, 29)).astimezone(UTC) == utc(2026, 3, 28, 1, 30)
    assert last_fire_time(spec, LONDON, utc(2026, 10, 25, 1, 45)).astimezone(UTC) == utc(2026, 10, 25, 0, 30)
    assert last_fire_time(spec, LONDON, utc(2026, 10, 25, 0, 30)).astimezone(UTC) == utc(2026, 10, 25, 0, 30)
    assert last_fire_time(parse_cron("0 0 29 2 *"), UTC, utc(2026, 1, 1)).astimezone(UTC) == utc(2024, 2, 29)


def test_pack_date_is_the_local_date_of_the_fire_time():
    evening = next_fire_time(parse_cron("0 22 * * *"), NEW_YORK, utc(2026, 1, 5, 12))
    assert evening.astimezone(UTC) == utc(2026, 1, 6, 3)
    assert pack_date_of(evening) == "2026-01-05"
    assert pack_date_of(utc(2026, 1, 6, 3), NEW_YORK) == "2026-01-05"


FIELD_ITEMS = {
    "minute": (0, 59), "hour": (0, 23), "dom": (1, 31), "month": (1, 12), "dow": (0, 7),
}


@st.composite
def cron_field(draw, low: int, high: int) -> str:
    def item() -> st.SearchStrategy[str]:
        number = st.integers(low, high)
        single = number.map(str)
        ranged = st.tuples(number, number).map(lambda ab: f"{min(ab)}-{max(ab)}")
        stepped = st.tuples(ranged, st.integers(1, 10)).map(lambda rs: f"{rs[0]}/{rs[1]}")
        star_step = st.integers(1, 15).map(lambda n: f"*/{n}")
        return st.one_of(single, ranged, stepped, star_step)

    if draw(st.booleans()):
        return "*"
    return ",".join(draw(st.lists(item(), min_size=1, max_size=3)))


@st.composite
def cron_expression(draw) -> str:
    while True:
        expr = " ".join(draw(cron_field(*bounds)) for bounds in FIELD_ITEMS.values())
        try:
            parse_cron(expr)
            return expr
        except ValueError:       # e.g. 31 in months of 30 days only
            pass


def _brute_force_utc(expr: str, start: datetime, minutes: int) -> list[datetime]:
    """Minute by minute over a short window, with cron's day rule written out again."""
    fields = expr.split()
    spec = parse_cron(expr)
    found = []
    for step in range(1, minutes + 1):
        t = start + timedelta(minutes=step)
        in_month = t.day in spec.days_of_month
        in_week = t.isoweekday() % 7 in spec.days_of_week
        both_restricted = not fields[2].startswith("*") and not fields[4].startswith("*")
        day_ok = (in_month or in_week) if both_restricted else (in_month and in_week)
        if day_ok and t.month in spec.months and t.hour in spec.hours and t.minute in spec.minutes:
            found.append(t)
    return found


@settings(max_examples=60, deadline=None)
@given(expr=cron_expression(), offset=st.integers(0, 365 * 24 * 60))
def test_fire_times_match_a_minute_by_minute_search_in_utc(expr, offset):
    start = utc(2026, 1, 1) + timedelta(minutes=offset)
    window = 3 * 24 * 60
    expected = _brute_force_utc(expr, start, window)
    result = fires(expr, UTC, start, len(expected) + 1)
    assert result[:len(expected)] == expected
    assert result[len(expected)] > start + timedelta(minutes=window)


@settings(max_examples=80, deadline=None)
@given(expr=cron_expression(), zone=st.sampled_from([LONDON, LORD_HOWE, NEW_YORK]),
       change=st.sampled_from([utc(2026, 3, 29, 1), utc(2026, 10, 25, 1), utc(2026, 10, 3, 15, 30),
                               utc(2026, 4, 4, 15), utc(2026, 3, 8, 7), utc(2026, 11, 1, 6)]),
       offset=st.integers(-36 * 60, 36 * 60))
def test_last_and_next_fire_times_agree_around_clock_changes(expr, zone, change, offset):
    spec = parse_cron(expr)
    at = change + timedelta(minutes=offset)
    following = as_utc(fire_times(spec, zone, at, 5))
    assert following == sorted(set(following)) and all(t > at for t in following)
    latest = last_fire_time(spec, zone, at)
    if latest is not None:
        assert latest <= at
        assert next_fire_time(spec, zone, latest).astimezone(UTC) == following[0]


# -- the scheduler -------------------------------------------------------------------------------

def make_pack(tmp_path: Path, schedule: str | None = "0 7 * * *", zone: str = "UTC", name: str = "Daily",
              history: Path | None = None) -> PackConfig:
    history = history or tmp_path / "h.sqlite"
    lines = [f'name = "{name}"', 'sources = ["x"]', f'timezone = "{zone}"', f'history = "{history}"']
    if schedule is not None:
        lines.append(f'schedule = "{schedule}"')
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / f"{name}.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_pack(path)


def record_completed(pack: PackConfig, pack_date: str, outcome: str = "ok") -> None:
    with History(pack.history_path) as history:
        run = history.start_run(pack.name, pack_date, f"key-{pack_date}", "t", "t")
        history.finish_run(run, outcome, [], [], 1.0)


class FakeTime:
    """An injected clock; sleeping advances it. `stop_at` asks the scheduler to stop once reached."""

    def __init__(self, now: datetime, stop_at: datetime | None = None) -> None:
        self.now = now
        self.stop_at = stop_at
        self.sleeps: list[float] = []
        self.scheduler: Scheduler | None = None

    def clock(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += timedelta(seconds=seconds)
        if self.stop_at is not None and self.now >= self.stop_at:
            self.scheduler.request_stop()


class Runs:
    """A run_pack that records its calls and, like `brief pack run`, finishes the run in History."""

    def __init__(self, fake: FakeTime, seconds: float = 2.0) -> None:
        self.fake = fake
        self.seconds = seconds
        self.calls: list[tuple[str, str, datetime]] = []
        self.behaviours: list = []       # per call: None, an exception, or a callable

    def __call__(self, pack: PackConfig, pack_date: str) -> int:
        self.calls.append((pack.name, pack_date, self.fake.now))
        behaviour = self.behaviours.pop(0) if self.behaviours else None
        self.fake.now += timedelta(seconds=self.seconds)
        if isinstance(behaviour, Exception):
            raise behaviour
        if callable(behaviour):
            behaviour()
        record_completed(pack, pack_date)
        return 0


def make_scheduler(packs: list[PackConfig], fake: FakeTime, grace: timedelta = timedelta(hours=6)):
    lines: list[str] = []
    runs = Runs(fake)
    scheduler = Scheduler(packs, runs, clock=fake.clock, sleep=fake.sleep, grace=grace, log=lines.append)
    fake.scheduler = scheduler
    return scheduler, runs, lines


def test_a_pack_without_a_schedule_is_refused(tmp_path):
    pack = make_pack(tmp_path, schedule=None)
    with pytest.raises(BriefError) as caught:
        Scheduler([pack], lambda pack, day: 0)
    assert caught.value.subject == str(pack.path)
    assert "no schedule" in caught.value.problem


def test_a_pack_with_a_bad_schedule_is_refused_naming_the_field(tmp_path):
    with pytest.raises(BriefError) as caught:
        make_pack(tmp_path, schedule="0 25 * * *")
    assert caught.value.subject.startswith(str(tmp_path))
    assert "schedule: cron field 2 (hour)" in caught.value.problem


def test_two_packs_with_one_name_are_refused(tmp_path):
    first = make_pack(tmp_path / "a", name="Daily")
    second = make_pack(tmp_path / "b", name="Daily")
    with pytest.raises(BriefError, match="also used by"):
        Scheduler([first, second], lambda pack, day: 0)


def test_catch_up_runs_the_latest_missed_fire_time_once_inside_the_grace_window(tmp_path):
    pack = make_pack(tmp_path)
    fake = FakeTime(utc(2026, 5, 4, 9, 0))
    # Three days of grace would cover 2 and 3 May too: only the latest, 4 May, runs.
    scheduler, runs, lines = make_scheduler([pack], fake, grace=timedelta(days=3))
    scheduler.catch_up()
    assert [(name, day) for name, day, _ in runs.calls] == [("Daily", "2026-05-04")]
    assert lines == ["Daily 2026-05-04: finished with exit code 0 in 2.0s"]


def test_catch_up_uses_the_local_pack_date(tmp_path):
    pack = make_pack(tmp_path, schedule="0 22 * * *", zone="America/New_York")
    fake = FakeTime(utc(2026, 1, 6, 4, 0))         # 23:00 on 5 January in New York
    scheduler, runs, _ = make_scheduler([pack], fake)
    scheduler.catch_up()
    assert [day for _, day, _ in runs.calls] == ["2026-01-05"]


def test_catch_up_outside_the_grace_window_is_logged_and_skipped(tmp_path):
    pack = make_pack(tmp_path)
    fake = FakeTime(utc(2026, 5, 4, 13, 1))         # 6h01 after 07:00
    scheduler, runs, lines = make_scheduler([pack], fake)
    scheduler.catch_up()
    assert runs.calls == []
    assert lines == ["Daily 2026-05-04: missed the run due 2026-05-04 07:00 UTC, more than 6h ago; skipped"]


def test_catch_up_runs_again_after_a_failed_run(tmp_path):
    pack = make_pack(tmp_path)
    record_completed(pack, "2026-05-04", outcome="failed")
    fake = FakeTime(utc(2026, 5, 4, 9, 0))
    scheduler, runs, _ = make_scheduler([pack], fake)
    scheduler.catch_up()
    assert len(runs.calls) == 1


def test_the_loop_runs_a_pack_at_its_fire_time(tmp_path):
    pack = make_pack(tmp_path)
    fake = FakeTime(utc(2026, 5, 4, 6, 59, 57, 500000))
    scheduler, runs, lines = make_scheduler([pack], fake)
    runs.behaviours = [scheduler.request_stop]
    assert scheduler.run_forever() == 0
    assert runs.calls == [("Daily", "2026-05-04", utc(2026, 5, 4, 7, 0))]
    assert fake.sleeps and max(fake.sleeps) <= 1.0
    assert lines == ["Daily 2026-05-03: missed the run due 2026-05-03 07:00 UTC, more than 6h ago; skipped",
                     "Daily 2026-05-04: finished with exit code 0 in 2.0s"]


def test_a_run_that_raises_is_logged_and_the_loop_goes_on(tmp_path):
    pack = make_pack(tmp_path, schedule="* * * * *")
    fake = FakeTime(utc(2026, 5, 4, 6, 58, 30), stop_at=utc(2026, 5, 4, 7, 0, 30))
    scheduler, runs, lines = make_scheduler([pack], fake)
    runs.behaviours = [RuntimeError("disk full\nsecond line")]
    assert scheduler.run_forever() == 0
    # Catch-up for 06:58 raises; the loop goes on and runs at 06:59 and 07:00 (a run is safe to repeat).
    assert [when for _, _, when in runs.calls] == [utc(2026, 5, 4, 6, 58, 30), utc(2026, 5, 4, 6, 59),
                                                   utc(2026, 5, 4, 7, 0)]
    assert lines[0] == "Daily 2026-05-04: failed (RuntimeError: disk full second line) after 2.0s"
    assert lines[1:] == ["Daily 2026-05-04: finished with exit code 0 in 2.0s"] * 2


def test_a_stop_request_finishes_the_current_run_then_returns_zero(tmp_path):
    first = make_pack(tmp_path / "a", name="Alpha", history=tmp_path / "a.sqlite")
    second = make_pack(tmp_path / "b", name="Bravo", history=tmp_path / "b.sqlite")
    fake = FakeTime(utc(2026, 5, 4, 6, 59, 59))
    scheduler, runs, lines = make_scheduler([first, second], fake)
    finished = []
    runs.behaviours = [lambda: (scheduler.request_stop(), finished.append("Alpha"))]
    assert scheduler.run_forever() == 0
    assert finished == ["Alpha"]                     # the run in progress went to its end
    assert [name for name, _, _ in runs.calls] == ["Alpha"]    # Bravo, due too, waits for next time
    assert lines[-1] == "Alpha 2026-05-04: finished with exit code 0 in 2.0s"


def test_a_stop_request_while_sleeping_returns_promptly(tmp_path):
    pack = make_pack(tmp_path)
    fake = FakeTime(utc(2026, 5, 4, 3, 0))
    scheduler, runs, _ = make_scheduler([pack], fake)
    fake.stop_at = fake.now                          # asked to stop during the first sleep
    assert scheduler.run_forever() == 0
    assert runs.calls == [] and fake.sleeps == [1.0]


def test_a_pack_runs_with_its_lock_held(tmp_path):
    pack = make_pack(tmp_path)
    lock_free_during_run: list[bool] = []
    fake = FakeTime(utc(2026, 5, 4, 7, 30))
    runs = Runs(fake)

    def probe() -> None:
        other = PackLock(pack.lock_path, "probe")
        lock_free_during_run.append(other.acquire())
        other.release()

    runs.behaviours = [probe]
    Scheduler([pack], runs, clock=fake.clock, sleep=fake.sleep, log=[].append).catch_up()
    assert lock_free_during_run == [False] and len(runs.calls) == 1
    after = PackLock(pack.lock_path, "after")
    assert after.acquire()                          # released after the run
    after.release()


def test_a_pack_locked_by_another_process_waits_and_then_runs(tmp_path):
    pack = make_pack(tmp_path)
    other = PackLock(pack.lock_path, "manual run")
    assert other.acquire()
    fake = FakeTime(utc(2026, 5, 4, 7, 30))
    scheduler, runs, lines = make_scheduler([pack], fake)
    original_sleep = fake.sleep

    def sleep(seconds: float) -> None:              # the other run finishes after ten seconds
        original_sleep(seconds)
        if len(fake.sleeps) == 10:
            other.release()

    scheduler.sleep = sleep
    scheduler.catch_up()
    assert len(runs.calls) == 1 and runs.calls[0][2] == utc(2026, 5, 4, 7, 30, 10)
    assert lines[0] == f"Daily 2026-05-04: another process is running this pack ({pack.lock_path}); waiting for it"


def test_a_pack_locked_for_too_long_is_skipped(tmp_path):
    pack = make_pack(tmp_path)
    other = PackLock(pack.lock_path, "stuck run")
    assert other.acquire()
    try:
        fake = FakeTime(utc(2026, 5, 4, 7, 30))
        scheduler, runs, lines = make_scheduler([pack], fake)
        scheduler.lock_wait = timedelta(seconds=30)
        scheduler.catch_up()
    finally:
        other.release()
    assert runs.calls == []
    assert lines[-1] == "Daily 2026-05-04: the other run did not finish within 30s; skipped"


def test_upcoming_lists_the_next_fire_times_of_each_pack(tmp_path):
    london = make_pack(tmp_path / "a", schedule="30 1 * * *", zone="Europe/London", name="London")
    weekdays = make_pack(tmp_path / "b", schedule="0 7 * * mon-fri", name="Weekdays")
    fake = FakeTime(utc(2026, 3, 27, 12))
    scheduler, _, _ = make_scheduler([london, weekdays], fake)
    upcoming = scheduler.upcoming(count=3)
    assert {name: as_utc(times) for name, times in upcoming.items()} == {
        "London": [utc(2026, 3, 28, 1, 30), utc(2026, 3, 29, 1, 30), utc(2026, 3, 30, 0, 30)],
        "Weekdays": [utc(2026, 3, 30, 7), utc(2026, 3, 31, 7), utc(2026, 4, 1, 7)],
    }
    assert upcoming["London"][1].tzinfo == LONDON


def test_the_default_log_writes_one_prefixed_line_to_stderr(tmp_path, capsys):
    pack = make_pack(tmp_path)
    fake = FakeTime(utc(2026, 5, 4, 20, 0))
    Scheduler([pack], lambda pack, day: 0, clock=fake.clock, sleep=fake.sleep).catch_up()
    assert capsys.readouterr().err == ("brief: schedule: Daily 2026-05-04: missed the run due 2026-05-04 07:00 UTC, "
                                       "more than 6h ago; skipped\n")


def test_signals_request_a_stop(tmp_path):
    pack = make_pack(tmp_path)
    lines: list[str] = []
    scheduler = Scheduler([pack], lambda pack, day: 0, log=lines.append)
    previous = {number: signal.getsignal(number) for number in (signal.SIGTERM, signal.SIGINT)}
    try:
        scheduler.install_signal_handlers()
        os.kill(os.getpid(), signal.SIGTERM)
        assert scheduler.stop_requested
        scheduler.stop_requested = False
        os.kill(os.getpid(), signal.SIGINT)
        assert scheduler.stop_requested
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    assert lines == ["SIGTERM received; stopping after the current run", "SIGINT received; stopping after the current run"]


SCHEDULER_PROCESS = textwrap.dedent("""
    import os, sys, time
    from datetime import datetime, timedelta
    from pathlib import Path
    from pipeline.packs.settings import load_pack
    from pipeline.packs.schedule import Scheduler
    from pipeline.packs.history import History

    pack_file, folder, start, fire = sys.argv[1:5]
    folder = Path(folder)
    now = [datetime.fromisoformat(start)]
    fire = datetime.fromisoformat(fire)

    def run_pack(pack, pack_date):
        # Like `brief pack run`: a pack already built for the date is a no-op.
        with History(pack.history_path) as history:
            if history.completed_for_date(pack.name, pack_date) is not None:
                return 0
            started = time.monotonic()
            time.sleep(0.3)                  # the work takes a while; the other process waits meanwhile
            with open(folder / "builds.txt", "a") as builds:
                builds.write(f"{os.getpid()} {pack_date} {started} {time.monotonic()}\\n")
            run = history.start_run(pack.name, pack_date, "key", "t", "t")
            history.finish_run(run, "ok", [], [], 0.3)
        return 0

    def sleep(seconds):
        time.sleep(0.02)                     # real time passes too, so the other run can finish
        now[0] += timedelta(seconds=seconds)
        if now[0] > fire + timedelta(seconds=120):
            scheduler.request_stop()

    def log(line):
        with open(folder / f"log-{os.getpid()}.txt", "a") as out:
            out.write(line + "\\n")

    scheduler = Scheduler([load_pack(Path(pack_file))], run_pack, clock=lambda: now[0], sleep=sleep, log=log)
    # Start together: say we are ready, then wait for the gate.
    (folder / f"ready-{os.getpid()}").touch()
    deadline = time.monotonic() + 30
    while not (folder / "gate").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    sys.exit(scheduler.run_forever())
""")


def test_two_scheduler_processes_build_a_pack_once_per_date(tmp_path):
    pack = make_pack(tmp_path)
    script = tmp_path / "scheduler_process.py"
    script.write_text(SCHEDULER_PROCESS, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    arguments = [str(pack.path), str(tmp_path), utc(2026, 5, 4, 6, 59, 58).isoformat(), utc(2026, 5, 4, 7).isoformat()]
    processes = [subprocess.Popen([sys.executable, str(script), *arguments], cwd=tmp_path, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    deadline = time.monotonic() + 30
    while len(list(tmp_path.glob("ready-*"))) < 2 and time.monotonic() < deadline:
        if any(process.poll() is not None for process in processes):
            break
        time.sleep(0.01)
    (tmp_path / "gate").touch()
    results = [process.communicate(timeout=60) for process in processes]
    assert [process.returncode for process in processes] == [0, 0], results

    builds = (tmp_path / "builds.txt").read_text().splitlines()
    assert len(builds) == 1 and builds[0].split()[1] == "2026-05-04"
    with History(pack.history_path) as history:
        assert [run.pack_date for run in history.runs("Daily")] == ["2026-05-04"]
    logs = [path.read_text() for path in sorted(tmp_path.glob("log-*.txt"))]
    # Both schedulers attended the fire time, one after the other: never at once.
    assert all("2026-05-04: finished with exit code 0" in log for log in logs) and len(logs) == 2, logs


@pytest.mark.parametrize("start, stop, expected", [
    # Spring: 01:30 does not exist in London; the run happens once, at 02:30 BST (01:30 UTC).
    (utc(2026, 3, 28, 23, 0), utc(2026, 3, 29, 4, 0), [("London", "2026-03-29", utc(2026, 3, 29, 1, 30))]),
    # Autumn: 01:30 happens twice; the run happens once, the first time (00:30 UTC).
    (utc(2026, 10, 24, 23, 0), utc(2026, 10, 25, 4, 0), [("London", "2026-10-25", utc(2026, 10, 25, 0, 30))]),
])
def test_a_london_pack_at_0130_runs_once_on_clock_change_days(tmp_path, start, stop, expected):
    pack = make_pack(tmp_path, schedule="30 1 * * *", zone="Europe/London", name="London")
    fake = FakeTime(start, stop_at=stop)
    scheduler, runs, _ = make_scheduler([pack], fake, grace=timedelta(minutes=1))
    fake.scheduler = scheduler
    assert scheduler.run_forever() == 0
    assert runs.calls == expected
