"""Sentences with their place in the article, so every extracted item can cite the sentence
it came from, verbatim."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.extract.lexicon import TITLE_ABBREVIATIONS
from pipeline.extract.names import Token, tokens
from pipeline.extract.words import content_words
from pipeline.model import Article

# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sr jr st gen lt col sgt capt cmdr adm gov sen rep rev hon messrs mme mlle "
    "inc ltd co corp plc bros vs etc al approx dept est fig no nos vol pp cf e.g i.e a.m p.m "
    "jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n e.u".split())

_ABBREVIATIONS = _ABBREVIATIONS | {t.lower() for t in TITLE_ABBREVIATIONS}

_CLOSERS = "\"'”’»)]"
# Candidate boundary: terminal punctuation, optional closing quotes or brackets, whitespace.
_BOUNDARY = re.compile(r"[.!?…]+[" + re.escape(_CLOSERS) + r"]*(?=\s+)")
_NEXT_START = re.compile(r"\s+([\"'“‘«„(\[]*)(\S)")
_LAST_WORD = re.compile(r"(\S+)$")
_LOOK_BACK = 40  # longer than any abbreviation with its opening marks


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of the article. `block` indexes `article.blocks`; -1 is the title and -2 the
    standfirst. `start`/`end` are offsets in that block's text."""

    text: str
    block: int
    start: int
    end: int
    kind: str
    index: int = 0  # position among all sentences of the article
    # Its words and content words, made on first use and kept in slots rather than an instance
    # dictionary: a long article holds tens of thousands of sentences.
    _tokens: tuple[Token, ...] | None = field(default=None, init=False, repr=False, compare=False)
    _content_words: tuple[str, ...] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def tokens(self) -> tuple[Token, ...]:
        """Its words, made once: every field's rules walk them. (Kept with the sentence rather
        than in a cache of the last few thousand, which a long article would overrun, so that
        each rule tokenised every sentence again.)"""
        found = self._tokens
        if found is None:
            found = tokens(self.text, self.start)
            object.__setattr__(self, "_tokens", found)
        return found

    @property
    def content_words(self) -> tuple[str, ...]:
        """The words that carry its content (pipeline.extract.words), made once: summary,
        context and key facts each score every sentence by them."""
        found = self._content_words
        if found is None:
            found = content_words(self.text)
            object.__setattr__(self, "_content_words", found)
        return found


def split_text(text: str) -> list[tuple[int, int]]:
    """Sentence spans of one paragraph, as (start, end) offsets; the sentences cover the text
    without their surrounding whitespace."""
    spans: list[tuple[int, int]] = []
    start = _skip_space(text, 0)
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        if end <= start or not _is_boundary(text, match.start(), end):
            continue
        spans.append((start, end))
        start = _skip_space(text, end)
    if start < len(text.rstrip()):
        spans.append((start, len(text.rstrip())))
    return spans


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _is_boundary(text: str, punct_start: int, end: int) -> bool:
    following = _NEXT_START.match(text, end)
    if following is None:
        return False
    first = following.group(2)
    if not (first.isupper() or first.isdigit() or following.group(1)):
        return False
    if text[punct_start] == ".":
        # Bounded look-back: the word before the stop, never the whole paragraph (linear time).
        word = _LAST_WORD.search(text, max(0, punct_start - _LOOK_BACK), punct_start)
        token = word.group(1).lstrip("\"'“‘(«").lower() if word else ""
        if token in _ABBREVIATIONS or token.rstrip(".") in _ABBREVIATIONS:
            return False
        # A single capital letter is an initial ("George W. Bush"), not a sentence; so are dotted
        # initials ("George H.W. Bush").
        if len(token) == 1 and token.isalpha():
            return False
        if word and re.fullmatch(r"(?:[A-Z]\.)+[A-Z]\.?", word.group(1).lstrip("\"'“‘(«")):
            return False
    return True


def article_sentences(article: Article) -> list[Sentence]:
    """Every sentence of the article: title, standfirst, then the body blocks in order."""
    out: list[Sentence] = []

    def add(text: str, block: int, kind: str) -> None:
        for start, end in split_text(text):
            out.append(Sentence(text[start:end], block, start, end, kind, len(out)))

    add(article.title, -1, "title")
    if article.standfirst:
        add(article.standfirst, -2, "standfirst")
    for i, block in enumerate(article.blocks):
        add(block.text, i, block.kind)
    return out


def block_text(article: Article, block: int) -> str:
    if block == -1:
        return article.title
    if block == -2:
        return article.standfirst or ""
    return article.blocks[block].text
