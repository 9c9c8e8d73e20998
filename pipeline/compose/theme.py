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
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from pipeline.errors import BriefError

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
    body_size_pt: float = 10.5
    title_size_pt: float = 20
    heading1_size_pt: float = 14
    heading2_size_pt: float = 12
    line_spacing: float = 1.25
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
    path = path or DEFAULT_THEME
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BriefError(str(path), "theme file not found", "check the path given with --theme") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BriefError(str(path), f"cannot read the theme ({exc})", "check the file") from None
    except tomllib.TOMLDecodeError as exc:
        raise BriefError(str(path), f"not valid TOML ({exc})", "fix the theme file") from None
    if path != DEFAULT_THEME and DEFAULT_THEME.is_file():
        # A theme says what it changes: the rest is the default theme's (colours included).
        defaults = tomllib.loads(DEFAULT_THEME.read_text(encoding="utf-8"))
        for section, content in data.items():
            if isinstance(content, dict) and isinstance(defaults.get(section), dict):
                defaults[section] = {**defaults[section], **content}
            else:
                defaults[section] = content
        data = defaults
    return _theme_from(data, str(path), str(path.resolve().parent))


def _theme_from(data: dict, where: str, folder: str = "") -> Theme:
    values: dict[str, object] = {"folder": folder}
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
    if theme.page_size not in _PAGE_MM:
        raise BriefError(where, f"page.size = {theme.page_size!r} is not supported", "use \"A4\" or \"Letter\"")
    _check_ranges(theme, where)
    _check_files(theme, where)
    for name in ("organisation", "logo_alt", "classification", "caveat", "footer_text"):
        if not is_marking_text(getattr(theme, name)):
            raise BriefError(where, f"{name} must be one line of at most {MARKING_MAX} printable characters",
                             "fix the theme file")
    return theme


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


def _check_files(theme: Theme, where: str) -> None:
    logo = theme.path(theme.logo)
    if logo is not None:
        problem = regular_file_problem(logo, LOGO_MAX_BYTES)
        if problem is not None:
            raise BriefError(where, f"brand.logo {theme.logo}: {problem}",
                             "give the path of a PNG or JPEG file, relative to the theme file")
        try:
            head = read_head(logo, 8, LOGO_MAX_BYTES)
        except OSError as exc:
            raise BriefError(where, f"brand.logo {theme.logo}: cannot be read ({exc.strerror or exc})",
                             "give the path of a PNG or JPEG file, relative to the theme file") from None
        if not any(head.startswith(magic) for magic in _LOGO_TYPES):
            raise BriefError(where, f"brand.logo {theme.logo}: is not a PNG or JPEG image", "convert the logo to PNG")
        from PIL import Image  # reads the header only

        try:
            with Image.open(logo) as picture:
                size, mode = picture.size, picture.mode
        except Exception as exc:  # Pillow reports a bad image in many ways
            raise BriefError(where, f"brand.logo {theme.logo}: cannot be read as an image ({type(exc).__name__})",
                             "save the logo again as PNG") from None
        if max(size) > _LOGO_MAX_PIXELS:
            raise BriefError(where, f"brand.logo {theme.logo}: is {size[0]}x{size[1]} pixels, over {_LOGO_MAX_PIXELS}",
                             "a logo needs far fewer pixels; scale it down")
        if mode == "CMYK":
            raise BriefError(where, f"brand.logo {theme.logo}: is a CMYK image, which Word cannot place",
                             "save the logo as an RGB PNG")
    reference = theme.path(theme.reference_docx)
    if reference is not None:
        if not reference.exists():
            raise BriefError(where, f"docx.reference {theme.reference_docx}: no such file",
                             "give the path of a .docx file, relative to the theme file")
        problem = regular_file_problem(reference, REFERENCE_MAX_BYTES)
        if problem is None:
            try:
                if read_head(reference, 4, REFERENCE_MAX_BYTES) != b"PK\x03\x04":
                    problem = "is not a .docx document (not a zip package)"
            except OSError as exc:
                problem = f"cannot be read ({exc.strerror or exc})"
        if problem is not None:
            raise BriefError(where, f"docx.reference {theme.reference_docx}: {problem}",
                             "give the path of a .docx file saved by Word or LibreOffice, relative to the theme file")


_PAGE_MM = {"A4": (210.0, 297.0), "Letter": (215.9, 279.4)}
# Sizes a document can be set in: beyond these, text no longer fits a page or cannot be read.
_SIZE_RANGES = {"body_size_pt": (5, 36), "title_size_pt": (5, 96), "heading1_size_pt": (5, 72),
                "heading2_size_pt": (5, 72), "line_spacing": (0.8, 3),
                "template_seconds": (0.1, 3600), "template_memory_mb": (16, 65536)}
_MIN_TEXT_MM = 50
_MIN_FURNITURE_MM = 8


def _check_ranges(theme: Theme, where: str) -> None:
    for name, (low, high) in _SIZE_RANGES.items():
        value = getattr(theme, name)
        if not low <= value <= high:
            raise BriefError(where, f"{name} = {value:g} is outside {low:g}-{high:g}", "fix the theme file")
    width, height = _PAGE_MM[theme.page_size]
    if width - theme.margin_left_mm - theme.margin_right_mm < _MIN_TEXT_MM:
        raise BriefError(where, f"the left and right margins leave less than {_MIN_TEXT_MM} mm of text on a "
                         f"{width:g} mm wide page", "make the margins smaller")
    for side in ("top", "bottom"):
        if getattr(theme, f"margin_{side}_mm") < _MIN_FURNITURE_MM:
            raise BriefError(where, f"margin_{side}_mm = {getattr(theme, f'margin_{side}_mm'):g} leaves no room for the "
                             f"marking and page number (at least {_MIN_FURNITURE_MM} mm)", "make the margin larger")
    if height - theme.margin_top_mm - theme.margin_bottom_mm < _MIN_TEXT_MM:
        raise BriefError(where, f"the top and bottom margins leave less than {_MIN_TEXT_MM} mm of text on a "
                         f"{height:g} mm high page", "make the margins smaller")


def _coerce(value: object, kind: str, key: str, where: str) -> object:
    if kind.startswith("tuple"):
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise BriefError(where, f"{key} must be a list of font names or paths", "see the default theme")
        return tuple(value)
    if kind == "bool":
        if not isinstance(value, bool):
            raise BriefError(where, f"{key} = {value!r} must be true or false", "fix the theme file")
        return value
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise BriefError(where, f"{key} = {value!r} must be a positive number", "fix the theme file")
        return float(value)
    if not isinstance(value, str):
        raise BriefError(where, f"{key} = {value!r} must be a string", "fix the theme file")
    return value
