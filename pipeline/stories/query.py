"""A small query language for sections: which articles a section of a pack holds.

    nato AND (summit OR "defence spending") NOT source:example.com
    people:"Keir Starmer" place:Paris
    org:(nato OR "european union") title:strike*

Words and "quoted phrases"; AND, OR and NOT (upper case; `-word` is NOT word too);
parentheses; terms side by side are ANDed. NOT binds tightest, then AND, then OR.
A field limits a term or a bracketed group to one part of the article: `people:` (names and
aliases), `org:`, `place:`, `source:` (publisher, outlet, address), `title:`. Unfielded terms
search the title, standfirst, summary, text and every extracted name. Matching ignores case
and respects word boundaries ("nato" does not match "senator"); a trailing * matches any
ending ("strike*" matches "strikes").

`parse` raises `QueryError(position, message)` with the 1-based column of the mistake.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Iterable, Union

from pipeline.errors import BriefError
from pipeline.model import Brief
from pipeline.stories.grouping import Item, Story

FIELDS = ("people", "org", "place", "source", "title")


class QueryError(BriefError):
    """A query that cannot be read; `position` is the 1-based column of the mistake."""

    def __init__(self, position: int, message: str, query: str = "") -> None:
        super().__init__("query" + (f" {query!r}" if query else ""), f"column {position}: {message}")
        self.position = position
        self.message = message


@dataclass(frozen=True)
class Term:
    text: str            # casefolded words, space separated; may end in *
    field: str | None = None
    phrase: bool = False

    def pattern(self) -> re.Pattern[str]:
        return _compile(self.text)


@functools.lru_cache(maxsize=1024)
def _compile(text: str) -> re.Pattern[str]:
    parts = [re.escape(w[:-1]) + r"\w*" if w.endswith("*") else re.escape(w) for w in text.split()]
    return re.compile(r"(?<!\w)" + r"\W+".join(parts) + r"(?!\w)")


@dataclass(frozen=True)
class Not:
    operand: "Query"


@dataclass(frozen=True)
class And:
    operands: tuple["Query", ...]


@dataclass(frozen=True)
class Or:
    operands: tuple["Query", ...]


Query = Union[Term, Not, And, Or]


@dataclass(frozen=True)
class _Token:
    kind: str   # WORD PHRASE AND OR NOT LPAREN RPAREN FIELD END
    text: str
    column: int


_OPERATORS = {"AND": "AND", "OR": "OR", "NOT": "NOT"}


def _tokens(query: str) -> list[_Token]:
    tokens = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        col = i + 1
        if ch.isspace():
            i += 1
        elif ch == "(":
            tokens.append(_Token("LPAREN", ch, col)); i += 1
        elif ch == ")":
            tokens.append(_Token("RPAREN", ch, col)); i += 1
        elif ch in "\"“”":
            end = i + 1
            while end < n and query[end] not in "\"“”":
                end += 1
            if end >= n:
                raise QueryError(col, "this quotation mark is never closed", query)
            text = query[i + 1:end]
            if not re.search(r"\w", text):
                raise QueryError(col, "empty phrase", query)
            tokens.append(_Token("PHRASE", text, col)); i = end + 1
        elif ch == "-" and i + 1 < n and not query[i + 1].isspace() and (not tokens or query[i - 1].isspace() or query[i - 1] == "("):
            tokens.append(_Token("NOT", ch, col)); i += 1
        else:
            end = i
            while end < n and not query[end].isspace() and query[end] not in "()\"“”":
                if query[end] == ":":
                    break
                end += 1
            word = query[i:end]
            if end < n and query[end] == ":":
                name = word.casefold()
                if name not in FIELDS:
                    raise QueryError(col, f"unknown field {word + ':'!r} (fields: "
                                          + ", ".join(f + ":" for f in FIELDS) + ")", query)
                if end + 1 >= n or query[end + 1].isspace() or query[end + 1] == ")":
                    raise QueryError(end + 2, f"{word}: needs a word, a phrase or a bracket after it", query)
                tokens.append(_Token("FIELD", name, col)); i = end + 1
                continue
            if word in _OPERATORS:
                tokens.append(_Token(word, word, col))
            else:
                if not re.search(r"\w", word):
                    raise QueryError(col, f"{word!r} is not a word", query)
                tokens.append(_Token("WORD", word, col))
            i = end
    tokens.append(_Token("END", "", len(query) + 1))
    return tokens


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = _tokens(query)
        self.at = 0

    def peek(self) -> _Token:
        return self.tokens[self.at]

    def take(self) -> _Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def fail(self, token: _Token, message: str) -> QueryError:
        return QueryError(token.column, message, self.query)

    def parse(self) -> Query:
        if self.peek().kind == "END":
            raise self.fail(self.peek(), "the query is empty")
        result = self.or_(None)
        token = self.peek()
        if token.kind == "RPAREN":
            raise self.fail(token, "this ')' has no '(' before it")
        if token.kind != "END":  # pragma: no cover - every other token starts an operand
            raise self.fail(token, f"unexpected {token.text!r}")
        return result

    def or_(self, field: str | None) -> Query:
        parts = [self.and_(field)]
        while self.peek().kind == "OR":
            self.take()
            parts.append(self.and_(field))
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def and_(self, field: str | None) -> Query:
        parts = [self.not_(field)]
        while True:
            kind = self.peek().kind
            if kind == "AND":
                self.take()
                parts.append(self.not_(field))
            elif kind in ("WORD", "PHRASE", "NOT", "LPAREN", "FIELD"):
                parts.append(self.not_(field))
            else:
                break
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def not_(self, field: str | None) -> Query:
        if self.peek().kind == "NOT":
            self.take()
            return Not(self.not_(field))
        return self.atom(field)

    def atom(self, field: str | None) -> Query:
        token = self.take()
        if token.kind == "FIELD":
            if field is not None:
                raise self.fail(token, f"{token.text}: inside {field}: is not allowed")
            return self.atom(token.text)
        if token.kind == "LPAREN":
            if self.peek().kind == "RPAREN":
                raise self.fail(self.peek(), "empty brackets")
            inner = self.or_(field)
            close = self.take()
            if close.kind != "RPAREN":
                raise self.fail(token, "this '(' is never closed")
            return inner
        if token.kind == "WORD":
            return Term(" ".join(_words_of(token.text, keep_star=True)), field)
        if token.kind == "PHRASE":
            return Term(" ".join(_words_of(token.text)), field, phrase=True)
        if token.kind == "END":
            before = self.tokens[self.at - 2] if self.at >= 2 else token
            raise self.fail(before if before.kind in _OPERATORS else token,
                            f"{before.text} needs something after it" if before.kind in _OPERATORS
                            else "the query ends too early")
        if token.kind == "RPAREN":
            raise self.fail(token, "expected a word, a phrase or '(' before this ')'")
        raise self.fail(token, f"{token.text} needs something before it")


def _words_of(text: str, keep_star: bool = False) -> list[str]:
    words = re.findall(r"\w+\*?" if keep_star else r"\w+", text.casefold())
    return words


def parse(query: str) -> Query:
    """Read a query; raise QueryError(position, message) at the first mistake."""
    return _Parser(query).parse()


# --------------------------------------------------------------------------- matching


def _field_texts(item: Item) -> dict[str | None, str]:
    b = item.brief
    people = [p.name for p in b.people] + [a for p in b.people for a in p.aliases]
    src = b.source
    fields = {
        "people": "\n".join(people),
        "org": "\n".join(o.name for o in b.organisations),
        "place": "\n".join(b.locations),
        "source": "\n".join(x for x in (item.source_name, src.publisher, src.url, src.feed) if x),
        "title": b.title,
    }
    everything = [b.title, b.standfirst or "", *b.context, item.text, fields["people"], fields["org"],
                  fields["place"]]
    fields[None] = "\n".join(everything)
    return {k: v.casefold() for k, v in fields.items()}


def _eval(query: Query, texts: dict[str | None, str]) -> bool:
    if isinstance(query, Term):
        return bool(query.pattern().search(texts[query.field]))
    if isinstance(query, Not):
        return not _eval(query.operand, texts)
    if isinstance(query, And):
        return all(_eval(q, texts) for q in query.operands)
    return any(_eval(q, texts) for q in query.operands)


def matches(query: Query | str, article: Item | Story | Brief) -> bool:
    """Whether an article matches; a story matches when any of its articles does. A bare
    Brief is read without its article text."""
    if isinstance(query, str):
        query = parse(query)
    if isinstance(article, Brief):
        article = Item(article)
    if isinstance(article, Story):
        return any(_eval(query, _field_texts(i)) for i in article.items)
    return _eval(query, _field_texts(article))


def assign(stories: Iterable[Story], sections: dict[str, Query | str] | Iterable[tuple[str, Query | str]],
           unmatched: str = "other") -> dict[str, list[Story]]:
    """Put each story in the first section (in the given order) it matches.

    Stories matching none go to a section named "other" when `unmatched="other"` (any other
    name than "drop" is taken as that section's name), or are left out with "drop". The result
    keeps the sections' order and every section, empty or not; within each, the stories'
    order."""
    pairs = list(sections.items()) if isinstance(sections, dict) else list(sections)
    compiled = [(name, parse(q) if isinstance(q, str) else q) for name, q in pairs]
    result: dict[str, list[Story]] = {name: [] for name, _ in compiled}
    for story in stories:
        texts = [_field_texts(i) for i in story.items]
        for name, q in compiled:
            if any(_eval(q, t) for t in texts):
                result[name].append(story)
                break
        else:
            if unmatched != "drop":
                result.setdefault(unmatched, []).append(story)
    return result
