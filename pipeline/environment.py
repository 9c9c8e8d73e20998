"""The environment variables brief reads, typed and checked in one place.

The SMTP ones (BRIEF_SMTP_*) are read with the rest of the SMTP settings (deliver/config.py),
and options given as BRIEF_<OPTION> by click. The command line reads these when it starts, so a
bad value stops a run before any work. Kept free of heavy imports: `brief --help` reads it.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Mapping

from pipeline.errors import SettingsError


class Environment:
    """What the environment asks for. Read with `Environment.read()`; never changed after."""

    __slots__ = ("debug", "serial", "colour", "review_password", "user", "source_date", "cache_dir")

    def __init__(self, debug: bool = False, serial: bool = False, colour: bool = True,
                 review_password: str | None = None, user: str = "", source_date: dt.datetime | None = None,
                 cache_dir: Path | None = None):
        self.debug = debug  # BRIEF_DEBUG: tracebacks instead of one-line errors
        self.serial = serial  # BRIEF_SERIAL: render every format in this process
        self.colour = colour  # NO_COLOR (any value) turns colour off
        self.review_password = review_password  # BRIEF_REVIEW_PASSWORD: for `brief review --host`
        self.user = user  # USER: who approves, unless --by says
        self.source_date = source_date  # SOURCE_DATE_EPOCH: the time documents record as made
        # BRIEF_CACHE_DIR (empty: none), else $XDG_CACHE_HOME/brief or ~/.cache/brief: where
        # compiled templates are kept between runs.
        self.cache_dir = cache_dir

    @classmethod
    def read(cls, environ: Mapping[str, str] | None = None) -> "Environment":
        environ = os.environ if environ is None else environ
        return cls(debug=_flag(environ, "BRIEF_DEBUG"), serial=_flag(environ, "BRIEF_SERIAL"),
                   colour="NO_COLOR" not in environ, review_password=environ.get("BRIEF_REVIEW_PASSWORD") or None,
                   user=environ.get("USER", ""), source_date=_epoch(environ.get("SOURCE_DATE_EPOCH", "")),
                   cache_dir=_cache_dir(environ))


def _cache_dir(environ: Mapping[str, str]) -> Path | None:
    if "BRIEF_CACHE_DIR" in environ:
        value = environ["BRIEF_CACHE_DIR"].strip()
        return Path(value).expanduser() if value else None
    base = environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG rule: a relative path is to be ignored
        home = environ.get("HOME", "")
        base = os.path.join(home, ".cache") if os.path.isabs(home) else ""
    return Path(base) / "brief" if base else None


def _flag(environ: Mapping[str, str], name: str) -> bool:
    return environ.get(name, "") not in ("", "0")


def _epoch(value: str) -> dt.datetime | None:
    value = value.strip()
    if not value:
        return None
    try:
        return dt.datetime.fromtimestamp(int(value), tz=dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise SettingsError("SOURCE_DATE_EPOCH", f"{value!r} is not a valid number of seconds since 1970",
                            "unset it or give a whole number such as 1767225600") from None
