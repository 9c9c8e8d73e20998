"""The DOCX writer, checked by reading its output back with python-docx and LibreOffice."""

from __future__ import annotations

import dataclasses
import io
import subprocess
import zipfile
from datetime import datetime, timezone

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.compose.blocks import Document, Heading, ListBlock, Meta, Paragraph, Span
from pipeline.errors import BriefError
from pipeline.render import RenderJob
from pipeline.render.docx import render
from pipeline.text import replace_illegal
from tests.conftest import CYRILLIC, HOSTILE, require_tool


def render_document(document: Document, theme) -> tuple[bytes, RenderJob]:
    job = RenderJob(document=document, markdown="", theme=theme)
    return render(job), job


def read(data: bytes):
    return docx.Document(io.BytesIO(data))


def doc_of(*blocks, **meta) -> Document:
    return Document(meta=Meta(title=meta.pop("title", "T"), **meta), blocks=list(blocks))


@pytest.fixture()
def sample_bytes(sample_document, theme) -> bytes:
    data, job = render_document(sample_document, theme)
    assert job.warnings == []
    return data


@pytest.fixture()
def sample(sample_bytes):
    return read(sample_bytes)


def paragraph_with(document, text: str):
    matches = [p for p in document.paragraphs if p.text == text]
    assert len(matches) == 1, f"{text!r} in {[p.text for p in document.paragraphs]}"
    return matches[0]


def run_with(paragraph, text: str):
    return next(run for run in paragraph.runs if run.text == text)


# -- structure and styles --------------------------------------------------------------------------

def test_blocks_use_built_in_styles(sample):
    styled = [(p.style.name, p.text) for p in sample.paragraphs]
    assert styled[:3] == [("Title", "Sample & <Title>"), ("Normal", "A standfirst in italics"),
                          ("Heading 1", "Key facts")]
    for expected in [("Heading 1", "Context"), ("Heading 2", "A third-level heading"),
                     ("List Bullet", "First bullet"), ("List Bullet", "Second bullet bold"),
                     ("List Number", "First number"), ("List Number", "Second number"),
                     ("Heading 1", "People"), ("Heading 1", "Quotes"),
                     ("Quote", "\u201cA quotation that is verbatim.\u201d"), ("Quote", "\u2014 Keir Starmer"),
                     ("Normal", "Unsafe link stays text.")]:
        assert expected in styled
    assert [t.style.name for t in sample.tables] == ["Table Grid", "Table Grid"]


def test_deeper_headings_and_nested_lists_map_to_numbered_styles(theme):
    nested = ListBlock(ordered=False, items=[[Paragraph([Span("inner")]),
                                              ListBlock(ordered=True, items=[[Paragraph([Span("deepest")])]])]])
    data, _ = render_document(doc_of(
        Heading(4, [Span("h4")]), Heading(6, [Span("h6")]),
        ListBlock(ordered=False, items=[[Paragraph([Span("outer")]), Paragraph([Span("more")]), nested]]),
    ), theme)
    styled = [(p.style.name, p.text) for p in read(data).paragraphs]
    assert styled == [("Heading 3", "h4"), ("Heading 3", "h6"), ("List Bullet", "outer"),
                      ("List Continue", "more"), ("List Bullet 2", "inner"), ("List Number 3", "deepest")]


def test_each_ordered_list_restarts_at_its_start(theme):
    data, _ = render_document(doc_of(
        ListBlock(ordered=True, items=[[Paragraph([Span("a")])]]),
        Paragraph([Span("between")]),
        ListBlock(ordered=True, items=[[Paragraph([Span("b")])]], start=4),
    ), theme)
    document = read(data)
    num_ids = [p._p.pPr.numPr.numId.val for p in document.paragraphs if p.style.name == "List Number"]
    assert len(set(num_ids)) == 2
    numbering = document.part.numbering_part.element
    starts = [numbering.num_having_numId(n).find(f"{qn('w:lvlOverride')}/{qn('w:startOverride')}").get(qn("w:val"))
              for n in num_ids]
    assert starts == ["1", "4"]


def test_hostile_and_non_latin_text_arrive_verbatim(sample, sample_bytes):
    assert paragraph_with(sample, "Plain bold and italic and code\n" + HOSTILE)
    assert paragraph_with(sample, CYRILLIC + " and Ελληνικά")
    body = zipfile.ZipFile(io.BytesIO(sample_bytes)).read("word/document.xml").decode("utf-8")
    assert "&lt;b&gt;&amp;amp; &lt;img" in body  # escaped once by python-docx, never twice
    assert "<img" not in body and "<b>" not in body


def test_span_formatting(sample, theme):
    # Emphasis is set plain: the house style has no italics.
    assert paragraph_with(sample, "A standfirst in italics").runs[0].italic is None
    context = paragraph_with(sample, "Plain bold and italic and code\n" + HOSTILE)
    assert run_with(context, "bold").bold is True
    assert run_with(context, "italic").italic is None
    assert run_with(context, "code").font.name == theme.mono_fonts[0]
    assert run_with(context, "Plain ").bold is None
    assert context._p.xpath(".//w:br")


def test_quote_attribution_is_left_aligned_and_kept_with_the_quote(sample):
    quote = paragraph_with(sample, "\u201cA quotation that is verbatim.\u201d")
    attribution = paragraph_with(sample, "\u2014 Keir Starmer")
    assert quote.paragraph_format.keep_with_next is True
    # Under the quotation at its left edge, as in the PDF; the Quote style aligns it left.
    assert attribution.style.name == "Quote"
    assert attribution.alignment is None
    assert attribution.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.LEFT


def test_code_block_and_rule(sample, theme):
    code = paragraph_with(sample, '<font color="red">literal</font>\n  indented')
    assert code.style.name == "Normal"
    assert {run.font.name for run in code.runs} == {theme.mono_fonts[0]}
    rules = [p for p in sample.paragraphs if p._p.xpath("./w:pPr/w:pBdr/w:bottom")]
    assert len(rules) == 1 and rules[0].text == ""
    assert rules[0]._p.xpath("./w:pPr/w:pBdr/w:bottom/@w:color") == [theme.colour("rule")]


# -- tables ----------------------------------------------------------------------------------------

def test_table_text(sample):
    key_facts, people = sample.tables
    assert [[cell.text for cell in row.cells] for row in key_facts.rows] == [
        ["Item", "Detail"], ["Date", "6 January 2026"], ["Source", "https://example.org/a"]]
    assert [[cell.text for cell in row.cells] for row in people.rows] == [
        ["Name", "Role"], ["Keir Starmer", "Prime Minister"], [CYRILLIC, "President"]]


def test_table_header_repeats_is_bold_and_shaded(sample, theme):
    for table in sample.tables:
        header, *rows = table.rows
        assert header._tr.xpath("./w:trPr/w:tblHeader")
        assert all(not row._tr.xpath("./w:trPr/w:tblHeader") for row in rows)
        for cell in header.cells:
            assert all(run.bold for run in cell.paragraphs[0].runs)
            assert cell._tc.xpath("./w:tcPr/w:shd/@w:fill") == [theme.colour("table_header_fill")]


# -- links -----------------------------------------------------------------------------------------

def test_safe_link_is_an_external_hyperlink(sample):
    links = [rel for rel in sample.part.rels.values() if rel.reltype == RT.HYPERLINK]
    assert [(rel.target_ref, rel.is_external) for rel in links] == [("https://example.org/a", True)]
    cell = sample.tables[0].rows[2].cells[1]
    hyperlinks = cell.paragraphs[0].hyperlinks
    assert [(h.url, h.text) for h in hyperlinks] == [("https://example.org/a", "https://example.org/a")]


def test_unsafe_link_is_plain_text_and_absent_from_the_package(sample, sample_bytes):
    unsafe = paragraph_with(sample, "Unsafe link stays text.")
    assert unsafe.hyperlinks == []
    with zipfile.ZipFile(io.BytesIO(sample_bytes)) as package:
        for name in package.namelist():
            assert b"javascript" not in package.read(name).lower(), name


# -- styles, page, properties ----------------------------------------------------------------------

def test_normal_style_fonts_language_and_colour(sample, theme):
    normal = sample.styles["Normal"]
    rfonts = normal.element.rPr.rFonts
    font = theme.body_fonts[0]
    assert [rfonts.get(qn(f"w:{slot}")) for slot in ("ascii", "hAnsi", "eastAsia", "cs")] == [font] * 4
    lang = normal.element.rPr.find(qn("w:lang"))
    assert [lang.get(qn(f"w:{a}")) for a in ("val", "eastAsia", "bidi")] == ["en-GB"] * 3
    assert normal.font.size.pt == theme.body_size_pt
    assert str(normal.font.color.rgb) == theme.colour("text")
    assert sample.styles["Title"].font.size.pt == theme.title_size_pt
    assert str(sample.styles["Heading 1"].font.color.rgb) == theme.colour("heading")


def test_template_theme_fonts_do_not_override_the_theme(sample_bytes):
    styles = zipfile.ZipFile(io.BytesIO(sample_bytes)).read("word/styles.xml").decode()
    assert "asciiTheme" not in styles and "eastAsiaTheme" not in styles


def test_page_size_and_margins(sample, theme):
    for section in sample.sections:
        # Word stores lengths in twentieths of a point, so millimetres come back rounded.
        assert (section.page_width.mm, section.page_height.mm) == (pytest.approx(210, abs=0.05),
                                                                   pytest.approx(297, abs=0.05))
        assert section.left_margin.mm == pytest.approx(theme.margin_left_mm, abs=0.05)
        assert section.top_margin.mm == pytest.approx(theme.margin_top_mm, abs=0.05)


def test_letter_page_size(theme):
    data, _ = render_document(doc_of(Paragraph([Span("x")])), dataclasses.replace(theme, page_size="Letter"))
    section = read(data).sections[0]
    assert (section.page_width.inches, section.page_height.inches) == (8.5, 11)


def test_core_properties(sample):
    props = sample.core_properties
    assert props.title == "Sample & <Title>"
    assert props.subject == "A subject"
    assert props.keywords == "one; two"
    assert props.language == "en-GB"
    assert props.author == "brief"
    assert props.last_modified_by == "brief"
    assert props.comments == ""
    assert props.revision == 1
    assert props.created == props.modified == datetime(2000, 1, 1, tzinfo=timezone.utc)


def test_source_date_epoch_sets_the_timestamps(theme, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    data, _ = render_document(doc_of(Paragraph([Span("x")])), theme)
    assert read(data).core_properties.created == datetime(2026, 1, 1, tzinfo=timezone.utc)


def test_malformed_source_date_epoch_is_a_user_error(theme, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(BriefError, match="SOURCE_DATE_EPOCH"):
        render_document(doc_of(Paragraph([Span("x")])), theme)


# -- determinism -----------------------------------------------------------------------------------

def test_output_is_byte_identical(sample_document, theme, sample_bytes):
    again, _ = render_document(sample_document, theme)
    assert again == sample_bytes


def test_zip_entries_have_fixed_metadata(sample_bytes):
    with zipfile.ZipFile(io.BytesIO(sample_bytes)) as package:
        assert package.testzip() is None
        for entry in package.infolist():
            assert entry.date_time == (1980, 1, 1, 0, 0, 0)
            assert entry.compress_type == zipfile.ZIP_DEFLATED
        assert package.namelist()[0] == "[Content_Types].xml"
        assert "docProps/thumbnail.jpeg" not in package.namelist()


# -- text safety -----------------------------------------------------------------------------------

def test_illegal_characters_are_replaced_with_a_warning(theme):
    data, job = render_document(doc_of(Paragraph([Span("a\x00b\ufffe")]), title="t\x01"), theme)
    document = read(data)
    assert document.paragraphs[0].text == "a\ufffdb\ufffd"
    assert document.core_properties.title == "t\ufffd"
    assert len(job.warnings) == 1 and "U+FFFD" in job.warnings[0]


def test_tabs_and_line_breaks_read_back(theme):
    data, _ = render_document(doc_of(Paragraph([Span("a\tb"), Span("\n"), Span("c\r\nd")])), theme)
    assert read(data).paragraphs[0].text == "a\tb\nc\nd"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(st.characters(codec=None)))
def test_any_cleaned_text_round_trips(theme, raw):
    text, _ = replace_illegal(raw)
    data, job = render_document(doc_of(Paragraph([Span(text)])), theme)
    # DOCX has a single line-break element, so a carriage return reads back as "\n".
    assert read(data).paragraphs[0].text == text.replace("\r\n", "\n").replace("\r", "\n")
    assert job.warnings == []


# -- LibreOffice -----------------------------------------------------------------------------------

def test_libreoffice_opens_the_document(sample_bytes, tmp_path):
    soffice = require_tool("soffice")
    path = tmp_path / "sample.docx"
    path.write_bytes(sample_bytes)
    subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=120)
    pdf = tmp_path / "sample.pdf"
    assert pdf.exists() and pdf.stat().st_size > 0
    assert pdf.read_bytes().startswith(b"%PDF")
