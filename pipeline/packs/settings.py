"""Pack files (TOML): what a pack holds, where it goes and when it runs.

    name = "Ukraine security daily"
    sources = ["seeds/"]
    formats = ["docx", "pdf"]
    output = "output/packs"
    schedule = "0 7 * * 1-5"
    timezone = "Europe/London"
    classification = "OFFICIAL"
    templates = "house-templates/"  # replaces the built-in templates of the same names
    since = "last-run"           # feeds: items since the previous run ("24h", "7d", "all")

    [fetch]                      # web sources: addresses and feeds
    timeout = 30                 # seconds for each page or feed, whatever the server does
    max_bytes = 10_000_000       # per page, after decompression
    max_redirects = 5

    [cover]
    prepared_for = "The Foreign Secretary"
    prepared_by = "Briefing Unit"

Relative paths are taken from the folder the command runs in, as on the command line. Every
mistake names the key, the file and the line.
"""

from __future__ import annotations

import functools
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.errors import BriefError, SettingsError
from pipeline.settings import SettingsFile

if TYPE_CHECKING:
    from pipeline.packs.schedule import CronSpec
    from pipeline.compose.theme import Theme
    from pipeline.deliver.config import EmailSettings, SmtpSettings
    from pipeline.readers.web import WebSettings

KNOWN_FORMATS = ("docx", "pdf", "md", "html", "json")
DEFAULT_FORMATS = ("docx", "pdf")


@dataclass(frozen=True)
class ReviewSettings:
    """`review = "required"` and its [review] table: who hears that a pack awaits review, where the
    review page is, and when an unreviewed pack goes out anyway."""

    required: bool = False
    notify: tuple[str, ...] = ()
    url: str | None = None              # where the team's review page is served, for the notice
    send_unreviewed_at: str | None = None  # "HH:MM" in the pack's time zone


@dataclass(frozen=True)
class PackConfig:
    path: Path
    name: str
    sources: tuple[str, ...]
    formats: tuple[str, ...] = DEFAULT_FORMATS
    output: Path = Path("output/packs")
    schedule: str | None = None
    timezone: str = "UTC"
    classification: str | None = None
    theme: Path | None = None
    templates: Path | None = None  # a folder of templates that replace the built-ins of their names
    encoding: str | None = None
    history: Path | None = None
    prepared_for: str | None = None
    prepared_by: str | None = None
    email: "EmailSettings | None" = None
    smtp: dict[str, Any] = field(default_factory=dict)
    since: str = "last-run"
    fetch: dict[str, Any] = field(default_factory=dict)
    review: "ReviewSettings" = field(default_factory=lambda: ReviewSettings())
    # The schedule as parsed: the pack's own times, then (a pack whose review has a deadline)
    # that time on the same days, when an unapproved pack goes out marked "Not reviewed".
    cron: "tuple[CronSpec, ...]" = field(default=(), compare=False)
    text: str = field(default="", repr=False, compare=False)

    @functools.cached_property
    def look(self) -> "Theme":
        """The pack's theme, read and checked once however many steps of a run need it."""
        from pipeline.compose.theme import load_theme

        return load_theme(self.theme)

    def web_settings(self) -> "WebSettings":
        from pipeline.readers.url import FetchLimits
        from pipeline.readers.web import WebSettings

        return WebSettings(FetchLimits(**self.fetch), self.since)

    def smtp_settings(self) -> "SmtpSettings":
        from pipeline.deliver.config import smtp_settings

        return smtp_settings(self.smtp)

    @property
    def slug(self) -> str:
        from pipeline.files import slugify

        return slugify(self.name)

    @property
    def folder(self) -> Path:
        """Where this pack's dated folders go: <output>/<slug of name>."""
        return self.output / self.slug

    @property
    def history_path(self) -> Path:
        return self.history or self.folder / "history.sqlite"

    @property
    def lock_path(self) -> Path:
        return self.history_path.with_name(self.history_path.name + ".lock")

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


_TOP = {"name", "sources", "formats", "output", "schedule", "timezone", "classification", "theme", "templates",
        "encoding", "history", "cover", "email", "smtp", "since", "fetch", "review"}
_COVER = {"prepared_for", "prepared_by"}
# Key: (type, lowest, highest) of a [fetch] setting.
_FETCH = {"timeout": ((int, float), 0.1, 3600), "max_bytes": (int, 1000, 1_000_000_000),
          "max_redirects": (int, 0, 30), "allow_private": (bool, None, None), "user_agent": (str, None, None)}


def load_pack(path: Path) -> PackConfig:
    return _config(SettingsFile.read(path, "pack file", "no such pack file"))


def _config(check: SettingsFile) -> PackConfig:
    path, text, data = check.path, check.text, check.data
    check.known_keys(data, _TOP)
    cover = check.table(data, "cover", _COVER)

    name = check.string(data, "name", required=True)
    sources = data.get("sources")
    if sources is None:
        raise SettingsError(str(path), "sources: required key is missing", 'add sources = ["folder/", "file.txt"]')
    if isinstance(sources, str):
        sources = [sources]
    if not isinstance(sources, list) or not sources or not all(isinstance(s, str) and s.strip() for s in sources):
        raise check.fail("sources", "must be a list of files, folders or globs", 'e.g. sources = ["seeds/"]')
    formats = data.get("formats", list(DEFAULT_FORMATS))
    if isinstance(formats, str):
        formats = [formats]
    if (not isinstance(formats, list) or not formats
            or any(f not in KNOWN_FORMATS for f in formats)):
        raise check.fail("formats", f"must be a list of {', '.join(KNOWN_FORMATS)}, not {formats!r}", "fix the value")
    timezone = check.string(data, "timezone") or "UTC"
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise check.fail("timezone", f"unknown time zone {timezone!r}", 'use a name such as "Europe/London"') from None
    schedule = check.string(data, "schedule")
    cron: tuple = ()
    if schedule is not None:
        from pipeline.packs.schedule import parse_cron

        try:
            cron = (parse_cron(schedule),)
        except ValueError as exc:
            raise check.fail("schedule", str(exc), 'e.g. schedule = "0 7 * * 1-5" (minute hour day month weekday)')
    encoding = check.string(data, "encoding")
    if encoding is not None:
        from pipeline.readers.decode import check_encoding

        try:
            check_encoding(encoding)
        except BriefError as exc:
            raise check.fail("encoding", exc.problem, exc.hint) from None

    email, smtp = _delivery(check, data, formats)
    since, fetch = _web(check, data)
    review = _review(check, data)
    if cron and review.required and review.send_unreviewed_at:
        hour, minute = review.send_unreviewed_at.split(":")
        cron += (parse_cron(f"{int(minute)} {int(hour)} " + " ".join(schedule.split()[2:])),)

    def optional_path(key: str) -> Path | None:
        value = check.string(data, key)
        return Path(value) if value else None

    templates = optional_path("templates")
    if templates is not None and not templates.is_dir():
        raise check.fail("templates", f"{str(templates)!r} is not a folder",
                         "give a folder of templates (`brief templates init DIR` makes one)")
    classification = check.string(data, "classification")
    if classification is not None:
        from pipeline.compose.theme import MARKING_MAX, is_marking_text

        if not is_marking_text(classification):
            raise check.fail("classification", f"must be one line of at most {MARKING_MAX} printable characters",
                             "fix the value")

    return PackConfig(
        path=path, name=name, sources=tuple(sources), formats=tuple(dict.fromkeys(formats)),
        output=optional_path("output") or Path("output/packs"), schedule=schedule, timezone=timezone,
        classification=classification, theme=optional_path("theme"), templates=templates, encoding=encoding,
        history=optional_path("history"), prepared_for=check.string(cover, "prepared_for", "cover"),
        prepared_by=check.string(cover, "prepared_by", "cover"), email=email, smtp=smtp, since=since,
        fetch=fetch, review=review, cron=cron, text=text,
    )


_REVIEW = {"notify", "url", "send_unreviewed_at"}


def _review(check: SettingsFile, data: dict[str, Any]) -> ReviewSettings:
    """`review = "none" | "required"`, or, to say more, a [review] table (TOML allows one or the
    other) whose `mode` is "required" unless it says "none"."""
    value = data.get("review", {})
    if isinstance(value, str):
        value = {"mode": value}
    if not isinstance(value, dict):
        raise check.fail("review", 'must be "none", "required" or a table ([review])', 'e.g. review = "required"')
    mode = value.get("mode", "required" if value else "none")
    if mode not in ("none", "required"):
        raise check.fail("mode" if "mode" in value and isinstance(data.get("review"), dict) else "review",
                         f'must be "none" or "required", not {mode!r}', 'e.g. review = "required"',
                         "review" if isinstance(data.get("review"), dict) else None)
    for key in value:
        if key not in _REVIEW | {"mode"}:
            raise check.fail(key, "unknown key", f"use one of: {', '.join(sorted(_REVIEW | {'mode'}))}", "review")
    from pipeline.deliver.config import check_address

    notify = value.get("notify", [])
    if isinstance(notify, str):
        notify = [notify]
    if not isinstance(notify, list):
        raise check.fail("notify", "must be a list of e-mail addresses", "fix the value", "review")
    notify = [check_address(a, lambda problem: check.fail("notify", problem, "fix the value", "review"))
              for a in notify]
    url = value.get("url")
    if url is not None and (not isinstance(url, str) or not url.startswith(("http://", "https://"))
                            or not all(" " < c <= "~" for c in url)):
        raise check.fail("url", "must be an http:// or https:// address", "fix the value", "review")
    deadline = value.get("send_unreviewed_at")
    if deadline is not None:
        import re

        if not isinstance(deadline, str) or not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", deadline):
            raise check.fail("send_unreviewed_at", f"must be a time HH:MM, not {deadline!r}", 'e.g. "08:30"',
                             "review")
    return ReviewSettings(mode == "required", tuple(notify), url, deadline)


def _web(check: SettingsFile, data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    from pipeline.readers.web import parse_since

    since = check.string(data, "since") or "last-run"
    try:
        since = parse_since(since)
    except ValueError as exc:
        raise check.fail("since", str(exc), 'e.g. since = "24h"') from None
    fetch = check.table(data, "fetch", _FETCH)
    for key, value in fetch.items():
        kind, low, high = _FETCH[key]
        if isinstance(value, bool) != (kind is bool) or not isinstance(value, kind):
            raise check.fail(key, f"must be a {'number' if low is not None else 'true or false' if kind is bool else 'string'}, "
                                  f"not {value!r}", "fix the value", "fetch")
        if low is not None and not low <= value <= high:
            raise check.fail(key, f"must be between {low:,} and {high:,}, not {value!r}", "fix the value", "fetch")
        if kind is str and not all(" " <= c <= "~" for c in value):
            raise check.fail(key, "must be one line of printable ASCII (it is sent in an HTTP header)",
                             "fix the value", "fetch")
    return since, dict(fetch)


def _delivery(check: SettingsFile, data: dict[str, Any], formats: list[str]):
    from pipeline.deliver.config import EMAIL_KEYS, SMTP_KEYS, email_settings, smtp_table

    email = check.table(data, "email", EMAIL_KEYS) if "email" in data else None
    smtp = check.table(data, "smtp", SMTP_KEYS)
    settings = None
    if email is not None:
        if "attach" not in email:  # by default, whichever of PDF and DOCX the pack writes
            email = {**email, "attach": [f for f in ("pdf", "docx") if f in formats] or list(formats)[:1]}
        settings = email_settings(email, lambda key, problem: check.fail(key, problem, "fix the value", "email"))
        missing = [f for f in settings.attach if f not in formats]
        if missing:
            raise check.fail("attach", f"the pack writes no {', '.join(missing)}", "add it to formats", "email")
    return settings, smtp_table(smtp, lambda key, problem: check.fail(key, problem, "fix the value", "smtp"))
