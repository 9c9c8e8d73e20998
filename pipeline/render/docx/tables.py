"""Tables in Word: the grid, column widths from their text (pipeline.render.columns), the shaded
header row repeated on each page, short tables kept whole and long ones never broken with fewer
than three rows on a page, and borders."""

from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl
from docx.shared import Emu, Pt
from docx.table import Table as DocxTable, _Row

from pipeline.compose.blocks import Table, plain_text
from pipeline.render.columns import break_rows, column_widths, estimated_width
from pipeline.render.docx.oxml import (_TABLE_BORDER_SIDES, _TBLPR_AFTER_BORDERS, _TCPR_AFTER_SHD, _border,
                                       _insert_before)


class _TableWriter:
    """The part of the writer (pipeline.render.docx.document._DocxWriter) that writes tables."""

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
        self._size_columns(table, rows, bool(block.header))
        _keep_rows_together(table, rows, header_rows=1 if block.header else 0)

    def _size_columns(self, table: DocxTable, rows, header: bool) -> None:
        size = self.theme.body_size_pt
        total = Emu(self._block_width).pt
        widths = column_widths([[plain_text(cell) for cell in row] for row in rows], total, CELL_PADDING_PT,
                               lambda text, bold: estimated_width(text, size, bold), header=header)
        # Fixed layout: Word and LibreOffice take these widths as they are, not from the text.
        table.autofit = False
        for column, width in zip(table.columns, widths):
            column.width = Pt(width)
        for row in table.rows:
            for cell, width in zip(row.cells, widths):
                cell.width = Pt(width)


# Word's default cell margins (0.08 in each side), and a little to spare for rounding.
CELL_PADDING_PT = 2 * 5.76 + 2
# A row longer than this may be taller than a page; Word may split it.
UNSPLIT_ROW_CHARACTERS = 1500


ALIGNMENTS = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
              "right": WD_ALIGN_PARAGRAPH.RIGHT}
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


def _keep_rows_together(table: DocxTable, rows, header_rows: int) -> None:
    """The break rules of pipeline.render.columns in Word's terms: a row that keeps with the next
    has "keep with next" on its paragraphs, and no row breaks across pages unless it is long."""
    body = len(rows) - header_rows
    head_keep, tail_keep = break_rows(body)
    last = len(rows) - 1
    kept = set(range(0, min(header_rows + head_keep - 1, last)))
    kept |= set(range(max(last - tail_keep + 1, 0), last))
    for number, (row, cells) in enumerate(zip(table.rows, rows)):
        if sum(len(plain_text(cell)) for cell in cells) <= UNSPLIT_ROW_CHARACTERS:
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        if number in kept:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True
