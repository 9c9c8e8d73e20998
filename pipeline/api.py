"""The operations every front end shares: the command line, the scheduler and any program that
imports `pipeline`.

    from pipeline import api
    report = api.generate(["article.txt"], api.GenerateSettings(formats=("pdf",), output=Path("out")))
    for written in report.written:
        print(written.path, written.sha256)
    brief = api.extract("article.txt")

Nothing here prints or exits: results come back as typed objects (`Report`), and events as they
happen go to an optional listener, so a front end can show progress while a run goes on.
Heavy modules are imported inside the functions that need them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from pipeline.errors import BriefError
from pipeline.results import (DELIVERED, EXIT_INTERRUPTED, EXIT_LEFT_OUT, EXIT_LOCKED, EXIT_OK,  # noqa: F401
                              EXIT_UNDELIVERED, EXIT_USAGE, REPORT_SCHEMA, Delivery, LeftOut, Listener,
                              Notice, Report, Stage, UsageProblem, Written, pack_files, pack_report,
                              written_files)


def _ignore(event: Any) -> None:
    return None


@dataclass(frozen=True)
class GenerateSettings:
    """Everything `generate` needs besides the sources, checked by the caller's parser."""

    formats: tuple[str, ...] = ()  # empty: DOCX and PDF
    output: Path = Path("output")
    encoding: str | None = None
    theme: Path | None = None
    template_dir: Path | None = None
    classification: str | None = None
    reference_docx: Path | None = None
    since: str = "all"  # feeds: "all" or a window such as "24h"
    timeout: float = 30.0
    allow_private: bool | None = None  # None: a private address only when the source is one


def default_sources() -> list[str]:
    """`generate` with no SOURCE: ./seeds when the current folder has one, else a usage error."""
    if Path("seeds").is_dir():
        return ["seeds"]
    raise UsageProblem("no SOURCE given", "and there is no seeds/ folder here to use instead",
                     "name an article, e.g. `brief generate article.txt` (or a folder, an address, "
                     "feed:URL, or - for standard input)")


def read_article(spec: str, encoding: str | None = None, warnings: list[str] | None = None, limits=None):
    """One article: a file, standard input, or a web page (not a feed, which holds many)."""
    from pipeline.readers import is_web_source, read_source

    warnings = [] if warnings is None else warnings
    if is_web_source(spec):
        from pipeline.readers import web

        items = web.load(spec, limits, warnings=warnings) if limits is not None else web.load(spec, warnings=warnings)
        if len(items) != 1:
            raise BriefError(spec, f"is a feed of {len(items)} articles", "use brief generate, which briefs each one")
        return web.read(items[0], encoding, warnings)
    return read_source(spec, encoding=encoding, warnings=warnings)


def extract(spec: str, encoding: str | None = None, warnings: list[str] | None = None):
    """The brief of one source (a file, `-`, or a web page)."""
    from pipeline.extract import extract as extract_brief

    return extract_brief(read_article(spec, encoding, warnings))


def load_style(settings: GenerateSettings):
    """The theme of a run, with the reference .docx the settings name."""
    import dataclasses

    from pipeline.compose.theme import load_theme

    style = load_theme(settings.theme)
    if settings.reference_docx is not None:
        style = dataclasses.replace(style, reference_docx=str(Path(settings.reference_docx).resolve()))
    return style


def _formats(settings: GenerateSettings) -> list[str]:
    from pipeline.render import DEFAULT_FORMATS

    return list(dict.fromkeys(settings.formats)) or list(DEFAULT_FORMATS)


def render(brief, settings: GenerateSettings, style=None, side=None):
    """A brief's documents in memory (format to bytes), with the warnings rendering gave."""
    from pipeline.render.build import render_brief
    from pipeline.compose.theme import TEMPLATES_DIR

    style = style if style is not None else load_style(settings)
    return render_brief(brief, _formats(settings), style, settings.template_dir or TEMPLATES_DIR, side=side,
                        classification=settings.classification)


def render_file(brief, settings: GenerateSettings, listener: Listener = _ignore, source: str = "") -> Report:
    """Render a brief (read from JSON, say) and write its files: `brief render`."""
    from pipeline.render.build import write_outputs
    from pipeline.files import ensure_folder, slugify
    from pipeline.render import document_timestamp

    document_timestamp()
    style = load_style(settings)
    ensure_folder(settings.output)
    report = Report("render")
    for notice in style.warnings:
        _note(report, listener, notice)
    rendered = render(brief, settings, style)
    for message in rendered.warnings:
        _note(report, listener, Notice(source, message))
    paths = write_outputs(settings.output, slugify(brief.title, brief.source.sha256), rendered.outputs)
    for record in written_files(paths, rendered.outputs, source):
        report.written.append(record)
        listener(record)
    return report


def _note(report: Report, listener: Listener, event: Notice | LeftOut) -> None:
    (report.warnings if isinstance(event, Notice) else report.left_out).append(event)
    listener(event)


def generate(sources: list[str], settings: GenerateSettings = GenerateSettings(),
             listener: Listener = _ignore, *, debug: bool = False, progress_factory=None) -> Report:
    """A brief of each source, written to `settings.output`: `brief generate`.

    A source that cannot be read is left out and the others are still written; a template error
    stops the run (every other article would meet it too) by raising it. With `debug`, the first
    unexpected error is raised rather than reported. `progress_factory(total, label)` makes a
    progress display (update(n), close()) for fetching a feed's items."""
    from pipeline.render.build import side_renderer_for
    from pipeline.files import ensure_folder
    from pipeline.render import document_timestamp

    sources = list(sources) or default_sources()
    document_timestamp()
    style = load_style(settings)
    ensure_folder(settings.output)
    if settings.template_dir is not None:  # a broken user template shows before any input is read
        from pipeline.compose.layout import BRIEF_TEMPLATE
        from pipeline.compose.templates import used_templates

        used_templates([BRIEF_TEMPLATE], settings.template_dir)
    side = side_renderer_for(_formats(settings), style)
    run = _GenerateRun(settings, style, side, listener, debug, progress_factory)
    for notice in style.warnings:
        _note(run.report, listener, notice)
    try:
        for spec in sources:
            run.source(spec)
    finally:
        if side is not None:
            side.close()
    return run.report


class _GenerateRun:
    """One `generate`: the report so far, and the file names already given out."""

    def __init__(self, settings: GenerateSettings, style, side, listener: Listener, debug: bool,
                 progress_factory=None) -> None:
        self.settings, self.style, self.side, self.listener, self.debug = settings, style, side, listener, debug
        self.progress_factory = progress_factory
        self.report = Report("generate")
        self.owners: dict[str, str] = {}
        self.done: set[str] = set()  # web articles briefed in this run, by address and feed item

    def notice(self, source: str, messages: list[str]) -> None:
        for message in messages:
            _note(self.report, self.listener, Notice(_shown(source), message))

    def leave_out(self, source: str, reason: str) -> None:
        _note(self.report, self.listener, LeftOut(_shown(source), reason))

    def source(self, spec: str) -> None:
        from pipeline.readers import expand_sources, is_web_source

        if is_web_source(spec):
            return self.web_source(spec)
        try:
            names = [str(source) for source in expand_sources([spec])]
        except BriefError as exc:
            return self.leave_out(spec, _reason(exc, spec))
        encoding = self.settings.encoding
        for name in names:
            if is_web_source(name):  # a feed file a glob matched
                self.web_source(name)
            else:
                self.one(name, lambda warnings, name=name: read_article(name, encoding, warnings))

    def web_source(self, spec: str) -> None:
        """Brief each article a web source stands for, once in a run (two feeds may list one)."""
        from pipeline.readers import web
        from pipeline.readers.url import FetchLimits

        settings = web.WebSettings(FetchLimits(timeout=self.settings.timeout,
                                               allow_private=self.settings.allow_private), self.settings.since)
        warnings: list[str] = []
        bars = []

        def progress(done: int, total: int) -> None:
            if self.progress_factory is not None:
                if not bars:
                    bars.append(self.progress_factory(total, "Fetching"))
                bars[0].update(1)

        try:
            try:
                items = web.load(spec, settings.limits, since=settings.since_time(), warnings=warnings,
                                 progress=progress)
            finally:
                for bar in bars:
                    bar.close()
        except Exception as exc:
            if self.debug or isinstance(exc, KeyboardInterrupt):
                raise
            self.notice(spec, warnings)
            return self.leave_out(spec, _reason(exc, spec))
        self.notice(spec, warnings)
        if not items:
            self.notice(spec, ["the feed has no items in the window; nothing to write"])
        for item in items:
            keys = {item.name, *item.keys} | ({item.source.url} if item.source.url else set())
            if keys & self.done:
                continue
            self.done.update(keys)
            if item.error is not None:
                self.leave_out(item.name, f"{item.error}; try again later")
                continue
            kept = [(web.saved_name(item), item.data)]
            self.one(item.name, lambda w, item=item: web.read(item, self.settings.encoding, w), kept)

    def one(self, name: str, read, kept_sources=()) -> None:
        """Read, extract, render and write one article."""
        from pipeline.render.build import write_outputs
        from pipeline.extract import extract as extract_brief
        from pipeline.files import slugify
        from pipeline.compose.templates import TemplateError

        warnings: list[str] = []
        clock = [time.perf_counter()]

        def done(stage: str) -> None:
            now = time.perf_counter()
            self.listener(Stage(_shown(name), stage, now - clock[0]))
            clock[0] = now

        try:
            article = read(warnings)
            done("read")
            brief = extract_brief(article)
            done("extract")
            rendered = render(brief, self.settings, self.style, self.side)
            warnings.extend(rendered.warnings)
            done("render")
            stem = _unique_stem(slugify(brief.title, brief.source.sha256), name, brief.source.sha256, self.owners)
            paths = write_outputs(self.settings.output, stem, rendered.outputs, kept_sources)
            done("write")
        except Exception as exc:
            if self.debug or isinstance(exc, (TemplateError, KeyboardInterrupt)):
                self.notice(name, warnings)
                raise
            self.notice(name, warnings)
            return self.leave_out(name, _reason(exc, name))
        self.notice(name, warnings)
        for record in written_files(paths, rendered.outputs, _shown(name)):
            self.report.written.append(record)
            self.listener(record)


def _shown(source: str) -> str:
    """A source as messages show it: an address never with its password."""
    if "@" not in source:
        return source
    from pipeline.readers.url import mask_credentials

    return mask_credentials(source)


def _reason(exc: BaseException, name: str) -> str:
    """Why a source was left out, as the rest of its error line (after "brief: <source>: ")."""
    if isinstance(exc, BriefError):
        text = str(exc)
        if exc.subject in (name, _shown(name)):
            return text[len(exc.subject) + 2:]
        return text
    return f"internal error: {type(exc).__name__}: {exc}; rerun with --debug and report it"


def _unique_stem(stem: str, source: str, sha256: str, owners: dict[str, str]) -> str:
    """The file stem for one input: two inputs of a run never share one, whatever their titles."""
    owner = owners.setdefault(stem, source)
    if owner == source:
        return stem
    suffix = hashlib.sha256(f"{source}\0{sha256}".encode("utf-8", "surrogateescape")).hexdigest()[:10]
    unique = f"{stem[:69]}-{suffix}"
    owners.setdefault(unique, source)
    return unique


# --------------------------------------------------------------------------- packs


def run_pack(config, date: str | None = None, **options) -> Report:
    """Build (and e-mail) a pack for a date: `brief pack run` and each scheduled run. A pack
    with `review = "required"` is sent only once approved (see `approve`)."""
    from pipeline.packs.build import build_pack, pack_date_today

    date = date or pack_date_today(config)
    if config.review.required:
        from pipeline.review.workflow import run_pack_with_review

        return run_pack_with_review(config, date, dict(options))
    report = pack_report(build_pack(config, date=date, **options))
    distribution_silent = not report.deliveries and not any(m.startswith("email:") for m in report.messages)
    if (options.get("force") and not options.get("dry_run") and options.get("email", True)
            and config.email is not None and distribution_silent):
        before = [d for d in pack_status(config, date).deliveries if d.status in ("sent", "written")]
        if before:
            report.messages.append(f"email: the pack was rebuilt after it was e-mailed to {len(before)} "
                                   "recipient(s) for this date; it was not sent again (--resend sends it to "
                                   "everyone as a new message)")
    return report


def warm_up(configs) -> None:
    """Load what runs of these packs use (extraction, the renderers of their formats, their
    themes' fonts) once, in a process that will run them many times (`brief schedule`), so
    that no run pays for it again, nor any worker process a run starts."""
    import pipeline.extract  # noqa: F401
    import pipeline.readers.web  # noqa: F401
    from pipeline.render.build import warm_up as warm_up_renderers

    for config in configs:
        try:
            theme = config.look
        except BriefError:
            continue  # the pack's runs report it
        warm_up_renderers(list(config.formats), theme)


def approve(config, date: str | None = None, by: str = "", log: Callable[[str], None] = lambda line: None,
            email: bool = True) -> Report:
    """Approve the pack built for `date` (default: today): render it again with the reviewer's
    edits and "Reviewed by", then send it to its list, once."""
    from pipeline.packs.build import pack_date_today
    from pipeline.review.workflow import approve as approve_pack

    return approve_pack(config, date or pack_date_today(config), by, log=log, email=email)


def review_edits(config) -> list[tuple[str, Any, dict, dict]]:
    """The audit trail of a pack's review: (date, edit, before, after), oldest first."""
    if not config.history_path.exists():
        return []
    from pipeline.review.store import ReviewStore

    with ReviewStore(config.history_path, config.name) as store:
        return store.all_edits()


@dataclass
class PackStatus:
    """Where a pack stands for one date: its runs, its e-mail per recipient, its outbox."""

    pack: str
    date: str
    folder: Path
    runs: list[Any]
    deliveries: list[Delivery]
    outbox: list[Path]
    next_runs: list[dt.datetime]
    review: str | None = None  # awaiting review, or approved (by whom)

    @property
    def state(self) -> str:
        finished = [r for r in self.runs if r.outcome in ("ok", "partial")]
        if not self.runs:
            return "not built"
        if not finished:
            return self.runs[-1].outcome
        if not self.deliveries:
            return self.review or "built"
        done = sum(d.status in DELIVERED for d in self.deliveries)
        verb = "written for" if all(d.status == "written" for d in self.deliveries) else "sent to"
        return f"{verb} {done} of {len(self.deliveries)}"

    @property
    def exit_code(self) -> int:
        return EXIT_UNDELIVERED if any(d.status not in DELIVERED for d in self.deliveries) else EXIT_OK

    def to_dict(self) -> dict[str, Any]:
        return {
            "command": "pack status", "exit_code": self.exit_code, "pack": self.pack, "date": self.date,
            "state": self.state, "folder": str(self.folder),
            "runs": [_run_dict(r) for r in self.runs],
            "email": [{"recipient": d.recipient, "status": d.status, "reply": d.reply} for d in self.deliveries],
            "outbox": [str(p) for p in self.outbox],
            "next_runs": [t.isoformat(timespec="minutes") for t in self.next_runs],
            "written": [], "left_out": [], "warnings": [], "messages": [],
        }


def _run_dict(run) -> dict[str, Any]:
    return {"id": run.id, "date": run.pack_date, "started_at": run.started_at, "finished_at": run.finished_at,
            "outcome": run.outcome, "seconds": None if run.seconds is None else round(run.seconds, 3)}


_SHOWN_STATUS = {"sending": "unknown"}  # a send cut off mid-way may have arrived


def pack_status(config, date: str | None = None, now: dt.datetime | None = None) -> PackStatus:
    """Where the pack stands for `date` (default: today in its time zone). Reads the history only."""
    from pipeline.deliver.outbox import outbox_folder
    from pipeline.packs.build import pack_date_today, pack_folder
    from pipeline.packs.history import History

    date = date or pack_date_today(config, now)
    folder = pack_folder(config, date)
    runs, deliveries, review = [], [], None
    if config.history_path.exists():
        with History(config.history_path) as history:
            runs = [r for r in history.runs(config.name) if r.pack_date == date]
            deliveries = [Delivery(row.recipient, _SHOWN_STATUS.get(row.status, row.status), row.reply)
                          for row in history.outbox(config.name, date)]
        if config.review.required:
            from pipeline.review.store import APPROVED, ReviewStore

            with ReviewStore(config.history_path, config.name) as store:
                state = store.state(date)
            if state is not None:
                review = f"approved by {state.by}" if state.state == APPROVED else state.state
    outbox = sorted(outbox_folder(folder).glob("*.eml")) if outbox_folder(folder).is_dir() else []
    return PackStatus(config.name, date, folder, runs, deliveries, outbox, next_runs(config, 3, now), review)


def pack_history(config, days: int = 7, now: dt.datetime | None = None) -> list[Any]:
    """The pack's runs over the last `days` days, oldest first."""
    from pipeline.packs.build import pack_date_today
    from pipeline.packs.history import History

    if not config.history_path.exists():
        return []
    first = (dt.date.fromisoformat(pack_date_today(config, now)) - dt.timedelta(days=days - 1)).isoformat()
    with History(config.history_path) as history:
        return [r for r in history.runs(config.name) if r.pack_date >= first]


def next_runs(config, count: int, now: dt.datetime | None = None) -> list[dt.datetime]:
    """The pack's next `count` fire times, in its own time zone; none without a schedule."""
    if not config.schedule:
        return []
    from pipeline.packs.schedule import Scheduler

    now = now or dt.datetime.now(dt.timezone.utc)
    return Scheduler([config], run_pack=lambda *args: 0, clock=lambda: now).upcoming(count)[config.name]


def find_packs(folder: Path) -> list[tuple[Path, Any]]:
    """Every pack file under `folder` (*.toml holding a `name` and `sources`), loaded; a file that
    fails to load comes back with its BriefError instead."""
    import tomllib

    from pipeline.packs.settings import load_pack

    found = []
    for path in sorted(Path(folder).rglob("*.toml")):
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue
        try:
            head = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue  # not a pack file
        if not (isinstance(head, dict) and "sources" in head and "name" in head):
            continue
        try:
            found.append((path, load_pack(path)))
        except BriefError as exc:
            found.append((path, exc))
    return found


_WEEKDAYS = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")


def on_calendar(schedule: str, timezone: str) -> list[str]:
    """systemd OnCalendar= expressions for a cron schedule. Cron fires when either day field
    matches if both are restricted; systemd needs both, so that case takes two expressions."""
    from pipeline.packs.schedule import parse_cron

    spec = parse_cron(schedule)

    def values(chosen: tuple[int, ...], low: int, high: int) -> str:
        if set(chosen) >= set(range(low, high + 1)):
            return "*"
        return ",".join(f"{v:02d}" for v in chosen)

    clock = f"{values(spec.hours, 0, 23)}:{values(spec.minutes, 0, 59)}:00"
    months = values(spec.months, 1, 12)
    weekdays = ",".join(_WEEKDAYS[d] for d in sorted(set(d % 7 for d in spec.days_of_week)))
    by_month_day = f"*-{months}-{values(spec.days_of_month, 1, 31)} {clock} {timezone}"
    by_weekday = f"{weekdays} *-{months}-* {clock} {timezone}"
    if spec.day_of_month_restricted and spec.day_of_week_restricted:
        return [by_month_day, by_weekday]
    if spec.day_of_week_restricted:
        return [by_weekday]
    return [by_month_day]


def systemd_units(config, command: list[str], workdir: Path) -> tuple[str, str]:
    """A oneshot service that runs the pack, and a timer that starts it at the pack's schedule
    in the pack's time zone (catching up a run missed while the machine was off)."""
    quoted = " ".join(_systemd_quote(part) for part in command)
    if any(c in str(workdir) for c in "\n\r"):
        raise UsageProblem(str(workdir), "a working folder with a line break cannot go in a unit file",
                           "run from another folder")
    # WorkingDirectory= takes the path as it is (no quotes); only % needs escaping there.
    service = (f"[Unit]\nDescription=brief pack {_systemd_escape(config.name)}\n"
               f"Wants=network-online.target\nAfter=network-online.target\n\n"
               f"[Service]\nType=oneshot\nWorkingDirectory={str(workdir).replace('%', '%%')}\n"
               f"ExecStart={quoted}\n")
    schedules = [config.schedule]
    if config.review.required and config.review.send_unreviewed_at:  # the unreviewed pack goes out then
        hour, minute = config.review.send_unreviewed_at.split(":")
        schedules.append(f"{int(minute)} {int(hour)} " + " ".join(config.schedule.split()[2:]))
    calendars = "".join(f"OnCalendar={spec}\n" for schedule in schedules
                        for spec in on_calendar(schedule, config.timezone))
    timer = (f"[Unit]\nDescription=Run the brief pack {_systemd_escape(config.name)} on its schedule\n\n"
             f"[Timer]\n{calendars}Persistent=true\nUnit=brief-{config.slug}.service\n\n"
             f"[Install]\nWantedBy=timers.target\n")
    return service, timer


def _systemd_escape(text: str) -> str:
    return " ".join(text.split()).replace("%", "%%").replace("\\", "\\\\")


def _systemd_quote(word: str) -> str:
    if word and all(c.isalnum() or c in "/._-=:+@," for c in word):
        return word.replace("%", "%%")
    # ExecStart= expands $VAR and %x: a literal $ is $$, a literal % is %%.
    escaped = word.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%").replace("$", "$$")
    return f'"{escaped}"'


# --------------------------------------------------------------------------- e-mail


def send_files(files: list[Path], to, cc=(), bcc=(), subject: str | None = None, dry_run: bool = False,
               outbox: Path = Path("output/outbox"), max_mb: float = 20, log: Callable[[str], None] = lambda l: None,
               refuse: Callable[[str], Exception] | None = None) -> Report:
    """Send files as attachments with the user's SMTP settings (`brief send`); with `dry_run`,
    write the message to `outbox` instead. `refuse` makes the error for a bad address."""
    from pipeline.deliver.config import check_address, smtp_settings
    from pipeline.deliver.message import build_files_message
    from pipeline.deliver.smtp import deliver
    from pipeline.files import atomic_write, ensure_folder

    refuse = refuse or (lambda problem: UsageProblem("address", problem, "give e-mail addresses such as a@example.org"))
    recipients = {kind: [check_address(a, refuse) for a in addresses]
                  for kind, addresses in (("to", to), ("cc", cc), ("bcc", bcc))}
    settings = smtp_settings()
    message = build_files_message(settings.sender, recipients["to"], recipients["cc"], subject, list(files), max_mb)
    data = message.as_bytes()
    report = Report("send")
    if dry_run:
        ensure_folder(outbox)
        path = outbox / (message["Message-ID"].strip("<>").split("@")[0] + ".eml")
        atomic_write(path, data)
        report.written.append(Written(path, "eml", len(data), hashlib.sha256(data).hexdigest()))
        return report
    everyone = list(dict.fromkeys(recipients["to"] + recipients["cc"] + recipients["bcc"]))
    outcomes = deliver(data, settings.sender, everyone, settings, log=log)
    report.deliveries = [Delivery(address, outcome.status, outcome.reply) for address, outcome in outcomes.items()]
    return report
