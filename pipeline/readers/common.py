"""What every reader shares once it has found the article's structure: choosing the title
and standfirst, recognising sentence ends, and turning raw lines into blocks.

Readers first produce `RawBlock`s (a kind and the source lines of one block), then call
`assemble`. Block text keeps every character of the input: only runs of breaking white
space become one space, so quotes found later are verbatim substrings of the block text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

from pipeline.errors import BriefError
from pipeline.model import Article, ArticleBlock, Source
from pipeline.text import clean_line, is_blank, replace_illegal, title_warning

STANDFIRST_MAX_CHARS = 200
HEADING_MAX_CHARS = 100
TITLE_MAX_CHARS = 300
"""A first line longer than this is body text, not a headline (for example a file that is
one huge paragraph). The title is then a shortened copy and the line stays in the body."""
TITLE_SHORT_CHARS = 200

# Marks that end a sentence, including the ellipsis and CJK full-width stops.
SENTENCE_STOPS = ".!?:\u2026\u3002\uff01\uff1f"
# A heading never ends in these either: a comma or semicolon means the sentence goes on.
HEADING_STOPS = SENTENCE_STOPS + ";,\uff1b\uff0c"
# Closing marks that may follow a stop: `He said "no."` ends with a stop.
CLOSING_QUOTES = "\"'\u2019\u201d\u00bb\u203a\u300d\u300f"
_CLOSERS = CLOSING_QUOTES + ")]"

# Breaking white space only: no-break spaces are deliberate (French « guillemets », "10 km")
# and are kept as they are.
_BREAKING_SPACE = re.compile(r"[^\S\u00a0\u2007\u202f]+")

# Characters that must stay attached to the one before them when a title is shortened.
_JOINERS = {"\u200d", "\ufe0e", "\ufe0f"}


@dataclass
class RawBlock:
    """One block as found in the source: its kind and its lines, not yet joined."""

    kind: str  # "paragraph", "item" or "heading"
    lines: list[str]
    nested: bool = False  # inside a block quote, list or table: never the standfirst

    @cached_property
    def text(self) -> str:
        """The joined text. Cached, so read it only once the block is complete."""
        return block_text(" ".join(self.lines))


def block_text(text: str) -> str:
    """The text on one line: runs of breaking white space become one space, nothing else changes."""
    return _BREAKING_SPACE.sub(" ", text).strip()


def ends_with_stop(text: str, stops: str = SENTENCE_STOPS) -> bool:
    """True if the text ends a sentence: a stop, possibly followed by closing quotes."""
    stripped = text.rstrip().rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in stops


def is_standfirst(block: RawBlock) -> bool:
    """A single short paragraph line that does not end like a sentence."""
    if block.kind != "paragraph" or block.nested or len(block.lines) != 1:
        return False
    text = block.text
    return bool(text) and len(text) <= STANDFIRST_MAX_CHARS and not ends_with_stop(text)


def looks_like_heading(text: str) -> bool:
    """A short line with no terminal punctuation or closing quote, starting with a capital
    or a digit: `Scope of the Military Commitment`."""
    return (0 < len(text) <= HEADING_MAX_CHARS
            and text[-1] not in HEADING_STOPS and text[-1] not in CLOSING_QUOTES
            and (text[0].isupper() or text[0].isdigit()))


# --------------------------------------------------------------------------- the title


def take_title(line: str, name: str, warnings: list[str]) -> tuple[str, RawBlock | None]:
    """The title made from the first line, and the line itself as a body paragraph when it
    is too long to be a headline (so nothing is lost)."""
    title = clean_line(line)
    if (removed := title_warning(line)) is not None:
        warnings.append(removed)
    if not title:
        raise BriefError(name, "the first line has no visible characters to use as a title",
                         "put the headline on the first line")
    if len(title) <= TITLE_MAX_CHARS:
        return title, None
    short = shorten(title, TITLE_SHORT_CHARS)
    warnings.append(f"the first line is {len(title):,} characters long, too long for a headline; "
                    f"the title is its first {len(short) - 1} characters and the whole line is kept "
                    f"as the first paragraph")
    return short, RawBlock("paragraph", [line])


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters ending in an ellipsis, cut at a space when there is one,
    and never between a character and the marks or joiners that belong to it."""
    cut = limit - 1
    space = text.rfind(" ", limit // 2, cut + 1)
    if space > 0:
        cut = space
    while cut > 1 and _belongs_to_previous(text, cut):
        cut -= 1
    return text[:cut].rstrip() + "\u2026"


def _belongs_to_previous(text: str, index: int) -> bool:
    char = text[index]
    return (unicodedata.combining(char) != 0 or char in _JOINERS or text[index - 1] == "\u200d"
            or 0x1F3FB <= ord(char) <= 0x1F3FF)  # emoji skin-tone modifiers


# --------------------------------------------------------------------------- assembling


def split_standfirst(blocks: list[RawBlock]) -> tuple[str | None, list[RawBlock]]:
    """The standfirst is the block right after the title, if it is one short unfinished line."""
    if blocks and is_standfirst(blocks[0]):
        return blocks[0].text, blocks[1:]
    return None, blocks


def make_blocks(raw_blocks: list[RawBlock]) -> list[ArticleBlock]:
    return [ArticleBlock(kind=raw.kind, text=raw.text) for raw in raw_blocks if not is_blank(raw.text)]


def recheck_illegal(article: Article, warnings: list[str]) -> Article:
    """Replace illegal characters again, for readers whose parser makes characters of its
    own (Markdown character references such as &#12;). A no-op for text read from bytes."""
    replaced = 0
    if article.standfirst is not None:
        article.standfirst, replaced = replace_illegal(article.standfirst)
    for block in article.blocks:
        block.text, count = replace_illegal(block.text)
        replaced += count
    if replaced:
        warnings.append(f"replaced {replaced} characters that documents cannot hold "
                        f"(from character references) with U+FFFD")
    return article


def assemble(title: str, body: list[RawBlock], source: Source, warnings: list[str],
             mark_headings: bool = False) -> Article:
    """The article: title given, standfirst taken from the front of `body`, the rest as blocks.

    `mark_headings` applies the plain-text rule for subheadings, which Markdown does not need.
    """
    standfirst, rest = split_standfirst([block for block in body if not is_blank(block.text)])
    if mark_headings:
        rest = mark_subheadings(rest)
    blocks = make_blocks(rest)
    if not blocks:
        warnings.append("no body text after the headline")
    return Article(title=title, standfirst=standfirst, blocks=blocks, source=source)


def mark_subheadings(blocks: list[RawBlock]) -> list[RawBlock]:
    """A one-line paragraph that looks like a heading and has text after it is a heading."""
    marked = []
    last = len(blocks) - 1
    for index, block in enumerate(blocks):
        if (block.kind == "paragraph" and len(block.lines) == 1 and index < last
                and looks_like_heading(block.text)):
            block = RawBlock("heading", block.lines, block.nested)
        marked.append(block)
    return marked
