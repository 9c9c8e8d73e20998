"""Tables in Word: the grid, the shaded header row repeated on each page, and borders."""

from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl
from docx.table import Table as DocxTable, _Row

from pipeline.compose.blocks import Table
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
