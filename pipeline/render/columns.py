"""How wide a table's columns are, and where a long table may break: one rule for the DOCX and
the PDF, so that a table looks the same in both.

Widths follow the content: the narrower columns get the width of their longest line, so short
columns (names, dates, "Yes") never wrap while a long one has room to spare; the widest ones
share what remains in proportion to their longest line, and none is narrower than its longest
word when the table can afford it.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Callable, Sequence

# A table of this many body rows or fewer is kept whole on one page; a longer one breaks, but
# never leaves fewer than MIN_ROWS_AT_BREAK body rows on either side of the break.
KEEP_WHOLE_ROWS = 6
MIN_ROWS_AT_BREAK = 3

# What the widest columns keep of their longest line when narrower ones are given theirs.
WIDE_COLUMN_SHARE = 0.4

# Advances of the printable ASCII characters (32 to 126) in DejaVu Sans, the default body font,
# in thousandths of an em: the DOCX has no font at hand to measure with, and an average per
# character wraps short headers with capitals ("Where", "At the event") in a column sized too
# tight. Other fonts are mostly narrower, so these err on the side of room.
_ASCII_ADVANCES = (
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636, 636, 636,
    636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656,
    557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500, 500, 613,
    635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818,
    592, 592, 525, 636, 337, 636, 838)
_ASCII_BOLD_ADVANCES = (
    348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696, 696, 696, 696,
    696, 696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734, 830, 683, 683, 821, 837, 372, 372, 775,
    637, 995, 837, 850, 733, 850, 770, 720, 682, 812, 774, 1103, 771, 724, 725, 457, 365, 457, 838, 500, 500, 675,
    716, 593, 716, 678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687, 716, 716, 493, 595, 478, 712, 652, 924,
    645, 652, 582, 712, 365, 712, 838)
# Beyond ASCII: an average advance (DejaVu Sans over accented Latin, Greek, Cyrillic); East Asian
# wide characters take a full em.
_EM_PER_CHARACTER = 0.6
_EM_PER_BOLD_CHARACTER = 0.66


def estimated_width(text: str, size: float, bold: bool = False) -> float:
    """The width of one line of `text` at `size` points, estimated from its characters."""
    table = _ASCII_BOLD_ADVANCES if bold else _ASCII_ADVANCES
    em = _EM_PER_BOLD_CHARACTER if bold else _EM_PER_CHARACTER
    thousandths = 0.0
    for c in text:
        code = ord(c)
        if 32 <= code < 127:
            thousandths += table[code - 32]
        else:
            thousandths += 1000 if unicodedata.east_asian_width(c) in "WF" else em * 1000
    return thousandths * size / 1000


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
    # Each cell as its lines' word widths, to estimate how many lines it takes at a width.
    words: list[list[list[list[float]]]] = []
    # Words repeat across a table's cells (names, roles, "the"): each is measured once, and
    # a line is its words and spaces, which is what a measure adds up too.
    widths_of: dict[tuple[str, bool], float] = {}

    def width_of(word: str, bold: bool) -> float:
        key = (word, bold)
        if (width := widths_of.get(key)) is None:
            width = widths_of[key] = measure(word, bold)
        return width

    for number, row in enumerate(cells):
        bold = header and number == 0
        space_in_row = width_of(" ", bold)
        words.append([[] for _ in range(columns)])
        for index, text in enumerate(row):
            for line in text.split("\n"):
                split = line.split()
                measured = [width_of(word, bold) for word in split]
                gaps = len(line) - sum(map(len, split))
                line_width = (sum(measured) + gaps * space_in_row if line.count(" ") == gaps
                              else measure(line, bold))
                longest[index] = max(longest[index], line_width)
                words[-1][index].append(measured)
                widest_word[index] = max([widest_word[index], *measured])
    space = width_of(" ", False)
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
    chosen = [widths[index] for index in range(columns)]
    return _shortest(chosen, need, least, words, space, padding, total)


def _shortest(chosen: list[float], need: list[float], least: list[float], words: list[list[list[list[float]]]],
              space: float, padding: float, total: float) -> list[float]:
    """`chosen`, or widths that make the table shorter: a short column ("United Kingdom and
    France") wrapped onto three lines makes every row three lines high, while the long column
    beside it loses little by giving it room for one or two. The widest column takes what the
    others leave; the others try their one-line, two-line and chosen widths."""
    columns = len(chosen)
    widest = max(range(columns), key=lambda index: (need[index], -index))
    others = [index for index in range(columns) if index != widest]
    if not others or len(others) > 4:
        return chosen
    candidates = []
    for index in others:
        two_lines = max(least[index], padding + max((_two_line_width(row[index], space) for row in words),
                                                     default=0.0))
        candidates.append(sorted({chosen[index], need[index], min(two_lines, need[index])}))
    lines_at: dict[tuple[int, float], list[int]] = {}

    def lines(index: int, width: float) -> list[int]:
        key = (index, width)
        if key not in lines_at:
            lines_at[key] = [estimated_lines(row[index], width - padding, space) for row in words]
        return lines_at[key]

    def height(widths: list[float]) -> tuple[int, int]:
        """The table's height in lines, then (between equals) how many lines all cells take:
        fewer means fewer names and dates broken over two lines."""
        per_column = [lines(index, width) for index, width in enumerate(widths)]
        return (sum(max(column[row] for column in per_column) for row in range(len(words))),
                sum(sum(column) for column in per_column))

    best, best_height = chosen, height(chosen)
    for combination in itertools.product(*candidates):
        rest = total - sum(combination)
        if rest < least[widest] or rest <= padding * 2:
            continue
        widths = [0.0] * columns
        for index, width in zip(others, combination):
            widths[index] = width
        widths[widest] = rest
        if (lines_high := height(widths)) < best_height:
            best, best_height = widths, lines_high
    return best


def estimated_lines(cell: list[list[float]], width: float, space: float) -> int:
    """How many lines a cell (its lines' word widths) takes at `width`, wrapped word by word."""
    count = 0
    for line in cell:
        count += 1
        used = -space
        for word in line:
            if used + space + word > width and used > 0:
                count += 1
                used = word
            else:
                used += space + word
            while used > width > 0:  # a word wider than the column breaks inside itself
                count += 1
                used -= width
    return max(count, 1)


def _two_line_width(cell: list[list[float]], space: float) -> float:
    """About the width at which the cell's longest line wraps onto two lines."""
    best = 0.0
    for line in cell:
        whole = sum(line) + space * max(len(line) - 1, 0)
        half, used = whole / 2, 0.0
        for position, word in enumerate(line):
            used += word + (space if position else 0.0)
            if used >= half:
                best = max(best, used, whole - used - space)
                break
    return best


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
