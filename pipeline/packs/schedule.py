"""When packs run: cron expressions, their fire times in a pack's time zone, and the scheduler
behind `brief schedule` that runs each pack at its fire times.

Cron expressions have the usual five fields, ``minute hour day-of-month month day-of-week``,
each made of ``*``, numbers, ranges ``a-b``, steps ``*/n`` and ``a-b/n`` and lists ``a,b``;
months and weekdays may be named (jan..dec, sun..sat) and weekday 7 is Sunday like 0. As in
Vixie cron, when both day fields are restricted (neither starts with ``*``) a day matches when
EITHER matches; otherwise both must match.

Fire times are wall-clock times in the pack's time zone. Daylight saving time:

* A wall-clock time that does not exist (the spring-forward gap, e.g. 01:30 on 29 March 2026 in
  Europe/London) fires once, shifted forward by the length of the gap: 01:30 fires at
  02:30 BST. No run is lost.
* A wall-clock time that occurs twice (fall back, e.g. 01:30 on 25 October 2026 in
  Europe/London) fires once, at its first occurrence (01:30 BST, fold=0). No run happens twice.
* Two wall-clock times that land on the same instant (with an hourly schedule, 01:00 shifted
  by the gap is 02:00 BST) fire once at that instant.

Fire times are returned as aware datetimes in the pack's zone. Compare them with times in other
zones through ``.astimezone(timezone.utc)``: Python's ``==`` between zones is always False for a
wall time in a repeated hour (PEP 495), even when the instants are the same; ``<`` and ``-`` are fine.

The pack date of a run is the local date of its fire time.

The scheduler runs each pack at each of its fire times, holding the pack's lock, so it never
runs a pack at the same time as another process (a second scheduler, cron, a person): it waits
for that run to finish first. Runs are safe to repeat: a pack already built for its date with
the same inputs is a no-op that only sends what is still queued for e-mail. On start it catches
up the latest missed fire time of each pack when that is within the grace window (never a burst
of older ones).
"""

from __future__ import annotations

import calendar
import signal
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Callable, Iterator
from zoneinfo import ZoneInfo

from pipeline.errors import BriefError, SettingsError
from pipeline.packs.locking import PackLock

if TYPE_CHECKING:  # pack files name their schedule; the scheduler only reads the parsed settings
    from pipeline.packs.settings import PackConfig

ONE_DAY = timedelta(days=1)
# Long enough for any satisfiable expression (29 February on a given weekday recurs within 28
# years), short enough that a search never runs away.
SEARCH_DAYS = 40 * 366
# How long one sleep of the scheduler lasts at most, so that a stop request is noticed quickly.
SLEEP_CHUNK = 1.0

# -- cron expressions --------------------------------------------------------------------------------

MONTH_NAMES = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
WEEKDAY_NAMES = {name: number for number, name in enumerate(("sun", "mon", "tue", "wed", "thu", "fri", "sat"))}
# The most days each month can have (February in a leap year).
LONGEST_MONTH = {month: calendar.monthrange(2024, month)[1] for month in range(1, 13)}


@dataclass(frozen=True)
class _Field:
    position: int
    name: str
    low: int
    high: int
    names: dict[str, int]


FIELDS = (
    _Field(1, "minute", 0, 59, {}),
    _Field(2, "hour", 0, 23, {}),
    _Field(3, "day of month", 1, 31, {}),
    _Field(4, "month", 1, 12, MONTH_NAMES),
    _Field(5, "day of week", 0, 7, WEEKDAY_NAMES),
)


@dataclass(frozen=True)
class CronSpec:
    """A parsed cron expression: the allowed values of each field, sorted."""

    text: str
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    days_of_month: tuple[int, ...]
    months: tuple[int, ...]
    days_of_week: tuple[int, ...]      # 0 = Sunday .. 6 = Saturday
    day_of_month_restricted: bool
    day_of_week_restricted: bool

    def matches_day(self, day: date) -> bool:
        if day.month not in self.months:
            return False
        in_month = day.day in self.days_of_month
        in_week = day.isoweekday() % 7 in self.days_of_week
        if self.day_of_month_restricted and self.day_of_week_restricted:
            return in_month or in_week
        return in_month and in_week


def parse_cron(expr: str) -> CronSpec:
    """Parse a five-field cron expression; ValueError names the field at fault and why."""
    parts = expr.split()
    if len(parts) != 5:
        raise ValueError(f"cron expression {expr!r}: expected 5 fields "
                         f"(minute hour day-of-month month day-of-week), found {len(parts)}")
    values = [_parse_field(field, text) for field, text in zip(FIELDS, parts)]
    minutes, hours, days_of_month, months, days_of_week = values
    spec = CronSpec(
        text=" ".join(parts), minutes=minutes, hours=hours, days_of_month=days_of_month, months=months,
        days_of_week=tuple(sorted({day % 7 for day in days_of_week})),
        # Vixie cron's rule: a field starting with "*" (even "*/2") does not count as restricted.
        day_of_month_restricted=not parts[2].startswith("*"),
        day_of_week_restricted=not parts[4].startswith("*"),
    )
    _check_can_fire(spec, parts[2])
    return spec


def _parse_field(field: _Field, text: str) -> tuple[int, ...]:
    values: set[int] = set()
    for item in text.split(","):
        try:
            values.update(_parse_item(field, item))
        except ValueError as exc:
            raise ValueError(f"cron field {field.position} ({field.name}) {text!r}: {exc}") from None
    return tuple(sorted(values))


def _parse_item(field: _Field, item: str) -> range:
    """One list item: '*', 'a', 'a-b', '*/n' or 'a-b/n'."""
    if not item:
        raise ValueError("empty list item")
    base, slash, step_text = item.partition("/")
    step = _parse_step(step_text) if slash else 1
    if base == "*":
        low, high = field.low, field.high
    elif "-" in base:
        low_text, _, high_text = base.partition("-")
        low, high = _parse_value(field, low_text), _parse_value(field, high_text)
        if field.name == "day of week" and high == 0 and low > 0:
            high = 7                   # "fri-sun": Sunday closes the week as 7
        if low > high:
            raise ValueError(f"range {base!r} runs backwards")
    elif slash:
        raise ValueError(f"a step needs '*' or a range before it, as in '*/{step_text}' or '0-30/{step_text}'")
    else:
        low = high = _parse_value(field, base)
    return range(low, high + 1, step)


def _parse_step(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"step {text!r} is not a whole number of at least 1")
    return int(text)


def _parse_value(field: _Field, text: str) -> int:
    named = field.names.get(text.lower())
    if named is not None:
        return named
    if not text.isdigit():
        kind = f"a number or a {field.name} name" if field.names else "a number"
        raise ValueError(f"{text!r} is not {kind}")
    value = int(text)
    if not field.low <= value <= field.high:
        raise ValueError(f"{value} is out of range {field.low}-{field.high}")
    return value


def _check_can_fire(spec: CronSpec, day_of_month_text: str) -> None:
    """Refuse expressions that never fire, such as 30 February: searching for them never ends."""
    either_day_field = spec.day_of_month_restricted and spec.day_of_week_restricted
    if either_day_field:
        return                         # any restricted weekday comes round every week
    if not any(day <= LONGEST_MONTH[month] for month in spec.months for day in spec.days_of_month):
        raise ValueError(f"cron field 3 (day of month) {day_of_month_text!r}: "
                         "no such day in the months of field 4, so it never fires")


# -- fire times --------------------------------------------------------------------------------------

def fire_times(spec: CronSpec, zone: ZoneInfo, after: datetime, count: int) -> list[datetime]:
    """The next `count` fire times strictly after `after`, in order, as aware times in `zone`."""
    _require_aware(after)
    if count <= 0:
        return []
    pending: set[datetime] = set()     # UTC instants found, not yet known to be the earliest
    # Start a day early: a gap time shifted forward may land on the next day.
    first_day = after.astimezone(zone).date() - ONE_DAY
    for day in _matching_days(spec, first_day, forward=True):
        # Every instant of this day or a later one is at or after this day's start, so the
        # pending instants before it are final and in order.
        ready = sorted(instant for instant in pending if instant < _start_of_day(day, zone))
        if len(ready) >= count:
            return [instant.astimezone(zone) for instant in ready[:count]]
        pending.update(instant for instant in _instants_on(spec, day, zone) if instant > after)
    raise ValueError(f"cron expression {spec.text!r} does not fire within {SEARCH_DAYS // 366} years")


def next_fire_time(spec: CronSpec, zone: ZoneInfo, after: datetime) -> datetime:
    """The first fire time strictly after `after`, in `zone`."""
    return fire_times(spec, zone, after, 1)[0]


def last_fire_time(spec: CronSpec, zone: ZoneInfo, at: datetime) -> datetime | None:
    """The latest fire time at or before `at`, in `zone`; None when there is none in the search."""
    _require_aware(at)
    latest: datetime | None = None
    found_on: date | None = None
    for day in _matching_days(spec, at.astimezone(zone).date(), forward=False):
        # A day's instants all come after the start of the day before it (a gap shifts times
        # forward by less than a day), so the day before the first hit is the last one to look at.
        if found_on is not None and day < found_on - ONE_DAY:
            break
        earlier = [instant for instant in _instants_on(spec, day, zone) if instant <= at]
        if earlier:
            latest = max(earlier) if latest is None else max(latest, *earlier)
            found_on = found_on or day
    return latest.astimezone(zone) if latest else None


def pack_date_of(fire: datetime, zone: ZoneInfo | None = None) -> str:
    """The pack date of a run: the local date (YYYY-MM-DD) of its fire time, in `zone` if given,
    otherwise in the time zone `fire` carries (fire times from this module carry the pack's)."""
    local = fire.astimezone(zone) if zone else fire
    return local.date().isoformat()


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment.isoformat()} has no time zone; fire times need an aware datetime")


def _matching_days(spec: CronSpec, first: date, forward: bool) -> Iterator[date]:
    """The days on which the spec fires, from `first` on (or back), skipping unwanted months whole."""
    day = first
    for _ in range(SEARCH_DAYS):
        if day.month not in spec.months:
            day = _first_of_next_month(day) if forward else day.replace(day=1) - ONE_DAY
            continue
        if spec.matches_day(day):
            yield day
        day = day + ONE_DAY if forward else day - ONE_DAY


def _first_of_next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _instants_on(spec: CronSpec, day: date, zone: ZoneInfo) -> set[datetime]:
    """The UTC instants of the spec's wall-clock times on `day`.

    fold=0 gives both halves of the DST policy: a time that occurs twice takes its first
    occurrence, and a time in a gap takes the offset from before the gap, which puts it the
    length of the gap later (01:30 GMT that never was is 02:30 BST). A set, because two wall
    times can become one instant (01:00 shifted and 02:00 on a spring-forward day).
    """
    return {datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone).astimezone(timezone.utc)
            for hour in spec.hours for minute in spec.minutes}


def _start_of_day(day: date, zone: ZoneInfo) -> datetime:
    """The first instant of a local day (midnight, or the end of a gap at midnight), in UTC."""
    return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(timezone.utc)


# -- the scheduler -----------------------------------------------------------------------------------

def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _log_to_stderr(line: str) -> None:
    print(f"brief: schedule: {line}", file=sys.stderr, flush=True)


class Scheduler:
    """Runs packs at their fire times until asked to stop.

    `run_pack(pack, pack_date)` does one run, with the pack's lock already held, and returns its
    exit code, as `brief pack run` does. `clock` returns the aware time now.
    """

    def __init__(self, packs: list[PackConfig], run_pack: Callable[[PackConfig, str], int],
                 clock: Callable[[], datetime] = _utc_now, sleep: Callable[[float], None] = time.sleep,
                 grace: timedelta = timedelta(hours=6), lock_wait: timedelta = timedelta(minutes=30),
                 log: Callable[[str], None] = _log_to_stderr) -> None:
        self.packs = list(packs)
        self.specs = {pack.name: _specs_of(pack) for pack in self.packs}
        _refuse_duplicate_names(self.packs)
        self.run_pack = run_pack
        self.clock = clock
        self.sleep = sleep
        self.grace = grace
        self.lock_wait = lock_wait
        self.log = log
        self.stop_requested = False

    # -- control ---------------------------------------------------------------------------------

    def request_stop(self) -> None:
        """Stop after the run in progress, if any; run_forever then returns."""
        self.stop_requested = True

    def install_signal_handlers(self) -> None:
        """SIGTERM and SIGINT ask for a stop instead of killing a run half way (main thread only)."""
        def on_signal(number: int, _frame) -> None:
            self.log(f"{signal.Signals(number).name} received; stopping after the current run")
            self.request_stop()

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)

    def upcoming(self, count: int = 5) -> dict[str, list[datetime]]:
        now = self._now()
        return {pack.name: _fire_times(self.specs[pack.name], pack.zone, now, count) for pack in self.packs}

    # -- the loop --------------------------------------------------------------------------------

    def run_forever(self) -> int:
        start = self.catch_up()
        # Each pack's cursor is its last fire time dealt with; the next one is strictly after it.
        cursors = {pack.name: start for pack in self.packs}
        while not self.stop_requested and self.packs:
            due_at = min(self._next_fire(pack, cursors[pack.name]) for pack in self.packs)
            if not self._sleep_until(due_at):
                break
            self._run_due(cursors)
        return 0

    def catch_up(self) -> datetime:
        """Deal with each pack's latest fire time up to now; returns the now it used."""
        now = self._now()
        for pack in self.packs:
            if self.stop_requested:
                break
            fire = _last_fire_time(self.specs[pack.name], pack.zone, now)
            if fire is not None:
                self._attend(pack, fire, now)
        return now

    def _run_due(self, cursors: dict[str, datetime]) -> None:
        now = self._now()
        next_fires = [(self._next_fire(pack, cursors[pack.name]), pack) for pack in self.packs]
        due = sorted((pair for pair in next_fires if pair[0] <= now), key=lambda pair: pair[0])
        for _, pack in due:
            if self.stop_requested:
                return
            # If runs made us late, several fire times may have passed: only the latest counts.
            fire = _last_fire_time(self.specs[pack.name], pack.zone, now)
            cursors[pack.name] = fire
            self._attend(pack, fire, now)

    def _next_fire(self, pack: PackConfig, after: datetime) -> datetime:
        return min(next_fire_time(spec, pack.zone, after) for spec in self.specs[pack.name])

    def _sleep_until(self, moment: datetime) -> bool:
        """Sleep in short chunks until `moment`; False when a stop was requested meanwhile."""
        while not self.stop_requested:
            remaining = (moment - self._now()).total_seconds()
            if remaining <= 0:
                return True
            self.sleep(min(SLEEP_CHUNK, remaining))
        return False

    def _now(self) -> datetime:
        now = self.clock()
        _require_aware(now)
        return now.astimezone(timezone.utc)

    # -- one fire time ---------------------------------------------------------------------------

    def _attend(self, pack: PackConfig, fire: datetime, now: datetime) -> None:
        """Run the pack for this fire time unless it is too old. A run is safe to repeat: a pack
        already built for the date is a no-op that only sends what is still queued, and a change
        since (a later fire time the same day) builds again."""
        pack_date = pack_date_of(fire)
        label = f"{pack.name} {pack_date}"
        if now - fire > self.grace:
            self.log(f"{label}: missed the run due {fire:%Y-%m-%d %H:%M %Z}, more than "
                     f"{_describe(self.grace)} ago; skipped")
            return
        lock = PackLock(pack.lock_path, pack.name)
        try:
            if not self._acquire(lock, label):
                return
            self._run(pack, pack_date, label)
        except BriefError as exc:      # no lock file: this fire time is lost, not the scheduler
            self.log(f"{label}: skipped: {exc}")
        finally:
            lock.release()

    def _acquire(self, lock: PackLock, label: str) -> bool:
        """Wait for the pack's lock while another process runs the pack, up to `lock_wait`."""
        if lock.acquire():
            return True
        self.log(f"{label}: another process is running this pack ({lock.path}); waiting for it")
        deadline = self._now() + self.lock_wait
        while not self.stop_requested and self._now() < deadline:
            self.sleep(SLEEP_CHUNK)
            if lock.acquire():
                return True
        self.log(f"{label}: the other run did not finish within {_describe(self.lock_wait)}; skipped")
        return False

    def _run(self, pack: PackConfig, pack_date: str, label: str) -> None:
        started = self._now()
        try:
            code = self.run_pack(pack, pack_date)
        except Exception as exc:       # a failed run must not stop the other packs' runs
            seconds = (self._now() - started).total_seconds()
            problem = " ".join(f"{type(exc).__name__}: {exc}".split())
            self.log(f"{label}: failed ({problem}) after {seconds:.1f}s")
            return
        seconds = (self._now() - started).total_seconds()
        self.log(f"{label}: finished with exit code {code} in {seconds:.1f}s")


def _specs_of(pack: PackConfig) -> tuple[CronSpec, ...]:
    """The pack's schedule; and, for a pack whose review has a deadline, that time on the same
    days, when an unapproved pack is sent marked "Not reviewed"."""
    if not pack.cron:
        raise SettingsError(str(pack.path), f"pack {pack.name!r} has no schedule",
                            'add e.g. schedule = "0 7 * * 1-5" (minute hour day month weekday)')
    return pack.cron


def _fire_times(specs: tuple[CronSpec, ...], zone: ZoneInfo, after: datetime, count: int) -> list[datetime]:
    return sorted(set(t for spec in specs for t in fire_times(spec, zone, after, count)))[:count]


def _last_fire_time(specs: tuple[CronSpec, ...], zone: ZoneInfo, at: datetime) -> datetime | None:
    found = [t for t in (last_fire_time(spec, zone, at) for spec in specs) if t is not None]
    return max(found) if found else None


def _refuse_duplicate_names(packs: list[PackConfig]) -> None:
    """Runs are recorded and listed by pack name, so two packs cannot share one."""
    seen: dict[str, PackConfig] = {}
    for pack in packs:
        if pack.name in seen:
            raise SettingsError(str(pack.path), f"pack name {pack.name!r} is also used by {seen[pack.name].path}",
                             "give each scheduled pack its own name")
        seen[pack.name] = pack


def _describe(span: timedelta) -> str:
    seconds = int(span.total_seconds())
    if seconds % 3600 == 0:
        return f"{seconds // 3600}h"
    if seconds % 60 == 0:
        return f"{seconds // 60}min"
    return f"{seconds}s"
