"""The page around the text in Word: page size and margins, header and footer, classification
marking, and the page-number fields with the numbers the PDF laid out."""

from __future__ import annotations

from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Mm, Pt
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run

from pipeline.compose.blocks import (Block, BlockQuote, CodeBlock, Contents, Heading, ListBlock, Meta, Paragraph,
                                     PageBreak, Table, plain_text)
from pipeline.render.bidi import paragraph_direction
from pipeline.render.docx.oxml import _set_right_to_left


class _PageFurniture:
    """The part of the writer (pipeline.render.docx.document._DocxWriter) that sets up the pages and
    draws what surrounds the text: header, footer, classification marking and page numbers."""

    def _set_up_pages(self) -> None:
        width, height = PAGE_SIZES[self.theme.page_size]
        for section in self.document.sections:
            section.orientation = WD_ORIENT.PORTRAIT
            section.page_width, section.page_height = width, height
            section.top_margin = Mm(self.theme.margin_top_mm)
            section.bottom_margin = Mm(self.theme.margin_bottom_mm)
            section.left_margin = Mm(self.theme.margin_left_mm)
            section.right_margin = Mm(self.theme.margin_right_mm)

    def _add_page_furniture(self, meta: Meta) -> None:
        """The marking centred at the top and bottom of every page; the footer text, and "Page X of
        Y" as PAGE and NUMPAGES fields whose cached values a viewer that does not update fields
        still shows. A reference document's own header and footer lines are kept."""
        marking = self._clean(meta.marking)
        footer_text = self._clean(" \u00b7 ".join(t for t in (self.theme.organisation, self.theme.footer_text) if t))
        pages = ""  # filled in by finish()
        even_pages = bool(self.document.settings.odd_and_even_pages_header_footer)
        for section in self.document.sections:
            width = section.page_width - section.left_margin - section.right_margin
            # Every kind of header a reference document may use: a first page of its own, and
            # even pages of their own, carry the marking too.
            pairs = [(section.header, section.footer)]
            if section.different_first_page_header_footer:
                pairs.append((section.first_page_header, section.first_page_footer))
            if even_pages:
                pairs.append((section.even_page_header, section.even_page_footer))
            for header, footer in pairs:
                self._furnish(header, footer, marking, footer_text, pages, width)

    def _furnish(self, header, footer, marking: str, footer_text: str, pages: str, width) -> None:
        if marking:
            header.is_linked_to_previous = False
            self._marking_paragraph(_first_or_new_paragraph(header, at_start=True), marking)
        footer.is_linked_to_previous = False
        if marking:
            self._marking_paragraph(_first_or_new_paragraph(footer, at_start=False), marking)
        line = footer.add_paragraph() if footer.paragraphs[-1].text or marking else footer.paragraphs[-1]
        style_id = self.style_ids.get("Footer")
        stops = line.paragraph_format.tab_stops
        if style_id is not None:
            line._p.style = style_id
            # The Footer style's centre and right tabs would come before ours.
            for stop in self.document.styles.element.get_by_id(style_id).xpath("./w:pPr/w:tabs/w:tab"):
                stops.add_tab_stop(int(stop.get(qn("w:pos"))) * 635, WD_TAB_ALIGNMENT.CLEAR)
        stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
        if footer_text:
            line.add_run(footer_text)
        line.add_run("\tPage ")
        _add_field(line, "PAGE", "1")
        line.add_run(" of ")
        self._page_count_runs.append(_add_field(line, "NUMPAGES", pages))

    def _marking_paragraph(self, paragraph: DocxParagraph, marking: str) -> None:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(marking)
        run.bold = run.font.cs_bold = True
        run.font.size = Pt(max(self.theme.body_size_pt * 0.85, 7))  # as the PDF's marking
        if "marking" in self.theme.colours:
            run.font.color.rgb = self._colour("marking")
        if paragraph_direction(marking) == "rtl":
            _set_right_to_left(paragraph._p.get_or_add_pPr())

    def _page_count(self) -> int:
        """The number of pages: the PDF's when it was laid out first, else an estimate from the
        amount of text (Word and LibreOffice put the real number in when they lay it out)."""
        facts = self.job.page_facts
        # The PDF's count only where the PDF is always laid out first (a document with
        # contents): otherwise the DOCX would depend on the order formats are made in.
        has_contents = any(isinstance(b, Contents) for b in self.job.document.blocks)
        if has_contents and facts and facts.get("pages"):
            return int(facts["pages"])
        theme = self.theme
        width_mm = {"A4": 210, "Letter": 215.9}[theme.page_size] - theme.margin_left_mm - theme.margin_right_mm
        height_mm = {"A4": 297, "Letter": 279.4}[theme.page_size] - theme.margin_top_mm - theme.margin_bottom_mm
        per_line = width_mm / 25.4 * 72 / (theme.body_size_pt * 0.5)
        lines_per_page = height_mm / 25.4 * 72 / (theme.body_size_pt * theme.line_spacing * 1.35)
        lines = 0.0
        breaks = 0
        for block in self.job.document.blocks:
            if isinstance(block, PageBreak):
                breaks += 1
                lines = 0.0
                continue
            lines += max(1.0, len(_block_text(block)) / per_line) + 1
            while lines > lines_per_page:
                breaks += 1
                lines -= lines_per_page
        return breaks + 1


PAGE_SIZES = {"A4": (Mm(210), Mm(297)), "Letter": (Inches(8.5), Inches(11))}

def _block_text(block: Block) -> str:
    if isinstance(block, (Heading, Paragraph)):
        return plain_text(block.spans)
    if isinstance(block, ListBlock):
        return " ".join(_block_text(b) for item in block.items for b in item) + " " * 40 * len(block.items)
    if isinstance(block, BlockQuote):
        return " ".join(_block_text(b) for b in block.blocks)
    if isinstance(block, Table):
        return " " * 80 * (len(block.rows) + 1) + " ".join(plain_text(c) for row in block.rows for c in row)
    if isinstance(block, CodeBlock):
        return block.text + " " * 80 * block.text.count("\n")
    return ""


def _first_or_new_paragraph(part, at_start: bool) -> DocxParagraph:
    """An empty paragraph for a header or footer line: the part's only, empty paragraph when it
    has one; else a new one before (`at_start`) or after what the part holds."""
    paragraphs = part.paragraphs
    if len(paragraphs) == 1 and not paragraphs[0].text and not paragraphs[0]._p.xpath(".//w:drawing"):
        return paragraphs[0]
    if paragraphs and at_start:
        return paragraphs[0].insert_paragraph_before()
    return part.add_paragraph()


def _add_field(paragraph: DocxParagraph, instruction: str, cached: str) -> Run:
    """A simple field (PAGE, NUMPAGES) with a cached result; the result's run."""
    _field_start(paragraph, f" {instruction} ")
    run = paragraph.add_run(cached)
    _field_end(paragraph)
    return run


def _field_start(paragraph: DocxParagraph, instruction: str) -> None:
    begin = paragraph.add_run()._r
    begin.append(OxmlElement("w:fldChar", {qn("w:fldCharType"): "begin"}))
    instr = OxmlElement("w:instrText", {qn("xml:space"): "preserve"})
    instr.text = instruction
    paragraph.add_run()._r.append(instr)
    paragraph.add_run()._r.append(OxmlElement("w:fldChar", {qn("w:fldCharType"): "separate"}))


def _field_end(paragraph: DocxParagraph) -> None:
    paragraph.add_run()._r.append(OxmlElement("w:fldChar", {qn("w:fldCharType"): "end"}))
