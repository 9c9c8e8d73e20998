"""Themes: how a document looks (page, fonts, sizes, colours), read from TOML.

Both the DOCX and the PDF writer take their styling from here and nowhere else.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from pipeline.errors import BriefError

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
DEFAULT_THEME = TEMPLATES_DIR / "themes" / "default.toml"
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


@dataclass(frozen=True)
class Theme:
    page_size: str = "A4"
    margin_top_mm: float = 20
    margin_bottom_mm: float = 20
    margin_left_mm: float = 22
    margin_right_mm: float = 22
    body_fonts: tuple[str, ...] = ("DejaVu Sans",)
    mono_fonts: tuple[str, ...] = ("DejaVu Sans Mono",)
    body_size_pt: float = 10.5
    title_size_pt: float = 20
    heading1_size_pt: float = 14
    heading2_size_pt: float = 12
    line_spacing: float = 1.25
    colours: dict[str, str] = field(default_factory=dict)
    language: str = "en-GB"

    def colour(self, name: str) -> str:
        """A colour as 'RRGGBB' (no '#'); black when the theme does not name it."""
        return self.colours.get(name, "#000000").lstrip("#").upper()


_SECTIONS = {
    "page": {"size": "page_size", "margin_top_mm": "margin_top_mm", "margin_bottom_mm": "margin_bottom_mm",
             "margin_left_mm": "margin_left_mm", "margin_right_mm": "margin_right_mm"},
    "fonts": {"body": "body_fonts", "mono": "mono_fonts", "body_size_pt": "body_size_pt",
              "title_size_pt": "title_size_pt", "heading1_size_pt": "heading1_size_pt",
              "heading2_size_pt": "heading2_size_pt", "line_spacing": "line_spacing"},
    "document": {"language": "language"},
}


def load_theme(path: Path | None = None) -> Theme:
    path = path or DEFAULT_THEME
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BriefError(str(path), "theme file not found", "check the path given with --theme") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BriefError(str(path), f"cannot read the theme ({exc})", "check the file") from None
    except tomllib.TOMLDecodeError as exc:
        raise BriefError(str(path), f"not valid TOML ({exc})", "fix the theme file") from None
    return _theme_from(data, str(path))


def _theme_from(data: dict, where: str) -> Theme:
    values: dict[str, object] = {}
    types = {f.name: f.type for f in fields(Theme)}
    for section, content in data.items():
        if section == "colours":
            if not isinstance(content, dict):
                raise BriefError(where, "[colours] must be a table", "see templates/themes/default.toml")
            for name, value in content.items():
                if not isinstance(value, str) or not _COLOUR.match(value):
                    raise BriefError(where, f"colours.{name} = {value!r} is not a colour like \"#1F3864\"",
                                     "use six hexadecimal digits after #")
            values["colours"] = dict(content)
            continue
        keys = _SECTIONS.get(section)
        if keys is None or not isinstance(content, dict):
            raise BriefError(where, f"unknown section [{section}]",
                             f"use one of: {', '.join(['colours', *_SECTIONS])}")
        for key, value in content.items():
            if key not in keys:
                raise BriefError(where, f"unknown key {section}.{key}", f"use one of: {', '.join(keys)}")
            target = keys[key]
            values[target] = _coerce(value, types[target], f"{section}.{key}", where)
    theme = Theme(**values)  # type: ignore[arg-type]
    if theme.page_size not in ("A4", "Letter"):
        raise BriefError(where, f"page.size = {theme.page_size!r} is not supported", "use \"A4\" or \"Letter\"")
    return theme


def _coerce(value: object, kind: str, key: str, where: str) -> object:
    if kind.startswith("tuple"):
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise BriefError(where, f"{key} must be a list of font names or paths", "see the default theme")
        return tuple(value)
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise BriefError(where, f"{key} = {value!r} must be a positive number", "fix the theme file")
        return float(value)
    if not isinstance(value, str):
        raise BriefError(where, f"{key} = {value!r} must be a string", "fix the theme file")
    return value
