"""Settings files (pack files, themes, the user config): read once, checked in one style.

A settings file is read and parsed here once; every mistake in it is a SettingsError naming the
file, the line and the key, what is wrong and what is allowed:

    brief: packs/daily.toml:3: colour: unknown key; use one of: classification, cover, ...

The loaders (packs/settings.py, compose/theme.py, deliver/config.py) turn what this reads into
frozen dataclasses; nothing after them reads or checks a setting again.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from pipeline.errors import BriefError, SettingsError

_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?")
_TOML_LINE = re.compile(r"\(at line (\d+)")


@dataclass(frozen=True)
class SettingsFile:
    """One TOML settings file as read: its path, text and parsed tables."""

    path: Path
    text: str = field(repr=False)
    data: dict[str, Any] = field(repr=False)

    @classmethod
    def read(cls, path: Path, kind: str, missing: str, missing_hint: str = "check the path") -> "SettingsFile":
        """Read and parse `path` (a `kind` such as "pack file" or "theme"); `missing` is the
        problem reported when there is no such file."""
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise SettingsError(str(path), missing, missing_hint) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise SettingsError(str(path), f"cannot read the {kind} ({exc})", "check the file") from None
        return cls.parse(path, text, kind)

    @classmethod
    def parse(cls, path: Path, text: str, kind: str) -> "SettingsFile":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            found = _TOML_LINE.search(str(exc))
            line = found.group(1) if found else len(text.splitlines()) if "end of document" in str(exc) else None
            where = f"{path}:{line}" if line else str(path)
            raise SettingsError(where, f"not valid TOML ({exc})", f"fix the {kind}") from None
        return cls(path, text, data)

    def line_of(self, key: str, table: str | None = None) -> int | None:
        """The line where `key` is set in `table` (None: the top level), or where [key] opens
        when the key is itself a table; None when the file does not say it."""
        current = None
        pattern = re.compile(r'^\s*["\']?' + re.escape(key) + r'["\']?\s*=')
        dotted = table is not None and re.compile(r'^\s*' + re.escape(table) + r'\.' + re.escape(key) + r'\s*=')
        for number, line in enumerate(self.text.splitlines(), start=1):
            header = _HEADER.match(line)
            if header:
                current = header.group(1)
                if table is None and current == key:
                    return number
                continue
            if current == table and pattern.match(line):
                return number
            if current is None and dotted and dotted.match(line):
                return number
        if table is not None:
            return self.line_of(table)  # the table's own line, when the key is not written in it
        return None

    def where(self, key: str | None = None, table: str | None = None) -> str:
        line = self.line_of(key, table) if key else None
        return f"{self.path}:{line}" if line else str(self.path)

    def fail(self, key: str, problem: str, allowed: str, table: str | None = None) -> BriefError:
        """The error for `key` (in `table`): FILE:LINE: TABLE.KEY: problem; allowed."""
        name = f"{table}.{key}" if table else key
        return SettingsError(self.where(key, table), f"{name}: {problem}", allowed)

    def failer(self, table: str | None, allowed: str = "fix the value") -> Callable[[str, str], BriefError]:
        """`fail(key, problem)` for the keys of one table, as the delivery checks take it."""
        return lambda key, problem: self.fail(key, problem, allowed, table)

    def table(self, data: dict[str, Any], name: str, known: Iterable[str], parent: str | None = None) -> dict[str, Any]:
        """`data[name]` as a table whose keys are all `known` (an empty table when absent)."""
        value = data.get(name, {})
        if not isinstance(value, dict):
            raise self.fail(name, f"must be a table ([{name}])", "see the README", parent)
        self.known_keys(value, known, name)
        return value

    def known_keys(self, data: dict[str, Any], known: Iterable[str], table: str | None = None) -> None:
        known = sorted(known)
        for key in data:
            if key not in known:
                raise self.fail(key, "unknown key", f"use one of: {', '.join(known)}", table)

    def string(self, data: dict, key: str, table: str | None = None, required: bool = False) -> str | None:
        if key not in data:
            if required:
                raise SettingsError(str(self.path), f"{key}: required key is missing", f'add {key} = "..."')
            return None
        value = data[key]
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, f"must be a non-empty string, not {value!r}", "fix the value", table)
        return value


# BCP 47 language tags as documents carry them: a language of two or three letters, then an
# optional script, region and variants ("en-GB", "zh-Hant-TW", "sr-Latn", "de-CH-1996").
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?(-([A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*")


def is_language_tag(value: object) -> bool:
    return isinstance(value, str) and _LANGUAGE_TAG.fullmatch(value) is not None
