"""Blocks to platypus flowables: styles from the theme, text to escaped reportlab markup, and the
story builder that walks the block model."""

from __future__ import annotations

import contextlib
import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import replace
from html import escape

from reportlab.lib import colors, fonts as rl_fonts
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Image as RlImage
from reportlab.platypus import PageBreak as RlPageBreak
from reportlab.platypus import (CondPageBreak, Flowable, HRFlowable, KeepTogether, ListItem, Paragraph, Spacer,
                                Table, TableStyle, XPreformatted)
from reportlab.platypus.paragraph import _wsc as _reportlab_whitespace
from reportlab.platypus.tableofcontents import TableOfContents

from pipeline.compose.blocks import (Block, BlockQuote, CodeBlock, Contents, Document, Heading, Image, ListBlock,
                                     PageBreak, Paragraph as ParagraphBlock, Rule, Span, Table as TableBlock,
                                     contents_entries, is_safe_link, outline, plain_text)
from pipeline.render import RenderJob
from pipeline.render.bidi import has_rtl, paragraph_direction, visual_lines, visual_text
from pipeline.compose.theme import Theme
from pipeline.render.pdf.furniture import LOGO_MAX_HEIGHT_MM, Later, _Contents
from pipeline.render.pdf.fonts import _FontBook, _has_cjk
from pipeline.render.pdf.tables import _RowKeepingTable, _TableFlowables
from pipeline.render.pdf.tagging import (Artifact, Node, Tagged, TaggedListFlowable, Tagger, Untagged, needs_shaping,
                                         table_artifacts)
from pipeline.render.columns import break_rows, estimated_lines


TAB_WIDTH = 4
HEADING_LINES_KEPT = 3  # lines of text a heading needs under it at the foot of a page
CELL_VERTICAL_PADDING = 6  # reportlab's table cells: 3 pt above and below
TABLE_PADDING = 4  # the most a table's cells are padded on each side (pipeline.render.pdf.tables)

# Paragraphs longer than this are cut into several flowables of about CHUNK_CHARS, at sentence
# ends where possible: reportlab re-wraps a paragraph's whole remainder at every page break,
# which makes one 200 KB paragraph take seconds.
CHUNK_THRESHOLD = 3000
CHUNK_CHARS = 2000
CODE_CHUNK_LINES = 200

_SENTENCE_END = re.compile(r"[.!?\u2026][\"'\u201d\u2019)\]]*\s+|[\u3002\uff01\uff1f]")
_WHITESPACE = re.compile(r"\s+")
_LINE_END = re.compile("[\r\n\x0b\x0c\x85\u2028\u2029]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# What reportlab's paragraph cleaner takes for a run of whitespace (see _Markup.frags): any
# Unicode whitespace; but when the text has a no-break space, only its own list, which keeps it.
_WHITESPACE_RUN = re.compile(r"\s+")
_WHITESPACE_RUN_BUT_NO_BREAK = re.compile(f"[{re.escape(_reportlab_whitespace)}]+")
_HEX_COLOUR = re.compile(r"^[0-9A-F]{6}$")
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
        # Table text is body text: the same size, for the same readers.
        self.cell = ParagraphStyle("cell", parent=self.body, spaceAfter=0)
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
        self._fragments: dict[tuple, tuple] = {}

    def spans(self, spans: list[Span], bold: bool = False, heading: bool = False) -> str:
        return "".join(self.span(span, bold, heading) for span in spans)

    def span(self, span: Span, bold: bool = False, heading: bool = False) -> str:
        if span.text == "\n":
            return "<br/>"
        # Emphasis is set plain: italics are hard to read, and the house style has none.
        inner = self.text(_clean_text(span.text), code=span.code, heading=heading, bold=bold or span.strong)
        if span.href and is_safe_link(span.href):
            href = escape(span.href, quote=True)
            return f'<a href="{href}" color="{self.link_colour}">{inner}</a>'
        return inner

    def frags(self, spans: list[Span], style: ParagraphStyle, bold: bool = False, heading: bool = False) -> list:
        """The fragments reportlab's parser makes of `spans(...)` for `style`, made directly.

        Parsing markup is half of the time it takes to turn a document into flowables; the
        markup here has few shapes (a font face, bold or not, a link, a line break), so each
        shape is parsed once, from markup, and its fragment copied for every piece of text.
        The text is what the parser would leave: runs of whitespace become one space, as
        reportlab's paragraph cleaner does before it parses."""
        made = []
        whitespace = (_WHITESPACE_RUN_BUT_NO_BREAK if any("\xa0" in span.text for span in spans)
                      else _WHITESPACE_RUN)
        for span in spans:
            if span.text == "\n":
                made.append(self._fragment(style, None, False, None).clone())
                continue
            href = span.href if span.href and is_safe_link(span.href) else None
            for (face, run_bold, _), piece in self.fonts.runs(_clean_text(span.text), span.code,
                                                              bold or span.strong, False, heading):
                piece = whitespace.sub(" ", piece)
                if piece:
                    made.append(self._fragment(style, face, run_bold, href).clone(text=piece))
        return made

    def _fragment(self, style: ParagraphStyle, face: str | None, bold: bool, href: str | None):
        """The parser's fragment for one shape: text in `face` (bold, linked to `href`), or a
        line break when `face` is None."""
        key = (id(style), face, bold, href)
        kept = self._fragments.get(key)
        if kept is None:
            if face is None:
                markup = "<br/>"
            else:
                markup = f'<font face="{face}">{"<b>x</b>" if bold else "x"}</font>'
                if href is not None:
                    markup = f'<a href="{escape(href, quote=True)}" color="{self.link_colour}">{markup}</a>'
            # The style is kept with its fragment, so that its id is not reused while cached.
            kept = self._fragments[key] = (style, Paragraph(markup, style).frags[0])
        return kept[1]

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
                     (span.code, bold or span.strong, False,
                      span.href if span.href and is_safe_link(span.href) else None))
                    for span in spans]

        def measure(text: str, key: tuple) -> float:
            code, run_bold, _, _ = key
            return sum(pdfmetrics.stringWidth(piece, rl_fonts.tt2ps(face, b, i), size)
                       for (face, b, i), piece in self.fonts.runs(text, code, run_bold, False, heading))

        lines = visual_lines(segments, width, measure, direction)
        return "<br/>".join("".join(self._visual_piece(text, key, heading) for text, key in line)
                            for line in lines)

    def _visual_piece(self, text: str, key: tuple, heading: bool) -> str:
        code, bold, _, href = key
        inner = self.text(text, code=code, bold=bold, heading=heading)
        if href:
            return f'<a href="{escape(href, quote=True)}" color="{self.link_colour}">{inner}</a>'
        return inner

    def text(self, text: str, code: bool = False, bold: bool = False, heading: bool = False) -> str:
        # <font face> must be outermost: reportlab resets bold and italic when the face changes.
        # No italic or oblique face is ever asked for (see span()).
        parts = []
        for (face, run_bold, _), piece in self.fonts.runs(text, code, bold, False, heading):
            body = escape(piece)
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


# The largest structure tree written: pikepdf holds about 3 KB per element while it writes the
# tree, and the tree itself about 1 KB while the pages are drawn, so a pack of a thousand
# articles (180,000 elements) would take 700 MB more. A 100-article pack has about 19,000.
MOST_TAGGED_ELEMENTS = 50_000


def estimated_elements(blocks: list[Block]) -> int:
    """About how many structure elements the blocks make: one a block, three a list item, two a
    table cell and one a row."""
    count, stack = 0, list(blocks)
    while stack:
        block = stack.pop()
        count += 1
        if isinstance(block, TableBlock):
            count += 3 + len(block.rows) + 2 * sum(len(row) for row in block.rows) + 2 * len(block.header)
        elif isinstance(block, ListBlock):
            count += 2 * len(block.items)
            for item in block.items:
                stack.extend(item)
        elif isinstance(block, BlockQuote):
            stack.extend(block.blocks)
            count += 1 if block.attribution is not None else 0
    return count


class _StoryBuilder(_TableFlowables):
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
        # The structure tree, made alongside the flowables so that it follows the reading order;
        # _parent is the element the next block's elements go in.
        self.elements = estimated_elements(document.blocks)
        self.tagger = Tagger() if self.elements <= MOST_TAGGED_ELEMENTS else Untagged()
        self._parent: Node = self.tagger.root

    @contextlib.contextmanager
    def _within(self, node: Node):
        outer, self._parent = self._parent, node
        try:
            yield node
        finally:
            self._parent = outer

    def story(self, blocks: list[Block], width: float) -> list[Flowable]:
        """The document's flowables, made as the PDF is drawn rather than all before: a few
        blocks' worth at a time (see furniture.Later), so that the flowables waiting to be
        drawn stay few. Made all at once, a pack of a thousand articles held 110 MB of them."""
        later = Later(self._made(blocks, width, self.styles.body, False))
        return later.expand()

    def flowables(self, blocks: list[Block], width: float, body_style: ParagraphStyle | None = None,
                  nested: bool = False) -> list[Flowable]:
        """Flowables for blocks; `nested` inside a list item or a quotation."""
        return [flowable for made in self._made(blocks, width, body_style or self.styles.body, nested)
                for flowable in made]

    def _made(self, blocks: list[Block], width: float, body_style: ParagraphStyle,
              nested: bool) -> Iterator[list[Flowable]]:
        """The flowables of each block in turn (with what goes between blocks)."""
        started = False  # whether any flowable came before
        ahead: list[Flowable] | None = None  # the next block's flowables, made early to measure them
        for position, block in enumerate(blocks):
            made = ahead if ahead is not None else self.block(block, width, body_style, nested)
            ahead = None
            if isinstance(block, Heading) and not nested:
                entry = next(self._outline, None)
                if entry is not None and made:
                    # The first piece carries the heading's bookmark and contents entry.
                    made[0]._brief_heading = (entry, entry.anchor in self._listed, self.markup.line(entry.text))
            between: list[Flowable] = []
            if isinstance(block, Heading) and made and started:
                # keepWithNext cannot hold a heading to a list or a quotation (reportlab keeps
                # containers out of its KeepTogether): a heading starts a new page unless there
                # is room under it for a few lines.
                between.append(CondPageBreak(self._room_under_heading(made[0].style)))
            if isinstance(block, Heading) and made and position + 1 < len(blocks) \
                    and isinstance(blocks[position + 1], TableBlock):
                ahead = self.table(blocks[position + 1], width)
                made = self._heading_over_table(made, ahead, blocks[position + 1], width)
            started = started or bool(made)
            yield between + made if between else made

    def _heading_over_table(self, made: list[Flowable], table_pieces: list[Flowable], block: TableBlock,
                            width: float) -> list[Flowable]:
        """keepWithNext would carry a heading and its whole table to the next page: instead the
        heading stays where the table's first rows (as many as may stand before a break) fit."""
        table = next((piece for piece in table_pieces if isinstance(piece, _RowKeepingTable)), None)
        if table is None:
            return made
        header = 1 if block.header else 0
        head_keep, _ = break_rows(len(block.rows))
        # The first rows' height from their words, not by wrapping the cells: wrapped cells would
        # hold their laid-out lines from now until the table is drawn (100 MB in a pack of a
        # thousand articles).
        rows = ([block.header] if block.header else []) + block.rows
        leading, space = self.styles.cell.leading, self._measure(" ", False)
        room = 0.0
        for number, row in enumerate(rows[:header + head_keep]):
            bold = header == 1 and number == 0
            lines = max((estimated_lines([[self._measure(word, bold) for word in line.split()]
                                          for line in plain_text(cell).split("\n")],
                                         column - 2 * TABLE_PADDING, space)
                         for cell, column in zip(row, table._colWidths)), default=1)
            room += lines * leading + CELL_VERTICAL_PADDING
        for piece in made:
            room += piece.wrap(width, table.page_height)[1] + piece.getSpaceBefore() + piece.getSpaceAfter()
            piece.keepWithNext = 0
        return [CondPageBreak(room), *made]

    def _room_under_heading(self, style: ParagraphStyle) -> float:
        body = self.styles.body
        return style.spaceBefore + style.leading + style.spaceAfter + HEADING_LINES_KEPT * body.leading

    def block(self, block: Block, width: float, body_style: ParagraphStyle,
              nested: bool = False) -> list[Flowable]:
        if isinstance(block, Heading):
            return self.paragraphs(block.spans, self._heading_style(block.level), bold=True, heading=True,
                                   width=width, role=f"H{min(max(block.level, 1), 3)}")
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
            return [Artifact(HRFlowable(width="100%", thickness=0.75, color=self.styles.colour("rule"),
                               spaceBefore=self.theme.body_size_pt * 0.5,
                               spaceAfter=self.theme.body_size_pt * 0.8))]
        raise TypeError(f"unknown block {type(block).__name__}")

    def contents(self) -> list[Flowable]:
        if self.toc is not None:
            return []  # one table of contents per document
        listed = [entry for entry in contents_entries(self.job.document) if entry.text.strip()
                  ] if self.job is not None else []
        entries = [(0, self.markup.line(entry.text), entry.anchor) for entry in listed]
        toc = _Contents(entries, self.styles.toc, self._parent.add("TOC"), self.tagger,
                        labels=[_clean_text(entry.text) for entry in listed])
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
        figure = self._parent.add("Figure", alt=block.alt or self.theme.logo_text)
        return [Tagged(picture, figure, self.tagger), Spacer(0, self.theme.body_size_pt)]

    def _heading_style(self, level: int) -> ParagraphStyle:
        if level <= 1:
            return self.styles.title
        return self.styles.heading if level == 2 else self.styles.subheading

    def paragraphs(self, spans: list[Span], style: ParagraphStyle, bold: bool = False,
                   heading: bool = False, width: float | None = None, role: str = "P",
                   repeat_as_artifact: bool = False) -> list[Flowable]:
        """One Paragraph, or several for a very long one; none for an empty one. `width` is the
        width the paragraph gets; right-to-left text needs it (see _Markup.visual_spans). The
        paragraphs are the content of a new `role` element."""
        if not any(span.text.strip() or span.text == "\n" for span in spans):
            return []
        text = "".join(span.text for span in spans)
        node = self._parent.add(role)
        direction = None
        if width is not None and has_rtl(text):
            direction = paragraph_direction(text)
            if direction == "rtl" and style.alignment == TA_LEFT:
                style = self.styles.derived(style, alignment=TA_RIGHT)
        if any(_has_cjk(span.text) for span in spans):
            # Lines of CJK text have no spaces to break at.
            style = self.styles.derived(style, wordWrap="CJK")
        shaped = direction is None and needs_shaping(text)
        if shaped:
            # Shaped glyphs without a character of their own map to private-use code points, so
            # the element and its content carry the real text.
            style = self.styles.derived(style, shaping=1)
            node.actual_text = _clean_text(text)
        total = sum(len(span.text) for span in spans)
        chunks = _chunk_spans(spans) if total > CHUNK_THRESHOLD else [spans]
        flowables = []
        for number, chunk in enumerate(chunks, start=1):
            chunk_style = style if number == len(chunks) else self.styles.derived(style, spaceAfter=0)
            chunk_text = "".join(span.text for span in chunk)
            if direction:
                line_width = width - style.leftIndent - style.rightIndent
                markup = self.markup.visual_spans(chunk, line_width, style.fontSize, direction,
                                                  bold, heading)
                paragraph = _Paragraph(markup, chunk_style)
            else:
                paragraph = _Paragraph(chunk_text, chunk_style, frags=self.markup.frags(chunk, chunk_style, bold,
                                                                                       heading))
            actual_text = _clean_text(chunk_text) if shaped else None
            flowables.append(Tagged(paragraph, node, self.tagger, repeat_as_artifact, actual_text))
        return flowables

    def bullet_list(self, block: ListBlock, width: float) -> list[Flowable]:
        size = self.theme.body_size_pt
        indent = size * (2.2 if block.ordered else 1.4)
        if not block.items:
            return []
        structure = self._parent.add("L", attrs={"O": "List", "ListNumbering": "Decimal" if block.ordered else "Disc"})
        items = []
        for item in block.items:
            with self._within(structure.add("LI").add("LBody")):
                items.append(ListItem(self.flowables(item, width - indent, self.styles.list_body, nested=True)
                                      or [Spacer(0, size)]))
        numbering = (dict(bulletType="1", start=str(block.start), bulletFormat="%s.") if block.ordered
                     else dict(bulletType="bullet", start="\u2022"))
        return [TaggedListFlowable(items, leftIndent=indent, bulletFontName=self.fonts.body_name,
                             bulletFontSize=size, bulletColor=self.styles.colour("text"),
                             spaceAfter=size * 0.4, **numbering)]

    def quote(self, block: BlockQuote, width: float, nested: bool = False) -> list[Flowable]:
        bar, padding = 2, self.theme.body_size_pt
        inner_width = width - padding - bar
        rows = []
        children = list(block.blocks)
        if block.attribution is not None:
            children.append(ParagraphBlock(block.attribution))
        quoted_rows = 0  # the bar runs beside the quotation, not its attribution (as in the DOCX)
        with self._within(self._parent.add("BlockQuote")):
            for position, child in enumerate(children, start=1):
                is_attribution = block.attribution is not None and position == len(children)
                style = self.styles.attribution if is_attribution else self.styles.body
                if is_attribution:
                    quoted_rows = len(rows)
                # A row per flowable, so that a long quotation breaks between rows: reportlab's
                # splitting inside a row of several flowables can fail with a LayoutError.
                rows.extend([flowable] for flowable in self.block(child, inner_width, style, nested=True))
        if not rows:
            return []
        bar_end = quoted_rows - 1 if block.attribution is not None and quoted_rows else -1
        table = Table(rows, colWidths=[width], hAlign="LEFT", splitInRow=self._split_in_row(),
                      renderCB=table_artifacts, style=TableStyle([
                          ("FONTNAME", (0, 0), (-1, -1), self.fonts.body_name),
                          ("LINEBEFORE", (0, 0), (0, bar_end), bar, self.styles.colour("quote_bar")),
                          ("LEFTPADDING", (0, 0), (-1, -1), padding),
                          ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                          ("TOPPADDING", (0, 0), (-1, -1), 0),
                          ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
        spacer = Spacer(0, self.theme.body_size_pt * 0.6)
        if nested:
            return [table, spacer]  # KeepTogether cannot be drawn inside a table cell or list
        # KeepTogether: a quotation and its attribution start on the same page.
        return [KeepTogether([table, spacer])]

    def code(self, block: CodeBlock, width: float) -> list[Flowable]:
        style = self.styles.code
        lines = _wrap_code(block.text.expandtabs(TAB_WIDTH).rstrip("\n"), self._code_columns(width, style))
        if not any(line.strip() for line in lines):
            return []
        flowables = []
        node = self._parent.add("Code")
        for start in range(0, len(lines), CODE_CHUNK_LINES):
            piece = lines[start:start + CODE_CHUNK_LINES]
            last = start + CODE_CHUNK_LINES >= len(lines)
            markup = "\n".join(self.markup.text(_clean_text(line), code=True) for line in piece)
            chunk_style = style if last else self.styles.derived(style, spaceAfter=0)
            flowables.append(Tagged(XPreformatted(markup, chunk_style), node, self.tagger))
        return flowables

    def _code_columns(self, width: float, style: ParagraphStyle) -> int:
        char_width = pdfmetrics.stringWidth("M", style.fontName, style.fontSize) or style.fontSize * 0.6
        return max(int((width - style.leftIndent) / char_width), 8)



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
