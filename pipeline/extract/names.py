"""Tokens and capitalised runs: the raw material for people, organisations and places."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.extract.lexicon import COUNTRY_FORMS, ORG_ACRONYMS, ORG_HEADS, ROLE_HEADS, ROLE_MODIFIERS

_TOKEN = re.compile(r"[^\W_](?:[\w'’.\-]*[\w])?", re.UNICODE)
_POSSESSIVE = re.compile(r"['’]s?$")
PARTICLES = frozenset("de del della der di da das dos du la le van von ten ter bin ibn al el y".split())


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def bare(self) -> str:
        """The word without a possessive ending: "Ukraine's" -> "Ukraine"."""
        if self.text.endswith(("'s", "’s")):
            return self.text[:-2]
        if self.text.endswith(("s'", "s’")):
            return self.text[:-1]
        return self.text

    @property
    def possessive(self) -> bool:
        return self.bare != self.text

    @property
    def capitalised(self) -> bool:
        return self.text[0].isupper()


def tokens(text: str, offset: int = 0) -> list[Token]:
    out = []
    for match in _TOKEN.finditer(text):
        word = match.group(0)
        # Trailing full stops belong to the sentence, except in initials and abbreviations like "U.S."
        if word.endswith(".") and not re.fullmatch(r"(?:[A-Z]\.)+", word):
            word = word.rstrip(".")
        out.append(Token(word, offset + match.start(), offset + match.start() + len(word)))
    return out


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
    return gap == " " or (gap == ". " and len(left.text) == 1)


def _next_capitalised(toks: list[Token], i: int, text: str) -> bool:
    return i + 1 < len(toks) and toks[i + 1].capitalised and _joined(text, toks[i], toks[i + 1])


def _trim_particles(run: list[Token]) -> list[Token]:
    while run and run[-1].text.lower() in PARTICLES:
        run = run[:-1]
    return run


def is_role_word(word: str) -> bool:
    low = word.lower()
    return low in ROLE_HEADS or low in ROLE_MODIFIERS or word in COUNTRY_FORMS


def is_role_head(word: str) -> bool:
    return word.lower() in ROLE_HEADS


def is_org_word(word: str) -> bool:
    return word in ORG_HEADS or word in ORG_ACRONYMS


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
