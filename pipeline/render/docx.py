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
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Inches, Mm, Pt, RGBColor
from docx.table import Table as DocxTable
from docx.table import _Row
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run

from pipeline.blocks import (Block, BlockQuote, CodeBlock, Document, Heading, ListBlock, Meta, Paragraph,
                             PageBreak, Rule, Span, Table, is_safe_link)
from pipeline.render import RenderJob, document_timestamp
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
    writer = _DocxWriter(job)
    writer.write(job.document)
    return writer.to_bytes()


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


class _DocxWriter:
    def __init__(self, job: RenderJob) -> None:
        self.job = job
        self.theme = job.theme
        self.document: DocxDocument = docx.Document()
        self.replaced_characters = 0
        # python-docx finds a style by name with a scan of every style, each time; look once.
        self.style_ids = {style.name: style.style_id for style in self.document.styles}
        self.has_hyperlink_style = "Hyperlink" in self.style_ids

    def write(self, document: Document) -> None:
        # Page set-up comes first: python-docx sizes new tables from the text width.
        self._set_up_pages()
        self._set_up_styles(self._clean(document.meta.language or self.theme.language))
        self._set_core_properties(document.meta)
        _remove_template_thumbnail(self.document)
        for block in document.blocks:
            self._add_block(block)
        if self.replaced_characters:
            self.job.warn(f"DOCX: replaced {self.replaced_characters} character(s) that a document "
                          f"cannot hold with U+FFFD")

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
        properties.subject = self._property_text(meta.subject, "subject")
        properties.keywords = self._property_text("; ".join(meta.keywords), "keywords")
        properties.language = self._property_text(meta.language or self.theme.language, "language")
        properties.author = self._property_text(meta.author or "brief", "author")
        properties.last_modified_by = "brief"
        properties.comments = ""  # the template says "generated by python-docx"
        properties.category = ""
        properties.revision = 1
        properties.created = properties.modified = document_timestamp()

    def _property_text(self, text: str, name: str) -> str:
        text = self._clean(text)
        if len(text) > CORE_PROPERTY_LIMIT:
            self.job.warn(f"DOCX: the {name} property was shortened to {CORE_PROPERTY_LIMIT} characters")
            text = text[:CORE_PROPERTY_LIMIT - 1] + "\u2026"
        return text

    # -- blocks ------------------------------------------------------------------------------------

    def _add_block(self, block: Block) -> None:
        match block:
            case Heading():
                self._add_paragraph(block.spans, _heading_style(block.level))
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

    def _add_paragraph(self, spans: list[Span], style: str) -> DocxParagraph:
        paragraph = self._new_paragraph(style)
        self._add_spans(paragraph, spans)
        return paragraph

    def _new_paragraph(self, style: str) -> DocxParagraph:
        paragraph = self.document.add_paragraph()
        if style != "Normal":
            paragraph._p.style = self.style_ids[style]
        return paragraph

    def _add_list(self, block: ListBlock, depth: int) -> None:
        style = _list_style(block.ordered, depth)
        # Each ordered list gets its own numbering instance, or Word would continue the count
        # from the previous list in the document.
        num_id = _new_numbering(self.document, style, block.start) if block.ordered else None
        for item in block.items:
            self._add_list_item(item, style, depth, num_id)

    def _add_list_item(self, item: list[Block], style: str, depth: int, num_id: int | None) -> None:
        blocks = list(item)
        # The bullet or number belongs to a paragraph; an item that opens with something else
        # gets an empty one so the count stays right.
        first = blocks.pop(0) if blocks and isinstance(blocks[0], Paragraph) else Paragraph([])
        paragraph = self._add_paragraph(first.spans, style)
        if num_id is not None:
            _set_numbering(paragraph, num_id)
        for block in blocks:
            if isinstance(block, ListBlock):
                self._add_list(block, depth + 1)
            elif isinstance(block, Paragraph):
                self._add_paragraph(block.spans, _list_continue_style(depth))
            else:
                self._add_block(block)

    def _add_quote(self, quote: BlockQuote) -> None:
        paragraphs: list[DocxParagraph] = []
        for block in quote.blocks:
            if isinstance(block, BlockQuote):
                self._add_quote(block)
            elif isinstance(block, Paragraph):
                paragraphs.append(self._add_paragraph(block.spans, "Quote"))
            else:
                self._add_block(block)
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
        table = self.document.add_table(rows=len(rows), cols=columns, style="Table Grid")
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
        for span in spans:
            if span.text == "\n":
                paragraph.add_run().add_break()
                continue
            run = paragraph.add_run(self._clean(span.text))
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


def _new_numbering(document: DocxDocument, style_name: str, start: int) -> int:
    """A new numbering instance for a list style, counting from `start`; returns its numId."""
    numbering = document.part.numbering_part.element
    style_num_id = document.styles[style_name].element.pPr.numPr.numId.val
    abstract_id = numbering.num_having_numId(style_num_id).abstractNumId.val
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
