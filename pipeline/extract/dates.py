"""The event date: absolute dates in the usual forms; a weekday ("on Tuesday") only when the
article gives a publication date to count from, never guessed."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from pipeline.extract.lexicon import EVENT_CUES, MONTHS, WEEKDAYS
from pipeline.extract.sentences import Sentence

_MONTH = r"(?P<month>" + "|".join(sorted((re.escape(m.title()) for m in MONTHS), key=len, reverse=True)) + r")"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_WEEKDAY = r"(?:(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+)?"

_PATTERNS = [
    ("iso", re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b")),
    ("day-month-year", re.compile(r"\b" + _WEEKDAY + _DAY + r"\s+" + _MONTH + r",?\s+" + _YEAR + r"\b")),
    ("month-day-year", re.compile(r"\b" + _WEEKDAY + _MONTH + r"\s+" + _DAY + r",\s+" + _YEAR + r"\b")),
    ("day-month", re.compile(r"\b" + _WEEKDAY + _DAY + r"\s+" + _MONTH + r"\b(?!,?\s+(?:19|20)\d\d)")),
    ("month-day", re.compile(r"\b" + _WEEKDAY + _MONTH + r"\s+" + _DAY + r"\b(?!,?\s+(?:19|20)\d\d)(?!\d)")),
]
_RELATIVE = re.compile(r"\b(?P<lead>on|last|this|next|since|from|until|by)\s+(?P<weekday>Monday|Tuesday|"
                       r"Wednesday|Thursday|Friday|Saturday|Sunday)\b")
_FUTURE = re.compile(r"\b(?:will|would|shall|is to|are to|is due|are due|plans? to|expected to|next)\b")
# A weekday right after a verb in the past ("announced on Tuesday", "met on Monday") is in the
# past, whatever else the sentence says will happen.
_PAST_BEFORE = re.compile(r"\b(?:\w+ed|said|met|told|spoke|held|made|gave|took|went|came|saw|wrote|left|began|won|"
                          r"lost|sent|struck|agreed|unveiled|signed)\s*,?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class FoundDate:
    date: dt.date
    sentence: Sentence
    rule: str
    start: int


def _month_number(text: str) -> int:
    return int(text) if text.isdigit() else MONTHS[text.lower()]


def _make(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def find_dates(sentences: list[Sentence], published: dt.date | None) -> list[FoundDate]:
    found: list[FoundDate] = []
    years = _years_mentioned(sentences)
    for sentence in sentences:
        if sentence.kind == "title" or not _may_hold_date(sentence.text):
            continue
        taken: list[tuple[int, int]] = []
        for rule, pattern in _PATTERNS:
            for m in pattern.finditer(sentence.text):
                if any(a < m.end() and m.start() < b for a, b in taken):
                    continue
                date = _absolute(m, published, years)
                if date is None:
                    continue
                taken.append((m.start(), m.end()))
                # A year taken from elsewhere in the article is a guess, not the article's word.
                guessed = not m.groupdict().get("year") and published is None
                found.append(FoundDate(date, sentence, rule + (", year guessed" if guessed else ""), m.start()))
        if published is not None:
            for m in _RELATIVE.finditer(sentence.text):
                if any(a <= m.start("weekday") < b for a, b in taken):
                    continue
                date = _relative(m, sentence.text, published)
                found.append(FoundDate(date, sentence, "weekday-from-publication", m.start("weekday")))
    found.sort(key=lambda f: (f.sentence.index, f.start))
    return found


_DATE_HINT = re.compile(r"\d|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday")


def _may_hold_date(text: str) -> bool:
    """Every date form has a digit or a weekday: most sentences need no closer look."""
    return _DATE_HINT.search(text) is not None


def _absolute(m: re.Match[str], published: dt.date | None, years: list[int]) -> dt.date | None:
    groups = m.groupdict()
    month = _month_number(groups["month"])
    day = int(groups["day"])
    if groups.get("year"):
        date = _make(int(groups["year"]), month, day)
    elif published is not None:
        date = _nearest_year(published, month, day)
    elif len(set(years)) == 1:
        date = _make(years[0], month, day)
    else:
        return None
    if date is None:
        return None
    weekday = groups.get("weekday")
    if weekday and WEEKDAYS[weekday.lower()] != date.weekday():
        return None  # "Tuesday 7 January 2026" contradicts itself: trust neither part
    return date


def _nearest_year(published: dt.date, month: int, day: int) -> dt.date | None:
    options = [d for d in (_make(published.year + k, month, day) for k in (-1, 0, 1)) if d]
    return min(options, key=lambda d: abs((d - published).days)) if options else None


def _relative(m: re.Match[str], text: str, published: dt.date) -> dt.date:
    target = WEEKDAYS[m.group("weekday").lower()]
    lead = m.group("lead").lower()
    past_verb = _PAST_BEFORE.search(text[max(0, m.start() - 40):m.start()]) is not None
    future = lead == "next" or (lead in ("on", "this", "by", "until") and not past_verb
                                and _FUTURE.search(text) is not None)
    if future:
        delta = (target - published.weekday()) % 7 or 7
        return published + dt.timedelta(days=delta)
    delta = (published.weekday() - target) % 7
    if lead == "last" and delta == 0:
        delta = 7
    return published - dt.timedelta(days=delta)


def _years_mentioned(sentences: list[Sentence]) -> list[int]:
    years: list[int] = []
    for s in sentences:
        years.extend(int(y) for y in re.findall(r"\b((?:19|20)\d\d)\b", s.text))
    return years


_PERIOD = re.compile(r"\b(?:ending|ended|ends|end|since|until|till|by|from|before|after|to|through|between|"
                     r"deadline|due|expires?|expiring)\s+(?:the\s+)?$", re.I)
_GLOSS = re.compile(r"\b(?:today|yesterday|tonight|this\s+(?:morning|afternoon|evening)|on\s+(?:Monday|Tuesday|"
                    r"Wednesday|Thursday|Friday|Saturday|Sunday))\s*\(\s*$", re.I)
_ON = re.compile(r"\bon\s+(?:the\s+)?$", re.I)


def event_date(found: list[FoundDate]) -> FoundDate | None:
    """The date of the event the article reports: the first date that happened "on" that day,
    or that stands in a sentence about a meeting, signing or similar. Dates that bound a
    period ("the year ending 31 December") or a deadline are not events; with no event date
    the answer is none, not a guess."""
    for f in found:
        if f.rule.endswith("year guessed"):
            continue  # "the record set on 10 November": which year the article does not say
        before = f.sentence.text[max(0, f.start - 30):f.start]
        if _PERIOD.search(before):
            continue
        if _GLOSS.search(before):
            return f  # "out today (28 December 2016)", "on Wednesday (24 May 2017)": the day itself
        words = {w.lower() for w in re.findall(r"[\w-]+", f.sentence.text)}
        if _ON.search(before) or words & EVENT_CUES:
            return f
    return None


def dateline_date(text: str, sentence: Sentence) -> FoundDate | None:
    """"Dec 12, 2025" of a dateline: the event's date when the dateline gives its year (without
    a year it is only a day, not a date)."""
    m = re.match(_MONTH_ABBREVIATED + r"\s+" + _DAY + r",\s+" + _YEAR + r"$", text)
    if m is None:
        return None
    date = _make(int(m.group("year")), _month_number(m.group("month")), int(m.group("day")))
    return FoundDate(date, sentence, "dateline", 0) if date else None


_MONTH_ABBREVIATED = r"(?P<month>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*)\.?"
