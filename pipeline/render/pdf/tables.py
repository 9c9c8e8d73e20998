"""Tables as platypus tables: column widths from their text (pipeline.render.columns), repeated
header rows, short tables kept whole and long ones never broken with fewer than three rows on a
page, cells split across pages."""

from __future__ import annotations

from reportlab.lib import fonts as rl_fonts
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from pipeline.compose.blocks import Span, Table as TableBlock, plain_text
from pipeline.render.columns import break_rows, column_widths
from pipeline.render.pdf.furniture import PAGE_SIZES
from pipeline.render.pdf.tagging import Node, table_artifacts


class _TableFlowables:
    """The table part of the story builder (pipeline.render.pdf.document._StoryBuilder)."""

    def _split_in_row(self) -> float:
        # Lets reportlab split one row taller than a page (a huge cell), leaving at least two
        # lines on each side.
        return self.styles.cell.leading * 2

    def table(self, block: TableBlock, width: float) -> list[Flowable]:
        columns = max([len(block.header), *(len(row) for row in block.rows)], default=0)
        if columns == 0:
            return []
        rows = ([block.header] if block.header else []) + block.rows
        padding = 4 if columns <= 6 else 2
        has_header = bool(block.header)
        widths = column_widths([[plain_text(cell) for cell in row] for row in rows], width, 2 * padding + 1,
                               self._measure, header=has_header)
        structure = self._parent.add("Table")
        head = structure.add("THead", structural=True) if has_header else None
        body = structure.add("TBody", structural=True) if block.rows else None
        data = []
        for number, row in enumerate(rows):
            header = has_header and number == 0
            row_node = (head if header else body).add("TR", structural=True)
            data.append([self._cell(row, index, block.align, header=header, width=widths[index] - 2 * padding,
                                    node=row_node.add("TH" if header else "TD", structural=True,
                                                      attrs={"O": "Table", "Scope": "Column"} if header else {}))
                         for index in range(columns)])
        commands = [("FONTNAME", (0, 0), (-1, -1), self.fonts.body_name),
                    ("GRID", (0, 0), (-1, -1), 0.5, self.styles.colour("table_border")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), padding),
                    ("RIGHTPADDING", (0, 0), (-1, -1), padding)]
        if block.header:
            commands.append(("BACKGROUND", (0, 0), (-1, 0), self.styles.colour("table_header_fill")))
        table = _RowKeepingTable(data, colWidths=widths, repeatRows=1 if block.header else 0, hAlign="LEFT",
                                 splitInRow=self._split_in_row(), renderCB=table_artifacts,
                                 style=TableStyle(commands))
        table.page_height = self._frame_height()
        return [table, Spacer(0, self.theme.body_size_pt * 0.8)]

    def _measure(self, text: str, bold: bool) -> float:
        size = self.styles.cell.fontSize
        return sum(pdfmetrics.stringWidth(piece, rl_fonts.tt2ps(face, b, i), size)
                   for (face, b, i), piece in self.fonts.runs(text, False, bold, False, False))

    def _frame_height(self) -> float:
        theme = self.theme
        return PAGE_SIZES[theme.page_size][1] - (theme.margin_top_mm + theme.margin_bottom_mm) * mm

    def _cell(self, row: list[list[Span]], index: int, align: list[str | None],
              header: bool, width: float | None = None, node: Node | None = None) -> list[Flowable]:
        spans = row[index] if index < len(row) else []
        alignment = {"center": TA_CENTER, "right": TA_RIGHT}.get(
            align[index] if index < len(align) else None, TA_LEFT)
        style = self.styles.derived(self.styles.cell, alignment=alignment)
        # A repeated header row is drawn again on each page a long table reaches: read once.
        with self._within(node):
            return self.paragraphs(spans, style, bold=header, width=width, repeat_as_artifact=header) or [Spacer(0, 0)]


class _RowKeepingTable(Table):
    """A table that breaks only where the house style allows (pipeline.render.columns.break_rows):
    a short table moves whole to the next page rather than break; a long one leaves at least
    three body rows on each side of a break. A table taller than a whole page breaks where it
    must."""

    page_height: float = 0.0  # the frame's full height: a table taller than that must break

    def split(self, availWidth, availHeight):
        parts = super().split(availWidth, availHeight)
        if len(parts) != 2:
            return parts
        header = self.repeatRows if isinstance(self.repeatRows, int) else max(self.repeatRows) + 1
        body = len(self._cellvalues) - header
        head_keep, tail_keep = break_rows(body)
        first_rows = len(parts[0]._cellvalues) - header
        fits_a_page = sum(self._rowHeights) <= self.page_height
        fresh_page = availHeight >= self.page_height - 1
        if first_rows < head_keep and (fits_a_page or not fresh_page):
            return []  # the table starts on the next page instead
        rest_rows = len(parts[1]._cellvalues) - header
        if rest_rows < tail_keep and body - tail_keep >= head_keep:
            # Break earlier, so that the rest carries `tail_keep` rows: as if the page ended at
            # the last row that may stay on it.
            last = header + body - tail_keep
            height = sum(self._rowHeights[:last]) + 0.01
            parts = super().split(availWidth, min(height, availHeight))
            if len(parts) != 2 or len(parts[0]._cellvalues) - header < head_keep:
                return super().split(availWidth, availHeight) if fresh_page else []
        for part in parts:
            part.page_height = self.page_height
        return parts
