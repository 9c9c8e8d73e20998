"""Email and SMTP settings.

In a pack file:

    [email]
    to = ["briefing-list@example.org"]
    cc = []
    bcc = []
    subject = "{name}: {date:%d %B %Y}"
    attach = ["pdf", "docx"]
    max_attachment_mb = 20
    mode = "smtp"            # or "file": write .eml files into the outbox folder instead
    from = "briefing-unit@example.org"

    [smtp]
    host = "127.0.0.1"
    port = 8025
    security = "none"        # starttls | ssl | none
    username = ""
    password_env = "BRIEF_SMTP_PASSWORD"
    timeout = 30
    ca_file = ""             # a private CA to trust besides the system's

SMTP settings are read, later ones winning, from the built-in defaults, the user's config file
(~/.config/brief/config.toml, table [smtp]), the pack file, and BRIEF_SMTP_* variables
(BRIEF_SMTP_HOST, _PORT, _SECURITY, _USERNAME, _PASSWORD_ENV, _TIMEOUT, _CA_FILE, _FROM). The
password itself is only ever read from the variable `password_env` names.
"""

from __future__ import annotations

import os
import re
import string
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Callable

from pipeline.errors import BriefError, SettingsError
from pipeline.settings import SettingsFile

SECURITY = ("starttls", "ssl", "none")
MODES = ("smtp", "file")
_ADDRESS = re.compile(r"^[^@\s<>,;:\"()\[\]\\]+@[^@\s<>,;:\"()\[\]\\]+\.[^@\s<>,;:\"()\[\]\\]+$")
SUBJECT_FIELDS = ("name", "date", "count", "classification")


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "127.0.0.1"
    port: int = 25
    security: str = "none"
    username: str = ""
    password_env: str = "BRIEF_SMTP_PASSWORD"
    timeout: float = 30.0
    ca_file: str = ""
    sender: str = "brief@localhost"

    def password(self) -> str | None:
        return os.environ.get(self.password_env) if self.password_env else None


@dataclass(frozen=True)
class EmailSettings:
    to: tuple[str, ...]
    cc: tuple[str, ...] = ()
    bcc: tuple[str, ...] = ()
    subject: str = "{name}: {date:%d %B %Y}"
    attach: tuple[str, ...] = ("pdf", "docx")
    max_attachment_mb: float = 20.0
    mode: str = "smtp"
    sender: str | None = None
    retries: int = 3
    backoff_seconds: float = 5.0

    def __post_init__(self) -> None:
        # Made from a pack file the pattern is checked there, with its line; made in code (the
        # library), this is the one check that a huge width cannot stall the message.
        check_subject_pattern(self.subject)

    @property
    def recipients(self) -> list[tuple[str, str]]:
        """(address, kind) for every recipient, in order, each once."""
        seen: dict[str, tuple[str, str]] = {}
        for kind, addresses in (("to", self.to), ("cc", self.cc), ("bcc", self.bcc)):
            for address in addresses:
                seen.setdefault(address.casefold(), (address, kind))  # A@x.org and a@x.org: one mailbox
        return list(seen.values())


def check_address(address: Any, fail: Callable[[str], BriefError]) -> str:
    if not isinstance(address, str) or not _ADDRESS.match(address.strip()):
        raise fail(f"{address!r} is not an e-mail address")
    return address.strip()


class _SubjectFormatter(string.Formatter):
    """str.format for subjects, with plain field names only: no attributes, no indexes."""

    def get_field(self, field_name, args, kwargs):
        if field_name not in SUBJECT_FIELDS:
            raise KeyError(field_name)
        return kwargs[field_name], field_name


def format_subject(template: str, **values: Any) -> str:
    return _SubjectFormatter().format(template, **values)


# A subject is cut at SUBJECT_LIMIT characters, so no field needs a width or precision beyond
# it; "{name:>999999999}" would otherwise build a string of a gigabyte before the cut.
SUBJECT_LIMIT = 200
_STRFTIME_WIDTH = re.compile(r"%[-_0^#]*(\d+)")
_SPEC_NUMBER = re.compile(r"\d+")


def check_subject_pattern(pattern: str) -> str:
    """`pattern`, or a BriefError when a field asks for a width or precision above
    SUBJECT_LIMIT, or nests a field in its format (a width that would come from the data).
    Checked before anything is formatted."""
    import string

    try:
        fields = [(name, spec) for _, name, spec, _ in string.Formatter().parse(pattern) if name is not None]
    except ValueError:
        return pattern  # not a pattern at all: formatting it reports that
    for name, spec in fields:
        if "{" in (spec or ""):
            raise BriefError("email.subject", f"{{{name}:{spec}}} takes its format from another field",
                             "write the width or format out, e.g. {name:>20}")
        numbers = _STRFTIME_WIDTH.findall(spec) if name == "date" else _SPEC_NUMBER.findall(spec or "")
        widest = max((int(n) if len(n) <= 9 else 10**9 for n in numbers), default=0)
        if widest > SUBJECT_LIMIT:
            raise BriefError("email.subject", f"{{{name}:{spec[:40]}}} asks for {widest} characters; a subject "
                             f"holds at most {SUBJECT_LIMIT}",
                             f"use a width or precision of at most {SUBJECT_LIMIT}")
    return pattern


def check_subject(template: Any, fail: Callable[[str], BriefError]) -> str:
    import datetime as dt

    if not isinstance(template, str) or not template.strip():
        raise fail("must be a non-empty string")
    try:
        check_subject_pattern(template)  # before the trial below, which a huge width would stall
    except BriefError as exc:
        raise fail(exc.problem) from None
    try:
        format_subject(template, name="x", date=dt.date(2026, 1, 1), count=1, classification="")
    except (KeyError, ValueError, IndexError) as exc:
        raise fail(f"{template!r} is not a subject pattern ({exc}); use the fields "
                   f"{', '.join('{' + f + '}' for f in SUBJECT_FIELDS)}") from None
    return template


EMAIL_KEYS = frozenset({"to", "cc", "bcc", "subject", "attach", "max_attachment_mb", "mode", "from", "retries",
                        "backoff_seconds"})


def email_settings(table: dict[str, Any], fail: Callable[[str, str], BriefError]) -> EmailSettings:
    """[email] of a pack file; `fail(key, problem)` makes the error naming the key and line."""
    for key in table:
        if key not in EMAIL_KEYS:
            raise fail(key, f"unknown key (use one of: {', '.join(sorted(EMAIL_KEYS))})")

    def addresses(key: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise fail(key, "must be a list of e-mail addresses")
        return tuple(check_address(a, lambda p, k=key: fail(k, p)) for a in value)

    to, cc, bcc = addresses("to"), addresses("cc"), addresses("bcc")
    if not (to or cc or bcc):
        raise fail("to", "the pack has an [email] table but no recipients")
    attach = table.get("attach", ["pdf", "docx"])
    if isinstance(attach, str):
        attach = [attach]
    if not isinstance(attach, list) or not all(a in ("docx", "pdf", "md", "html", "json") for a in attach):
        raise fail("attach", f"must be a list of formats the pack writes, not {attach!r}")
    mode = table.get("mode", "smtp")
    if mode not in MODES:
        raise fail("mode", f"must be one of {', '.join(MODES)}, not {mode!r}")
    size = table.get("max_attachment_mb", 20)
    if isinstance(size, bool) or not isinstance(size, (int, float)) or not 0 < size <= 1000:
        raise fail("max_attachment_mb", f"must be a number of megabytes, not {size!r}")
    retries = table.get("retries", 3)
    if isinstance(retries, bool) or not isinstance(retries, int) or not 1 <= retries <= 20:
        raise fail("retries", f"must be a whole number from 1 to 20, not {retries!r}")
    backoff = table.get("backoff_seconds", 5)
    if isinstance(backoff, bool) or not isinstance(backoff, (int, float)) or not 0 <= backoff <= 3600:
        raise fail("backoff_seconds", f"must be a number of seconds, not {backoff!r}")
    sender = table.get("from")
    if sender is not None:
        sender = check_address(sender, lambda p: fail("from", p))
    subject = check_subject(table.get("subject", EmailSettings.subject), lambda p: fail("subject", p))
    return EmailSettings(to, cc, bcc, subject, tuple(dict.fromkeys(attach)), float(size), mode, sender,
                         retries, float(backoff))


SMTP_KEYS = frozenset({"host", "port", "security", "username", "password_env", "timeout", "ca_file", "from"})


def smtp_table(table: dict[str, Any], fail: Callable[[str, str], BriefError]) -> dict[str, Any]:
    """[smtp] of a pack file or the user's config, checked; only the keys given."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        if key not in SMTP_KEYS:
            raise fail(key, f"unknown key (use one of: {', '.join(sorted(SMTP_KEYS))})")
        if key == "port":
            if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 65536:
                raise fail(key, f"must be a port number, not {value!r}")
        elif key == "timeout":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 3600:
                raise fail(key, f"must be a number of seconds, not {value!r}")
            value = float(value)
        elif key == "security":
            if value not in SECURITY:
                raise fail(key, f"must be one of {', '.join(SECURITY)}, not {value!r}")
        elif key == "from":
            value = check_address(value, lambda p: fail("from", p))
        elif not isinstance(value, str):
            raise fail(key, f"must be a string, not {value!r}")
        out["sender" if key == "from" else key] = value
    return out


def user_config_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "brief" / "config.toml"


USER_CONFIG_TABLES = ("smtp",)


def user_smtp_table(path: Path) -> dict[str, Any]:
    """[smtp] of the user's config file, checked, with the file and line of any mistake."""
    config = SettingsFile.read(path, "user config", "no such user config", "fix or remove the file")
    config.known_keys(config.data, USER_CONFIG_TABLES)
    table = config.table(config.data, "smtp", SMTP_KEYS)
    return smtp_table(table, config.failer("smtp", "fix the user config"))


def smtp_settings(pack_table: dict[str, Any] | None = None, environ: dict[str, str] | None = None,
                  user_config: Path | None = None) -> SmtpSettings:
    environ = dict(os.environ if environ is None else environ)
    settings = SmtpSettings()
    path = user_config or user_config_path()
    if path.is_file():
        settings = replace(settings, **user_smtp_table(path))
    if pack_table:
        settings = replace(settings, **pack_table)
    overrides: dict[str, Any] = {}
    for f in fields(SmtpSettings):
        name = "FROM" if f.name == "sender" else f.name.upper()
        value = environ.get(f"BRIEF_SMTP_{name}")
        if value is not None:
            overrides["from" if f.name == "sender" else f.name] = _env_value(f.name, value)
    if overrides:
        settings = replace(settings, **smtp_table(overrides, lambda k, p: SettingsError(
            f"BRIEF_SMTP_{'FROM' if k == 'from' else k.upper()}", p, "fix the environment variable")))
    return settings


def _env_value(name: str, value: str) -> Any:
    if name == "port":
        return int(value) if value.isdigit() else value
    if name == "timeout":
        try:
            return float(value)
        except ValueError:
            return value
    return value
