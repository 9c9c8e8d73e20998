"""Direct quotations: spans between quotation marks, in every common style, and who said them.

Marks are classified by what surrounds them (a mark after a space and before a letter opens;
one after a letter and before a space or punctuation closes), so apostrophes ("don’t", "’90s",
"dogs’ bowls") are not quotes and unbalanced marks never raise. A quote left open runs to the
end of its paragraph; an opening mark while a quote is open closes it first (the house style
that reopens a quote each sentence: `"A. "B."` is two quotes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DOUBLE_OPENERS = "“„«〝‟"
DOUBLE_CLOSERS = "”»〞“"
SINGLE_OPENERS = "‘‚‹"
SINGLE_CLOSERS = "’›‘"
CJK_PAIRS = {"「": "」", "『": "』"}
AMBIGUOUS = "\"'"
ALL_MARKS = set(DOUBLE_OPENERS + DOUBLE_CLOSERS + SINGLE_OPENERS + SINGLE_CLOSERS + AMBIGUOUS) | set(
    CJK_PAIRS) | set(CJK_PAIRS.values())

_OPEN_CONTEXT = set("([{—–-/") | set(DOUBLE_OPENERS + SINGLE_OPENERS)
_CLOSE_CONTEXT = set(".,;:!?)]}—–-…") | set(DOUBLE_CLOSERS + SINGLE_CLOSERS + AMBIGUOUS)


# A quoted phrase this short with no speaker is a term ("a "multinational force""), not speech.
SHORT_PHRASE_WORDS = 3


def is_quoted_term(text: str, speaker: str | None) -> bool:
    """A quotation of a few words that nobody is said to have spoken: the writer's marks around
    a term ("military hubs"). It stays in the sentence it came from, out of the quotes."""
    return speaker is None and len(text.split()) <= SHORT_PHRASE_WORDS


@dataclass(frozen=True)
class QuoteSpan:
    block: int
    open_at: int             # offset of the opening mark
    start: int               # first character inside the marks
    end: int                 # one past the last character inside the marks
    close_at: int | None     # offset of the closing mark; None when the quote was left open
    family: str              # "double", "single" or "cjk"

    @property
    def terminated(self) -> bool:
        return self.close_at is not None

    @property
    def outer_end(self) -> int:
        return self.close_at + 1 if self.close_at is not None else self.end


@dataclass
class _Open:
    mark: str
    at: int
    family: str


def _space(ch: str) -> bool:
    return ch == "" or ch.isspace()


def _can_open(prev: str, nxt: str) -> bool:
    return (_space(prev) or prev in _OPEN_CONTEXT) and not _space(nxt)


def _can_close(prev: str, nxt: str) -> bool:
    return not _space(prev) and (_space(nxt) or nxt in _CLOSE_CONTEXT)


def _strong_single_close(text: str, i: int) -> bool:
    """A closing single mark followed by punctuation, the end, or a capitalised word; a mark
    followed by a lower-case word may be a plural possessive ("dogs’ bowls") or "’n’"."""
    rest = text[i + 1:i + 3]
    return rest == "" or rest[0] in _CLOSE_CONTEXT or (rest[0].isspace() and (len(rest) < 2 or not rest[1].islower()))


def find_quotes(text: str, block: int) -> list[QuoteSpan]:
    """Quote spans in one paragraph, in order; nested single quotes inside a double quote are
    part of it, not quotes of their own."""
    found: list[QuoteSpan] = []
    stack: list[_Open] = []
    for i, ch in enumerate(text):
        if ch not in ALL_MARKS:
            continue
        prev = text[i - 1] if i else ""
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if ch in CJK_PAIRS:
            stack.append(_Open(ch, i, "cjk"))
            continue
        if ch in CJK_PAIRS.values():
            _close(stack, found, text, block, i, lambda o: o.family == "cjk" and CJK_PAIRS[o.mark] == ch)
            continue
        family = "double" if ch in DOUBLE_OPENERS + DOUBLE_CLOSERS + '"' else "single"
        if family == "single" and prev.isalnum() and nxt.isalnum():
            continue  # an apostrophe inside a word
        open_double = _innermost(stack, "double")
        if family == "double":
            _double_mark(ch, i, prev, nxt, stack, found, text, block, open_double)
        else:
            _single_mark(ch, i, prev, nxt, stack, found, text, block)
    for opened in reversed(stack):
        _emit(found, text, block, opened, len(text), None)
    stack.clear()
    found.sort(key=lambda q: q.open_at)
    return [q for q in found if re.search(r"\w", text[q.start:q.end])]


def _double_mark(ch: str, i: int, prev: str, nxt: str, stack: list[_Open], found: list[QuoteSpan],
                 text: str, block: int, open_double: _Open | None) -> None:
    closes = ch in DOUBLE_CLOSERS or ch == '"'
    opens = ch in DOUBLE_OPENERS or ch == '"'
    if ch == "«":
        opens, closes = True, False
    if ch == "»":
        opens, closes = False, True
    # A straight mark between spaces closes an open quote ("... a year. " And ...).
    spaced = ch == '"' and _space(prev) and _space(nxt)
    if open_double is not None and closes and (_can_close(prev, nxt) or ch in "»〞" or spaced or
                                               (ch == "“" and open_double.mark == "„")):
        _close(stack, found, text, block, i, lambda o: o is open_double)
        return
    if opens and (_can_open(prev, nxt) or ch in "«„"):
        if open_double is not None:
            # A new opening mark while a quote is open: the open one ended without its mark.
            _close(stack, found, text, block, i, lambda o: o is open_double, terminated=False)
        stack.append(_Open(ch, i, "double"))


def _single_mark(ch: str, i: int, prev: str, nxt: str, stack: list[_Open], found: list[QuoteSpan],
                 text: str, block: int) -> None:
    open_single = _innermost(stack, "single")
    closes = ch in SINGLE_CLOSERS or ch == "'"
    opens = ch in SINGLE_OPENERS or ch == "'"
    if ch == "‹":
        closes = False
    if ch == "›":
        opens = False
    if open_single is not None and closes and _can_close(prev, nxt):
        # "the dogs’ bowls" and "rock ’n’ roll" hold marks that may not close anything; any
        # other closing mark does.
        ambiguous = prev in "sS" or text[max(0, i - 2):i + 1] in ("’n’", "'n'")
        if not ambiguous or _strong_single_close(text, i) or not _later_strong_close(text, i):
            _close(stack, found, text, block, i, lambda o: o is open_single)
        return
    if opens and _can_open(prev, nxt) and ch != "’":
        if open_single is not None and re.search(r"[.!?…]\s+$", text[:i]):
            # ‘A. ‘B.’ reopens the quotation: the open one ended without its mark.
            _close(stack, found, text, block, i, lambda o: o is open_single, terminated=False)
        stack.append(_Open(ch, i, "single"))


def _later_strong_close(text: str, i: int) -> bool:
    limit = min(len(text), i + 300)
    for j in range(i + 1, limit):
        if text[j] in "’'›" and j > 0 and not _space(text[j - 1]):
            nxt = text[j + 1] if j + 1 < len(text) else ""
            if _can_close(text[j - 1], nxt) and _strong_single_close(text, j):
                return True
    return False


def _innermost(stack: list[_Open], family: str) -> _Open | None:
    for opened in reversed(stack):
        if opened.family == family:
            return opened
    return None


def _close(stack: list[_Open], found: list[QuoteSpan], text: str, block: int, i: int, match,
           terminated: bool = True) -> None:
    for k in range(len(stack) - 1, -1, -1):
        if match(stack[k]):
            opened = stack[k]
            # Marks opened inside and never closed end here too (mis-nested quotes).
            for inner in stack[k + 1:]:
                _emit(found, text, block, inner, i, None)
            del stack[k:]
            _emit(found, text, block, opened, i, i if terminated else None)
            return


def _emit(found: list[QuoteSpan], text: str, block: int, opened: _Open, end: int, close_at: int | None) -> None:
    # Single quotes inside a double quote belong to it.
    start = opened.at + 1
    while start < end and text[start].isspace():
        start += 1
    stop = end
    while stop > start and text[stop - 1].isspace():
        stop -= 1
    span = QuoteSpan(block, opened.at, start, stop, close_at, opened.family)
    if opened.family == "single" and any(q.family == "double" and q.open_at < span.open_at
                                         and (q.close_at or len(text)) > span.open_at for q in found):
        return
    found.append(span)


def drop_nested(spans: list[QuoteSpan]) -> list[QuoteSpan]:
    """Remove quotes that lie inside another quote (a quotation within a quotation)."""
    out = []
    for q in spans:
        if any(o is not q and o.block == q.block and o.open_at < q.open_at and q.end <= o.outer_end
               for o in spans):
            continue
        out.append(q)
    return out
