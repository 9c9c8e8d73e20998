"""Tables as platypus tables: column widths from their text, repeated header rows, cells split
across pages."""

from __future__ import annotations

from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from pipeline.compose.blocks import Span, Table as TableBlock, plain_text


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
        widths = _column_widths(rows, columns, width)
        padding = 4 if columns <= 6 else 2
        has_header = bool(block.header)
        data = [[self._cell(row, index, block.align, header=has_header and number == 0,
                            width=widths[index] - 2 * padding)
                 for index in range(columns)] for number, row in enumerate(rows)]
        commands = [("GRID", (0, 0), (-1, -1), 0.5, self.styles.colour("table_border")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), padding),
                    ("RIGHTPADDING", (0, 0), (-1, -1), padding)]
        if block.header:
            commands.append(("BACKGROUND", (0, 0), (-1, 0), self.styles.colour("table_header_fill")))
        table = Table(data, colWidths=widths, repeatRows=1 if block.header else 0, hAlign="LEFT",
                      splitInRow=self._split_in_row(), style=TableStyle(commands))
        return [table, Spacer(0, self.theme.body_size_pt * 0.8)]

    def _cell(self, row: list[list[Span]], index: int, align: list[str | None],
              header: bool, width: float | None = None) -> list[Flowable]:
        spans = row[index] if index < len(row) else []
        alignment = {"center": TA_CENTER, "right": TA_RIGHT}.get(
            align[index] if index < len(align) else None, TA_LEFT)
        style = self.styles.derived(self.styles.cell, alignment=alignment)
        return self.paragraphs(spans, style, bold=header, width=width) or [Spacer(0, 0)]


def _column_widths(rows: list[list[list[Span]]], columns: int, width: float) -> list[float]:
    """Widths in proportion to each column's longest text, within bounds so that no column is
    starved or takes everything."""
    weights = []
    for index in range(columns):
        longest = max((len(plain_text(row[index])) for row in rows if index < len(row)), default=0)
        weights.append(min(max(longest, 4), 50) + 3)
    total = sum(weights)
    return [width * weight / total for weight in weights]
