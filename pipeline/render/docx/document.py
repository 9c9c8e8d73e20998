"""The DOCX writer: the document from its template, its properties, and each block of the model
as Word paragraphs, lists, quotations, code, images and contents."""

from __future__ import annotations

import io
import zipfile

import docx
from docx.document import Document as DocxDocument
from docx.enum.text import WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run
from lxml import etree

from pipeline.compose.blocks import (Block, BlockQuote, CodeBlock, Contents, Document, Heading, Image, ListBlock,
                                     Meta, OutlineEntry, Paragraph, PageBreak, Rule, Span, Table, contents_entries,
                                     is_safe_link, outline, plain_text)
from pipeline.render import RenderJob, document_timestamp
from pipeline.render.bidi import has_rtl, paragraph_direction
from pipeline.text import replace_illegal
from pipeline.render.docx.styles import (TOC_STYLE, _StyleSetUp, _heading_style, _list_continue_style, _list_style)
from pipeline.render.docx.furniture import _PageFurniture, _field_end, _field_start
from pipeline.render.docx.tables import _TableWriter
from pipeline.render.docx.oxml import (_ensure_numbering_part, _new_numbering, _set_numbering,
                                       _set_paragraph_border, _set_right_to_left, _wrap_in_hyperlink)


# Core properties are plain strings of at most 255 characters in python-docx.
CORE_PROPERTY_LIMIT = 255
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
ZIP_FILE_MODE = 0o644 << 16
ZIP_UNIX = 3

LOGO_MAX_HEIGHT_MM = 40

# The body is serialised as it is written, a batch of about this many paragraphs and tables at
# a time, and the batch leaves the tree: lxml's tree of a 1,000-article pack takes about 12
# bytes of memory per byte of its XML, and the XML alone is all the package needs.
SERIALISE_EVERY = 500
# What stands in the tree for a serialised batch, until the package is written.
_BATCH_TAG = "w:briefWritten"


class _DocxWriter(_StyleSetUp, _PageFurniture, _TableWriter):
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
        # The body's elements added since the last batch was serialised, and each batch's XML,
        # in document order (the tree holds a placeholder for each).
        self._unwritten: list = []
        self._written: list[bytes] = []
        self._kept_as_tree: set = set()  # what finish() still changes: the contents' paragraphs

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
            if len(self._unwritten) >= SERIALISE_EVERY:
                self._serialise_unwritten()
        if self.replaced_characters:
            self.job.warn(f"DOCX: replaced {self.replaced_characters} character(s) that a document "
                          f"cannot hold with U+FFFD")

    # -- a reference document ------------------------------------------------------------------------

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
        return _with_fixed_zip_metadata(buffer.getvalue(), {self.document.part.partname.lstrip("/"): self._written})

    def _serialise_unwritten(self) -> None:
        """The body's elements added since the last call, serialised as the whole document's
        serialisation would write them, and each run of them replaced in the tree by a
        placeholder. What finish() changes later, and an element that would not serialise
        the same way alone, stay as they are."""
        body = self.document.element.body
        runs: list[list] = []  # elements next to each other in the body
        for element in self._unwritten:
            if element.getparent() is not body or element in self._kept_as_tree:
                continue
            if runs and element.getprevious() is runs[-1][-1]:
                runs[-1].append(element)
            else:
                runs.append([element])
        self._unwritten.clear()
        for run in runs:
            placeholder, batch = None, []
            for element in run:
                if placeholder is None:
                    placeholder = OxmlElement(_BATCH_TAG)
                    element.addprevious(placeholder)
                xml = _serialised_in_place(element, placeholder)
                if xml is None:
                    self._close_batch(placeholder, batch)
                    placeholder, batch = None, []
                    continue
                batch.append(xml)
                # Emptied first: lxml moves a removed element's subtree to a document of its
                # own, node by node, and a table of thousands of rows took seconds (8,000 rows,
                # 3 s; a quarter of them, 0.17 s).
                element.clear()
                body.remove(element)
            if placeholder is not None:
                self._close_batch(placeholder, batch)

    def _close_batch(self, placeholder, batch: list[bytes]) -> None:
        if batch:
            self._written.append(b"".join(batch))
        else:
            placeholder.getparent().remove(placeholder)

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
            self._kept_as_tree.add(paragraph._p)
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
        self._unwritten.append(element)
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
            # Under the quotation, at its left edge, muted and without the bar, as in the PDF;
            # without a bar of its own it also parts one quotation's bar from the next one's,
            # which Word would otherwise draw as one.
            attribution = self._add_paragraph(quote.attribution, "Quote")
            _set_paragraph_border(attribution._p.get_or_add_pPr(), "left", "auto", eighths_of_a_point=0,
                                  space_pt=8, value="nil")
            attribution.paragraph_format.space_before = Pt(0)
            attribution.paragraph_format.space_after = Pt(self.theme.body_size_pt * 0.6)
            for run in attribution.runs:
                run.font.color.rgb = self._colour("muted")
            # A quotation and its attribution stay on one page.
            for paragraph in paragraphs:
                paragraph.paragraph_format.keep_with_next = True

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
                _append_plain_run(paragraph._p, text, span.strong or strong)
                continue
            run = paragraph.add_run(text)
            if has_rtl(span.text):
                run._r.get_or_add_rPr().append(OxmlElement("w:rtl"))
            # Complex scripts (Arabic, Hebrew...) take their bold from a separate flag. Emphasis
            # is set plain: the house style has no italics, which are hard to read.
            if span.strong or strong:
                run.bold = run.font.cs_bold = True
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


def _append_plain_run(p, text: str, bold: bool) -> None:
    """A run of plain text, bold as asked (for complex scripts too), built directly: the XML
    python-docx's add_run and bold would make, without their searches for where each child
    element goes."""
    r = OxmlElement("w:r")
    if bold:
        rPr = OxmlElement("w:rPr")
        rPr.append(OxmlElement("w:b"))
        rPr.append(OxmlElement("w:bCs"))
        r.append(rPr)
    if text:
        t = OxmlElement("w:t")
        t.text = text
        if len(text.strip()) < len(text):
            t.set(qn("xml:space"), "preserve")
        r.append(t)
    p.append(r)


def _toc_name(entry: OutlineEntry) -> str:
    return f"_Toc{entry.index:08d}"


def _word_heading_level(level: int) -> int:
    """The Word heading level a document heading gets (level 1 is the Title)."""
    return max(level - 1, 1)


def _with_fixed_zip_metadata(data: bytes, written: dict[str, list[bytes]] | None = None) -> bytes:
    """Rewrite the package with fixed entry timestamps and modes (python-docx stamps the time),
    and each serialised batch of `written` (by part name) in place of its placeholder."""
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=ZIP_TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = ZIP_UNIX
            info.external_attr = ZIP_FILE_MODE
            pieces = _spliced(source.read(entry), (written or {}).get(entry.filename, []))
            # As writestr does, with the size known first, but without joining the pieces.
            info.file_size = sum(len(piece) for piece in pieces)
            with target.open(info, mode="w") as stream:
                for piece in pieces:
                    stream.write(piece)
    return output.getvalue()


def _serialised_in_place(element, sibling) -> bytes | None:
    """`element` as the serialisation of its whole document writes it, or None when that is not
    sure. Serialised alone, an element declares every namespace its ancestors declare, as
    `sibling` (an empty element of the same parent) shows: those declarations are cut."""
    if not element.prefix or sibling.prefix is None:
        return None
    alone = etree.tostring(sibling, encoding="UTF-8")
    declarations = alone[len(f"<{sibling.prefix}:{etree.QName(sibling).localname}"):-len("/>")]
    tag = f"<{element.prefix}:{etree.QName(element).localname}".encode()
    xml = etree.tostring(element, encoding="UTF-8")
    if not xml.startswith(tag + declarations) or element.tail:
        return None
    return tag + xml[len(tag) + len(declarations):]


def _spliced(xml: bytes, batches: list[bytes]) -> list[bytes]:
    """`xml` with each placeholder replaced by its batch, in order, as a list of pieces."""
    if not batches:
        return [xml]
    between = xml.split(b"<" + _BATCH_TAG.encode() + b"/>")
    if len(between) != len(batches) + 1:
        raise RuntimeError(f"DOCX: {len(between) - 1} placeholders for {len(batches)} serialised batches")
    pieces = [between[0]]
    for batch, after in zip(batches, between[1:]):
        pieces += [batch, after]
    return pieces


def _remove_template_thumbnail(document: DocxDocument) -> None:
    """The template carries a preview image of some other document; file browsers would show it."""
    package_rels = document.part.package.rels
    for rId in [rId for rId, rel in package_rels.items() if rel.reltype == RT.THUMBNAIL]:
        del package_rels[rId]
