"""The house typography, read back from the files a user gets: the sample brief's PDF (pdfplumber)
and DOCX (python-docx) have body text of 12 pt or more at 1.15 line spacing or more, no italic
or oblique type anywhere, left-aligned text, real heading styles and the document language."""

from __future__ import annotations

import collections
import io
from pathlib import Path

import docx
import pdfplumber
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from pipeline.compose.blocks import BlockQuote, Heading, Paragraph, Span, Table
from pipeline.render import RenderJob
from pipeline.render.docx import render as render_docx
from tests.conftest import SAMPLE, run_brief
from tests.render.test_pdf import doc_of, render_document

SLANTED = ("italic", "oblique")
BODY_MINIMUM_PT = 12
LINE_SPACING_MINIMUM = 1.15


@pytest.fixture(scope="module")
def sample_files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("typography")
    result = run_brief("generate", str(SAMPLE), "-f", "docx", "-f", "pdf", "-o", str(folder))
    assert result.returncode == 0, result.stderr
    return {path.suffix[1:]: path for path in folder.iterdir() if path.suffix in (".docx", ".pdf")}


def page_chars(path: Path) -> list[tuple[float, list[dict]]]:
    """Each page's height and characters."""
    with pdfplumber.open(path) as pdf:
        return [(page.height, list(page.chars)) for page in pdf.pages]


def body_chars(path: Path, theme) -> list[dict]:
    """The characters inside the text frame: not the marking, running footer or page number
    drawn in the margins."""
    top, bottom = theme.margin_top_mm * 72 / 25.4, theme.margin_bottom_mm * 72 / 25.4
    return [char for height, chars in page_chars(path) for char in chars
            if char["top"] >= top - 1 and char["bottom"] <= height - bottom + 1]


def slanted_fonts(path: Path) -> set[str]:
    return {char["fontname"] for _, chars in page_chars(path) for char in chars
            if any(word in char["fontname"].lower() for word in SLANTED)}


# -- PDF ---------------------------------------------------------------------------------------


def test_pdf_body_text_is_12_pt_or_larger(sample_files, theme):
    chars = [char for char in body_chars(sample_files["pdf"], theme) if char["text"].strip()]
    assert len(chars) > 1000
    small = sorted({(round(char["size"], 2), char["text"]) for char in chars if char["size"] < BODY_MINIMUM_PT - 0.01})
    assert not small, f"text under {BODY_MINIMUM_PT} pt: {small[:10]}"


def test_pdf_uses_no_italic_or_oblique_font(sample_files):
    assert slanted_fonts(sample_files["pdf"]) == set()


def test_pdf_sets_emphasis_upright(theme, tmp_path):
    # Emphasis in an article (a standfirst, a term) is drawn in the upright face.
    document = doc_of(Heading(1, [Span("T")]),
                      Paragraph([Span("Plain, then "), Span("emphasised", emphasis=True),
                                 Span(" and "), Span("both", emphasis=True, strong=True)]),
                      BlockQuote([Paragraph([Span("\u201cA quotation.\u201d", emphasis=True)])],
                                 attribution=[Span("\u2014 Keir Starmer")]))
    path = tmp_path / "emphasis.pdf"
    path.write_bytes(render_document(document, theme)[0])
    text = "".join(char["text"] for _, chars in page_chars(path) for char in chars)
    assert "emphasised" in text and "Keir Starmer" in text
    assert slanted_fonts(path) == set()


def test_pdf_line_spacing_is_at_least_1_15(sample_files, theme):
    # The distance between the baselines of consecutive lines of body text, page by page: the
    # commonest is the leading of running text.
    top, bottom = theme.margin_top_mm * 72 / 25.4, theme.margin_bottom_mm * 72 / 25.4
    gaps = collections.Counter()
    for height, chars in page_chars(sample_files["pdf"]):
        baselines = sorted({round(char["bottom"], 1) for char in chars
                            if abs(char["size"] - theme.body_size_pt) < 0.01 and top <= char["top"]
                            and char["bottom"] <= height - bottom and char["text"].strip()})
        gaps.update(round(b - a, 1) for a, b in zip(baselines, baselines[1:]))
    leading, lines = gaps.most_common(1)[0]
    assert lines > 10
    assert leading >= theme.body_size_pt * LINE_SPACING_MINIMUM - 0.1


# -- DOCX --------------------------------------------------------------------------------------


def test_docx_has_no_italic_run_or_style(sample_files):
    document = docx.Document(str(sample_files["docx"]))
    runs = [run for paragraph in all_paragraphs(document) for run in paragraph.runs]
    assert len(runs) > 30
    assert [run.text for run in runs if run.italic or run.font.cs_italic] == []
    used = {paragraph.style.name for paragraph in all_paragraphs(document)}
    italic_styles = [style.name for style in document.styles if style.name in used and _italic(style)]
    assert italic_styles == []
    assert document.element.xpath(".//w:i | .//w:iCs") == []
    assert document.styles.element.xpath(".//w:i | .//w:iCs") == []


def _italic(style) -> bool:
    while style is not None:
        if getattr(style.font, "italic", None):
            return True
        style = style.base_style
    return False


def all_paragraphs(document):
    yield from document.paragraphs
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


def test_docx_body_size_spacing_language_and_alignment(sample_files):
    document = docx.Document(str(sample_files["docx"]))
    normal = document.styles["Normal"]
    assert normal.font.size.pt >= BODY_MINIMUM_PT
    assert normal.paragraph_format.line_spacing >= LINE_SPACING_MINIMUM
    assert normal.element.rPr.find(qn("w:lang")).get(qn("w:val")) == "en-GB"
    aligned = {paragraph.alignment for paragraph in all_paragraphs(document)}
    aligned |= {document.styles[name].paragraph_format.alignment
                for name in {paragraph.style.name for paragraph in all_paragraphs(document)}}
    assert aligned <= {None, WD_ALIGN_PARAGRAPH.LEFT}


def test_docx_headings_use_heading_styles(sample_files):
    document = docx.Document(str(sample_files["docx"]))
    styled = {paragraph.text: paragraph.style.name for paragraph in document.paragraphs}
    assert styled["UK and France Sign Pact to Deploy Troops to Ukraine Post-Peace Deal"] == "Title"
    for heading in ("Summary", "Key facts", "Commitments", "People", "Quotes"):
        assert styled[heading] == "Heading 1", heading
    # A heading is never a Normal paragraph made to look like one.
    fake = [paragraph.text for paragraph in document.paragraphs if paragraph.style.name == "Normal"
            and paragraph.runs and all(run.bold for run in paragraph.runs) and len(paragraph.text) < 40]
    assert fake == []


def test_docx_title_is_bold_as_in_the_pdf(sample_files):
    document = docx.Document(str(sample_files["docx"]))
    assert document.styles["Title"].font.bold is True
    with pdfplumber.open(sample_files["pdf"]) as pdf:
        title_chars = [char for char in pdf.pages[0].chars if char["size"] >= 19]
    assert title_chars and all("bold" in char["fontname"].lower() for char in title_chars)


def test_docx_emphasis_and_quotes_are_upright(theme):
    document = doc_of(Heading(1, [Span("T")]),
                      Paragraph([Span("emphasised", emphasis=True)]),
                      BlockQuote([Paragraph([Span("\u201cA quotation.\u201d")])],
                                 attribution=[Span("\u2014 Keir Starmer")]),
                      Table(header=[[Span("a")]], rows=[[[Span("b", emphasis=True)]]], align=[None]))
    job = RenderJob(document=document, markdown="", theme=theme)
    read = docx.Document(io.BytesIO(render_docx(job)))
    assert read.element.xpath(".//w:i | .//w:iCs") == []
    quote = next(p for p in read.paragraphs if p.text.startswith("\u201c"))
    assert quote.style.name == "Quote" and not _italic(quote.style)
    # Set apart by an indent and a rule at its left instead.
    assert quote.style.paragraph_format.left_indent > 0
    assert quote.style.element.xpath("./w:pPr/w:pBdr/w:left")
