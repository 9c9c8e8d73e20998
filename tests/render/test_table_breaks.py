"""Tables across pages, read back from the PDF with pdfplumber: a short table is never broken, a
long one never leaves fewer than three body rows on a page, the header row repeats, and a name
column does not wrap while a wider column has room."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import docx
import pdfplumber
import pytest
from docx.oxml.ns import qn

from pipeline.compose.blocks import Heading, Paragraph, Span, Table
from pipeline.compose.theme import load_theme
from pipeline.render import RenderJob
from pipeline.render.columns import KEEP_WHOLE_ROWS, MIN_ROWS_AT_BREAK, column_widths, estimated_width
from pipeline.render.docx import render as docx_render
from tests.conftest import require_tool
from tests.render.test_pdf import doc_of, render_document

HEADER = ["Name", "Role", "Count"]


def table_fragments(path: Path) -> list[tuple[int, list[list[str]]]]:
    """Every table pdfplumber finds from the ruling lines, with its page number and cell texts."""
    fragments = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            for table in page.find_tables():
                rows = [[(cell or "").replace("\n", " ") for cell in row] for row in table.extract()]
                fragments.append((number, rows))
    return fragments


def break_problems(fragments: list[tuple[int, list[list[str]]]], header: list[str]) -> list[str]:
    """What breaks the house rules, for the one table in a document: a short table split, or a
    piece of a long one with fewer than MIN_ROWS_AT_BREAK body rows; a piece without the header."""
    pieces = [(page, rows[1:] if rows and rows[0] == header else None, rows) for page, rows in fragments]
    problems = [f"page {page}: the piece has no header row ({rows[0] if rows else rows})"
                for page, body, rows in pieces if body is None]
    if problems or len(pieces) < 2:
        return problems
    total = sum(len(body) for _, body, _ in pieces)
    if total <= KEEP_WHOLE_ROWS:
        return [f"a table of {total} rows is broken across pages {[page for page, _, _ in pieces]}"]
    return [f"page {page}: {len(body)} row(s) of the table" for page, body, _ in pieces
            if len(body) < MIN_ROWS_AT_BREAK]


def filler(lines: int) -> Paragraph:
    spans = []
    for number in range(lines):
        spans += [Span(f"Line {number + 1} of the text before the table.")] + ([Span("\n")] if number < lines - 1 else [])
    return Paragraph(spans)


def table_of(rows: int) -> Table:
    return Table(header=[[Span(text)] for text in HEADER],
                 rows=[[[Span(f"Person {n}")], [Span("Adviser")], [Span(str(n))]] for n in range(1, rows + 1)],
                 align=[None, None, "right"])


def render_pdf(path: Path, theme, lines: int, rows: int) -> Path:
    document = doc_of(Heading(1, [Span("T")]), filler(lines), table_of(rows))
    path.write_bytes(render_document(document, theme)[0])
    return path


@pytest.mark.parametrize("rows", [5, 20])
def test_tables_break_only_where_the_house_style_allows(theme, tmp_path, rows):
    # The text before the table grows a line at a time, so that the page ends at every point
    # of the table: after its header, after each of its first and last rows.
    broken = 0
    for lines in range(14, 52):
        path = render_pdf(tmp_path / f"t{lines}.pdf", theme, lines, rows)
        fragments = table_fragments(path)
        assert sum(len(rows_) for _, rows_ in fragments) >= rows + 1, lines
        assert break_problems(fragments, HEADER) == [], f"{lines} lines before the table"
        broken += len(fragments) > 1
    if rows > KEEP_WHOLE_ROWS:
        assert broken > 5  # the long table did break, and each time by the rules


def test_the_check_catches_a_table_broken_after_two_rows(tmp_path):
    # A table laid out by reportlab alone, with its page ending two rows in: the check must see it.
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate, Spacer, Table as RlTable, TableStyle

    data = [HEADER] + [[f"Person {n}", "Adviser", str(n)] for n in range(1, 21)]
    row_height = 20

    def build(path: Path, before: float) -> Path:
        document = SimpleDocTemplate(str(path), pagesize=A4)
        table = RlTable(data, rowHeights=row_height, repeatRows=1,
                        style=TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black")]))
        document.build([Spacer(0, before), table])
        return path

    frame = A4[1] - 2 * 72 - 12  # SimpleDocTemplate's one-inch margins and frame padding
    two_rows = build(tmp_path / "two-first.pdf", frame - 3 * row_height - 5)
    problems = break_problems(table_fragments(two_rows), HEADER)
    assert problems == ["page 1: 2 row(s) of the table"]
    two_last = build(tmp_path / "two-last.pdf", frame - 19 * row_height - 5)
    problems = break_problems(table_fragments(two_last), HEADER)
    assert problems == ["page 2: 2 row(s) of the table"]


def test_the_check_catches_a_short_table_split(tmp_path):
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate, Spacer, Table as RlTable, TableStyle

    path = tmp_path / "short.pdf"
    document = SimpleDocTemplate(str(path), pagesize=A4)
    table = RlTable([HEADER] + [[f"Person {n}", "Adviser", str(n)] for n in range(1, 6)], rowHeights=20,
                    repeatRows=1, style=TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black")]))
    document.build([Spacer(0, A4[1] - 2 * 72 - 12 - 4 * 20 - 5), table])
    assert break_problems(table_fragments(path), HEADER) == ["a table of 5 rows is broken across pages [1, 2]"]


def test_name_column_does_not_wrap_while_the_role_column_has_room(theme, tmp_path):
    people = [("Keir Starmer", "Prime Minister", "United Kingdom", "Yes"),
              ("Volodymyr Zelenskyy", "President", "Ukraine", "Yes"),
              ("Steve Witkoff", "US Special Envoy to the Middle East", "United States", "Yes"),
              ("Jared Kushner", "son-in-law of the US President", "United States", "Yes")]
    header = ["Name", "Role", "Affiliation", "At the event"]
    table = Table(header=[[Span(text)] for text in header],
                  rows=[[[Span(text)] for text in person] for person in people], align=[])
    path = tmp_path / "people.pdf"
    path.write_bytes(render_document(doc_of(Heading(1, [Span("T")]), table), theme)[0])
    [(_, rows)] = table_fragments(path)
    names = [row[0] for row in rows[1:]]
    with pdfplumber.open(path) as pdf:
        [found] = pdf.pages[0].find_tables()
        name_cells = [row.cells[0] for row in found.rows[1:]]
        heights = {round(cell[3] - cell[1]) for cell in name_cells}
        words = pdf.pages[0].extract_words()
    assert names == [person[0] for person in people]
    # "Volodymyr" and "Zelenskyy" on one line: the same top.
    tops = {word["text"]: round(word["top"]) for word in words}
    assert tops["Volodymyr"] == tops["Zelenskyy"]
    # The role column wraps instead: its long entries take two lines (taller rows).
    assert len(heights) > 1


def test_column_widths_give_narrow_columns_their_line():
    cells = [["Name", "Role"], ["Volodymyr Zelenskyy", "US Special Envoy to the Middle East and more words"]]
    widths = column_widths(cells, 300, 10, lambda text, bold: estimated_width(text, 12, bold), header=True)
    assert sum(widths) == pytest.approx(300)
    assert widths[0] >= estimated_width("Volodymyr Zelenskyy", 12) + 10
    # Everything fits: each column gets at least its line, the room left shared out.
    widths = column_widths([["a", "bb"]], 300, 10, lambda text, bold: estimated_width(text, 12, bold))
    assert widths[1] > widths[0] and sum(widths) == pytest.approx(300)


def test_column_widths_measure_each_word_once_and_a_line_as_its_words_and_spaces():
    calls = []

    def measure(text, bold):
        calls.append((text, bold))
        return estimated_width(text, 12, bold)

    cells = [["Name", "Role"], ["Ann Lee", "Foreign Minister of the Republic"],
             ["Ann Lee", "Minister of State for the Republic"], ["Bo\tTan", "the\u00a0Minister"]]
    widths = column_widths(cells, 200, 10, measure, header=True)
    words = [call for call in calls if " " not in call[0] and "\t" not in call[0] and "\u00a0" not in call[0]]
    assert len(words) == len(set(words)), "a word measured twice"
    # A line of words and single spaces is never measured whole; one with other gaps is.
    assert ("Foreign Minister of the Republic", False) not in calls
    assert ("Bo\tTan", False) in calls
    assert sum(widths) == pytest.approx(200)
    # Given exactly the room each column's longest line needs, each gets that width: the line's
    # width from its words and spaces is the line measured whole.
    need = [max(estimated_width(row[index], 12, number == 0) for number, row in enumerate(cells)) + 10
            for index in range(2)]
    assert column_widths(cells, sum(need), 10, measure, header=True) == pytest.approx(need)


# -- the DOCX, laid out by LibreOffice ----------------------------------------------------------


def render_docx(document) -> bytes:
    return docx_render(RenderJob(document=document, markdown="", theme=load_theme()))


def test_docx_tables_break_only_where_the_house_style_allows(tmp_path):
    soffice = require_tool("soffice")
    sources = tmp_path / "docx"
    sources.mkdir()
    cases = [(20, lines) for lines in range(16, 42, 2)] + [(5, lines) for lines in range(30, 40, 2)]
    for rows, lines in cases:
        document = doc_of(Heading(1, [Span("T")]), filler(lines), table_of(rows))
        (sources / f"t{rows}-{lines}.docx").write_bytes(render_docx(document))
    out = tmp_path / "pdf"
    result = subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/profile",
                             "--convert-to", "pdf", "--outdir", str(out), *sorted(map(str, sources.iterdir()))],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    broken = 0
    for rows, lines in cases:
        fragments = table_fragments(out / f"t{rows}-{lines}.pdf")
        assert sum(len(rows_) for _, rows_ in fragments) >= rows + 1, (rows, lines)
        assert break_problems(fragments, HEADER) == [], f"{rows} rows after {lines} lines"
        broken += len(fragments) > 1
    assert broken > 3


def test_docx_rows_carry_the_break_rules():
    document = doc_of(Heading(1, [Span("T")]), table_of(5), table_of(20))
    read = docx.Document(io.BytesIO(render_docx(document)))
    short, long = read.tables

    def kept(table) -> list[bool]:
        return [all(p.paragraph_format.keep_with_next for cell in row.cells for p in cell.paragraphs)
                for row in table.rows]

    # Every row of a short table keeps with the next (the table stays whole); a long one keeps
    # its header with three rows, and its last three rows together.
    assert kept(short) == [True] * 5 + [False]
    assert kept(long) == [True] * 3 + [False] * 15 + [True, True, False]
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in long.rows)
    assert long.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
