"""The theme's fonts for the PDF: the body font sets the text, the others supply one character at
a time what it lacks, and characters no font has are reported once. Finding font files is
shared with the DOCX (pipeline.render.fonts); loading them into reportlab is here."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import Callable, Iterable

from reportlab.lib import fonts as rl_fonts
from reportlab.pdfbase import pdfmetrics, ttfonts as _ttfonts
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from pipeline.render.fonts import FontFace, find_font_face, looks_like_path, unusable_reason
from pipeline.compose.theme import Theme


def _to_unicode_cmap(fontname: str, subset) -> str:
    """reportlab's ToUnicode map, with characters beyond U+FFFF written as the UTF-16 pairs the
    PDF format asks for: reportlab writes them as five hex digits, so copying or searching an
    emoji gives another character."""
    def utf16(code: int) -> str:
        return "".join(f"{unit:04X}" for unit in
                       ((0xD800 + ((code - 0x10000) >> 10), 0xDC00 + ((code - 0x10000) & 0x3FF))
                        if code > 0xFFFF else (code,)))

    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap", "/CIDSystemInfo",
        f"<< /Registry ({fontname})", f"/Ordering ({fontname})", "/Supplement 0", ">> def",
        f"/CMapName /{fontname} def", "/CMapType 2 def", "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>", "endcodespacerange", f"{len(subset)} beginbfchar",
        *(f"<{index:02X}> <{utf16(code)}>" for index, code in enumerate(subset)),
        "endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"])


_ttfonts.makeToUnicodeCMap = _to_unicode_cmap

MISSING_LISTED = 20

_CJK_RANGES = ("\u1100-\u11ff\u2e80-\u2fdf\u3000-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
               "\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff")
_FIRST_CJK = "\u1100"


@dataclass
class _Face:
    """One loaded style of a font: its reportlab name and which characters it has."""

    name: str
    covers: Callable[[str], bool]


# The built-in PDF fonts, used only when the theme names no font that is installed. They draw
# WinAnsi (cp1252) characters and nothing else.
def _covered_by_builtin(char: str) -> bool:
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


_BUILTIN_STYLES = {
    "Helvetica": {(False, False): "Helvetica", (True, False): "Helvetica-Bold",
                  (False, True): "Helvetica-Oblique", (True, True): "Helvetica-BoldOblique"},
    "Courier": {(False, False): "Courier", (True, False): "Courier-Bold",
                (False, True): "Courier-Oblique", (True, True): "Courier-BoldOblique"},
}

# reportlab's font registry is process-wide, so a face keeps one name for the whole process
# and is parsed once however many documents use it.
_REGISTERED: dict[FontFace, _Face] = {}


def _load_face(face: FontFace) -> _Face:
    if face not in _REGISTERED:
        name = _unused_font_name(face)
        font = TTFont(name, str(face.path), subfontIndex=face.index)
        pdfmetrics.registerFont(font)
        cmap = font.face.charToGlyph
        _REGISTERED[face] = _Face(name, lambda char, cmap=cmap: ord(char) in cmap)
    return _REGISTERED[face]


def _unused_font_name(face: FontFace) -> str:
    base = re.sub(r"[^A-Za-z0-9_-]", "", face.path.stem) or "Font"
    if face.index:
        base += f"-{face.index}"
    taken = {name.lower() for name in pdfmetrics.getRegisteredFontNames()}
    taken |= {name.lower() for name in pdfmetrics.standardFonts}
    name, counter = base, 1
    while name.lower() in taken:
        counter += 1
        name = f"{base}-{counter}"
    return name


_UNLOADED = object()


def _builtin_family(name: str) -> "_Family":
    family = _Family(name, builtin=name)
    family.load()
    return family


class _Family:
    """One entry of a theme's font list. Its styles load on first use; a missing style is
    drawn with the regular face, and then without <b>/<i> so reportlab asks for nothing
    that is not there."""

    def __init__(self, label: str, builtin: str | None = None) -> None:
        self.label = label
        self.builtin = builtin
        self.name = ""  # the name <font face="..."> uses; set by load()
        self._files: dict[tuple[bool, bool], FontFace | None] = {}
        self._faces: dict[tuple[bool, bool], _Face] = {}
        self._problem: object = _UNLOADED

    def load(self) -> str | None:
        """Find and load the regular face; None when it worked, else why not. Loads once."""
        if self._problem is _UNLOADED:
            self._problem = self._load()
        return self._problem

    def _load(self) -> str | None:
        if self.builtin:
            self.name = self.builtin
            return None
        regular = find_font_face(self.label)
        if regular is None:
            return self._why_missing()
        try:
            self._faces[(False, False)] = _load_face(regular)
        except (TTFError, OSError, ValueError) as exc:
            return f"cannot be loaded ({exc})"
        self.name = self._faces[(False, False)].name
        self._files = {style: find_font_face(self.label, *style)
                       for style in ((True, False), (False, True), (True, True))}
        self._register_family()
        return None

    def _why_missing(self) -> str:
        if not looks_like_path(self.label):
            return "is not installed"
        path = Path(self.label).expanduser()
        if not path.is_file():
            return "does not exist"
        return unusable_reason(path) or "is not a .ttf, .otf or .ttc font"

    def _register_family(self) -> None:
        names = {style: self._style_name(style) for style in self._files}
        pdfmetrics.registerFontFamily(self.name, normal=self.name, bold=names[(True, False)],
                                      italic=names[(False, True)], boldItalic=names[(True, True)])
        # registerFontFamily maps the regular name back to the *last* style that reused it;
        # <font face="..."> must mean the upright regular face.
        rl_fonts.addMapping(self.name, 0, 0, self.name)

    def _style_name(self, style: tuple[bool, bool]) -> str:
        face = self._files.get(style)
        if face is None:
            return self.name
        return _REGISTERED[face].name if face in _REGISTERED else _unused_font_name(face)

    def face(self, bold: bool, italic: bool) -> tuple[_Face, bool, bool]:
        """The face for a style, with the bold and italic flags that select it."""
        if self.builtin:
            return _Face(_BUILTIN_STYLES[self.builtin][(bold, italic)], _covered_by_builtin), bold, italic
        style = (bold, italic)
        if style == (False, False):
            return self._faces[style], False, False
        if style not in self._faces:
            self._faces[style] = self._load_style(style)
        face = self._faces[style]
        if face is self._faces[(False, False)]:
            return face, False, False
        return face, bold, italic

    def _load_style(self, style: tuple[bool, bool]) -> _Face:
        file = self._files.get(style)
        if file is None:
            return self._faces[(False, False)]
        try:
            face = _load_face(file)
        except (TTFError, OSError, ValueError):
            return self._faces[(False, False)]
        if face.name != self._style_name(style):
            self._register_family()  # the name chosen in advance was taken meanwhile
        return face

    def covers(self, char: str) -> bool:
        if self.builtin:
            return _covered_by_builtin(char)
        return self._faces[(False, False)].covers(char)


# Keys a character can have when text is cut into runs: a (face name, bold, italic) triple, or
# one of these.
_NEUTRAL = "neutral"  # whitespace: joins the run before it
_AS_SPACE = "as-space"  # whitespace the main font lacks (e.g. U+3000): drawn as a plain space
_DROP = "drop"  # an invisible control no font has: nothing to draw


class _Chain:
    """An ordered list of fonts to take characters from; entries load lazily."""

    def __init__(self, families: list[_Family], on_unusable: Callable[[_Family, str], None]) -> None:
        self._pending = list(families)
        self._loaded: list[_Family] = []
        self._on_unusable = on_unusable

    def loaded(self) -> Iterable[_Family]:
        """The usable fonts in order, loading the next one only when the caller asks for it."""
        yield from list(self._loaded)
        while self._pending:
            family = self._pending.pop(0)
            problem = family.load()
            if problem is None:
                self._loaded.append(family)
                yield family
            else:
                self._on_unusable(family, problem)

    def primary(self) -> _Family | None:
        return next(iter(self.loaded()), None)

    def families(self) -> list[_Family]:
        """Every family, loading none: for building another chain from this one."""
        return [*self._loaded, *self._pending]


class _FontBook:
    """The theme's fonts, and how any text is cut into runs each font can draw."""

    def __init__(self, theme: Theme, warn: Callable[[str], None]) -> None:
        self._warn = warn
        families: dict[str, _Family] = {}
        body = [families.setdefault(label, _Family(label)) for label in theme.body_fonts]
        self._mono_families = [families.setdefault(label, _Family(label)) for label in theme.mono_fonts]
        self.body = _Chain(body, self._unusable)
        if self.body.primary() is None:
            warn(f"none of the theme's fonts.body ({', '.join(theme.body_fonts)}) is installed; the PDF "
                 "uses Helvetica, which has Latin characters only; install fonts-dejavu-core")
            self.body = _Chain([_builtin_family("Helvetica")], self._unusable)
        self.heading = self.body
        if theme.heading_fonts:
            # Headings take what their fonts lack from the body fonts.
            heading = [families.setdefault(label, _Family(label)) for label in theme.heading_fonts]
            chain = _Chain([*heading, *self.body.families()], self._unusable)
            if chain.primary() is not None and chain.primary() in heading:
                self.heading = chain
            else:
                warn(f"none of the theme's fonts.heading ({', '.join(theme.heading_fonts)}) is installed; "
                     f"headings use the body font")
        self._mono: _Chain | None = None
        self._styles: dict[tuple[bool, bool, bool, bool], _StyleKeys] = {}
        self._missing: dict[str, None] = {}

    @property
    def body_name(self) -> str:
        return self.body.primary().name

    @property
    def mono(self) -> _Chain:
        """Loaded on first use: most briefs have no code."""
        if self._mono is None:
            primary = _Chain(self._mono_families, self._unusable).primary() or _builtin_family("Courier")
            # Code takes the characters its font lacks from the body fonts.
            self._mono = _Chain([primary, *self.body.families()], self._unusable)
        return self._mono

    @property
    def mono_name(self) -> str:
        return self.mono.primary().name

    def _unusable(self, family: _Family, problem: str) -> None:
        # Family names a machine lacks are normal (the default theme lists many scripts);
        # a path the user wrote that does not work is worth saying.
        if looks_like_path(family.label):
            self._warn(f"theme font {family.label} {problem}; it is not used in the PDF")

    def runs(self, text: str, code: bool, bold: bool, italic: bool,
             heading: bool = False) -> list[tuple[tuple, str]]:
        """`text` cut into runs of ((face name, bold, italic), text), each drawable by one font."""
        chain = self.mono if code else self.heading if heading else self.body
        key = (code, bold, italic, chain is self.heading and not code)
        style = self._styles.get(key)
        if style is None:
            style = self._styles[key] = _StyleKeys(self._default_key(chain, bold, italic))
        if style.all_plain(text):
            return [(style.default, text)] if text else []
        keys = style.keys
        # In order of appearance, so fallback fonts load, and missing characters are listed,
        # the same way every time (set order changes from one process to the next).
        distinct = dict.fromkeys(text)
        for char in distinct:
            if char not in keys:
                keys[char] = found = self._key_for(char, chain, bold, italic)
                if found is _NEUTRAL or found == style.default:
                    style.add_plain(char)
        text = text.translate({ord(c): " " for c in distinct if keys[c] is _AS_SPACE})
        return _merge_runs(text, keys, style.default)

    def _default_key(self, chain: _Chain, bold: bool, italic: bool) -> tuple:
        family = chain.primary()
        _, b, i = family.face(bold, italic)
        return (family.name, b, i)

    def _key_for(self, char: str, chain: _Chain, bold: bool, italic: bool) -> object:
        if char.isspace():
            return _NEUTRAL if chain.primary().covers(char) else _AS_SPACE
        family = next((f for f in chain.loaded() if f.covers(char)), None)
        if family is None:
            if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):
                return _DROP
            self._missing.setdefault(char)
            return self._default_key(chain, bold, italic)
        face, b, i = family.face(bold, italic)
        if not face.covers(char):
            b = i = False  # e.g. a symbol only the regular face has: upright beats a box
        return (family.name, b, i)

    def report_missing_glyphs(self) -> None:
        if self._missing:
            self._warn(_missing_glyph_warning(list(self._missing)))


class _StyleKeys:
    """The font of each character met so far in one style (code, bold, italic, heading), and
    a quick test for the usual text: every character drawn by the style's main font (or
    whitespace it has), which is one run and needs no cutting."""

    # Each new character the main font draws recompiles the test; past this many compiles (a
    # document in a script of thousands of characters) new ones take the slow path instead.
    MOST_COMPILES = 100

    def __init__(self, default: tuple) -> None:
        self.default = default
        self.keys: dict[str, object] = {}
        self._plain: list[str] = []
        self._compiled = 0
        self._pattern: re.Pattern[str] | None = None
        self._stale = False

    def add_plain(self, char: str) -> None:
        self._plain.append(char)
        self._stale = True

    def all_plain(self, text: str) -> bool:
        if self._stale and self._compiled < self.MOST_COMPILES:
            self._pattern = re.compile("[^" + "".join(re.escape(c) for c in self._plain) + "]")
            self._compiled += 1
            self._stale = False
        return self._pattern is not None and self._pattern.search(text) is None


def _merge_runs(text: str, keys: dict[str, object], default_key: tuple) -> list[tuple[tuple, str]]:
    runs: list[list] = []
    leading = ""
    for key, group in groupby(text, keys.__getitem__):
        piece = "".join(group)
        if key is _DROP:
            continue
        if key is _NEUTRAL or key is _AS_SPACE:
            if runs:
                runs[-1][1] += piece
            else:
                leading += piece
        elif runs and runs[-1][0] == key:
            runs[-1][1] += piece
        else:
            runs.append([key, leading + piece])
            leading = ""
    if leading:
        runs.append([default_key, leading])
    return [(key, piece) for key, piece in runs]


def _missing_glyph_warning(chars: list[str]) -> str:
    listed = ", ".join(_describe_char(c) for c in chars[:MISSING_LISTED])
    if len(chars) > MISSING_LISTED:
        listed += f" and {len(chars) - MISSING_LISTED} more"
    if any(_has_cjk(c) for c in chars):
        example = 'fonts-wqy-zenhei, family "WenQuanYi Zen Hei"; reportlab cannot use fonts-noto-cjk'
    else:
        example = "fonts-noto-core"
    return (f"no font has a glyph for {listed}; install a TrueType font that covers them "
            f"(e.g. {example}) and make sure the theme's fonts.body lists it")


def _has_cjk(text: str) -> bool:
    if not text or text.isascii() or max(text) < _FIRST_CJK:
        return False
    return _cjk_pattern().search(text) is not None


@functools.cache
def _cjk_pattern() -> re.Pattern[str]:
    # Compiled on first need: the character class costs 5 ms, most documents never need it.
    return re.compile(f"[{_CJK_RANGES}]")


def _describe_char(char: str) -> str:
    name = unicodedata.name(char, "")
    if not name and unicodedata.category(char) == "Co":
        name = "PRIVATE USE CHARACTER"
    return f"U+{ord(char):04X} {name}".rstrip()
