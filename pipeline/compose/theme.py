"""Themes: how a document looks (page, fonts, sizes, colours), read from TOML.

Both the DOCX and the PDF writer take their styling from here and nowhere else.

A theme also bounds what its templates may cost, in a [limits] table:

    [limits]
    template_seconds = 10      # wall-clock time one template render may take
    template_memory_mb = 512   # memory one template render may add to the process

A template that goes past either stops with a one-line error ("template pack.md.j2 exceeded
its 10 s limit"), exit status 2, like any other template error.

Files a theme names (the logo, the DOCX reference document) must be regular files of a sane
size; their type is told from their first bytes, read without reading the rest.

A theme is read and checked once, by load_theme: a mistake names the file, line and key
("theme.toml:4: document.language: 'english' is not a BCP 47 language tag; ..."). Text colours
too faint on their background for WCAG 2.x AA (4.5:1, or 3:1 for titles and headings of 18 pt
or more) do not stop the run: they come back in Theme.warnings, for the run to report.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import os
import re
import stat
from dataclasses import dataclass, field, fields
from pathlib import Path

from pipeline.errors import SettingsError
from pipeline.results import Notice
from pipeline.settings import SettingsFile, is_language_tag

def _templates_dir() -> Path:
    """The built-in templates: the checkout's templates/ folder, which an installed copy carries
    inside the package as pipeline.builtin (see pyproject.toml)."""
    beside = Path(__file__).resolve().parents[2] / "templates"
    if (beside / "brief.md.j2").is_file():
        return beside
    from importlib.resources import files

    return Path(str(files("pipeline") / "builtin"))


TEMPLATES_DIR = _templates_dir()
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
    body_size_pt: float = 12
    title_size_pt: float = 20
    heading1_size_pt: float = 15
    heading2_size_pt: float = 13
    line_spacing: float = 1.15
    heading_fonts: tuple[str, ...] = ()  # empty: the body fonts
    colours: dict[str, str] = field(default_factory=dict)
    language: str = "en-GB"
    organisation: str = ""
    logo: str = ""  # an image file; relative paths are taken from the theme's folder
    logo_alt: str = ""
    logo_width_mm: float = 35
    classification: str = ""  # the marking when neither the command nor the pack gives one
    caveat: str = ""  # a handling caveat printed after the classification
    footer_text: str = ""
    reference_docx: str = ""  # a .docx whose styles, page set-up, headers and footers the DOCX uses
    brief_cover: bool = False  # a cover page for a single brief too (packs always have one)
    template_seconds: float = 10  # [limits]: the time one template render may take
    template_memory_mb: float = 512  # [limits]: the memory one template render may add
    folder: str = ""  # where the theme file is, for its relative paths
    warnings: tuple[Notice, ...] = field(default=(), compare=False)  # found at load, for the run to report

    def path(self, value: str) -> Path | None:
        """A path the theme names, resolved from the theme's folder; None when empty."""
        if not value:
            return None
        path = Path(value).expanduser()
        return path if path.is_absolute() or not self.folder else Path(self.folder) / path

    @property
    def heading_font_list(self) -> tuple[str, ...]:
        return self.heading_fonts or self.body_fonts

    @property
    def logo_text(self) -> str:
        """The logo's alternative text: what a screen reader says for it."""
        return self.logo_alt or (f"{self.organisation} logo" if self.organisation else "Logo")

    def colour(self, name: str) -> str:
        """A colour as 'RRGGBB' (no '#'); black when the theme does not name it."""
        return self.colours.get(name, "#000000").lstrip("#").upper()


_SECTIONS = {
    "page": {"size": "page_size", "margin_top_mm": "margin_top_mm", "margin_bottom_mm": "margin_bottom_mm",
             "margin_left_mm": "margin_left_mm", "margin_right_mm": "margin_right_mm"},
    "fonts": {"body": "body_fonts", "mono": "mono_fonts", "heading": "heading_fonts", "body_size_pt": "body_size_pt",
              "title_size_pt": "title_size_pt", "heading1_size_pt": "heading1_size_pt",
              "heading2_size_pt": "heading2_size_pt", "line_spacing": "line_spacing"},
    "document": {"language": "language", "cover": "brief_cover"},
    "brand": {"organisation": "organisation", "logo": "logo", "logo_alt": "logo_alt",
              "logo_width_mm": "logo_width_mm"},
    "marking": {"classification": "classification", "caveat": "caveat"},
    "footer": {"text": "footer_text"},
    "docx": {"reference": "reference_docx"},
    "limits": {"template_seconds": "template_seconds", "template_memory_mb": "template_memory_mb"},
}


def load_theme(path: Path | None = None) -> Theme:
    """The theme in `path` (the default theme when None), on top of the default theme, checked
    once: a mistake is a SettingsError naming the file, line and key. What a theme may say but
    should not (colours too faint to read) comes back as `Theme.warnings`."""
    default = _default_file()
    if path is None or path == DEFAULT_THEME:
        return _theme_from(default.data, _Places(default), str(DEFAULT_THEME.resolve().parent))
    given = SettingsFile.read(path, "theme file", "theme file not found", "check the path given with --theme")
    # A theme says what it changes: the rest is the default theme's (colours included).
    data = {section: dict(content) if isinstance(content, dict) else content
            for section, content in default.data.items()}
    for section, content in given.data.items():
        if isinstance(content, dict) and isinstance(data.get(section), dict):
            data[section] = {**data[section], **content}
        else:
            data[section] = content
    return _theme_from(data, _Places(given, default), str(path.resolve().parent))


@functools.lru_cache(maxsize=1)
def _default_file() -> SettingsFile:
    """The default theme, read once a process: it is part of the installation."""
    return SettingsFile.read(DEFAULT_THEME, "theme file", "the default theme is missing",
                             "reinstall brief")


class _Places:
    """Where a theme's key is written: the theme file when it says it, else the default theme."""

    def __init__(self, *files: SettingsFile) -> None:
        self.files = files

    def where(self, key: str, table: str) -> str:
        for file in self.files:
            section = file.data.get(table)
            if isinstance(section, dict) and key in section:
                return file.where(key, table)
        return self.files[0].where(table)

    def fail(self, key: str, problem: str, allowed: str, table: str) -> SettingsError:
        return SettingsError(self.where(key, table), f"{table}.{key}: {problem}", allowed)

    def fail_field(self, name: str, problem: str, allowed: str) -> SettingsError:
        """The error for a Theme field, at the key that sets it."""
        table, key = _FIELD_PLACE[name]
        return self.fail(key, problem, allowed, table)


_FIELD_PLACE = {target: (section, key) for section, keys in _SECTIONS.items() for key, target in keys.items()}
COLOUR_NAMES = ("text", "title", "heading", "muted", "link", "rule", "table_header_fill", "table_border",
                "quote_bar", "marking")


def _theme_from(data: dict, places: _Places, folder: str = "") -> Theme:
    values: dict[str, object] = {"folder": folder}
    types = {f.name: f.type for f in fields(Theme)}
    for section, content in data.items():
        if section == "colours":
            if not isinstance(content, dict):
                raise SettingsError(places.files[0].where("colours"), "[colours] must be a table",
                                    "see templates/themes/default.toml")
            for name, value in content.items():
                if name not in COLOUR_NAMES:
                    raise SettingsError(places.where(name, "colours"), f"unknown key colours.{name}",
                                        f"use one of: {', '.join(COLOUR_NAMES)}")
                if not isinstance(value, str) or not _COLOUR.match(value):
                    raise places.fail(name, f"{value!r} is not a colour like \"#1F3864\"",
                                      "use six hexadecimal digits after #", "colours")
            values["colours"] = dict(content)
            continue
        keys = _SECTIONS.get(section)
        if keys is None or not isinstance(content, dict):
            raise SettingsError(places.files[0].where(section), f"unknown section [{section}]",
                                f"use one of: {', '.join(['colours', *_SECTIONS])}")
        for key, value in content.items():
            if key not in keys:
                raise SettingsError(places.where(key, section), f"unknown key {section}.{key}",
                                    f"use one of: {', '.join(keys)}")
            target = keys[key]
            values[target] = _coerce(value, types[target], key, section, places)
    theme = Theme(**values)  # type: ignore[arg-type]
    if theme.page_size not in _PAGE_MM:
        raise places.fail("size", f"{theme.page_size!r} is not supported", "use \"A4\" or \"Letter\"", "page")
    if not is_language_tag(theme.language):
        raise places.fail("language", f"{theme.language!r} is not a BCP 47 language tag",
                          'use a tag such as "en-GB", "fr", "de-CH" or "zh-Hant-TW"', "document")
    _check_ranges(theme, places)
    _check_files(theme, places)
    for name in ("organisation", "logo_alt", "classification", "caveat", "footer_text"):
        if not is_marking_text(getattr(theme, name)):
            raise places.fail_field(name, f"must be one line of at most {MARKING_MAX} printable characters",
                                    "fix the theme file")
    warnings = tuple(Notice(places.where(name, "colours"), message) for name, message in contrast_problems(theme))
    return dataclasses.replace(theme, warnings=warnings) if warnings else theme


# WCAG 2.x AA: 4.5:1 for text, 3:1 for large text (18 pt, or 14 pt bold). The PDF sets titles
# and headings in the regular face, so only their size makes them large.
AA_TEXT = 4.5
AA_LARGE = 3.0
PAGE_COLOUR = "#FFFFFF"  # the documents are printed on white


def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of "#RRGGBB"."""
    channels = []
    for start in (1, 3, 5):
        value = int(colour[start:start + 2], 16) / 255
        channels.append(value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _text_pairs(theme: Theme) -> list[tuple[str, str, str, float]]:
    """(text colour name, background name, background colour, ratio needed) of every pair of
    colours that text is set in."""
    def needed(size_pt: float) -> float:
        return AA_LARGE if size_pt >= 18 else AA_TEXT

    heading_pt = min(theme.heading1_size_pt, theme.heading2_size_pt)
    fill = theme.colours.get("table_header_fill", PAGE_COLOUR)
    return [
        ("text", "page", PAGE_COLOUR, AA_TEXT),
        ("muted", "page", PAGE_COLOUR, AA_TEXT),
        ("link", "page", PAGE_COLOUR, AA_TEXT),
        ("marking", "page", PAGE_COLOUR, AA_TEXT),
        ("title", "page", PAGE_COLOUR, needed(theme.title_size_pt)),
        ("heading", "page", PAGE_COLOUR, needed(heading_pt)),
        ("text", "table_header_fill", fill, AA_TEXT),
    ]


def contrast_problems(theme: Theme) -> list[tuple[str, str]]:
    """(colour name, message) for each text colour that fails WCAG AA on its background; a
    colour the theme does not name is black, as the renderers draw it."""
    problems = []
    for name, background, behind, needed in _text_pairs(theme):
        colour = "#" + theme.colour(name)
        ratio = contrast_ratio(colour, behind)
        if ratio < needed:
            shown = math.floor(ratio * 10) / 10  # never rounded up to the ratio it misses
            hint = "choose a darker colour" if background == "page" else f"choose a darker {name} or a lighter {background}"
            problems.append((name, f"colours: {name} colour {colour} on {background} {behind.upper()} has contrast "
                                   f"{shown:.1f}:1, below {needed:g}:1 (WCAG AA); {hint}"))
    return problems


MARKING_MAX = 120
_LOGO_MAX_PIXELS = 4000
_LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}


_MARKING_EXTRAS = set("\u00a0\u202f\u200c\u200d")  # no-break spaces and joiners belong to text


def is_marking_text(text: str) -> bool:
    """Short, one line, printable: what a page header, footer or cover line can hold."""
    return len(text) <= MARKING_MAX and all(c.isprintable() or c in _MARKING_EXTRAS for c in text)


LOGO_MAX_BYTES = 20_000_000
REFERENCE_MAX_BYTES = 50_000_000


def regular_file_problem(path: Path, max_bytes: int) -> str | None:
    """Why `path` is not a regular file of at most `max_bytes` (a device such as /dev/zero, a
    FIFO, a folder, a huge file), or None when it is one. Nothing is read."""
    try:
        info = os.stat(path)
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file"
    if info.st_size > max_bytes:
        return f"is {info.st_size / 1e6:.0f} MB, over the {max_bytes // 1_000_000} MB limit"
    return None


def read_head(path: Path, size: int, max_bytes: int) -> bytes:
    """The first `size` bytes of a regular file of at most `max_bytes`; OSError otherwise."""
    problem = regular_file_problem(path, max_bytes)
    if problem is not None:
        raise OSError(problem)
    with open(path, "rb") as handle:
        return handle.read(size)


def read_bounded(path: Path, max_bytes: int) -> bytes:
    """A regular file of at most `max_bytes`, whole; OSError otherwise (and never more read)."""
    problem = regular_file_problem(path, max_bytes)
    if problem is not None:
        raise OSError(problem)
    with open(path, "rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise OSError(f"grew over the {max_bytes // 1_000_000} MB limit while read")
    return data


def _check_files(theme: Theme, places: _Places) -> None:
    logo = theme.path(theme.logo)
    if logo is not None:
        def bad_logo(problem: str, allowed: str = "give the path of a PNG or JPEG file, relative to the theme file"):
            return places.fail("logo", f"{theme.logo}: {problem}", allowed, "brand")

        problem = regular_file_problem(logo, LOGO_MAX_BYTES)
        if problem is not None:
            raise bad_logo(problem)
        try:
            head = read_head(logo, 8, LOGO_MAX_BYTES)
        except OSError as exc:
            raise bad_logo(f"cannot be read ({exc.strerror or exc})") from None
        if not any(head.startswith(magic) for magic in _LOGO_TYPES):
            raise bad_logo("is not a PNG or JPEG image", "convert the logo to PNG")
        from PIL import Image  # reads the header only

        try:
            with Image.open(logo) as picture:
                size, mode = picture.size, picture.mode
        except Exception as exc:  # Pillow reports a bad image in many ways
            raise bad_logo(f"cannot be read as an image ({type(exc).__name__})", "save the logo again as PNG") from None
        if max(size) > _LOGO_MAX_PIXELS:
            raise bad_logo(f"is {size[0]}x{size[1]} pixels, over {_LOGO_MAX_PIXELS}",
                           "a logo needs far fewer pixels; scale it down")
        if mode == "CMYK":
            raise bad_logo("is a CMYK image, which Word cannot place", "save the logo as an RGB PNG")
    reference = theme.path(theme.reference_docx)
    if reference is not None:
        problem = reference_docx_problem(reference)
        if problem == "no such file":
            raise places.fail("reference", f"{theme.reference_docx}: no such file",
                              "give the path of a .docx file, relative to the theme file", "docx")
        if problem is not None:
            raise places.fail("reference", f"{theme.reference_docx}: {problem}",
                              "give the path of a .docx file saved by Word or LibreOffice, relative to the theme file",
                              "docx")


def reference_docx_problem(path: Path) -> str | None:
    """Why `path` cannot be a reference .docx (the theme's or --reference-docx), or None.
    Only its first bytes are read, and only from a regular file."""
    if not path.exists():
        return "no such file"
    problem = regular_file_problem(path, REFERENCE_MAX_BYTES)
    if problem is None:
        try:
            if read_head(path, 4, REFERENCE_MAX_BYTES) != b"PK\x03\x04":
                problem = "is not a .docx document (not a zip package)"
        except OSError as exc:
            problem = f"cannot be read ({exc.strerror or exc})"
    return problem


_PAGE_MM = {"A4": (210.0, 297.0), "Letter": (215.9, 279.4)}
# Sizes a document can be set in: beyond these, text no longer fits a page or cannot be read.
_SIZE_RANGES = {"body_size_pt": (5, 36), "title_size_pt": (5, 96), "heading1_size_pt": (5, 72),
                "heading2_size_pt": (5, 72), "line_spacing": (0.8, 3),
                "template_seconds": (0.1, 3600), "template_memory_mb": (16, 65536)}
_MIN_TEXT_MM = 50
_MIN_FURNITURE_MM = 8


def _check_ranges(theme: Theme, places: _Places) -> None:
    for name, (low, high) in _SIZE_RANGES.items():
        value = getattr(theme, name)
        if not low <= value <= high:
            raise places.fail_field(name, f"{value:g} is outside {low:g}-{high:g}", "fix the theme file")
    width, height = _PAGE_MM[theme.page_size]
    if width - theme.margin_left_mm - theme.margin_right_mm < _MIN_TEXT_MM:
        raise places.fail_field("margin_left_mm", f"the left and right margins leave less than {_MIN_TEXT_MM} mm of "
                                f"text on a {width:g} mm wide page", "make the margins smaller")
    for side in ("top", "bottom"):
        if getattr(theme, f"margin_{side}_mm") < _MIN_FURNITURE_MM:
            raise places.fail_field(f"margin_{side}_mm", f"{getattr(theme, f'margin_{side}_mm'):g} leaves no room for "
                                    f"the marking and page number (at least {_MIN_FURNITURE_MM} mm)",
                                    "make the margin larger")
    if height - theme.margin_top_mm - theme.margin_bottom_mm < _MIN_TEXT_MM:
        raise places.fail_field("margin_top_mm", f"the top and bottom margins leave less than {_MIN_TEXT_MM} mm of "
                                f"text on a {height:g} mm high page", "make the margins smaller")


def _coerce(value: object, kind: str, key: str, table: str, places: _Places) -> object:
    if kind.startswith("tuple"):
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise places.fail(key, "must be a list of font names or paths", "see the default theme", table)
        return tuple(value)
    if kind == "bool":
        if not isinstance(value, bool):
            raise places.fail(key, f"must be true or false, not {value!r}", "fix the theme file", table)
        return value
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise places.fail(key, f"must be a positive number, not {value!r}", "fix the theme file", table)
        return float(value)
    if not isinstance(value, str):
        raise places.fail(key, f"must be a string, not {value!r}", "fix the theme file", table)
    return value
