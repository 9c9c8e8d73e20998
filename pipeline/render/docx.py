"""DOCX writer: walks the block model into a Word document.

The document starts from python-docx's default template and uses only Word's built-in styles
(Title, Heading 1-3, List Bullet/Number, Quote, Table Grid), restyled from the theme, so a
reader can restyle it in Word. The output is byte-for-byte deterministic for a given input.

This is the only module that imports python-docx.
"""

from __future__ import annotations

import io
import zipfile

import docx
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Inches, Mm, Pt, RGBColor
from docx.table import Table as DocxTable
from docx.table import _Row
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run

from pipeline.compose.blocks import (Block, BlockQuote, CodeBlock, Contents, Document, Heading, Image, ListBlock, Meta,
                             OutlineEntry, Paragraph, PageBreak, Rule, Span, Table, contents_entries, is_safe_link,
                             outline, plain_text)
from pipeline.render import RenderJob, document_timestamp
from pipeline.render.bidi import has_rtl, paragraph_direction
from pipeline.text import replace_illegal

# Heading level 1 is the document title; deeper levels shift down one Word heading.
HEADING_STYLES = {1: "Title", 2: "Heading 1", 3: "Heading 2"}
DEEPEST_HEADING_STYLE = "Heading 3"
DEEPEST_LIST_STYLE_LEVEL = 3  # the template has List Bullet/Number/Continue 1-3

ALIGNMENTS = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
              "right": WD_ALIGN_PARAGRAPH.RIGHT}
PAGE_SIZES = {"A4": (Mm(210), Mm(297)), "Letter": (Inches(8.5), Inches(11))}

# Core properties are plain strings of at most 255 characters in python-docx.
CORE_PROPERTY_LIMIT = 255
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
ZIP_FILE_MODE = 0o644 << 16
ZIP_UNIX = 3


def render(job: RenderJob) -> bytes:
    return prepare(job).finish()


def prepare(job: RenderJob) -> "_DocxWriter":
    """The document built, all but the numbers that come from laying it out (the contents' page
    numbers and the page count): `finish()` fills them in from `job.page_facts` as they are
    then, so the DOCX can be built while the PDF is laid out elsewhere."""
    writer = _DocxWriter(job)
    writer.write(job.document)
    return writer


def _heading_style(level: int) -> str:
    return HEADING_STYLES.get(max(level, 1), DEEPEST_HEADING_STYLE)


def _list_style(ordered: bool, depth: int) -> str:
    return _numbered_style_name("List Number" if ordered else "List Bullet", depth)


def _list_continue_style(depth: int) -> str:
    """The style of a list item's second and later paragraphs: indented, no bullet."""
    return _numbered_style_name("List Continue", depth)


def _numbered_style_name(base: str, depth: int) -> str:
    depth = min(max(depth, 1), DEEPEST_LIST_STYLE_LEVEL)
    return base if depth == 1 else f"{base} {depth}"


# The styles the writer uses; a reference document without one of them gets ours.
USED_STYLES = ("Title", "Heading 1", "Heading 2", "Heading 3", "List Bullet", "List Bullet 2", "List Bullet 3",
               "List Number", "List Number 2", "List Number 3", "List Continue", "List Continue 2",
               "List Continue 3", "Quote", "Table Grid", "Header", "Footer", "Caption")
TOC_STYLE = "TOC 1"
LOGO_MAX_HEIGHT_MM = 40


class _DocxWriter:
    def __init__(self, job: RenderJob) -> None:
        self.job = job
        self.theme = job.theme
        self.reference = job.theme.path(job.theme.reference_docx)
        self.document: DocxDocument = self._base_document()
        self.replaced_characters = 0
        # python-docx finds a style by name with a scan of every style, each time; look once.
        self.style_ids = {style.name: style.style_id for style in self.document.styles}
        self.has_hyperlink_style = "Hyperlink" in self.style_ids
        self._outline = iter(outline(job.document))
        self._listed = {entry.anchor for entry in contents_entries(job.document)}
        self._bookmarks = 0
        # New paragraphs and tables go just before the body's final section properties, found
        # once: python-docx's add_paragraph and add_table look for it among all the body's
        # children on every call, which makes a long document quadratic.
        self._body = self.document._body
        self._body_end = self.document.element.body.find(qn("w:sectPr"))
        self._block_width = None
        self._table_style_id: str | None = None
        # Filled in by finish(): the page count's cached values, and each contents entry's
        # anchor, tab run and page-number run.
        self._page_count_runs: list[Run] = []
        self._contents_pages: list[tuple[str, Run, Run]] = []

    def _base_document(self) -> DocxDocument:
        if self.reference is None:
            return docx.Document()
        from pipeline.errors import BriefError
        from pipeline.compose.theme import REFERENCE_MAX_BYTES, regular_file_problem

        problem = regular_file_problem(self.reference, REFERENCE_MAX_BYTES)
        if problem is not None:
            raise BriefError(str(self.reference), f"cannot be used as a reference document ({problem})",
                             "give a .docx saved by Word or LibreOffice")
        try:
            document = docx.Document(str(self.reference))
        except Exception as exc:  # python-docx reports a bad package in many ways
            raise BriefError(str(self.reference), f"cannot be used as a reference document ({type(exc).__name__})",
                             "give a .docx saved by Word or LibreOffice") from None
        body = document.element.body
        if body.find(qn("w:sectPr")) is None:
            raise BriefError(str(self.reference), "has no page set-up (no section properties)",
                             "save it again from Word or LibreOffice as a .docx document")
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)
        _ensure_numbering_part(document)
        return document

    def write(self, document: Document) -> None:
        if self.reference is None:
            # Page set-up comes first: python-docx sizes new tables from the text width.
            self._set_up_pages()
            self._set_up_styles(self._clean(document.meta.language or self.theme.language))
        else:
            self._adopt_reference_styles()
        self._set_core_properties(document.meta)
        self._add_page_furniture(document.meta)
        _remove_template_thumbnail(self.document)
        for block in document.blocks:
            self._add_block(block)
        if self.replaced_characters:
            self.job.warn(f"DOCX: replaced {self.replaced_characters} character(s) that a document "
                          f"cannot hold with U+FFFD")

    # -- a reference document ------------------------------------------------------------------------

    def _adopt_reference_styles(self) -> None:
        """The reference's styles, page set-up, headers and footers stay as they are; a style the
        writer needs and the reference lacks is copied from the built-in template, with a warning."""
        import copy

        missing = [name for name in USED_STYLES if name not in self.style_ids]
        if not missing:
            return
        template = docx.Document()
        template_ids = {style.name: style for style in template.styles}
        for name in missing:
            style = template_ids[name]
            element = copy.deepcopy(style.element)
            num_pr = element.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            if num_pr is not None:
                _copy_numbering(template, self.document, num_pr)
            self.document.styles.element.append(element)
            self.style_ids[name] = style.style_id
        self.job.warn(f"DOCX: the reference document {self.reference.name} has no "
                      f"{', '.join(repr(n) for n in missing)} style; brief's own is used")

    # -- headers and footers ---------------------------------------------------------------------------

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

    def finish(self) -> bytes:
        """The document's bytes, with the numbers `job.page_facts` gives now (see prepare)."""
        pages = str(self._page_count())
        for run in self._page_count_runs:
            run.text = pages
        headings = (self.job.page_facts or {}).get("headings", {})
        for anchor, tab, number in self._contents_pages:
            page = str(headings.get(anchor, ""))
            if page:
                number.text = page
            else:
                for run in (tab, number):
                    run._r.getparent().remove(run._r)
        return self.to_bytes()

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return _with_fixed_zip_metadata(buffer.getvalue())

    # -- document set-up ---------------------------------------------------------------------------

    def _set_up_pages(self) -> None:
        width, height = PAGE_SIZES[self.theme.page_size]
        for section in self.document.sections:
            section.orientation = WD_ORIENT.PORTRAIT
            section.page_width, section.page_height = width, height
            section.top_margin = Mm(self.theme.margin_top_mm)
            section.bottom_margin = Mm(self.theme.margin_bottom_mm)
            section.left_margin = Mm(self.theme.margin_left_mm)
            section.right_margin = Mm(self.theme.margin_right_mm)

    def _set_up_styles(self, language: str) -> None:
        theme, styles = self.theme, self.document.styles
        # The template's styles name theme fonts (Calibri, Cambria), which win over named fonts.
        _remove_theme_fonts(styles.element)

        normal = styles["Normal"]
        _set_font_size(normal, theme.body_size_pt)
        normal.font.color.rgb = self._colour("text")
        normal.paragraph_format.line_spacing = theme.line_spacing
        _set_font_slots(normal.element.get_or_add_rPr(), theme.body_fonts[0])
        _set_language(normal.element.get_or_add_rPr(), language)

        if theme.heading_fonts:
            for name in ("Title", "Heading 1", "Heading 2", DEEPEST_HEADING_STYLE):
                _set_font_slots(styles[name].element.get_or_add_rPr(), theme.heading_fonts[0])

        title = styles["Title"]
        _set_font_size(title, theme.title_size_pt)
        title.font.color.rgb = self._colour("title")
        _set_paragraph_border(title.element.get_or_add_pPr(), "bottom", theme.colour("rule"),
                              eighths_of_a_point=8, space_pt=4)

        for name, size in (("Heading 1", theme.heading1_size_pt), ("Heading 2", theme.heading2_size_pt),
                           (DEEPEST_HEADING_STYLE, None)):
            heading = styles[name]
            heading.font.color.rgb = self._colour("heading")
            if size is not None:
                _set_font_size(heading, size)

        quote = styles["Quote"]
        quote.font.color.rgb = self._colour("muted")
        quote.paragraph_format.left_indent = Mm(4)
        _set_paragraph_border(quote.element.get_or_add_pPr(), "left", theme.colour("quote_bar"),
                              eighths_of_a_point=18, space_pt=8)

    def _set_core_properties(self, meta: Meta) -> None:
        properties = self.document.core_properties
        properties.title = self._property_text(meta.title, "title")
        # The classification travels with the file: Word shows Category and Status.
        properties.content_status = self._property_text(meta.marking, "status")
        properties.subject = self._property_text(meta.subject, "subject")
        properties.keywords = self._property_text("; ".join(meta.keywords), "keywords")
        properties.language = self._property_text(meta.language or self.theme.language, "language")
        properties.author = self._property_text(meta.author or "brief", "author")
        properties.last_modified_by = "brief"
        properties.comments = ""  # the template says "generated by python-docx"
        properties.category = self._property_text(meta.marking, "category")
        properties.revision = 1
        properties.created = properties.modified = document_timestamp()

    def _property_text(self, text: str, name: str) -> str:
        text = self._clean(text)
        if len(text) > CORE_PROPERTY_LIMIT:
            self.job.warn(f"DOCX: the {name} property was shortened to {CORE_PROPERTY_LIMIT} characters")
            text = text[:CORE_PROPERTY_LIMIT - 1] + "\u2026"
        return text

    # -- blocks ------------------------------------------------------------------------------------

    def _add_block(self, block: Block, nested: bool = False) -> None:
        match block:
            case Heading():
                paragraph = self._add_paragraph(block.spans, _heading_style(block.level))
                entry = None if nested else next(self._outline, None)
                if entry is not None:
                    self._bookmark(paragraph, entry)
            case Contents():
                self._add_contents()
            case Image():
                self._add_logo(block)
            case Paragraph():
                self._add_paragraph(block.spans, "Normal")
            case ListBlock():
                self._add_list(block, depth=1)
            case BlockQuote():
                self._add_quote(block)
            case Table():
                self._add_table(block)
            case CodeBlock():
                self._add_code(block)
            case Rule():
                paragraph = self._new_paragraph("Normal")
                _set_paragraph_border(paragraph._p.get_or_add_pPr(), "bottom", self.theme.colour("rule"))
            case PageBreak():
                self._new_paragraph("Normal").add_run().add_break(WD_BREAK.PAGE)
            case _:
                raise TypeError(f"unknown block {type(block).__name__}")

    def _bookmark(self, paragraph: DocxParagraph, entry: OutlineEntry) -> None:
        """A bookmark around the heading's text, for the contents' links and page references."""
        start = OxmlElement("w:bookmarkStart", {qn("w:id"): str(entry.index), qn("w:name"): _toc_name(entry)})
        end = OxmlElement("w:bookmarkEnd", {qn("w:id"): str(entry.index)})
        pPr = paragraph._p.pPr
        if pPr is not None:
            pPr.addnext(start)
        else:
            paragraph._p.insert(0, start)
        paragraph._p.append(end)

    def _add_contents(self) -> None:
        """A TOC field whose result is already the list of headings (with the PDF's page
        numbers when the PDF was made first), so Word and LibreOffice show usable contents
        without asking to update fields. Updating it in Word gives Word's own page numbers."""
        entries = contents_entries(self.job.document)
        style = self._toc_style()
        levels = sorted({_word_heading_level(e.level) for e in entries}) or [1]
        instruction = f' TOC \\o "{levels[0]}-{levels[-1]}" \\h \\z \\u '
        if not entries:
            paragraph = self._new_paragraph(style)
            _field_start(paragraph, instruction)
            _field_end(paragraph)
            return
        for number, entry in enumerate(entries):
            paragraph = self._new_paragraph(style)
            if number == 0:
                _field_start(paragraph, instruction)
            hyperlink = OxmlElement("w:hyperlink", {qn("w:anchor"): _toc_name(entry), qn("w:history"): "1"})
            paragraph._p.append(hyperlink)
            # The tab and page number are filled in by finish(), or removed: without the PDF's
            # page numbers the entries are the headings alone; Word's update adds the numbers.
            runs = []
            for text in (self._clean(entry.text), "\t", ""):
                run = paragraph.add_run()
                if text == "\t":
                    run.add_tab()
                elif text:
                    run.text = text
                hyperlink.append(run._r)
                runs.append(run)
            self._contents_pages.append((entry.anchor, runs[1], runs[2]))
            if number == len(entries) - 1:
                _field_end(paragraph)

    def _toc_style(self) -> str:
        existing = next((name for name in self.style_ids if name.lower() == TOC_STYLE.lower()), None)
        if existing is not None:
            return existing  # Word calls it "toc 1"
        if TOC_STYLE not in self.style_ids:
            from docx.enum.style import WD_STYLE_TYPE

            style = self.document.styles.add_style(TOC_STYLE, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = self.document.styles["Normal"]
            section = self.document.sections[0]
            width = section.page_width - section.left_margin - section.right_margin
            style.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
            style.paragraph_format.space_after = Pt(2)
            self.style_ids[TOC_STYLE] = style.style_id
        return TOC_STYLE

    def _add_logo(self, block: Image) -> None:
        path = self.theme.path(self.theme.logo)
        if path is None:
            return
        paragraph = self._new_paragraph("Normal")
        section = self.document.sections[0]
        width = min(Mm(self.theme.logo_width_mm), section.page_width - section.left_margin - section.right_margin)
        from pipeline.compose.theme import LOGO_MAX_BYTES, regular_file_problem

        try:
            problem = regular_file_problem(path, LOGO_MAX_BYTES)
            if problem is not None:
                raise OSError(problem)
            shape = paragraph.add_run().add_picture(str(path), width=width)
            if shape.height > Mm(LOGO_MAX_HEIGHT_MM):  # a tall logo keeps to a corner of the cover
                shape.width = int(shape.width * Mm(LOGO_MAX_HEIGHT_MM) / shape.height)
                shape.height = Mm(LOGO_MAX_HEIGHT_MM)
        except Exception as exc:  # python-docx reports a bad image in many ways
            self.job.warn(f"the logo {path} cannot be placed ({type(exc).__name__}); it is left out of the DOCX")
            paragraph._p.getparent().remove(paragraph._p)
            return
        # Alternative text: what a screen reader says for the picture.
        doc_pr = shape._inline.docPr
        doc_pr.set("descr", self._clean(block.alt))
        doc_pr.set("title", self._clean(block.alt))
        doc_pr.set("name", "Logo")

    def _add_paragraph(self, spans: list[Span], style: str) -> DocxParagraph:
        paragraph = self._new_paragraph(style)
        self._add_spans(paragraph, spans)
        return paragraph

    def _append(self, element) -> None:
        if self._body_end is not None:
            self._body_end.addprevious(element)
        else:
            self.document.element.body.append(element)

    def _new_paragraph(self, style: str) -> DocxParagraph:
        p = OxmlElement("w:p")
        self._append(p)
        paragraph = DocxParagraph(p, self._body)
        if style != "Normal":
            paragraph._p.style = self.style_ids[style]
        return paragraph

    def _add_list(self, block: ListBlock, depth: int) -> None:
        style = _list_style(block.ordered, depth)
        # Each ordered list gets its own numbering instance, or Word would continue the count
        # from the previous list in the document.
        num_id = _new_numbering(self.document, style, block.start) if block.ordered else None
        for number, item in enumerate(block.items, start=block.start):
            # A reference document whose list style has no numbering: the number as text.
            label = f"{number}. " if block.ordered and num_id is None else ""
            self._add_list_item(item, style, depth, num_id, label)

    def _add_list_item(self, item: list[Block], style: str, depth: int, num_id: int | None,
                       label: str = "") -> None:
        blocks = list(item)
        # The bullet or number belongs to a paragraph; an item that opens with something else
        # gets an empty one so the count stays right.
        first = blocks.pop(0) if blocks and isinstance(blocks[0], Paragraph) else Paragraph([])
        paragraph = self._add_paragraph(([Span(label)] if label else []) + first.spans, style)
        if num_id is not None:
            _set_numbering(paragraph, num_id)
        for block in blocks:
            if isinstance(block, ListBlock):
                self._add_list(block, depth + 1)
            elif isinstance(block, Paragraph):
                self._add_paragraph(block.spans, _list_continue_style(depth))
            else:
                self._add_block(block, nested=True)

    def _add_quote(self, quote: BlockQuote) -> None:
        paragraphs: list[DocxParagraph] = []
        for block in quote.blocks:
            if isinstance(block, BlockQuote):
                self._add_quote(block)
            elif isinstance(block, Paragraph):
                paragraphs.append(self._add_paragraph(block.spans, "Quote"))
            else:
                self._add_block(block, nested=True)
        if quote.attribution is not None:
            attribution = self._add_paragraph(quote.attribution, "Quote")
            attribution.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            # A quotation and its attribution stay on one page.
            for paragraph in paragraphs:
                paragraph.paragraph_format.keep_with_next = True

    def _add_table(self, block: Table) -> None:
        rows = ([block.header] if block.header else []) + block.rows
        columns = max((len(row) for row in rows), default=0)
        if columns == 0:
            return
        if self._block_width is None:
            self._block_width = self.document._block_width
        tbl = CT_Tbl.new_tbl(len(rows), columns, self._block_width)
        self._append(tbl)
        table = DocxTable(tbl, self._body)
        # The style's id, looked up once: python-docx's Table.style scans every style twice.
        if self._table_style_id is None:
            from docx.enum.style import WD_STYLE_TYPE

            self._table_style_id = self.document.part.get_style_id("Table Grid", WD_STYLE_TYPE.TABLE) or ""
        tbl.tblStyle_val = self._table_style_id or None
        _set_table_borders(table, self.theme.colour("table_border"))
        for index, (row_cells, row) in enumerate(zip(rows, table.rows)):
            is_header = bool(block.header) and index == 0
            for column, cell in enumerate(row.cells):
                paragraph = cell.paragraphs[0]
                align = block.align[column] if column < len(block.align) else None
                if align in ALIGNMENTS:
                    paragraph.alignment = ALIGNMENTS[align]
                spans = row_cells[column] if column < len(row_cells) else []
                self._add_spans(paragraph, spans, strong=is_header)
                if is_header:
                    _set_cell_shading(cell._tc, self.theme.colour("table_header_fill"))
        if block.header:
            _mark_repeating_header(table.rows[0])

    def _add_code(self, block: CodeBlock) -> None:
        # One paragraph with line breaks, so spacing between paragraphs does not open up the code.
        paragraph = self._new_paragraph("Normal")
        run = paragraph.add_run(self._clean(block.text))
        run.font.name = self.theme.mono_fonts[0]

    # -- spans -------------------------------------------------------------------------------------

    def _add_spans(self, paragraph: DocxParagraph, spans: list[Span], strong: bool = False) -> None:
        if paragraph_direction(plain_text(spans)) == "rtl":
            # Word lays the paragraph out right to left: Arabic and Hebrew start at the right.
            _set_right_to_left(paragraph._p.get_or_add_pPr())
        for span in spans:
            if span.text == "\n":
                paragraph.add_run().add_break()
                continue
            text = self._clean(span.text)
            if not (span.code or span.href or "\t" in text or "\n" in text or has_rtl(span.text)):
                _append_plain_run(paragraph._p, text, span.strong or strong, span.emphasis)
                continue
            run = paragraph.add_run(text)
            if has_rtl(span.text):
                run._r.get_or_add_rPr().append(OxmlElement("w:rtl"))
            # Complex scripts (Arabic, Hebrew...) take their bold and italic from separate flags.
            if span.strong or strong:
                run.bold = run.font.cs_bold = True
            if span.emphasis:
                run.italic = run.font.cs_italic = True
            if span.code:
                run.font.name = self.theme.mono_fonts[0]
            if is_safe_link(span.href):
                self._make_link(run, self._clean(span.href or ""))

    def _make_link(self, run: Run, url: str) -> None:
        if self.has_hyperlink_style:
            run.style = "Hyperlink"
        else:
            run.font.underline = True
            run.font.color.rgb = self._colour("link")
        _wrap_in_hyperlink(run, url)

    # -- helpers -----------------------------------------------------------------------------------

    def _clean(self, text: str) -> str:
        """Text lxml will accept. Upstream already cleaned it; this only guards against a miss."""
        text, count = replace_illegal(text)
        self.replaced_characters += count
        # DOCX has one line-break element; CRLF would otherwise become two breaks.
        return text.replace("\r\n", "\n").replace("\r", "\n")

    def _colour(self, name: str) -> RGBColor:
        return RGBColor.from_string(self.theme.colour(name))


def _append_plain_run(p, text: str, bold: bool, italic: bool) -> None:
    """A run of plain text, bold and italic as asked (each for complex scripts too), built
    directly: the XML python-docx's add_run, bold and italic would make, without their
    searches for where each child element goes."""
    r = OxmlElement("w:r")
    if bold or italic:
        rPr = OxmlElement("w:rPr")
        for tag, wanted in (("w:b", bold), ("w:bCs", bold), ("w:i", italic), ("w:iCs", italic)):
            if wanted:
                rPr.append(OxmlElement(tag))
        r.append(rPr)
    if text:
        t = OxmlElement("w:t")
        t.text = text
        if len(text.strip()) < len(text):
            t.set(qn("xml:space"), "preserve")
        r.append(t)
    p.append(r)


def _set_right_to_left(pPr) -> None:
    if pPr.find(qn("w:bidi")) is None:
        _insert_before(pPr, OxmlElement("w:bidi"), _PPR_AFTER_BIDI)


def _toc_name(entry: OutlineEntry) -> str:
    return f"_Toc{entry.index:08d}"


def _word_heading_level(level: int) -> int:
    """The Word heading level a document heading gets (level 1 is the Title)."""
    return max(level - 1, 1)


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


def _copy_numbering(source: DocxDocument, target: DocxDocument, num_pr) -> None:
    """Bring the list numbering a copied style refers to, under new ids in the target."""
    import copy

    source_numbering = source.part.numbering_part.element
    target_numbering = target.part.numbering_part.element
    num_id = num_pr.find(qn("w:numId"))
    if num_id is None:
        return
    num = source_numbering.num_having_numId(int(num_id.get(qn("w:val"))))
    abstract = next(a for a in source_numbering.findall(qn("w:abstractNum"))
                    if a.get(qn("w:abstractNumId")) == str(num.abstractNumId.val))
    used_abstract = {int(a.get(qn("w:abstractNumId"))) for a in target_numbering.findall(qn("w:abstractNum"))}
    new_abstract_id = max(used_abstract, default=-1) + 1
    abstract = copy.deepcopy(abstract)
    abstract.set(qn("w:abstractNumId"), str(new_abstract_id))
    nsid = abstract.find(qn("w:nsid"))
    if nsid is not None:
        abstract.remove(nsid)
    existing = target_numbering.findall(qn("w:abstractNum"))
    if existing:
        existing[-1].addnext(abstract)
    else:
        target_numbering.insert(0, abstract)
    new_num = target_numbering.add_num(new_abstract_id)
    num_id.set(qn("w:val"), str(new_num.numId))


def _with_fixed_zip_metadata(data: bytes) -> bytes:
    """Rewrite the package with fixed entry timestamps and modes (python-docx stamps the time)."""
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=ZIP_TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = ZIP_UNIX
            info.external_attr = ZIP_FILE_MODE
            target.writestr(info, source.read(entry))
    return output.getvalue()


def _remove_template_thumbnail(document: DocxDocument) -> None:
    """The template carries a preview image of some other document; file browsers would show it."""
    package_rels = document.part.package.rels
    for rId in [rId for rId, rel in package_rels.items() if rel.reltype == RT.THUMBNAIL]:
        del package_rels[rId]


# -- raw OOXML -------------------------------------------------------------------------------------
# What python-docx has no API for. Child elements must follow the schema's order, hence the
# lists of elements that may come after each one.

_PPR_AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
                   "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
                   "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
                   "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
                   "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
                   "w:pPrChange")
# The elements of w:pPr that come after w:bidi.
_PPR_AFTER_BIDI = _PPR_AFTER_PBDR[_PPR_AFTER_PBDR.index("w:bidi") + 1:]
_PBDR_SIDES = ("w:top", "w:left", "w:bottom", "w:right", "w:between", "w:bar")
_TBLPR_AFTER_BORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
                        "w:tblDescription", "w:tblPrChange")
_TABLE_BORDER_SIDES = ("top", "left", "bottom", "right", "insideH", "insideV")
_TCPR_AFTER_SHD = ("w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
                   "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange")
_RPR_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")
_THEME_FONT_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def _insert_before(parent, child, later_tags: tuple[str, ...]) -> None:
    """Insert `child` before the first of `later_tags` present, else at the end."""
    for tag in later_tags:
        successor = parent.find(qn(tag))
        if successor is not None:
            successor.addprevious(child)
            return
    parent.append(child)


def _border(tag: str, colour: str, eighths_of_a_point: int, space_pt: int) -> BaseOxmlElement:
    return OxmlElement(tag, {qn("w:val"): "single", qn("w:sz"): str(eighths_of_a_point),
                             qn("w:space"): str(space_pt), qn("w:color"): colour})


def _set_paragraph_border(pPr, side: str, colour: str, eighths_of_a_point: int = 6,
                          space_pt: int = 1) -> None:
    """Set one side of a paragraph's border, replacing what was there."""
    pBdr = pPr.find(qn("w:pBdr"))
    if pBdr is None:
        pBdr = OxmlElement("w:pBdr")
        _insert_before(pPr, pBdr, _PPR_AFTER_PBDR)
    for old in pBdr.findall(qn(f"w:{side}")):
        pBdr.remove(old)
    later_sides = _PBDR_SIDES[_PBDR_SIDES.index(f"w:{side}") + 1:]
    _insert_before(pBdr, _border(f"w:{side}", colour, eighths_of_a_point, space_pt), later_sides)


def _set_table_borders(table: DocxTable, colour: str) -> None:
    tblPr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in _TABLE_BORDER_SIDES:
        borders.append(_border(f"w:{side}", colour, eighths_of_a_point=4, space_pt=0))
    _insert_before(tblPr, borders, _TBLPR_AFTER_BORDERS)


def _set_cell_shading(tc, fill: str) -> None:
    shading = OxmlElement("w:shd", {qn("w:val"): "clear", qn("w:color"): "auto", qn("w:fill"): fill})
    _insert_before(tc.get_or_add_tcPr(), shading, _TCPR_AFTER_SHD)


def _mark_repeating_header(row: _Row) -> None:
    """Repeat the row at the top of each page the table runs onto."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def _wrap_in_hyperlink(run: Run, url: str) -> None:
    rId = run.part.relate_to(url, RT.HYPERLINK, is_external=True)
    previous = run._r.getprevious()
    if previous is not None and previous.tag == qn("w:hyperlink") and previous.get(qn("r:id")) == rId:
        previous.append(run._r)  # adjacent spans of one link stay one link
        return
    hyperlink = OxmlElement("w:hyperlink", {qn("r:id"): rId})
    run._r.addprevious(hyperlink)
    hyperlink.append(run._r)


def _ensure_numbering_part(document: DocxDocument) -> None:
    """A numbering part for a document that has none (LibreOffice writes none for a document
    without lists): python-docx cannot make one, so the built-in template's is copied."""
    import copy

    from docx.opc.packuri import PackURI
    from docx.parts.numbering import NumberingPart

    try:
        document.part.numbering_part
        return
    except NotImplementedError:
        pass
    template = docx.Document().part.numbering_part
    element = copy.deepcopy(template.element)
    part = NumberingPart(PackURI("/word/numbering.xml"), template.content_type, element, document.part.package)
    document.part.relate_to(part, RT.NUMBERING)


def _new_numbering(document: DocxDocument, style_name: str, start: int) -> int | None:
    """A new numbering instance for a list style, counting from `start`; returns its numId, or
    None when the style has no numbering (a reference document's own list style)."""
    numbering = document.part.numbering_part.element
    try:
        style_num_id = document.styles[style_name].element.pPr.numPr.numId.val
        abstract_id = numbering.num_having_numId(style_num_id).abstractNumId.val
    except (AttributeError, KeyError):
        return None
    num = numbering.add_num(abstract_id)
    num.add_lvlOverride(ilvl=0).add_startOverride(max(start, 0))
    return num.numId


def _set_numbering(paragraph: DocxParagraph, num_id: int) -> None:
    numPr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    numPr.get_or_add_ilvl().val = 0
    numPr.get_or_add_numId().val = num_id


def _remove_theme_fonts(styles_element) -> None:
    for rFonts in list(styles_element.iter(qn("w:rFonts"))):
        for attribute in _THEME_FONT_ATTRIBUTES:
            rFonts.attrib.pop(qn(attribute), None)
        if not rFonts.attrib:
            rFonts.getparent().remove(rFonts)


def _set_font_size(style, points: float) -> None:
    """Size for every script: python-docx sets w:sz, complex scripts read w:szCs."""
    style.font.size = Pt(points)
    rPr = style.element.get_or_add_rPr()
    for old in rPr.findall(qn("w:szCs")):
        rPr.remove(old)
    size = OxmlElement("w:szCs", {qn("w:val"): str(round(points * 2))})
    rPr.find(qn("w:sz")).addnext(size)


def _set_font_slots(rPr, font: str) -> None:
    """Name the font for every script slot: Latin (ascii, hAnsi), East Asian and complex scripts."""
    rFonts = rPr.get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rFonts.set(qn(slot), font)


def _set_language(rPr, language: str) -> None:
    for old in rPr.findall(qn("w:lang")):
        rPr.remove(old)
    lang = OxmlElement("w:lang", {qn("w:val"): language, qn("w:eastAsia"): language,
                                  qn("w:bidi"): language})
    _insert_before(rPr, lang, _RPR_AFTER_LANG)
