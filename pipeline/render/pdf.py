"""PDF writer: walks the block model into reportlab platypus flowables.

This is the only module in the project that imports reportlab. Everything it draws comes from
the document (text) and the theme (fonts, sizes, colours, page); nothing else.

Text is data, never markup: every piece of document text is escaped before it reaches a
reportlab Paragraph, and the only tags in a paragraph are the ones built here (<font face>,
<b>, <i>, <br/>, and <a href> for links `is_safe_link` accepts). Theme colours reach markup
only after the theme loader has checked them as #RRGGBB.

Fonts: the first font of the theme's fonts.body that is found sets the text; the others supply,
one character at a time, what it lacks. Fallback fonts are loaded only when a character needs
them, because parsing a TrueType file costs about 20 ms.
"""

from __future__ import annotations

import functools
import io
import re
import unicodedata
from dataclasses import dataclass, replace
# html.escape, not xml.sax.saxutils.escape: the same three replacements (&, <, >; quotes on
# request), but importing xml.sax.saxutils pulls in urllib.request and ssl, 50 ms per run.
from html import escape
from itertools import groupby
from pathlib import Path
from typing import Callable, Iterable

from reportlab.lib import colors
from reportlab.lib import fonts as rl_fonts
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase import ttfonts as _ttfonts
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Image as RlImage
from reportlab.platypus import PageBreak as RlPageBreak
from reportlab.platypus import (BaseDocTemplate, Flowable, Frame, HRFlowable, KeepTogether,
                                ListFlowable, ListItem, PageTemplate, Paragraph, Spacer, Table,
                                TableStyle, XPreformatted)
from reportlab.platypus.tableofcontents import TableOfContents

from pipeline.compose.blocks import (Block, BlockQuote, CodeBlock, Contents, Document, Heading, Image, ListBlock,
                             OutlineEntry, PageBreak, Paragraph as ParagraphBlock, Rule, Span,
                             Table as TableBlock, contents_entries, is_safe_link, outline, plain_text)
from pipeline.render import RenderJob
from pipeline.render.bidi import has_rtl, paragraph_direction, visual_lines, visual_text
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

PAGE_SIZES = {"A4": A4, "Letter": LETTER}
TAB_WIDTH = 4

# Paragraphs longer than this are cut into several flowables of about CHUNK_CHARS, at sentence
# ends where possible: reportlab re-wraps a paragraph's whole remainder at every page break,
# which makes one 200 KB paragraph take seconds.
CHUNK_THRESHOLD = 3000
CHUNK_CHARS = 2000
CODE_CHUNK_LINES = 200
MISSING_LISTED = 20

_SENTENCE_END = re.compile(r"[.!?\u2026][\"'\u201d\u2019)\]]*\s+|[\u3002\uff01\uff1f]")
_WHITESPACE = re.compile(r"\s+")
_CJK_RANGES = ("\u1100-\u11ff\u2e80-\u2fdf\u3000-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
               "\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff")
_FIRST_CJK = "\u1100"
_LINE_END = re.compile("[\r\n\x0b\x0c\x85\u2028\u2029]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_HEX_COLOUR = re.compile(r"^[0-9A-F]{6}$")


def render(job: RenderJob) -> bytes:
    theme = job.theme
    fonts = _FontBook(theme, job.warn)
    styles = _Styles(theme, fonts)
    page_size = PAGE_SIZES[theme.page_size]
    frame_width = page_size[0] - (theme.margin_left_mm + theme.margin_right_mm) * mm
    builder = _StoryBuilder(fonts, styles, theme, job)
    story = builder.flowables(job.document.blocks, frame_width)
    pdf, facts = _build_pdf(job.document, theme, story, styles, builder.markup, bool(builder.toc))
    job.page_facts = facts
    fonts.report_missing_glyphs()
    return pdf


# --------------------------------------------------------------------------------------------
# Document template

PAGE_COUNT_FORM = "brief-page-count"
LOGO_MAX_HEIGHT_MM = 40  # a tall logo keeps to a corner of the cover


class _Template(BaseDocTemplate):
    """Records each heading's page, for the outline (bookmarks), the table of contents and the
    DOCX's contents; reportlab calls afterFlowable for every flowable drawn."""

    def beforeDocument(self) -> None:
        if not hasattr(self, "heading_pages"):
            self.heading_pages: dict[str, int] = {}
        self.heading_pages.clear()
        self._depth = -1

    def afterFlowable(self, flowable: Flowable) -> None:
        heading = getattr(flowable, "_brief_heading", None)
        if heading is None:
            return
        entry, listed, label = heading
        self.heading_pages.setdefault(entry.anchor, self.page)
        self.canv.bookmarkPage(entry.anchor)
        # Outline levels start at 0 and may deepen one step at a time.
        depth = min(max(entry.level - 1, 0), self._depth + 1)
        self._depth = depth
        self.canv.addOutlineEntry(entry.text or " ", entry.anchor, level=depth, closed=depth >= 2)
        if listed:
            self.notify("TOCEntry", (0, label, self.page, entry.anchor))


class _PageCanvas(Canvas):
    """A canvas that knows, when the document is saved, how many pages it has: every page's
    "of Y" is one form, drawn once at the end."""

    def __init__(self, *args, count_font: tuple[str, float] = ("Helvetica", 8), count_colour=None,
                 heading_pages: dict[str, int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._count_font = count_font
        self._count_colour = count_colour
        self._heading_pages = heading_pages if heading_pages is not None else {}
        # The contents' page numbers: (form name, room to the right margin, style, anchor).
        self.contents_numbers: list[tuple[str, float, ParagraphStyle, str]] = []

    def save(self) -> None:
        for name, room, style, anchor in self.contents_numbers:
            self._contents_number_form(name, room, style, self._heading_pages.get(anchor))
        pages = self.getPageNumber() - (0 if self._code else 1)
        self.beginForm(PAGE_COUNT_FORM)
        self.setFont(*self._count_font)
        if self._count_colour is not None:
            self.setFillColor(self._count_colour)
        self.drawString(0, 0, str(max(pages, 1)))
        self.endForm()
        super().save()

    def _contents_number_form(self, name: str, room: float, style: ParagraphStyle, page: int | None) -> None:
        """A contents entry's dot leader and page number, right-aligned in `room` (as reportlab's
        own contents draw them), known only now that every heading has been placed."""
        self.beginForm(name, lowerx=0, lowery=-style.leading, upperx=max(room, 1), uppery=style.leading)
        if page is not None:
            number, size = str(page), style.fontSize
            width = pdfmetrics.stringWidth(number, style.fontName, size)
            while width > room and size >= 1.0:
                size *= 0.9
                width = pdfmetrics.stringWidth(number, style.fontName, size)
            dot_width = pdfmetrics.stringWidth(" . ", style.fontName, size)
            dots = max(int((room - width) / dot_width), 0) if dot_width else 0
            text = self.beginText(room - dots * dot_width - width, 0)
            text.setFont(style.fontName, size)
            text.setFillColor(style.textColor)
            text.textLine(dots * " . " + number)
            self.drawText(text)
        self.endForm()


class _Contents(TableOfContents):
    """A table of contents laid out once: its entries (known before the document is laid out)
    fix its height from the start, and each page number is a form filled in when the document
    is saved. reportlab's own contents need the whole document built two or three times."""

    def __init__(self, entries: list[tuple[int, str, str]], style: ParagraphStyle) -> None:
        super().__init__(dotsMinLevel=0)
        self.levelStyles = [style]
        # The "page number" reportlab passes to the draw callback is the entry's index.
        self._fixed = [(level, text, index, anchor) for index, (level, text, anchor) in enumerate(entries)]
        self._lastEntries = list(self._fixed)

    def beforeBuild(self) -> None:
        self._lastEntries = list(self._fixed)
        self.clearEntries()

    def isSatisfied(self) -> bool:
        return True

    def wrap(self, availWidth, availHeight):
        result = super().wrap(availWidth, availHeight)
        if not self._fixed:
            return result

        def entry_end(canvas, kind, label) -> None:
            index = int(label.split(",")[0])
            level, _, _, anchor = self._fixed[index]
            style = self.getLevelStyle(level)
            x, y = canvas._curr_tx_info["cur_x"], canvas._curr_tx_info["cur_y"]
            name = f"brief-contents-{index}"
            canvas.contents_numbers.append((name, availWidth - x, style, anchor))
            canvas.saveState()
            canvas.translate(x, y)
            canvas.doForm(name)
            canvas.restoreState()
            canvas.linkRect("", anchor, (x, y, availWidth, y + style.leading), relative=1)

        self.canv.setNamedCB("drawTOCEntryEnd", entry_end)
        return result


def _build_pdf(document: Document, theme: Theme, story: list[Flowable], styles: "_Styles",
               markup: "_Markup", has_contents: bool) -> tuple[bytes, dict]:
    buffer = io.BytesIO()
    meta = document.meta
    keywords = ", ".join(meta.keywords)
    if meta.marking:
        keywords = f"Classification: {meta.marking}" + (f"; {keywords}" if keywords else "")
    template = _Template(
        buffer, pagesize=PAGE_SIZES[theme.page_size],
        leftMargin=theme.margin_left_mm * mm, rightMargin=theme.margin_right_mm * mm,
        topMargin=theme.margin_top_mm * mm, bottomMargin=theme.margin_bottom_mm * mm,
        title=meta.title, author=meta.author or "brief", subject=meta.subject,
        keywords=keywords, creator="brief", lang=meta.language or theme.language,
        invariant=1, initialFontName=styles.body.fontName, initialFontSize=styles.body.fontSize,
        displayDocTitle=1)
    # No frame padding: the theme's margins alone decide where text goes.
    frame = Frame(template.leftMargin, template.bottomMargin, template.width, template.height,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
    furniture = _furniture_drawer(theme, styles, markup, meta.marking)
    template.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=furniture)])
    # One layout: the contents' page numbers are forms drawn when the document is saved.
    heading_pages: dict[str, int] = {}
    template.heading_pages = heading_pages
    canvasmaker = functools.partial(_PageCanvas, count_font=(styles.footer.fontName, styles.footer.fontSize),
                                    count_colour=styles.footer.textColor, heading_pages=heading_pages)
    template.build(story or [Spacer(0, 0)], canvasmaker=canvasmaker)
    facts = {"pages": template.page, "headings": dict(heading_pages)}
    return buffer.getvalue(), facts


def _furniture_drawer(theme: Theme, styles: "_Styles", markup: "_Markup", marking: str) -> Callable:
    """Draws what every page carries: the marking centred at the top and the bottom, the footer
    text at the bottom left, and "Page X of Y" at the bottom right; all inside the page's
    margin bands, never over the text."""
    centred = styles.derived(styles.marking, alignment=TA_CENTER)
    left = styles.derived(styles.footer, alignment=TA_LEFT)
    marking_markup = markup.line(marking, bold=True) if marking else ""
    footer_text = " \u00b7 ".join(t for t in (theme.organisation, theme.footer_text) if t)

    def draw(canvas, doc) -> None:
        width, height = doc.pagesize
        left_x = theme.margin_left_mm * mm
        text_width = width - (theme.margin_left_mm + theme.margin_right_mm) * mm
        footer_y = theme.margin_bottom_mm * mm / 2
        canvas.saveState()
        if marking_markup:
            for y in (height - theme.margin_top_mm * mm / 2, footer_y):
                _draw_line(canvas, Paragraph(marking_markup, centred), left_x, y, text_width)
        number = f"Page {doc.page} of "
        font, size = styles.footer.fontName, styles.footer.fontSize
        slot = pdfmetrics.stringWidth("Page 0000 of 0000", font, size)
        x = left_x + text_width - slot
        if footer_text:
            # The footer text keeps clear of the marking in the middle and of the page number,
            # on one line: what does not fit is cut with an ellipsis.
            room = ((text_width - pdfmetrics.stringWidth(marking, font, size)) / 2 - size if marking
                    else text_width - slot - size)
            fitted = _fit(footer_text, max(room, size * 4), font, size)
            _draw_line(canvas, Paragraph(markup.line(fitted), left), left_x, footer_y, max(room, size * 4))
        canvas.setFont(font, size)
        canvas.setFillColor(styles.footer.textColor)
        canvas.drawString(x, footer_y - size * 0.3, number)
        canvas.translate(x + pdfmetrics.stringWidth(number, font, size), footer_y - size * 0.3)
        canvas.doForm(PAGE_COUNT_FORM)
        canvas.restoreState()

    return draw


def _fit(text: str, width: float, font: str, size: float) -> str:
    """`text`, cut with an ellipsis to fit `width` on one line (measured in the main font)."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "\u2026", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "\u2026"


def _draw_line(canvas, paragraph: Paragraph, x: float, middle_y: float, width: float) -> None:
    """A short paragraph centred vertically on `middle_y` (theme and marking texts are one line
    of at most 120 characters, so they fit the margin band)."""
    _, height = paragraph.wrap(width, 1000)
    paragraph.drawOn(canvas, x, middle_y - height / 2)


# --------------------------------------------------------------------------------------------
# Fonts


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
        self._keys: dict[tuple[bool, bool, bool], dict[str, object]] = {}
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
        keys = self._keys.setdefault((code, bold, italic, chain is self.heading and not code), {})
        # In order of appearance, so fallback fonts load, and missing characters are listed,
        # the same way every time (set order changes from one process to the next).
        distinct = dict.fromkeys(text)
        for char in distinct:
            if char not in keys:
                keys[char] = self._key_for(char, chain, bold, italic)
        text = text.translate({ord(c): " " for c in distinct if keys[c] is _AS_SPACE})
        return _merge_runs(text, keys, self._default_key(chain, bold, italic))

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


# --------------------------------------------------------------------------------------------
# Styles


class _Styles:
    """Paragraph styles, all from the theme."""

    def __init__(self, theme: Theme, fonts: _FontBook) -> None:
        body_size = theme.body_size_pt
        self.theme = theme
        self._fonts = fonts
        self.body = ParagraphStyle(
            "body", fontName=fonts.body_name, fontSize=body_size,
            leading=body_size * theme.line_spacing, textColor=self.colour("text"),
            spaceAfter=body_size * 0.6)
        self.title = self._heading("title", theme.title_size_pt, "title", space_before=0)
        self.heading = self._heading("heading", theme.heading1_size_pt, "heading", space_before=body_size)
        self.subheading = self._heading("subheading", theme.heading2_size_pt, "heading",
                                        space_before=body_size * 0.8)
        self.list_body = ParagraphStyle("list_body", parent=self.body, spaceAfter=body_size * 0.25)
        self.cell = ParagraphStyle("cell", parent=self.body, fontSize=body_size * 0.95,
                                   leading=body_size * 0.95 * theme.line_spacing, spaceAfter=0)
        self.attribution = ParagraphStyle("attribution", parent=self.body, textColor=self.colour("muted"))
        self.footer = ParagraphStyle("footer", parent=self.body, fontSize=max(body_size * 0.75, 6),
                                     leading=max(body_size * 0.75, 6) * 1.2, textColor=self.colour("muted"),
                                     spaceAfter=0)
        self.marking = ParagraphStyle("marking", parent=self.footer, fontSize=max(body_size * 0.85, 7),
                                      leading=max(body_size * 0.85, 7) * 1.2,
                                      textColor=self.colour("marking" if "marking" in theme.colours else "text"))
        self.toc = ParagraphStyle("toc", parent=self.body, leftIndent=0, rightIndent=body_size * 3,
                                  spaceBefore=0, spaceAfter=body_size * 0.3)
        self._derived: dict[tuple, ParagraphStyle] = {}

    def colour(self, name: str) -> colors.Color:
        return colors.HexColor("#" + _safe_hex(self.theme.colour(name)))

    @functools.cached_property
    def code(self) -> ParagraphStyle:
        # Built on first use, because it loads the mono font.
        size = self.theme.body_size_pt * 0.9
        return ParagraphStyle("code", parent=self.body, fontName=self._fonts.mono_name, fontSize=size,
                              leading=size * 1.3, leftIndent=self.theme.body_size_pt,
                              spaceBefore=size * 0.3, spaceAfter=self.theme.body_size_pt * 0.6)

    def _heading(self, name: str, size: float, colour: str, space_before: float) -> ParagraphStyle:
        # keepWithNext: a heading never ends a page without the text it introduces.
        return ParagraphStyle(name, parent=self.body, fontName=self._fonts.heading.primary().name,
                              fontSize=size, leading=size * 1.25,
                              textColor=self.colour(colour), spaceBefore=space_before,
                              spaceAfter=size * 0.4, keepWithNext=1)

    def derived(self, style: ParagraphStyle, **changes) -> ParagraphStyle:
        key = (style.name, tuple(sorted(changes.items())))
        if key not in self._derived:
            suffix = "-".join(f"{k}={v}" for k, v in sorted(changes.items()))
            self._derived[key] = ParagraphStyle(f"{style.name}-{suffix}", parent=style, **changes)
        return self._derived[key]


def _safe_hex(value: str) -> str:
    return value if _HEX_COLOUR.match(value) else "000000"


# --------------------------------------------------------------------------------------------
# Text to markup


def _clean_text(text: str) -> str:
    """Text ready to cut into runs: tabs expanded (reportlab draws a box for TAB), line ends as
    spaces (a line break is a "\\n" span of its own), other controls and lone surrogates gone."""
    text = _LONE_SURROGATE.sub("\ufffd", text.expandtabs(TAB_WIDTH))
    text = _LINE_END.sub(" ", text)
    return _CONTROL.sub("", text)


class _Markup:
    """Spans to reportlab paragraph markup, every character of text escaped."""

    def __init__(self, fonts: _FontBook, styles: _Styles) -> None:
        self.fonts = fonts
        self.link_colour = "#" + _safe_hex(styles.theme.colour("link"))

    def spans(self, spans: list[Span], bold: bool = False, heading: bool = False) -> str:
        return "".join(self.span(span, bold, heading) for span in spans)

    def span(self, span: Span, bold: bool = False, heading: bool = False) -> str:
        if span.text == "\n":
            return "<br/>"
        inner = self.text(_clean_text(span.text), code=span.code, heading=heading,
                          bold=bold or span.strong, italic=span.emphasis)
        if span.href and is_safe_link(span.href):
            href = escape(span.href, quote=True)
            return f'<a href="{href}" color="{self.link_colour}">{inner}</a>'
        return inner

    def line(self, text: str, bold: bool = False) -> str:
        """Markup for one short line drawn as it is (page furniture, contents entries): right-to-
        left text shaped and in drawing order."""
        text = _clean_text(text)
        if has_rtl(text):
            text = visual_text(text)
        return self.text(text, bold=bold)

    def visual_spans(self, spans: list[Span], width: float, size: float, direction: str,
                     bold: bool = False, heading: bool = False) -> str:
        """Markup for spans with right-to-left text (pipeline.render.bidi): the lines are broken
        here, in logical order, at `width` points for `size`-point text, and each line is written
        in the order reportlab draws it, left to right, with <br/> between lines. Every line
        fits, so reportlab only stacks them."""
        segments = [("\n" if span.text == "\n" else _clean_text(span.text),
                     (span.code, bold or span.strong, span.emphasis,
                      span.href if span.href and is_safe_link(span.href) else None))
                    for span in spans]

        def measure(text: str, key: tuple) -> float:
            code, run_bold, italic, _ = key
            return sum(pdfmetrics.stringWidth(piece, rl_fonts.tt2ps(face, b, i), size)
                       for (face, b, i), piece in self.fonts.runs(text, code, run_bold, italic, heading))

        lines = visual_lines(segments, width, measure, direction)
        return "<br/>".join("".join(self._visual_piece(text, key, heading) for text, key in line)
                            for line in lines)

    def _visual_piece(self, text: str, key: tuple, heading: bool) -> str:
        code, bold, italic, href = key
        inner = self.text(text, code=code, bold=bold, italic=italic, heading=heading)
        if href:
            return f'<a href="{escape(href, quote=True)}" color="{self.link_colour}">{inner}</a>'
        return inner

    def text(self, text: str, code: bool = False, bold: bool = False, italic: bool = False,
             heading: bool = False) -> str:
        # <font face> must be outermost: reportlab resets bold and italic when the face changes.
        parts = []
        for (face, run_bold, run_italic), piece in self.fonts.runs(text, code, bold, italic, heading):
            body = escape(piece)
            if run_italic:
                body = f"<i>{body}</i>"
            if run_bold:
                body = f"<b>{body}</b>"
            parts.append(f'<font face="{face}">{body}</font>')
        return "".join(parts)


def _chunk_spans(spans: list[Span], limit: int = CHUNK_CHARS) -> list[list[Span]]:
    """A long run of spans cut into pieces of about `limit` characters, at sentence ends or
    spaces where there are any."""
    chunks: list[list[Span]] = []
    current: list[Span] = []
    size = 0
    for span in spans:
        rest = span.text
        while size + len(rest) > limit:
            cut = _cut_point(rest, max(limit - size, 1), limit)
            if cut is None:
                break
            current.append(replace(span, text=rest[:cut]))
            chunks.append(current)
            current, size, rest = [], 0, rest[cut:]
        if rest:
            current.append(replace(span, text=rest))
            size += len(rest)
    if current:
        chunks.append(current)
    return chunks


def _cut_point(text: str, start: int, limit: int) -> int | None:
    if start >= len(text):
        return None
    end = start + limit
    for pattern in (_SENTENCE_END, _WHITESPACE):
        match = pattern.search(text, start, end)
        if match:
            return match.end()
    # One word longer than a chunk (a 5,000-character URL): cut it; it wraps anyway.
    return end if len(text) > end else None


class _Paragraph(Paragraph):
    """A Paragraph that remembers its last line breaking: platypus wraps most paragraphs two or
    three times at the same width (to see whether they fit, in a table's or a KeepTogether's
    sizing, then to draw), and breaking the lines is most of a PDF's time. The result depends
    on the width alone, so a wrap at the width of the last one reuses it."""

    _KEPT = ("width", "height", "blPara", "_wrapWidths", "_width_max", "_splitLongWordCount", "_hyphenations",
             "frags")

    def wrap(self, availWidth, availHeight):
        kept = self.__dict__.get("_brief_wrapped")
        if kept is not None and kept[0] == availWidth:
            self.__dict__.update(kept[1])
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        self._brief_wrapped = (availWidth, {name: self.__dict__[name] for name in self._KEPT if name in self.__dict__})
        return size


# --------------------------------------------------------------------------------------------
# Blocks to flowables


class _StoryBuilder:
    """Blocks to platypus flowables, each fitted to the width it will have."""

    def __init__(self, fonts: _FontBook, styles: _Styles, theme: Theme, job: RenderJob | None = None) -> None:
        self.fonts = fonts
        self.styles = styles
        self.theme = theme
        self.job = job
        self.markup = _Markup(fonts, styles)
        document = job.document if job is not None else Document(meta=None, blocks=[])
        self._outline = iter(outline(document))
        self._listed = {entry.anchor for entry in contents_entries(document)}
        self.toc: TableOfContents | None = None

    def flowables(self, blocks: list[Block], width: float, body_style: ParagraphStyle | None = None,
                  nested: bool = False) -> list[Flowable]:
        """Flowables for blocks; `nested` inside a list item or a quotation."""
        story: list[Flowable] = []
        for block in blocks:
            made = self.block(block, width, body_style or self.styles.body, nested)
            if isinstance(block, Heading) and not nested:
                entry = next(self._outline, None)
                if entry is not None and made:
                    # The first piece carries the heading's bookmark and contents entry.
                    made[0]._brief_heading = (entry, entry.anchor in self._listed, self.markup.line(entry.text))
            story.extend(made)
        return story

    def block(self, block: Block, width: float, body_style: ParagraphStyle,
              nested: bool = False) -> list[Flowable]:
        if isinstance(block, Heading):
            return self.paragraphs(block.spans, self._heading_style(block.level), bold=True, heading=True,
                                   width=width)
        if isinstance(block, ParagraphBlock):
            return self.paragraphs(block.spans, body_style, width=width)
        if isinstance(block, ListBlock):
            return self.bullet_list(block, width)
        if isinstance(block, BlockQuote):
            return self.quote(block, width, nested)
        if isinstance(block, TableBlock):
            return self.table(block, width)
        if isinstance(block, CodeBlock):
            return self.code(block, width)
        if isinstance(block, PageBreak):
            return [RlPageBreak()]
        if isinstance(block, Contents):
            return self.contents()
        if isinstance(block, Image):
            return self.image(block, width)
        if isinstance(block, Rule):
            return [HRFlowable(width="100%", thickness=0.75, color=self.styles.colour("rule"),
                               spaceBefore=self.theme.body_size_pt * 0.5,
                               spaceAfter=self.theme.body_size_pt * 0.8)]
        raise TypeError(f"unknown block {type(block).__name__}")

    def contents(self) -> list[Flowable]:
        if self.toc is not None:
            return []  # one table of contents per document
        entries = [(0, self.markup.line(entry.text), entry.anchor) for entry in contents_entries(self.job.document)
                   if entry.text.strip()
                   ] if self.job is not None else []
        toc = _Contents(entries, self.styles.toc)
        self.toc = toc
        return [toc, Spacer(0, self.theme.body_size_pt)]

    def image(self, block: Image, width: float) -> list[Flowable]:
        path = self.theme.path(self.theme.logo)
        if path is None:
            return []
        from pipeline.compose.theme import LOGO_MAX_BYTES, regular_file_problem

        try:
            problem = regular_file_problem(path, LOGO_MAX_BYTES)
            if problem is not None:
                raise OSError(problem)
            picture = RlImage(str(path))
        except Exception as exc:  # reportlab reports a bad image in many ways
            if self.job is not None:
                self.job.warn(f"the logo {path} cannot be drawn ({type(exc).__name__}); it is left out of the PDF")
            return []
        shown = min(self.theme.logo_width_mm * mm, width)
        scale = min(shown / picture.imageWidth, LOGO_MAX_HEIGHT_MM * mm / picture.imageHeight)
        picture.drawWidth, picture.drawHeight = picture.imageWidth * scale, picture.imageHeight * scale
        picture.hAlign = "LEFT"
        return [picture, Spacer(0, self.theme.body_size_pt)]

    def _heading_style(self, level: int) -> ParagraphStyle:
        if level <= 1:
            return self.styles.title
        return self.styles.heading if level == 2 else self.styles.subheading

    def paragraphs(self, spans: list[Span], style: ParagraphStyle, bold: bool = False,
                   heading: bool = False, width: float | None = None) -> list[Flowable]:
        """One Paragraph, or several for a very long one; none for an empty one. `width` is the
        width the paragraph gets; right-to-left text needs it (see _Markup.visual_spans)."""
        if not any(span.text.strip() or span.text == "\n" for span in spans):
            return []
        text = "".join(span.text for span in spans)
        direction = None
        if width is not None and has_rtl(text):
            direction = paragraph_direction(text)
            if direction == "rtl" and style.alignment == TA_LEFT:
                style = self.styles.derived(style, alignment=TA_RIGHT)
        if any(_has_cjk(span.text) for span in spans):
            # Lines of CJK text have no spaces to break at.
            style = self.styles.derived(style, wordWrap="CJK")
        total = sum(len(span.text) for span in spans)
        chunks = _chunk_spans(spans) if total > CHUNK_THRESHOLD else [spans]
        flowables = []
        for number, chunk in enumerate(chunks, start=1):
            chunk_style = style if number == len(chunks) else self.styles.derived(style, spaceAfter=0)
            if direction:
                line_width = width - style.leftIndent - style.rightIndent
                markup = self.markup.visual_spans(chunk, line_width, style.fontSize, direction,
                                                  bold, heading)
            else:
                markup = self.markup.spans(chunk, bold, heading)
            flowables.append(_Paragraph(markup, chunk_style))
        return flowables

    def bullet_list(self, block: ListBlock, width: float) -> list[Flowable]:
        size = self.theme.body_size_pt
        indent = size * (2.2 if block.ordered else 1.4)
        items = [ListItem(self.flowables(item, width - indent, self.styles.list_body, nested=True)
                          or [Spacer(0, size)]) for item in block.items]
        if not items:
            return []
        numbering = (dict(bulletType="1", start=str(block.start), bulletFormat="%s.") if block.ordered
                     else dict(bulletType="bullet", start="\u2022"))
        return [ListFlowable(items, leftIndent=indent, bulletFontName=self.fonts.body_name,
                             bulletFontSize=size, bulletColor=self.styles.colour("text"),
                             spaceAfter=size * 0.4, **numbering)]

    def quote(self, block: BlockQuote, width: float, nested: bool = False) -> list[Flowable]:
        bar, padding = 2, self.theme.body_size_pt
        inner_width = width - padding - bar
        rows = []
        children = list(block.blocks)
        if block.attribution is not None:
            children.append(ParagraphBlock(block.attribution))
        for position, child in enumerate(children, start=1):
            is_attribution = block.attribution is not None and position == len(children)
            style = self.styles.attribution if is_attribution else self.styles.body
            # A row per flowable, so that a long quotation breaks between rows: reportlab's
            # splitting inside a row of several flowables can fail with a LayoutError.
            rows.extend([flowable] for flowable in self.block(child, inner_width, style, nested=True))
        if not rows:
            return []
        table = Table(rows, colWidths=[width], hAlign="LEFT", splitInRow=self._split_in_row(),
                      style=TableStyle([
                          ("LINEBEFORE", (0, 0), (0, -1), bar, self.styles.colour("quote_bar")),
                          ("LEFTPADDING", (0, 0), (-1, -1), padding),
                          ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                          ("TOPPADDING", (0, 0), (-1, -1), 0),
                          ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
        spacer = Spacer(0, self.theme.body_size_pt * 0.6)
        if nested:
            return [table, spacer]  # KeepTogether cannot be drawn inside a table cell or list
        # KeepTogether: a quotation and its attribution start on the same page.
        return [KeepTogether([table, spacer])]

    def _split_in_row(self) -> float:
        # Lets reportlab split one row taller than a page (a huge cell), leaving at least two
        # lines on each side.
        return self.styles.cell.leading * 2

    def table(self, block: TableBlock, width: float) -> list[Flowable]:
        columns = max([len(block.header), *(len(row) for row in block.rows)], default=0)
        if columns == 0:
            return []
        rows = ([block.header] if block.header else []) + block.rows
        widths = _column_widths(rows, columns, width)
        padding = 4 if columns <= 6 else 2
        has_header = bool(block.header)
        data = [[self._cell(row, index, block.align, header=has_header and number == 0,
                            width=widths[index] - 2 * padding)
                 for index in range(columns)] for number, row in enumerate(rows)]
        commands = [("GRID", (0, 0), (-1, -1), 0.5, self.styles.colour("table_border")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), padding),
                    ("RIGHTPADDING", (0, 0), (-1, -1), padding)]
        if block.header:
            commands.append(("BACKGROUND", (0, 0), (-1, 0), self.styles.colour("table_header_fill")))
        table = Table(data, colWidths=widths, repeatRows=1 if block.header else 0, hAlign="LEFT",
                      splitInRow=self._split_in_row(), style=TableStyle(commands))
        return [table, Spacer(0, self.theme.body_size_pt * 0.8)]

    def _cell(self, row: list[list[Span]], index: int, align: list[str | None],
              header: bool, width: float | None = None) -> list[Flowable]:
        spans = row[index] if index < len(row) else []
        alignment = {"center": TA_CENTER, "right": TA_RIGHT}.get(
            align[index] if index < len(align) else None, TA_LEFT)
        style = self.styles.derived(self.styles.cell, alignment=alignment)
        return self.paragraphs(spans, style, bold=header, width=width) or [Spacer(0, 0)]

    def code(self, block: CodeBlock, width: float) -> list[Flowable]:
        style = self.styles.code
        lines = _wrap_code(block.text.expandtabs(TAB_WIDTH).rstrip("\n"), self._code_columns(width, style))
        if not any(line.strip() for line in lines):
            return []
        flowables = []
        for start in range(0, len(lines), CODE_CHUNK_LINES):
            piece = lines[start:start + CODE_CHUNK_LINES]
            last = start + CODE_CHUNK_LINES >= len(lines)
            markup = "\n".join(self.markup.text(_clean_text(line), code=True) for line in piece)
            chunk_style = style if last else self.styles.derived(style, spaceAfter=0)
            flowables.append(XPreformatted(markup, chunk_style))
        return flowables

    def _code_columns(self, width: float, style: ParagraphStyle) -> int:
        char_width = pdfmetrics.stringWidth("M", style.fontName, style.fontSize) or style.fontSize * 0.6
        return max(int((width - style.leftIndent) / char_width), 8)


def _column_widths(rows: list[list[list[Span]]], columns: int, width: float) -> list[float]:
    """Widths in proportion to each column's longest text, within bounds so that no column is
    starved or takes everything."""
    weights = []
    for index in range(columns):
        longest = max((len(plain_text(row[index])) for row in rows if index < len(row)), default=0)
        weights.append(min(max(longest, 4), 50) + 3)
    total = sum(weights)
    return [width * weight / total for weight in weights]


def _wrap_code(text: str, columns: int) -> list[str]:
    """Code lines cut to fit: XPreformatted keeps every space and never wraps, so a long line
    would run off the page. East Asian wide characters count as two columns."""
    wrapped = []
    for line in text.split("\n"):
        while _display_width(line) > columns:
            cut = _fitting_prefix(line, columns)
            wrapped.append(line[:cut])
            line = line[cut:]
        wrapped.append(line)
    return wrapped


def _display_width(text: str) -> int:
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _fitting_prefix(line: str, columns: int) -> int:
    used = 0
    for position, char in enumerate(line):
        used += 2 if unicodedata.east_asian_width(char) in "WF" else 1
        if used > columns:
            return max(position, 1)
    return len(line)
