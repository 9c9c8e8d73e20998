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

    watch = ["Keir Starmer", "Ministry of Defence"]  # bold in the documents, counted on the cover
    max_per_feed = 10            # stories led by one feed's articles; the rest go to an annex
    max_stories = 40
    unmatched = "other"          # stories no section takes: an "Other" section, or "drop"

    [stories]                    # the same story from several outlets is one story
    enabled = true
    near_copy = 0.5              # shingle Jaccard of near-copies (wire copy, a new headline)
    window_hours = 72            # articles further apart are never one story

    [[section]]                  # a story goes to the first section whose query it matches
    title = "Defence"
    query = 'org:nato OR "defence spending" NOT source:example.com'

Relative paths are taken from the folder the command runs in, as on the command line. Every
mistake names the key, the file and the line.
"""

from __future__ import annotations

import functools
import json
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
    from pipeline.stories import GroupSettings

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
class StorySettings:
    """How a pack's articles become stories, in sections, ordered and kept to a size.

    `grouping` is the library's thresholds (None: every article is a story of its own);
    `sections` are (title, query) pairs in the file's order; `unmatched` is "other" or "drop"."""

    grouping: "GroupSettings | None" = field(default_factory=lambda: _default_grouping())
    sections: tuple[tuple[str, str], ...] = ()
    unmatched: str = "other"
    watch: tuple[str, ...] = ()
    max_per_feed: int | None = None
    max_stories: int | None = None

    @property
    def arranged(self) -> bool:
        """Whether the pack is laid out by section, watchlist or limit whatever the grouping finds."""
        return bool(self.sections or self.watch or self.max_per_feed is not None or self.max_stories is not None)

    def digest_text(self) -> str:
        """What of these settings reaches the document, as text for the run key."""
        import dataclasses

        grouping = dataclasses.asdict(self.grouping) if self.grouping else None
        return json.dumps([grouping, self.sections, self.unmatched, self.watch, self.max_per_feed,
                           self.max_stories], sort_keys=True)


def _default_grouping() -> "GroupSettings":
    from pipeline.stories import GroupSettings

    return GroupSettings()


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
    stories: "StorySettings" = field(default_factory=lambda: StorySettings())
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
        "encoding", "history", "cover", "email", "smtp", "since", "fetch", "review", "stories", "section",
        "unmatched", "watch", "max_per_feed", "max_stories"}
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
    stories = _stories(check, data)

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
        fetch=fetch, review=review, stories=stories, cron=cron, text=text,
    )


_SECTION = {"title", "query"}


def _stories(check: SettingsFile, data: dict[str, Any]) -> StorySettings:
    """The [stories] table (thresholds), [[section]] tables, `unmatched`, `watch`, `max_per_feed`
    and `max_stories`. A section's query is parsed here, so a mistake in it stops the run
    before any article is read, with its column."""
    from pipeline.stories import GroupSettings, QueryError, parse

    table = check.table(data, "stories", {"enabled", *GroupSettings.__dataclass_fields__})
    enabled = table.get("enabled", True)
    if not isinstance(enabled, bool):
        raise check.fail("enabled", f"must be true or false, not {enabled!r}", "fix the value", "stories")
    for key in table:
        if key == "enabled":
            continue
        try:
            GroupSettings.from_mapping({key: table[key]})
        except BriefError as exc:
            raise check.fail(key, exc.problem.removeprefix(f"{key} "), exc.hint or "fix the value", "stories") from None
    grouping = GroupSettings.from_mapping({k: v for k, v in table.items() if k != "enabled"}) if enabled else None

    raw = data.get("section", [])
    if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
        raise check.fail("section", "must be tables written [[section]], each with a title and a query",
                         'e.g. [[section]] title = "Defence" query = "nato OR defence"')
    sections: list[tuple[str, str]] = []
    for number, table_ in enumerate(raw, start=1):
        where = _section_line(check, number)
        for key in table_:
            if key not in _SECTION:
                raise SettingsError(where(key), f"section {number}: {key}: unknown key",
                                    f"use one of: {', '.join(sorted(_SECTION))}")
        title, query = table_.get("title"), table_.get("query")
        if not isinstance(title, str) or not title.strip():
            raise SettingsError(where("title"), f"section {number}: title: must be a non-empty string, not {title!r}",
                                'e.g. title = "Defence"')
        if title in (t for t, _ in sections):
            raise SettingsError(where("title"), f'section "{title}": title: two sections have this title',
                                "give each section its own title")
        if not isinstance(query, str) or not query.strip():
            raise SettingsError(where("query"), f'section "{title}": query: must be a non-empty string, not {query!r}',
                                'e.g. query = \'nato OR "defence spending"\'')
        try:
            parse(query)
        except QueryError as exc:
            raise SettingsError(where("query"), f'section "{title}": query: {exc.message} at column {exc.position}',
                                'words, "phrases", AND, OR, NOT, brackets and fields such as people: or source:'
                                ) from None
        sections.append((title, query))

    unmatched = data.get("unmatched", "other")
    if unmatched not in ("other", "drop"):
        raise check.fail("unmatched", f'must be "other" or "drop", not {unmatched!r}', 'e.g. unmatched = "other"')
    watch = data.get("watch", [])
    if isinstance(watch, str):
        watch = [watch]
    if not isinstance(watch, list) or not all(isinstance(w, str) and w.strip() for w in watch):
        raise check.fail("watch", "must be a list of names", 'e.g. watch = ["Keir Starmer", "Ministry of Defence"]')

    def limit(key: str) -> int | None:
        value = data.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            raise check.fail(key, f"must be a whole number of at least 1, not {value!r}", "fix the value")
        return value

    return StorySettings(grouping, tuple(sections), unmatched, tuple(dict.fromkeys(w.strip() for w in watch)),
                         limit("max_per_feed"), limit("max_stories"))


def _section_line(check: SettingsFile, number: int):
    """`where(key)`: FILE:LINE of `key` in the `number`th [[section]] (the header's line when the
    key is not written there)."""
    import re

    header = re.compile(r"^\s*\[\[\s*section\s*\]\]")
    other = re.compile(r"^\s*\[")
    found_at: int | None = None
    lines: dict[str, int] = {}
    count = 0
    for line_number, line in enumerate(check.text.splitlines(), start=1):
        if header.match(line):
            count += 1
            if count == number:
                found_at = line_number
            elif count > number:
                break
            continue
        if other.match(line) and found_at is not None:
            break
        if found_at is not None:
            key = re.match(r'^\s*["\']?(\w+)["\']?\s*=', line)
            if key:
                lines.setdefault(key.group(1), line_number)

    def where(key: str) -> str:
        line = lines.get(key, found_at)
        return f"{check.path}:{line}" if line else str(check.path)

    return where


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
