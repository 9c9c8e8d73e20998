"""Tokens and capitalised runs: the raw material for people, organisations and places."""

from __future__ import annotations

import functools
import re
import sys
from typing import NamedTuple

from pipeline.extract.lexicon import (COUNTRY_FORMS, HONORIFICS, ORG_ACRONYMS, ORG_HEADS, ROLE_HEADS, ROLE_MODIFIERS,
                                      TITLE_ABBREVIATIONS)

_TOKEN = re.compile(r"[^\W_](?:[\w'’.\-\u00ad]*[\w])?", re.UNICODE)  # soft hyphens stay inside a word
_POSSESSIVE = re.compile(r"['’]s?$")
PARTICLES = frozenset("de del della dei degli der des di da das dos du la le van von ten ter bin ibn al el y".split())


class Token(NamedTuple):
    text: str
    start: int
    end: int
    bare: str            # without a possessive ending: "Ukraine's" -> "Ukraine"
    capitalised: bool

    @property
    def possessive(self) -> bool:
        return self.bare != self.text.replace("\u00ad", "")


def _bare(word: str) -> str:
    word = word.replace("\u00ad", "")  # "Vladi\u00admir": a soft hyphen is no part of the name
    if word.endswith(("'s", "’s")):
        return word[:-2]
    if word.endswith(("s'", "s’")):
        return word[:-1]
    return word


_INITIALS = re.compile(r"(?:[A-Z]\.)+")
_PARTICLE_NAME = re.compile(r"(?:al|el|ul|bin|ben|abu|ibn)-[A-Z]")


def tokens(text: str, offset: int = 0) -> tuple[Token, ...]:
    """The words of `text`, with offsets shifted by `offset`. (A sentence's are made once, as
    `Sentence.tokens`: every field's rules walk the same sentences.)"""
    out = []
    for match in _TOKEN.finditer(text):
        word = match.group(0)
        start = offset + match.start()
        # Trailing full stops belong to the sentence, except in initials and abbreviations like "U.S."
        if word[-1] == "." and not _INITIALS.fullmatch(word):
            word = word.rstrip(".")
        # A plural possessive keeps its apostrophe: "the Dock Workers' Union".
        end = match.start() + len(word)
        if (word[-1] in "sS" and end < len(text) and text[end] in "'’"
                and (end + 1 == len(text) or not text[end + 1].isalnum())):
            word += text[end]
        capitalised = word[0].isupper() or _PARTICLE_NAME.match(word) is not None  # "al-Bashir"
        word = sys.intern(word)  # one string for each word an article repeats, not one per use
        out.append(Token(word, start, start + len(word), _bare(word), capitalised))
    return tuple(out)


def capitalised_runs(text: str, toks: list[Token]) -> list[list[Token]]:
    """Runs of capitalised words joined by single spaces, with name particles ("van", "bin")
    and initials ("W.") allowed inside a run. A possessive ends its run."""
    runs: list[list[Token]] = []
    current: list[Token] = []
    for i, tok in enumerate(toks):
        joined = bool(current) and _joined(text, current[-1], tok)
        if tok.capitalised or (tok.text.lower() in PARTICLES and joined and _next_capitalised(toks, i, text)):
            if current and not joined:
                runs.append(current)
                current = []
            current.append(tok)
            if tok.possessive:
                runs.append(current)
                current = []
        else:
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    return [_trim_particles(run) for run in runs if _trim_particles(run)]


def _joined(text: str, left: Token, right: Token) -> bool:
    gap = text[left.end:right.start]
    # "George W. Bush", "Sen. Maria Delgado": an initial or a short title and its full stop.
    return gap == " " or (gap == ". " and (len(left.text) == 1 or left.text in TITLE_ABBREVIATIONS
                                           or left.text in HONORIFICS or _DOTTED_INITIALS.fullmatch(left.text)
                                           is not None))


_DOTTED_INITIALS = re.compile(r"(?:[A-Z]\.)+[A-Z]")  # "H.W" of "George H.W. Bush"


def _next_capitalised(toks: list[Token], i: int, text: str) -> bool:
    return i + 1 < len(toks) and toks[i + 1].capitalised and _joined(text, toks[i], toks[i + 1])


def _trim_particles(run: list[Token]) -> list[Token]:
    while run and run[-1].text.lower() in PARTICLES:
        run = run[:-1]
    return run


@functools.lru_cache(maxsize=8192)
def is_role_word(word: str) -> bool:
    low = word.lower()
    if low.startswith("ex-") and len(low) > 3:
        low = low[3:]  # "ex-senior", "ex-Downing"
        return low in ROLE_HEADS or low in ROLE_MODIFIERS or word[3:4].isupper()
    return low in ROLE_HEADS or low in ROLE_MODIFIERS or word in COUNTRY_FORMS


@functools.lru_cache(maxsize=8192)
def is_role_head(word: str) -> bool:
    if word in TITLE_ABBREVIATIONS:
        return True  # "Sen.", "Gov."
    low = word.lower()
    # "co-chairman", "vice-president", "ex-minister": the last part decides.
    return low in ROLE_HEADS or ("-" in low and low.rsplit("-", 1)[1] in ROLE_HEADS)


@functools.lru_cache(maxsize=8192)
def is_org_word(word: str) -> bool:
    return word in ORG_HEADS or word in ORG_ACRONYMS


@functools.lru_cache(maxsize=8192)
def is_acronym(word: str) -> bool:
    letters = word.replace(".", "")
    return len(letters) >= 2 and letters.isupper() and letters.isalpha()


def country_of(words: list[str]) -> str | None:
    """The country a role phrase names ("British Prime Minister" -> United Kingdom)."""
    text = " ".join(words)
    for size in (3, 2, 1):
        for i in range(len(words) - size + 1):
            form = " ".join(words[i:i + size])
            if form in COUNTRY_FORMS:
                return COUNTRY_FORMS[form]
    return COUNTRY_FORMS.get(text)


def strip_possessive(word: str) -> str:
    return _POSSESSIVE.sub("", word) if word.endswith(("'s", "’s")) else word
