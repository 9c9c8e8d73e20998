"""Tables as platypus tables: column widths from their text, repeated header rows, cells split
across pages."""

from __future__ import annotations

from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from pipeline.compose.blocks import Span, Table as TableBlock, plain_text
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
        widths = _column_widths(rows, columns, width)
        padding = 4 if columns <= 6 else 2
        has_header = bool(block.header)
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
        table = Table(data, colWidths=widths, repeatRows=1 if block.header else 0, hAlign="LEFT",
                      splitInRow=self._split_in_row(), renderCB=table_artifacts, style=TableStyle(commands))
        return [table, Spacer(0, self.theme.body_size_pt * 0.8)]

    def _cell(self, row: list[list[Span]], index: int, align: list[str | None],
              header: bool, width: float | None = None, node: Node | None = None) -> list[Flowable]:
        spans = row[index] if index < len(row) else []
        alignment = {"center": TA_CENTER, "right": TA_RIGHT}.get(
            align[index] if index < len(align) else None, TA_LEFT)
        style = self.styles.derived(self.styles.cell, alignment=alignment)
        # A repeated header row is drawn again on each page a long table reaches: read once.
        with self._within(node):
            return self.paragraphs(spans, style, bold=header, width=width, repeat_as_artifact=header) or [Spacer(0, 0)]


def _column_widths(rows: list[list[list[Span]]], columns: int, width: float) -> list[float]:
    """Widths in proportion to each column's longest text, within bounds so that no column is
    starved or takes everything."""
    weights = []
    for index in range(columns):
        longest = max((len(plain_text(row[index])) for row in rows if index < len(row)), default=0)
        weights.append(min(max(longest, 4), 50) + 3)
    total = sum(weights)
    return [width * weight / total for weight in weights]
