"""How wide a table's columns are, and where a long table may break: one rule for the DOCX and
the PDF, so that a table looks the same in both.

Widths follow the content: the narrower columns get the width of their longest line, so short
columns (names, dates, "Yes") never wrap while a long one has room to spare; the widest ones
share what remains in proportion to their longest line, and none is narrower than its longest
word when the table can afford it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence

# A table of this many body rows or fewer is kept whole on one page; a longer one breaks, but
# never leaves fewer than MIN_ROWS_AT_BREAK body rows on either side of the break.
KEEP_WHOLE_ROWS = 6
MIN_ROWS_AT_BREAK = 3

# What the widest columns keep of their longest line when narrower ones are given theirs.
WIDE_COLUMN_SHARE = 0.4

# Average advance of a character, in ems, when no font is at hand to measure it (the DOCX).
# DejaVu Sans, the default body font, averages about 0.55 em over English text; bold is wider.
_EM_PER_CHARACTER = 0.56
_EM_PER_BOLD_CHARACTER = 0.62


def estimated_width(text: str, size: float, bold: bool = False) -> float:
    """The width of one line of `text` at `size` points, estimated from its characters: East
    Asian wide characters take a full em."""
    em = _EM_PER_BOLD_CHARACTER if bold else _EM_PER_CHARACTER
    if text.isascii():
        return len(text) * em * size
    return sum((1.0 if unicodedata.east_asian_width(c) in "WF" else em) for c in text) * size


def column_widths(cells: Sequence[Sequence[str]], total: float, padding: float,
                  measure: Callable[[str, bool], float], header: bool = False) -> list[float]:
    """Widths for the columns of `cells` (rows of cell texts; the first row is the header when
    `header`) that add up to `total` points. `padding` is the space a cell takes beyond its
    text (both sides); `measure(text, bold)` gives a line's width in points."""
    columns = max((len(row) for row in cells), default=0)
    if columns == 0:
        return []
    longest = [0.0] * columns  # the longest line: the width that never wraps
    widest_word = [0.0] * columns  # the longest word: narrower, it breaks inside a word
    for number, row in enumerate(cells):
        bold = header and number == 0
        for index, text in enumerate(row):
            for line in text.split("\n"):
                longest[index] = max(longest[index], measure(line, bold))
                for word in line.split():
                    widest_word[index] = max(widest_word[index], measure(word, bold))
    need = [width + padding for width in longest]
    least = [min(width + padding, total / columns) for width in widest_word]
    least = [max(width, padding * 2) for width in least]
    if sum(need) <= total:
        # Everything fits on one line: the room left goes to each column in proportion.
        return _scaled(need, total)
    widths: dict[int, float] = {}
    # Narrowest first, a column gets its longest line while the columns after it keep at least
    # WIDE_COLUMN_SHARE of theirs (and their longest word): the wrapping happens in the widest.
    order = sorted(range(columns), key=lambda index: need[index])
    for position, index in enumerate(order[:-1]):
        others = order[position + 1:]
        left = total - sum(widths.values())
        if need[index] + sum(max(least[other], need[other] * WIDE_COLUMN_SHARE) for other in others) > left:
            break
        widths[index] = need[index]
    open_columns = [index for index in range(columns) if index not in widths]
    left = total - sum(widths.values())
    shares = _scaled([need[index] for index in open_columns], left)
    floors = [least[index] for index in open_columns]
    if sum(floors) <= left:
        shares = _at_least(shares, floors, left)
    for index, share in zip(open_columns, shares):
        widths[index] = share
    return [widths[index] for index in range(columns)]


def _scaled(widths: list[float], total: float) -> list[float]:
    whole = sum(widths)
    if whole <= 0:
        return [total / len(widths)] * len(widths)
    return [total * width / whole for width in widths]


def _at_least(shares: list[float], floors: list[float], total: float) -> list[float]:
    """`shares` raised to their floors, the difference taken from the columns above theirs."""
    shares = list(shares)
    for _ in range(len(shares)):
        short = [i for i, (share, floor) in enumerate(zip(shares, floors)) if share < floor]
        if not short:
            break
        for i in short:
            shares[i] = floors[i]
        above = [i for i in range(len(shares)) if i not in short and shares[i] > floors[i]]
        excess = sum(shares) - total
        spare = sum(shares[i] - floors[i] for i in above)
        if spare <= 0:
            break
        for i in above:
            shares[i] -= excess * (shares[i] - floors[i]) / spare
    return shares


def break_rows(body_rows: int) -> tuple[int, int]:
    """For a table of `body_rows` rows under its header: how many rows at its start and at its
    end stay on one page together (all of them for a short table)."""
    if body_rows <= KEEP_WHOLE_ROWS:
        return body_rows, body_rows
    return MIN_ROWS_AT_BREAK, MIN_ROWS_AT_BREAK
