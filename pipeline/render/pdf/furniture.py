"""The page around the text: the document template that records each heading's page, the
header, footer and classification band, page numbers ("page n of m"), the cover and the
contents page."""

from __future__ import annotations

import functools
import io
from typing import TYPE_CHECKING, Callable, Iterator

from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Spacer, Table
from reportlab.platypus.tableofcontents import TableOfContents

from pipeline.compose.blocks import Document
from pipeline.compose.theme import Theme
from pipeline.render.pdf.tagging import Node, Tagged, Tagger, artifact, table_artifacts

if TYPE_CHECKING:
    from pipeline.render.pdf.document import _Markup, _Styles


PAGE_SIZES = {"A4": A4, "Letter": LETTER}
# --------------------------------------------------------------------------------------------
# Document template

PAGE_COUNT_FORM = "brief-page-count"
LOGO_MAX_HEIGHT_MM = 40  # a tall logo keeps to a corner of the cover


class Later(Flowable):
    """The rest of a story, made when the drawing reaches it: `expand` gives the flowables of the
    next blocks, at least LATER_FLOWABLES of them, followed by a Later for what remains. Only
    _Template draws a story that holds one (it expands it in filterFlowables)."""

    def __init__(self, made: Iterator[list[Flowable]]) -> None:
        super().__init__()
        self._made = made

    def expand(self) -> list[Flowable]:
        flowables: list[Flowable] = []
        for made in self._made:
            flowables.extend(made)
            if len(flowables) >= LATER_FLOWABLES:
                flowables.append(self)
                break
        return flowables

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        raise RuntimeError("a Later was drawn before it was expanded: only _Template expands it")


# Flowables made ahead of the drawing: enough that a heading and what it keeps with it are made
# together, few enough that a long pack's flowables are not all held at once.
LATER_FLOWABLES = 200


class _Template(BaseDocTemplate):
    """Records each heading's page, for the outline (bookmarks), the table of contents and the
    DOCX's contents; reportlab calls afterFlowable for every flowable drawn."""

    def filterFlowables(self, flowables: list[Flowable]) -> None:
        # Called with the story before each flowable is handled: the Later pieces of the story
        # are made here once they are next, or inside the run of keepWithNext flowables at the
        # front (which reportlab keeps together with the flowable after them).
        i = 0
        while i < len(flowables):
            flowable = flowables[i]
            if isinstance(flowable, Later):
                flowables[i:i + 1] = flowable.expand()
            elif flowable is None or not flowable.getKeepWithNext():
                break
            else:
                i += 1
        if not flowables:
            flowables.append(None)  # the story ended in an empty Later: reportlab skips a None

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

    def __init__(self, entries: list[tuple[int, str, str]], style: ParagraphStyle,
                 node: Node | None = None, tagger: Tagger | None = None, labels: list[str] | None = None) -> None:
        super().__init__(dotsMinLevel=0)
        self._tagger = tagger
        self._items = [node.add("TOCI", link_label=label) for label in labels or [""] * len(entries)
                       ] if node is not None and tagger is not None else []
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
        if self._items:
            # Each entry is the content of its TOCI element; the table's rules are artifacts.
            items = iter(self._items)
            rows = []
            for (cell,) in self._table._cellvalues:
                # reportlab holds a cell as a tuple of its flowables once the table is wrapped
                cell = list(cell) if isinstance(cell, (list, tuple)) else [cell]
                if any(isinstance(flowable, Paragraph) for flowable in cell):
                    item = next(items)
                    cell = [Tagged(flowable, item, self._tagger) if isinstance(flowable, Paragraph) else flowable
                            for flowable in cell]
                rows.append([cell])
            self._table = Table(rows, colWidths=(availWidth,), style=self.tableStyle, renderCB=table_artifacts)
            self.width, self.height = self._table.wrapOn(self.canv, availWidth, availHeight)
            return self.width, self.height
        return result


def _build_pdf(document: Document, theme: Theme, story: list[Flowable], styles: "_Styles",
               markup: "_Markup", tagger: Tagger | None = None) -> tuple[bytes, dict]:
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
    data = buffer.getvalue()
    if tagger is not None:
        from pipeline.render.pdf.structure import apply_structure

        data = apply_structure(data, tagger, title=meta.title or "Briefing", lang=meta.language or theme.language)
    return data, facts


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
        # The furniture is artifacts: a screen reader reads the page's text, not its margins.
        # The marking is in the document's properties (keywords) for those who need it.
        if marking_markup:
            with artifact(canvas, "Pagination", "Header"):
                _draw_line(canvas, Paragraph(marking_markup, centred), left_x,
                           height - theme.margin_top_mm * mm / 2, text_width)
        canvas.addLiteral("/Artifact <</Type /Pagination /Subtype /Footer>> BDC")
        if marking_markup:
            _draw_line(canvas, Paragraph(marking_markup, centred), left_x, footer_y, text_width)
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
        canvas.addLiteral("EMC")
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
