"""Key facts: what happened (one line), who (the principal actors with their roles), when (the
event date and the deadlines the article gives), where, and the figures (money, percentages,
counts, each with what it counts). Every fact carries the sentence it is taken from.

Figures are found by their form in English news copy ("£2.5bn", "$40 million", "3.2%", "12 per
cent", "5,000 troops"); what a figure counts is the noun phrase that follows it ("£2.5bn in
extra defence spending", "5,000 troops") or, failing that, the one it is a measure of ("a
budget of £2bn", "inflation rose to 3.2%")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.extract.lexicon import MONTHS
from pipeline.extract.sentences import Sentence
from pipeline.model import Commitment, KeyFact, Person

PRINCIPAL_ACTORS = 3
MAX_FIGURES = 8
DETAIL_WORDS = 6

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE = r"(?:bn|m|k|tn|trillion|billion|million|thousand)"
_CURRENCY = r"(?:US\$|A\$|C\$|NZ\$|HK\$|[£$€¥₹₩]|Rs\.?\s?)"
_CURRENCY_WORDS = r"(?:pounds|dollars|euros|yen|yuan|rupees|francs|roubles|rubles|pence|cents|sterling)"
_MONEY = re.compile(
    rf"(?<![\w$£€¥])(?:{_CURRENCY}\s?(?:{_NUMBER})(?:\s?{_SCALE}\b)?"
    rf"|(?:{_NUMBER})(?:\s?{_SCALE})?\s{_CURRENCY_WORDS}\b)", re.IGNORECASE)
_PERCENT = re.compile(rf"(?<![\w.,])(?:{_NUMBER})(?:\s?%|\s?per\s?cent\b|\s?percent\b|\s?percentage points?\b)",
                      re.IGNORECASE)
_COUNT = re.compile(rf"(?<![\w.,$£€¥/-])(?:{_NUMBER})(?:\s(?:million|billion|thousand|hundred))?(?![\w.,%/:-])"
                    r"|(?<![\w-])(?:two|three|four|five|six|seven|eight|nine|ten|tens|hundreds|thousands|"
                    r"dozens)(?: of thousands)?\s(?:million|billion|thousand|hundred)\b", re.IGNORECASE)
# Most sentences hold no figure: one quick look for a digit or a number word saves the three
# patterns above a scan of every position.
_MAY_HOLD_FIGURE = re.compile(r"\d|\b(?:two|three|four|five|six|seven|eight|nine|ten|tens|hundreds|thousands|"
                              r"dozens)\b", re.IGNORECASE)
_MONTH_WORDS = {m.lower() for m in MONTHS}
# A number followed by one of these is a duration, an age, a time or a measure, not a count.
_NOT_COUNTED = frozenset(
    "year years month months week weeks day days hour hours minute minutes second seconds am pm a.m p.m "
    "o'clock gmt bst utc cet est pst per percent st nd rd th km miles mile kg metres meters degrees "
    "points point times".split())
_STOP = frozenset(
    "a an the and or but of to in on at by for with from as is are was were be been has have had will would "
    "that this these those it its their his her our which who than then there also into over after before "
    "about against between during under more less most some such each every said says say told while whereas "
    "although though because since if when where".split())
_PREPOSITIONS = ("in", "of", "for", "on", "to")
_MEASURE_OF = re.compile(r"(?:\b(?:of|worth|totalling|totaling|costing|at|reached|hit|stood at|stands at)|"
                         r"\b(?:rose|fell|rising|falling|grew|growing|increased|decreased|dropped|climbed|"
                         r"jumped|slipped|declined|soared|plunged|up|down)(?:\s+(?:to|by))?)"
                         r"(?:\s+(?:about|around|nearly|almost|roughly|some|over|under|more than|less than|"
                         r"fewer than|up to|just))?\s*$", re.IGNORECASE)
_WORD = re.compile(r"[\w'’-]+")
_DEADLINE = re.compile(
    r"\b(?:by|before|no later than|until|deadline of|due)\s+(?:the\s+end\s+of\s+|the\s+start\s+of\s+|mid-)?"
    r"(?:(?:\d{1,2}\s+)?(?:" + "|".join(sorted((m.title() for m in MONTHS), key=len, reverse=True)) +
    r")\b(?:\s+\d{1,2}\b)?(?:,?\s+\d{4})?|(?:19|20)\d{2}\b|(?:this|next)\s+(?:year|month|week|spring|summer|"
    r"autumn|winter))", re.IGNORECASE)


# "LONDON, 12 March (Reuters) - ": where and when the story was filed, not what happened.
_DATELINE = re.compile(r"^[A-Z][A-Z.'’ -]{1,40}(?:,[^-–—,]{1,30})?(?:\s*\([^)]{1,40}\))?\s+[-–—]+\s+(?=\S)")
_TIME_WORDS = _MONTH_WORDS | {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
                              "january", "spring", "summer", "autumn", "winter", "today", "yesterday"}
_TIME_WORDS = _TIME_WORDS | {"next", "last", "coming", "previous", "current"}
_PERIODS = {"year", "month", "week", "day", "quarter", "decade", "term", "season"}
_AFTER_STOP = frozenset("out up down off per".split())
_INNER_PREPOSITIONS = frozenset("of at in for on".split())
_CLAUSE_BREAK = re.compile(r"[;:.!?()\"“”—–]|,(?!\d{3})")


@dataclass(frozen=True)
class _Figure:
    value: str
    start: int
    end: int


def key_facts(what: Sentence | None, people: list[tuple[Person, int]], organisations: list[tuple[str, str]],
              event: tuple[str, str] | None, place: tuple[str, str] | None, commitments: list[Commitment],
              sentences: list[Sentence]) -> list[KeyFact]:
    """`people` pairs each person with the number of times the article mentions them;
    `organisations` are (name, sentence); `event` and `place` are (value, sentence)."""
    facts: list[KeyFact] = []
    if what is not None:
        facts.append(KeyFact("what", _DATELINE.sub("", what.text) or what.text, what.text))
    facts.extend(principal_actors(people, organisations))
    if event is not None:
        facts.append(KeyFact("when", event[0], event[1]))
    facts.extend(deadlines(commitments, sentences))
    if place is not None:
        facts.append(KeyFact("where", place[0], place[1]))
    facts.extend(figures(sentences))
    return facts


def principal_actors(people: list[tuple[Person, int]], organisations: list[tuple[str, str]]) -> list[KeyFact]:
    """The people the article is most about (most mentioned, then first named), with their roles;
    the first organisation named when it names nobody."""
    ranked = sorted(enumerate(people), key=lambda item: (-item[1][1], item[0]))
    chosen = [p for _, (p, count) in ranked if p.role or count > 1][:PRINCIPAL_ACTORS]
    if not chosen and people:
        chosen = [people[0][0]]
    # In the article's order, so the reader meets them as the story does.
    chosen.sort(key=lambda p: next(i for i, (q, _) in enumerate(people) if q is p))
    facts = [KeyFact("who", f"{p.name}, {p.role}" if p.role else p.name, p.evidence or "",
                     p.affiliation if p.affiliation and p.affiliation not in (p.role or "") else None)
             for p in chosen]
    if not facts and organisations:
        facts.append(KeyFact("who", organisations[0][0], organisations[0][1]))
    return facts


def deadlines(commitments: list[Commitment], sentences: list[Sentence]) -> list[KeyFact]:
    """The deadlines of the commitments, then any other "by March 2027" the article sets."""
    facts = [KeyFact("deadline", c.deadline, c.evidence, c.action)
             for c in commitments if c.deadline]
    seen = {c.evidence for c in commitments if c.deadline}
    for s in sentences:
        if s.kind not in ("paragraph", "item", "standfirst") or s.text in seen:
            continue
        m = _DEADLINE.search(s.text)
        if m is not None:
            seen.add(s.text)
            facts.append(KeyFact("deadline", m.group(0), s.text, _clause_around(s.text, m.start(), m.end())))
    return facts


def figures(sentences: list[Sentence]) -> list[KeyFact]:
    """Money, percentages and counts, in the article's order, each once."""
    facts: list[KeyFact] = []
    seen: set[tuple[str, str]] = set()
    for s in sentences:
        if s.kind not in ("paragraph", "item", "standfirst"):
            continue
        previous: tuple[_Figure, str] | None = None
        for figure in find_figures(s.text):
            between = s.text[previous[0].end:figure.start] if previous else ""
            if previous and between.strip() == "(":
                continue  # "$1.13bn (£600m)": the same sum in another currency
            if previous and re.fullmatch(r"\s*(?:to|from|,)\s*", between):
                detail = previous[1]  # "rose 2% to $11.1bn from $10.9bn": the same measure
            else:
                detail = counted(s.text, figure)
            if detail is None or not any(ch.isalpha() for ch in detail):
                continue
            previous = (figure, detail)
            key = (figure.value.casefold(), detail.casefold())
            if key in seen:
                continue
            seen.add(key)
            facts.append(KeyFact("figure", figure.value, s.text, detail))
            if len(facts) >= MAX_FIGURES:
                return facts
    return facts


def find_figures(text: str) -> list[_Figure]:
    found: list[_Figure] = []
    if not _MAY_HOLD_FIGURE.search(text):
        return found

    def free(a: int, b: int) -> bool:
        return all(b <= f.start or a >= f.end for f in found)

    for pattern in (_MONEY, _PERCENT):
        for m in pattern.finditer(text):
            if free(m.start(), m.end()):
                found.append(_Figure(m.group(0).strip(), m.start(), m.end()))
    for m in _COUNT.finditer(text):
        if free(m.start(), m.end()) and _is_count(text, m):
            found.append(_Figure(m.group(0), m.start(), m.end()))
    return sorted(found, key=lambda f: f.start)


def _is_count(text: str, m: re.Match[str]) -> bool:
    digits = m.group(0).replace(",", "")
    if digits.isdigit() and len(digits) == 4 and 1800 <= int(digits) <= 2100:
        return False  # a year
    before = _WORD.findall(text[:m.start()])
    after = _WORD.findall(text[m.end():m.end() + 40])
    if before and (before[-1].lower() in _MONTH_WORDS or before[-1][:1].isupper() and not _sentence_start(text, m)):
        return False  # "6 January", "Article 5", "No 10"
    if not after or after[0].lower() in _MONTH_WORDS or after[0].lower() in _NOT_COUNTED:
        return False
    return after[0][:1].islower() and after[0].lower() not in _STOP


def _sentence_start(text: str, m: re.Match[str]) -> bool:
    return not text[:m.start()].strip()


def counted(text: str, figure: _Figure) -> str | None:
    """What a figure counts or measures, in a few words of the sentence; None when the sentence
    says nothing about it that can be shown."""
    after = _following_phrase(text[figure.end:])
    if after:
        return after
    before = text[:figure.start]
    measure = _MEASURE_OF.search(before)
    if measure:
        phrase = _preceding_phrase(before[:measure.start()])
        if phrase:
            return phrase
    return _clause_around(text, figure.start, figure.end)


def _following_phrase(rest: str) -> str | None:
    """"in extra defence spending" -> "extra defence spending"; "troops were sent" -> "troops"."""
    words = re.match(r"\s*((?:[\w'’-]+\s*){1,%d})" % (DETAIL_WORDS + 1), rest)
    if not words:
        return None
    clause = _CLAUSE_BREAK.split(rest, maxsplit=1)[0]
    tokens = _WORD.findall(clause)
    if not tokens:
        return None
    if tokens[0].lower() in _PREPOSITIONS:
        tokens = tokens[1:]
        if tokens and tokens[0].lower() in ("the", "a", "an"):
            tokens = tokens[1:]
    if tokens and (tokens[0].lower() in _TIME_WORDS or tokens[0].isdigit()):
        return None  # "3.2% in February": when, not what
    phrase: list[str] = []
    for token in tokens:
        low = token.lower()
        if low in _STOP or low in _AFTER_STOP or not any(ch.isalnum() for ch in token) or (phrase and _verb_like(low)):
            break
        phrase.append(token)
        if len(phrase) == DETAIL_WORDS:
            break
    if phrase and (phrase[0].lower() in _TIME_WORDS or phrase[-1].lower().rstrip("s") in _PERIODS):
        return None  # "in the coming year", "next year": when, not what
    return " ".join(phrase) or None


def _verb_like(word: str) -> bool:
    return word.endswith("ed") and len(word) > 4 or word in ("is", "are", "was", "were", "will", "would", "could",
                                                               "can", "may", "must", "should", "has", "have")


def _preceding_phrase(before: str) -> str | None:
    """The noun phrase a figure measures: "a defence budget of" -> "defence budget"."""
    clause = _CLAUSE_BREAK.split(before)[-1]
    tokens = [t for t in _WORD.findall(clause) if any(ch.isalnum() for ch in t)]
    phrase: list[str] = []
    for k in range(len(tokens) - 1, -1, -1):
        token = tokens[k]
        low = token.lower()
        if low in _STOP:
            # "profits at (the) TimeWarner jumped": a preposition inside the phrase, with its head before it.
            if low in ("the", "a", "an") and phrase and k > 1 and tokens[k - 1].lower() in _INNER_PREPOSITIONS:
                phrase.insert(0, token)
                continue
            if (low in _INNER_PREPOSITIONS and phrase and k > 0 and tokens[k - 1].lower() not in _STOP
                    and len(phrase) < DETAIL_WORDS):
                phrase.insert(0, token)
                continue
            break
        phrase.insert(0, token)
        if len(phrase) == DETAIL_WORDS + 2:
            break
    while phrase and phrase[0].lower() in _INNER_PREPOSITIONS | {"the", "a", "an"}:
        phrase.pop(0)
    return " ".join(phrase) or None


def _clause_around(text: str, start: int, end: int) -> str:
    """The words of the clause around a span, at most a dozen: what the sentence says of it."""
    breaks = [m.start() for m in _CLAUSE_BREAK.finditer(text) if m.group(0) not in ".?!\"“”"]
    left = max([i for i in breaks if i < start], default=-1)
    right = min([i for i in breaks if i >= end], default=len(text))
    words = text[left + 1:right].strip(" .").split()
    if words and words[0].lower() in ("that", "and", "but", "while", "as", "which"):
        words = words[1:]
    if len(words) > 12:
        # Keep the words nearest the span.
        at = len(text[left + 1:start].split())
        words = words[max(0, at - 6):at + 6]
    return " ".join(words)
