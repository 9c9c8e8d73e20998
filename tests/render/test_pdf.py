"""The PDF writer, checked by reading its output back with qpdf, pdftotext and pypdf."""

from __future__ import annotations

import dataclasses
import io
import pickle
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from pipeline.compose.blocks import (BlockQuote, CodeBlock, Document, Heading, ListBlock, Meta, Paragraph, Span, Table,
                                     plain_text)
from pipeline.render import RenderJob
from pipeline.render.fonts import find_font
from pipeline.render.pdf import render
from tests.conftest import CYRILLIC, HOSTILE, ROOT, require_tool
from tests.render.test_fonts import DEJAVU, DEJAVU_BOLD, need_dejavu, write_collection  # noqa: F401

C03_PAYLOAD = (
    "<font color=\"[[[getattr(pow, Word('__globals__'))['os'].system('touch /tmp/pwned') "
    "for Word in [ orgTypeFun( 'Word', (str,), { 'mutated': 1, 'startswith': lambda self, x: 1 == 0, "
    "'__eq__': lambda self, x: self.mutate() and self.mutated < 0 and str(self) == x, "
    "'mutate': lambda self: { setattr(self, 'mutated', self.mutated - 1) }, "
    "'__hash__': lambda self: hash(str(self)), }, ) ] ] for orgTypeFun in [type(type(1))] "
    "for none in [[].append(1)]]] and 'red'\">x</font>")
PWNED = Path("/tmp/pwned")
A4_WIDTH_PT = 595.28


def render_document(document: Document, theme) -> tuple[bytes, RenderJob]:
    job = RenderJob(document=document, markdown="", theme=theme)
    return render(job), job


def doc_of(*blocks, **meta) -> Document:
    return Document(meta=Meta(title=meta.pop("title", "T"), **meta), blocks=list(blocks))


def pdf_text(data: bytes, tmp_path: Path, *args: str) -> str:
    tool = require_tool("pdftotext")
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    return subprocess.run([tool, *args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def page_texts(data: bytes, tmp_path: Path) -> list[str]:
    # pdftotext ends every page with a form feed.
    return pdf_text(data, tmp_path, "-layout").split("\f")[:-1]


def word_boxes(data: bytes, tmp_path: Path) -> list[tuple[float, float]]:
    """(xMin, xMax) of every word pdftotext finds."""
    html = pdf_text(data, tmp_path, "-bbox")
    pairs = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"', html)
    return [(float(x_min), float(x_max)) for x_min, x_max in pairs]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def without_footers(text: str) -> str:
    return re.sub(r"Page \d+( of \d+)?", "", text)


def uris(data: bytes) -> list[str]:
    found = []
    for page in PdfReader(io.BytesIO(data)).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None:
                found.append(str(action.get_object().get("/URI")))
    return found


def font_names(data: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def assert_within_margins(data: bytes, tmp_path: Path, theme) -> None:
    left = theme.margin_left_mm * 72 / 25.4
    right = A4_WIDTH_PT - theme.margin_right_mm * 72 / 25.4
    boxes = word_boxes(data, tmp_path)
    assert boxes
    assert all(x_min >= left - 1 and x_max <= right + 1 for x_min, x_max in boxes)


# ---------------------------------------------------------------------------------------------
# The sample document


def test_sample_passes_qpdf_check(sample_document, theme, tmp_path):
    qpdf = require_tool("qpdf")
    data, _ = render_document(sample_document, theme)
    path = tmp_path / "sample.pdf"
    path.write_bytes(data)
    result = subprocess.run([qpdf, "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_sample_text_has_headings_hostile_string_and_scripts(sample_document, theme, tmp_path):
    data, job = render_document(sample_document, theme)
    text = pdf_text(data, tmp_path, "-layout")
    for block in sample_document.blocks:
        if isinstance(block, Heading):
            assert plain_text(block.spans) in text
    assert HOSTILE in [line.strip() for line in text.splitlines()]
    assert CYRILLIC in text
    assert "Ελληνικά" in text
    assert '<font color="red">literal</font>' in text
    assert job.warnings == []


def test_sample_metadata(sample_document, theme):
    data, _ = render_document(sample_document, theme)
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata.title == "Sample & <Title>"
    assert reader.metadata.subject == "A subject"
    assert reader.metadata.author == "brief"
    assert reader.metadata.creator == "brief"
    assert "one" in reader.metadata["/Keywords"] and "two" in reader.metadata["/Keywords"]
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"


def test_author_and_language_come_from_meta(theme):
    document = doc_of(Paragraph([Span("x")]), author="A. Writer", language="fr-FR")
    data, _ = render_document(document, theme)
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata.author == "A. Writer"
    assert reader.trailer["/Root"]["/Lang"] == "fr-FR"


def test_two_renders_are_byte_identical(sample_document, theme):
    assert render_document(sample_document, theme)[0] == render_document(sample_document, theme)[0]


def test_render_in_a_fresh_process_is_byte_identical(sample_document, theme):
    code = ("import pickle, sys; from pipeline.render import RenderJob; from pipeline.render.pdf import render; "
            "from pipeline.compose.theme import load_theme; doc = pickle.load(sys.stdin.buffer); "
            "sys.stdout.buffer.write(render(RenderJob(document=doc, markdown='', theme=load_theme())))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, input=pickle.dumps(sample_document),
                            capture_output=True, check=True)
    assert result.stdout == render_document(sample_document, theme)[0]


def test_only_the_safe_link_becomes_a_link(sample_document, theme, tmp_path):
    data, _ = render_document(sample_document, theme)
    assert uris(data) == ["https://example.org/a"]
    assert "Unsafe link stays text." in pdf_text(data, tmp_path)


def test_page_size_follows_the_theme(theme):
    letter = dataclasses.replace(theme, page_size="Letter")
    data, _ = render_document(doc_of(Paragraph([Span("x")])), letter)
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


# ---------------------------------------------------------------------------------------------
# Text is data


def test_hostile_markup_is_shown_literally(theme, tmp_path):
    data, _ = render_document(doc_of(Paragraph([Span(HOSTILE)])), theme)
    assert pdf_text(data, tmp_path, "-layout").strip().splitlines()[0].strip() == HOSTILE


def test_c03_payload_is_text_and_runs_nothing(theme, tmp_path):
    PWNED.unlink(missing_ok=True)
    document = doc_of(Heading(2, [Span(C03_PAYLOAD)]), Paragraph([Span(C03_PAYLOAD, strong=True)]),
                      Table(header=[[Span(C03_PAYLOAD)]], rows=[[[Span(C03_PAYLOAD, code=True)]]]),
                      CodeBlock(C03_PAYLOAD), Paragraph([Span(C03_PAYLOAD, href=C03_PAYLOAD)]))
    data, _ = render_document(document, theme)
    assert not PWNED.exists()
    text = squeeze(pdf_text(data, tmp_path))
    assert text.count(squeeze(C03_PAYLOAD)) >= 3
    assert uris(data) == []


def test_link_href_with_quotes_is_escaped(theme):
    href = 'https://example.org/?q="x"&y=<z>'
    data, _ = render_document(doc_of(Paragraph([Span("link", href=href)])), theme)
    assert uris(data) == [href]


def test_tabs_controls_and_invisible_marks_draw_no_boxes_and_warn_nothing(theme, tmp_path):
    document = doc_of(Paragraph([Span("a\tb\x07c\u200dd\u200fe\u2066f\u2069g")]))
    data, job = render_document(document, theme)
    text = pdf_text(data, tmp_path)
    assert "a b" in text and "\t" not in text
    assert job.warnings == []


def test_line_break_span(theme, tmp_path):
    data, _ = render_document(doc_of(Paragraph([Span("first"), Span("\n"), Span("second")])), theme)
    lines = [line.strip() for line in pdf_text(data, tmp_path, "-layout").splitlines()]
    assert lines[:2] == ["first", "second"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(list("ab <>&\"'/=;#*[]()") + ["&amp;", "<b>", "</i>", "&#60;", "<br/>"]),
                min_size=1, max_size=30).map("".join))
def test_any_markup_like_text_comes_back_verbatim(theme, tmp_path, text):
    data, _ = render_document(doc_of(Paragraph([Span("x " + text + " x")])), theme)
    # -raw: the default mode's layout guesses drop the spaces around one-letter words.
    assert squeeze(without_footers(pdf_text(data, tmp_path, "-raw"))) == squeeze("x " + text + " x")


# ---------------------------------------------------------------------------------------------
# Layout robustness


def test_5000_character_word_wraps_inside_margins(theme, tmp_path):
    word = "w" * 5000
    data, _ = render_document(doc_of(Paragraph([Span(word)])), theme)
    assert word in re.sub(r"\s+", "", without_footers(pdf_text(data, tmp_path)))
    assert_within_margins(data, tmp_path, theme)


def test_5000_character_url_wraps_and_stays_a_link(theme, tmp_path):
    url = "https://example.org/" + "u" * 5000
    data, _ = render_document(doc_of(Paragraph([Span(url, href=url)])), theme)
    assert url in re.sub(r"\s+", "", without_footers(pdf_text(data, tmp_path)))
    assert set(uris(data)) == {url}
    assert_within_margins(data, tmp_path, theme)


def test_long_word_in_a_table_cell_wraps_inside_margins(theme, tmp_path):
    table = Table(header=[[Span("A")], [Span("B")]], rows=[[[Span("short")], [Span("c" * 5000)]]])
    data, _ = render_document(doc_of(table), theme)
    assert_within_margins(data, tmp_path, theme)


def test_300_row_table_repeats_its_header_on_every_page(theme, tmp_path):
    rows = [[[Span(f"row {n:03d}")], [Span(f"detail for row {n:03d}")]] for n in range(300)]
    data, _ = render_document(doc_of(Table(header=[[Span("Item")], [Span("Detail")]], rows=rows)), theme)
    pages = page_texts(data, tmp_path)
    assert len(pages) > 2
    for page in pages:
        assert re.search(r"Item\s+Detail", page)
    text = "".join(pages)
    assert all(f"detail for row {n:03d}" in text for n in range(300))


def test_wide_table_with_many_columns_stays_inside_margins(theme, tmp_path):
    header = [[Span(f"Column {n}")] for n in range(20)]
    rows = [[[Span("value " * 4)] for _ in range(20)] for _ in range(5)]
    data, _ = render_document(doc_of(Table(header=header, rows=rows)), theme)
    assert_within_margins(data, tmp_path, theme)


def test_huge_table_cell_splits_across_pages(theme, tmp_path):
    text = "A sentence in one enormous cell. " * 2500
    table = Table(header=[[Span("A")], [Span("B")]], rows=[[[Span("short")], [Span(text + "END")]]])
    data, _ = render_document(doc_of(table), theme)
    assert len(page_texts(data, tmp_path)) > 3
    assert "END" in pdf_text(data, tmp_path)


def test_200_kb_paragraph_renders_completely(theme, tmp_path):
    text = "".join(f"Sentence number {n} says something. " for n in range(6000))
    assert len(text) > 200_000
    data, _ = render_document(doc_of(Paragraph([Span(text), Span(" THE END", strong=True)])), theme)
    flat = squeeze(pdf_text(data, tmp_path))
    assert "Sentence number 0 says" in flat and "Sentence number 5999 says something. THE END" in flat


def test_long_quote_splits_and_keeps_its_attribution(theme, tmp_path):
    quote = BlockQuote([Paragraph([Span("Quoted words go on. " * 3000)])], attribution=[Span("\u2014 Speaker")])
    data, _ = render_document(doc_of(quote), theme)
    assert "\u2014 Speaker" in pdf_text(data, tmp_path)


def test_long_code_line_wraps_and_indentation_survives(theme, tmp_path):
    code = CodeBlock("def f():\n\treturn 1\n" + "z" * 600)
    data, _ = render_document(doc_of(code), theme)
    text = pdf_text(data, tmp_path, "-layout")
    assert "    return 1" in text
    assert "z" * 600 in re.sub(r"\s+", "", text)
    assert_within_margins(data, tmp_path, theme)


def test_headings_never_end_a_page(theme, tmp_path):
    blocks = []
    for n in range(40):
        blocks += [Heading(2, [Span(f"Heading {n}")]), Paragraph([Span("Body text. " * 40)])]
    data, _ = render_document(doc_of(*blocks), theme)
    pages = page_texts(data, tmp_path)
    assert len(pages) > 3
    for page in pages:
        lines = [line.strip() for line in without_footers(page).splitlines() if line.strip()]
        assert not lines[-1].startswith("Heading ")


def test_quote_stays_with_its_attribution(theme, tmp_path):
    quote = BlockQuote([Paragraph([Span("\u201cA quotation of several lines. " * 6 + "\u201d")])],
                       attribution=[Span("\u2014 The Speaker")])
    for filler in range(25, 60):
        data, _ = render_document(doc_of(*[Paragraph([Span(f"Filler {n}")]) for n in range(filler)], quote), theme)
        page = next(p for p in page_texts(data, tmp_path) if "quotation" in p)
        assert "The Speaker" in page


def test_quotes_nested_in_quotes_and_lists(theme, tmp_path):
    inner = BlockQuote([Paragraph([Span("inner words " * 2000)])], attribution=[Span("\u2014 Inner")])
    document = doc_of(BlockQuote([inner], attribution=[Span("\u2014 Outer")]),
                      ListBlock(ordered=False, items=[[Paragraph([Span("item")]), inner]]))
    data, _ = render_document(document, theme)
    text = pdf_text(data, tmp_path)
    assert "\u2014 Outer" in text and text.count("\u2014 Inner") == 2


def test_nested_lists_and_start_number(theme, tmp_path):
    inner = ListBlock(ordered=True, start=7, items=[[Paragraph([Span("seventh")])], [Paragraph([Span("eighth")])]])
    outer = ListBlock(ordered=False, items=[[Paragraph([Span("outer")]), inner], []])
    data, _ = render_document(doc_of(outer), theme)
    text = pdf_text(data, tmp_path, "-layout")
    assert re.search(r"7\.\s+seventh", text) and re.search(r"8\.\s+eighth", text)
    assert "\u2022" in text


def test_empty_document_is_a_valid_pdf(theme):
    data, _ = render_document(doc_of(), theme)
    assert len(PdfReader(io.BytesIO(data)).pages) == 1


# ---------------------------------------------------------------------------------------------
# Fonts


def test_missing_glyphs_give_one_warning_naming_each(theme, tmp_path):
    document = doc_of(Paragraph([Span("private \ue000 and \U0010fffd")]), Paragraph([Span("again \ue000")]),
                      Heading(2, [Span("bold \ue000")]))
    data, job = render_document(document, theme)
    assert len(job.warnings) == 1
    warning = job.warnings[0]
    assert warning.startswith("no font has a glyph for U+E000")
    assert "U+10FFFD" in warning and "fonts.body" in warning
    assert "private" in pdf_text(data, tmp_path)


def test_fallback_font_draws_what_the_main_font_lacks(theme, tmp_path):
    if find_font("Noto Sans Devanagari") is None:
        pytest.skip("Noto Sans Devanagari (fonts-noto-core) is not installed")
    data, job = render_document(doc_of(Paragraph([Span("News: समाचार today")])), theme)
    assert job.warnings == []
    assert any("NotoSansDevanagari" in name for name in font_names(data))
    assert any("DejaVuSans" in name for name in font_names(data))
    assert "समाचार" in pdf_text(data, tmp_path)


def test_fallback_inside_bold_text(theme, tmp_path):
    if find_font("Noto Sans Devanagari", bold=True) is None:
        pytest.skip("Noto Sans Devanagari Bold (fonts-noto-core) is not installed")
    data, job = render_document(doc_of(Heading(2, [Span("Heading समाचार")])), theme)
    assert job.warnings == []
    assert any("NotoSansDevanagari-Bold" in name for name in font_names(data))


def test_only_needed_fonts_are_embedded(theme):
    data, _ = render_document(doc_of(Paragraph([Span("Plain Latin text")])), theme)
    assert all("DejaVuSans" in name for name in font_names(data))


def test_cjk_text_wraps_inside_margins(theme, tmp_path):
    data, _ = render_document(doc_of(Paragraph([Span("新闻报道" * 150)])), theme)
    assert_within_margins(data, tmp_path, theme)


def test_right_to_left_text_does_not_crash(theme):
    data, _ = render_document(doc_of(Paragraph([Span("مرحبا بالعالم שלום עולם")])), theme)
    assert data.startswith(b"%PDF")


def test_theme_font_given_by_path(theme, tmp_path):
    lone = tmp_path / "Lone.ttf"
    shutil.copy(DEJAVU, lone)
    custom = dataclasses.replace(theme, body_fonts=(str(lone),))
    data, job = render_document(doc_of(Paragraph([Span("bold", strong=True), Span(" plain")])), custom)
    assert job.warnings == []
    assert b"%PDF" in data[:8]


def test_theme_font_from_a_truetype_collection(theme, tmp_path):
    collection = write_collection(tmp_path / "Pair.ttc", [DEJAVU, DEJAVU_BOLD])
    custom = dataclasses.replace(theme, body_fonts=(str(collection),))
    data, job = render_document(doc_of(Paragraph([Span("from a collection")])), custom)
    assert job.warnings == []
    assert "from a collection" in pdf_text(data, tmp_path)


def test_unusable_theme_font_path_is_reported(theme, tmp_path):
    cff = tmp_path / "Cff.otf"
    cff.write_bytes(b"OTTO" + bytes(64))
    custom = dataclasses.replace(theme, body_fonts=(str(cff), "DejaVu Sans"))
    _, job = render_document(doc_of(Paragraph([Span("x")])), custom)
    assert any(str(cff) in w and "CFF" in w for w in job.warnings)


def test_no_installed_body_font_falls_back_to_helvetica_with_a_warning(theme, tmp_path):
    custom = dataclasses.replace(theme, body_fonts=("No Such Family 7731",), mono_fonts=("No Such Mono 7731",))
    data, job = render_document(doc_of(Paragraph([Span("Latin text "), Span(CYRILLIC, strong=True)]),
                                       CodeBlock("code")), custom)
    assert "Helvetica" in job.warnings[0]
    assert "Latin text" in pdf_text(data, tmp_path)
    assert any("CYRILLIC" in w for w in job.warnings)
