"""Right-to-left text for a writer that draws glyphs one after another, left to right.

reportlab draws a string's characters in the order they come, one glyph per code point, from
left to right. Arabic and Hebrew are stored in logical (reading) order, so drawn as they are
they come out backwards, and Arabic letters come out unjoined (each in its isolated form). This
module turns text into what such a writer must draw:

- Arabic letters are *shaped*: each becomes the presentation form (U+FB50-U+FDFF,
  U+FE70-U+FEFF) for its place in the word (isolated, initial, medial, final), and lam + alef
  becomes the obligatory lam-alef ligature.
- Characters are *reordered* into visual order by the Unicode Bidirectional Algorithm (UAX #9),
  one line at a time, after the lines are broken in logical order. That is the order UAX #9
  prescribes, and the reason this module breaks lines itself: reordering a whole paragraph and
  letting reportlab break it afterwards would fill the first line with the paragraph's last
  words. Digits and Latin words inside right-to-left text keep their left-to-right order;
  brackets and other mirrored characters inside right-to-left text are mirrored, so "(" still
  opens towards the text it encloses.

Nothing here imports reportlab: the writer hands in a `measure(text, key)` function, so the
same line breaking serves any font and size.

How the PDF writer uses it, for each paragraph:

    if has_rtl(paragraph_text):
        lines = visual_lines([(text, style_key), ...], width, measure)
        # markup: for each line, for each (piece, style_key): escape(piece) wrapped in the
        # tags style_key stands for; lines joined with <br/>; right alignment when
        # paragraph_direction(paragraph_text) == "rtl".

Every line `visual_lines` returns is at most `width` wide as `measure` counts, so reportlab,
given the same width, keeps each line whole and only stacks them. A paragraph without
right-to-left characters (`has_rtl` is false; nearly all text) needs none of this.

Why not the usual helpers: reportlab's own right-to-left support needs the rlbidi package,
which this project does not install, and its uharfbuzz shaping is experimental. python-bidi
0.6 (the Rust unicode-bidi crate) returns only a reordered string: no mirroring (rule L4), and
no map from input to output characters, which is what carrying bold, italics, links and
fallback fonts through the reordering, and reordering line by line after breaking, both need;
arabic-reshaper has no such map either. Both are the reference the tests compare this module
with.

Limits, knowingly:
- The bidirectional algorithm is UAX #9 without explicit formatting: the embedding, override
  and isolate controls (U+202A-U+202E, U+2066-U+2069) are ignored and not drawn; LRM, RLM and
  ALM count as the strong characters they are and are not drawn either. All the rest applies:
  weak types (W1-W7, so "2026" stays "2026" and Arabic-context digits too), paired brackets
  (N0), neutrals (N1-N2), per-line reordering (L1-L2) and mirroring (L4, for brackets,
  guillemets and the common mirrored symbols). Not L3: combining marks are reversed with
  their letters, because that is where the fonts' right-to-left marks expect to be. As in
  every UAX #9 renderer, a date such as 2026-11-25 inside Arabic text reads 25-11-2026 from the
  left, and "50%" shows its sign on the left.
- Shaping is by presentation forms, not by a shaping engine: there is no mark positioning
  (harakat and Hebrew points are drawn where the font's default offsets put them), no
  ligature other than lam-alef, no kashida justification. Letters Unicode gives no
  presentation forms (Syriac, N'Ko, most of the Arabic Supplement and Extended blocks) are
  drawn unjoined. The font must have the presentation forms (DejaVu Sans and Noto Sans Arabic
  do; DejaVu Sans Oblique has no Arabic at all).
- Lines break only at whitespace (reportlab's set of whitespace characters), never inside a
  word except a word wider than a whole line, which is cut between characters. No hyphenation,
  and no breaking inside CJK text in a paragraph that also has right-to-left text.
- Runs of whitespace become one space, and whitespace at the ends of a line goes, as reportlab
  does anyway.
- Only text is reordered: list bullets, table columns and page furniture stay where a
  left-to-right document has them.
- Character properties come from this Python's `unicodedata` (Unicode 14 in Python 3.11).
- The PDF holds the text in visual order and in presentation forms. pdftotext puts
  right-to-left lines back in reading order (and NFKC turns the forms back into letters), but
  a mixed line comes out jumbled, and copying from a viewer may give visual order.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from typing import Callable, Iterable, Literal, Sequence, TypeVar

__all__ = ["Direction", "has_rtl", "paragraph_direction", "shape_arabic", "visual_lines", "visual_text"]

Direction = Literal["ltr", "rtl"]
K = TypeVar("K")

# Every character of Bidi_Class R or AL lies in these blocks (the tests check all of Unicode);
# so does RLM (U+200F), the one right-to-left character outside them.
_RTL_PATTERN = re.compile("[\u0590-\u08ff\u200f\ufb1d-\ufdff\ufe70-\ufeff"
                          "\U00010800-\U00010fff\U0001e800-\U0001efff]")

# What reportlab splits words at (reportlab.platypus.paragraph._wsc): breaks go only there, and
# reportlab draws each run of them as one space.
_WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
               "\u2006\u2007\u2008\u2009\u200a\u200b\u2028\u2029\u202f\u205f\u3000")
_WHITESPACE_RUN = re.compile(f"[{re.escape(_WHITESPACE)}]+")
# Hard line breaks inside a paragraph: "\n" (a <br/>) and the other paragraph separators.
_HARD_BREAK = re.compile("[\n\r\x1c\x1d\x1e\x85\u2028\u2029]")

# Bracket pairs (Bidi_Paired_Bracket, for rule N0), opening then closing.
_BRACKET_PAIRS = ("()[]{}\u0f3a\u0f3b\u0f3c\u0f3d\u169b\u169c\u2045\u2046\u207d\u207e\u208d\u208e"
                  "\u2308\u2309\u230a\u230b\u2329\u232a\u2768\u2769\u276a\u276b\u276c\u276d"
                  "\u276e\u276f\u2770\u2771\u2772\u2773\u2774\u2775\u27c5\u27c6\u27e6\u27e7"
                  "\u27e8\u27e9\u27ea\u27eb\u27ec\u27ed\u27ee\u27ef\u2983\u2984\u2985\u2986"
                  "\u2987\u2988\u2989\u298a\u298b\u298c\u298d\u2990\u298f\u298e\u2991\u2992"
                  "\u2993\u2994\u2995\u2996\u2997\u2998\u29d8\u29d9\u29da\u29db\u29fc\u29fd"
                  "\u2e22\u2e23\u2e24\u2e25\u2e26\u2e27\u2e28\u2e29\u3008\u3009\u300a\u300b"
                  "\u300c\u300d\u300e\u300f\u3010\u3011\u3014\u3015\u3016\u3017\u3018\u3019"
                  "\u301a\u301b\ufe59\ufe5a\ufe5b\ufe5c\ufe5d\ufe5e\uff08\uff09\uff3b\uff3d"
                  "\uff5b\uff5d\uff5f\uff60\uff62\uff63")
_OPENING = {_BRACKET_PAIRS[i]: _BRACKET_PAIRS[i + 1] for i in range(0, len(_BRACKET_PAIRS), 2)}
_CLOSING = set(_OPENING.values())
_CANONICAL_BRACKET = {"\u2329": "\u3008", "\u232a": "\u3009"}
_MAX_BRACKET_DEPTH = 63
# Mirrored characters (Bidi_Mirroring_Glyph, rule L4): the brackets and the common others.
_OTHER_MIRRORED = ("<>\u00ab\u00bb\u2039\u203a\u2264\u2265\u2266\u2267\u226a\u226b\u2276\u2277"
                   "\u227a\u227b\u2282\u2283\u2286\u2287\u2208\u220b\u2209\u220c\u22d6\u22d7")
_MIRROR = {**_OPENING, **{close: open_ for open_, close in _OPENING.items()},
           **{_OTHER_MIRRORED[i]: _OTHER_MIRRORED[i + 1] for i in range(0, len(_OTHER_MIRRORED), 2)},
           **{_OTHER_MIRRORED[i + 1]: _OTHER_MIRRORED[i] for i in range(0, len(_OTHER_MIRRORED), 2)}}

# Removed by rule X9 (or, for the isolates, not supported and treated the same): not drawn.
_REMOVED = frozenset(("BN", "LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"))
_NEUTRAL = frozenset(("B", "S", "WS", "ON"))

_LAM = "\u0644"
_ALEFS = "\u0622\u0623\u0625\u0627"  # with madda, hamza above, hamza below, plain
_TATWEEL = "\u0640"
_ZWJ = "\u200d"
_JOINER_CONTROLS = frozenset(("\u200c", "\u200d"))
_ZWNJ = "\u200c"
_FORM_TAGS = {"<isolated>": 0, "<final>": 1, "<initial>": 2, "<medial>": 3}
_ISOLATED, _FINAL, _INITIAL, _MEDIAL = range(4)


# --------------------------------------------------------------------------------------------
# Questions about text


def has_rtl(text: str) -> bool:
    """Whether `text` has a right-to-left character (Hebrew, Arabic and the other right-to-left
    scripts): only then does it need `visual_lines`. ASCII text costs one `str.isascii`."""
    if text.isascii():
        return False
    return _RTL_PATTERN.search(text) is not None


def paragraph_direction(text: str, default: Direction = "ltr") -> Direction:
    """The paragraph's base direction by UAX #9 rules P2-P3: that of its first strong character
    (a letter; digits and punctuation are not strong), or `default` when it has none."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "ltr"
        if kind == "R" or kind == "AL":
            return "rtl"
    return default


# --------------------------------------------------------------------------------------------
# Arabic shaping


@functools.cache
def _arabic_tables() -> tuple[dict[str, tuple[str | None, ...]], dict[tuple[str, int], str]]:
    """(forms, lam-alef ligatures) from the compatibility decompositions of the presentation
    form blocks: forms[letter] is its (isolated, final, initial, medial) presentation form,
    None where there is none; ligatures[(alef, form)] is lam + that alef in that form."""
    forms: dict[str, list[str | None]] = {}
    ligatures: dict[tuple[str, int], str] = {}
    # Presentation Forms-B first: every font with Arabic presentation forms has those.
    for code in (*range(0xFE70, 0xFF00), *range(0xFB50, 0xFE00)):
        char = chr(code)
        tag, *parts = unicodedata.decomposition(char).split() or [""]
        form = _FORM_TAGS.get(tag)
        if form is None:
            continue
        letters = "".join(chr(int(part, 16)) for part in parts)
        if len(letters) == 1:
            slots = forms.setdefault(letters, [None, None, None, None])
            if slots[form] is None:
                slots[form] = char
        elif len(letters) == 2 and letters[0] == _LAM and letters[1] in _ALEFS:
            ligatures.setdefault((letters[1], form), char)
    return {letter: tuple(slots) for letter, slots in forms.items()}, ligatures


def _joining_type(char: str, forms: dict[str, tuple[str | None, ...]]) -> str:
    """ArabicShaping.txt's joining type, as far as presentation forms can draw it: D (joins
    both sides), R (joins the letter before only), C (join-causing), T (transparent), U (none)."""
    slots = forms.get(char)
    if slots is not None:
        if slots[_INITIAL] or slots[_MEDIAL]:
            return "D"
        return "R" if slots[_FINAL] else "U"
    if char == _TATWEEL or char == _ZWJ:
        return "C"
    if char != _ZWNJ and unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return "T"
    return "U"


def _shape(text: str) -> list[str]:
    """Each character of `text` as drawn: the presentation form of an Arabic letter, "" for an
    alef merged into a lam-alef ligature, the character itself otherwise."""
    out = list(text)
    if not any("\u0600" <= char <= "\u06ff" for char in text):
        return out
    forms, ligatures = _arabic_tables()
    types = [_joining_type(char, forms) for char in text]
    # For each position, the joining type of the nearest non-transparent neighbour.
    before = ["U"] * len(text)
    seen = "U"
    for index, kind in enumerate(types):
        before[index] = seen
        if kind != "T":
            seen = kind
    after = ["U"] * len(text)
    seen = "U"
    for index in range(len(text) - 1, -1, -1):
        after[index] = seen
        if types[index] != "T":
            seen = types[index]
    for index, char in enumerate(text):
        slots = forms.get(char)
        if slots is None:
            continue
        kind = types[index]
        joins_before = kind in ("D", "R") and before[index] in ("D", "C")
        joins_after = kind == "D" and after[index] in ("D", "R", "C")
        form = (_MEDIAL if joins_after else _FINAL) if joins_before else (
            _INITIAL if joins_after else _ISOLATED)
        out[index] = slots[form] or slots[_ISOLATED] or char
    # Lam followed (across marks) by alef: the ligature, in the lam's place.
    for index, char in enumerate(text):
        if char != _LAM:
            continue
        following = next((i for i in range(index + 1, len(text)) if types[i] != "T"), None)
        if following is None or text[following] not in _ALEFS:
            continue
        form = _FINAL if before[index] in ("D", "C") else _ISOLATED
        ligature = ligatures.get((text[following], form))
        if ligature:
            out[index] = ligature
            out[following] = ""
    return out


def shape_arabic(text: str) -> str:
    """`text` with its Arabic letters in their contextual presentation forms and lam-alef
    ligated, still in logical order; everything else unchanged."""
    return "".join(_shape(text))


# --------------------------------------------------------------------------------------------
# The bidirectional algorithm (UAX #9), for one paragraph without explicit formatting


def _bidi_class(char: str) -> str:
    kind = unicodedata.bidirectional(char)
    if kind:
        return kind
    # Unassigned code points, by the defaults of DerivedBidiClass.txt for the blocks that matter.
    code = ord(char)
    if 0x0600 <= code <= 0x08FF or 0xFB50 <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFF:
        return "AL"
    if 0x0590 <= code <= 0x05FF or 0xFB1D <= code <= 0xFB4F or 0x10800 <= code <= 0x10FFF:
        return "R"
    return "L"


def _strong(kind: str) -> str | None:
    """A resolved type as N0 and N1 see it: L, or R (numbers count as R), or None."""
    if kind == "L":
        return "L"
    if kind in ("R", "AL", "EN", "AN"):
        return "R"
    return None


def _levels(text: str, base: int) -> list[int]:
    """The resolved embedding level of each character of one paragraph (rules W1-I2); removed
    characters (X9) get the paragraph level."""
    original = [_bidi_class(char) for char in text]
    kept = [index for index, kind in enumerate(original) if kind not in _REMOVED]
    types = [original[index] for index in kept]
    count = len(types)
    embedding = "R" if base % 2 else "L"
    sos = eos = embedding

    # W1: a combining mark takes the type of what it follows.
    for k in range(count):
        if types[k] == "NSM":
            types[k] = types[k - 1] if k else sos
    # W2: European digits after Arabic letters are Arabic numbers. W3: AL is R.
    last_strong = sos
    for k in range(count):
        kind = types[k]
        if kind in ("L", "R", "AL"):
            last_strong = kind
        elif kind == "EN" and last_strong == "AL":
            types[k] = "AN"
    types = ["R" if kind == "AL" else kind for kind in types]
    # W4: one separator between two numbers of the same kind joins them.
    for k in range(1, count - 1):
        kind, left, right = types[k], types[k - 1], types[k + 1]
        if kind == "ES" and left == right == "EN":
            types[k] = "EN"
        elif kind == "CS" and left == right and left in ("EN", "AN"):
            types[k] = left
    # W5: terminators (currency, %, #) next to European digits are European digits.
    k = 0
    while k < count:
        if types[k] != "ET":
            k += 1
            continue
        end = k
        while end < count and types[end] == "ET":
            end += 1
        if (k > 0 and types[k - 1] == "EN") or (end < count and types[end] == "EN"):
            types[k:end] = ["EN"] * (end - k)
        k = end
    # W6: the other separators and terminators are neutral.
    types = ["ON" if kind in ("ES", "ET", "CS") else kind for kind in types]
    # W7: European digits after a left-to-right letter are left-to-right.
    last_strong = sos
    for k in range(count):
        kind = types[k]
        if kind in ("L", "R"):
            last_strong = kind
        elif kind == "EN" and last_strong == "L":
            types[k] = "L"

    _resolve_brackets(text, kept, original, types, embedding, sos)

    # N1: neutrals between two strong types of the same direction take it. N2: the rest take
    # the paragraph's direction.
    k = 0
    while k < count:
        if types[k] not in _NEUTRAL:
            k += 1
            continue
        end = k
        while end < count and types[end] in _NEUTRAL:
            end += 1
        left = _strong(types[k - 1]) if k > 0 else sos
        right = _strong(types[end]) if end < count else eos
        resolved = left if left == right else embedding
        types[k:end] = [resolved] * (end - k)
        k = end

    # I1-I2.
    levels = [base] * len(text)
    for k, index in enumerate(kept):
        kind = types[k]
        if base % 2 == 0:
            levels[index] = base + (1 if kind == "R" else 2 if kind in ("AN", "EN") else 0)
        else:
            levels[index] = base + (1 if kind in ("L", "EN", "AN") else 0)
    return levels


def _resolve_brackets(text: str, kept: list[int], original: list[str], types: list[str],
                      embedding: str, sos: str) -> None:
    """Rule N0: a pair of brackets takes the direction of what it encloses, so that both halves
    of "(...)" end up on the same side of their contents."""
    stack: list[tuple[str, int]] = []
    pairs: list[tuple[int, int]] = []
    for k, index in enumerate(kept):
        if types[k] != "ON":
            continue
        char = _CANONICAL_BRACKET.get(text[index], text[index])
        if char in _OPENING:
            if len(stack) == _MAX_BRACKET_DEPTH:
                break
            stack.append((_OPENING[char], k))
        elif char in _CLOSING:
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == char:
                    pairs.append((stack[depth][1], k))
                    del stack[depth:]
                    break
    for opening, closing in sorted(pairs):
        inside = {_strong(types[k]) for k in range(opening + 1, closing)}
        if embedding in inside:
            resolved = embedding
        elif inside - {None}:
            # Only the opposite direction inside: it wins if the context before agrees.
            resolved = next((s for s in (_strong(types[k]) for k in range(opening - 1, -1, -1)) if s),
                            sos)
        else:
            continue
        for k in (opening, closing):
            types[k] = resolved
            k += 1
            while k < len(types) and original[kept[k]] == "NSM":
                types[k] = resolved
                k += 1


def _visual_order(positions: list[int], levels: list[int]) -> list[int]:
    """Rule L2: the positions of one line, in the order to draw them from the left.

    Rule L3 (a combining mark kept after its base) is deliberately not applied: the fonts for
    right-to-left scripts (DejaVu Sans, Noto Sans Arabic, Noto Naskh Arabic, Noto Sans Hebrew)
    draw a zero-width right-to-left mark over the glyph drawn *after* it, so a reversed mark,
    which comes just before its base, lands on it."""
    order = list(positions)
    line_levels = [levels[index] for index in order]
    highest = max(line_levels, default=0)
    for level in range(highest, 0, -1):
        k = 0
        while k < len(order):
            if line_levels[k] < level:
                k += 1
                continue
            end = k
            while end < len(order) and line_levels[end] >= level:
                end += 1
            order[k:end] = order[k:end][::-1]
            line_levels[k:end] = line_levels[k:end][::-1]
            k = end
    return order


# --------------------------------------------------------------------------------------------
# Lines


def visual_lines(segments: Iterable[tuple[str, K]], width: float | Sequence[float] = math.inf,
                 measure: Callable[[str, K], float] | None = None,
                 direction: Direction | None = None) -> list[list[tuple[str, K]]]:
    """A paragraph broken into lines, each line in the order to draw it from the left.

    `segments` is the paragraph in logical order as (text, key) pairs, where a key is whatever
    the caller needs to draw a piece of text (a font and style, a link); keys pass through
    untouched and are only compared with ==. "\\n" in a text is a hard line break.

    `width` is the widest a line may be, or one width per line (the last one repeats);
    `measure(text, key)` is how wide `text` is drawn with `key`; the default counts characters.
    Lines are filled greedily in logical order and broken at whitespace (the space at a break
    is dropped), so that every line fits; a word wider than a whole line is cut between
    characters.

    `direction` is the paragraph's base direction; by default `paragraph_direction` of the
    whole text. The caller aligns the lines right for "rtl".

    Returns one list per line (an empty list for an empty line) of (text, key) pieces: the
    text shaped and in visual order, neighbouring pieces with equal keys merged, whitespace
    inside the line as single spaces.
    """
    measure = measure or _count_chars
    widths = [width] if isinstance(width, (int, float)) else list(width) or [math.inf]
    parts = [(text, key) for text, key in segments if text]
    if direction is None:
        direction = paragraph_direction("".join(text for text, _ in parts))
    base = 1 if direction == "rtl" else 0

    lines: list[list[tuple[str, K]]] = []
    for hard_line in _hard_lines(parts):
        text, keys = _collapse_whitespace(hard_line)
        if not text:
            lines.append([])
            continue
        levels = _levels(text, base)
        # What is drawn of each character: LRM, RLM and the other format controls steer shaping
        # and order, but have no glyph. ZWJ and ZWNJ stay: they are part of the text (emoji
        # sequences, Persian words) and the PDF's text must hold them.
        shaped = [("" if unicodedata.category(char) == "Cf" and char not in _JOINER_CONTROLS else glyph)
                  for char, glyph in zip(text, _shape(text))]
        for start, end in _break(text, keys, shaped, widths, len(lines), measure):
            order = _visual_order([i for i in range(start, end) if shaped[i]], levels)
            lines.append(_pieces(order, text, shaped, levels, keys))
    return lines


def visual_text(text: str, direction: Direction | None = None) -> str:
    """One line of text as it must be drawn from the left, shaped and reordered, with no line
    breaking (lines at "\\n" are each reordered on their own and joined with "\\n"). Text
    without right-to-left characters is returned unchanged unless `direction` is "rtl";
    otherwise whitespace runs become single spaces."""
    if direction != "rtl" and not has_rtl(text):
        return text
    return "\n".join("".join(piece for piece, _ in line)
                     for line in visual_lines([(text, None)], direction=direction))


def _count_chars(text: str, key: object) -> float:
    return len(text)


def _hard_lines(parts: list[tuple[str, K]]) -> list[list[tuple[str, K]]]:
    lines: list[list[tuple[str, K]]] = [[]]
    for text, key in parts:
        pieces = _HARD_BREAK.split(text)
        for number, piece in enumerate(pieces):
            if number:
                lines.append([])
            if piece:
                lines[-1].append((piece, key))
    return lines


def _collapse_whitespace(parts: list[tuple[str, K]]) -> tuple[str, list[K]]:
    """The line's text with each whitespace run as one space and none at either end, and the
    key of each character."""
    chars: list[str] = []
    keys: list[K] = []
    for text, key in parts:
        for piece in _split_keep_spaces(text):
            if piece == " ":
                if chars and chars[-1] != " ":
                    chars.append(" ")
                    keys.append(key)
            else:
                chars.extend(piece)
                keys.extend([key] * len(piece))
    while chars and chars[-1] == " ":
        chars.pop()
        keys.pop()
    return "".join(chars), keys


def _split_keep_spaces(text: str) -> list[str]:
    """`text` as words and single " " for each whitespace run."""
    out: list[str] = []
    position = 0
    for match in _WHITESPACE_RUN.finditer(text):
        if match.start() > position:
            out.append(text[position:match.start()])
        out.append(" ")
        position = match.end()
    if position < len(text):
        out.append(text[position:])
    return out


def _width_of(positions: range, shaped: list[str], keys: list, measure: Callable) -> float:
    total = 0.0
    run: list[str] = []
    run_key = None
    for index in positions:
        if run and keys[index] is not run_key and keys[index] != run_key:
            total += measure("".join(run), run_key)
            run = []
        run_key = keys[index]
        run.append(shaped[index])
    if run:
        total += measure("".join(run), run_key)
    return total


def _break(text: str, keys: list, shaped: list[str], widths: list[float], done: int,
           measure: Callable) -> list[tuple[int, int]]:
    """Greedy line breaking in logical order: (start, end) of each line, spaces at breaks left
    out. `done` lines of the paragraph came before (for the per-line widths)."""
    words = [(match.start(), match.end()) for match in re.finditer(r"[^ ]+", text)]
    lines: list[tuple[int, int]] = []

    def available() -> float:
        limit = widths[min(done + len(lines), len(widths) - 1)]
        return limit * (1 - 1e-9) if math.isfinite(limit) else limit  # reportlab's sums may round up

    start = end = None
    used = 0.0
    for word_start, word_end in words:
        word = _width_of(range(word_start, word_end), shaped, keys, measure)
        if start is not None:
            space = measure(" ", keys[end])
            if used + space + word <= available():
                end, used = word_end, used + space + word
                continue
            lines.append((start, end))
        start, end, used = word_start, word_end, word
        while used > available() and end - start > 1:
            cut = _longest_fit(start, end, text, shaped, keys, measure, available())
            if cut >= end:
                break
            lines.append((start, cut))
            start = cut
            used = _width_of(range(start, end), shaped, keys, measure)
    if start is not None:
        lines.append((start, end))
    return lines


def _longest_fit(start: int, end: int, text: str, shaped: list[str], keys: list,
                 measure: Callable, limit: float) -> int:
    """Where to cut an over-wide word: after as many characters as fit (at least one, and never
    between a letter and its combining marks). Widths of characters add up, as in reportlab,
    which does not kern."""
    cut = start + 1
    used = measure(shaped[start], keys[start])
    for position in range(start + 1, end):
        if unicodedata.category(text[position]) not in ("Mn", "Me"):
            if used > limit:
                break
            cut = position
        used += measure(shaped[position], keys[position])
    while cut < end and unicodedata.category(text[cut]) in ("Mn", "Me"):
        cut += 1
    return cut


def _pieces(order: list[int], text: str, shaped: list[str], levels: list[int],
            keys: list) -> list[tuple[str, object]]:
    pieces: list[list] = []
    for index in order:
        glyph = shaped[index]
        if levels[index] % 2 and glyph in _MIRROR:
            glyph = _MIRROR[glyph]
        key = keys[index]
        if pieces and (pieces[-1][1] is key or pieces[-1][1] == key):
            pieces[-1][0] += glyph
        else:
            pieces.append([glyph, key])
    return [(piece, key) for piece, key in pieces]
