"""Context: two to four sentences that tell a reader who has not seen the article what
happened. Extractive: the sentences most central to the article (sharing the words most
sentences share), with a preference for the lead, in article order. A sentence holding quoted
speech is left to the quotes section; a quoted term of a few words does not count."""

from __future__ import annotations

import bisect
import heapq
import itertools
from collections import Counter

from pipeline.extract.sentences import Sentence
from pipeline.extract.words import content_words

MIN_WORDS = 6


class _Speech:
    """Whether a sentence overlaps quoted speech, in its block's spans: found by bisection, so
    that a long paragraph full of quotations is not checked span by span for each sentence."""

    def __init__(self, speech: dict[int, list[tuple[int, int]]]) -> None:
        self._starts: dict[int, list[int]] = {}
        self._ends_so_far: dict[int, list[int]] = {}  # the furthest end among spans starting so far
        for block, spans in speech.items():
            ordered = sorted(spans)
            self._starts[block] = [a for a, _ in ordered]
            self._ends_so_far[block] = list(itertools.accumulate((b for _, b in ordered), max))

    def holds(self, sentence: Sentence) -> bool:
        starts = self._starts.get(sentence.block)
        if not starts:
            return False
        before_end = bisect.bisect_left(starts, sentence.end)  # spans starting before it ends
        return before_end > 0 and self._ends_so_far[sentence.block][before_end - 1] > sentence.start


class ContextRanking:
    """The article's sentences ranked once, for the context, the summary and the key sentence
    alike (each had scored every sentence again: four passes over a long article)."""

    def __init__(self, sentences: list[Sentence], speech: dict[int, list[tuple[int, int]]], title: str) -> None:
        self._sentences = sentences
        self._quoted = _Speech(speech)
        self._title_words = frozenset(content_words(title))
        self._long_paragraphs = [s for s in sentences if s.kind == "paragraph" and len(s.text.split()) >= MIN_WORDS]
        # Per body (long paragraphs only, or not): the best candidates first, as many as asked so
        # far, and whether that is all of them.
        self._ranked: dict[bool, tuple[list[Sentence], bool]] = {}

    def choose(self, minimum: int = 2, maximum: int = 4) -> list[Sentence]:
        """The best `maximum` sentences, in article order; from every paragraph, item and
        standfirst when fewer than `minimum` paragraphs are long enough."""
        strict = len(self._long_paragraphs) >= minimum
        best, complete = self._ranked.get(strict, ([], False))
        if len(best) < maximum and not complete:
            best = self._rank(strict, maximum)
            self._ranked[strict] = (best, len(best) < maximum)
        if not best:
            # An article that is all quotation: its standfirst, if it has one, says what it is about.
            return [s for s in self._sentences if s.kind == "standfirst"][:maximum]
        return sorted(best[:maximum], key=lambda s: s.index)

    def _rank(self, strict: bool, maximum: int) -> list[Sentence]:
        body = (self._long_paragraphs if strict else
                [s for s in self._sentences if s.kind in ("paragraph", "item", "standfirst")])
        # A line that only introduces a quotation ("X, director of Y, said:") says nothing by itself.
        candidates = [s for s in body if not self._quoted.holds(s) and not s.text.rstrip().endswith(":")]
        if not candidates:
            return []
        spread = Counter(w for s in body for w in s.content_words)
        title_words = self._title_words
        first = body[0].index

        def score(s: Sentence) -> float:
            words = s.content_words
            if not words:
                return 0.0
            centrality = sum(spread[w] for w in words) / len(words) ** 0.5
            title_overlap = sum(w in title_words for w in words) / (len(title_words) or 1)
            position = 1.0 / (1 + s.index - first)
            return centrality + 2.0 * title_overlap + 2.0 * position + (1.5 if s.index == first else 0.0)

        return heapq.nsmallest(maximum, candidates, key=lambda s: (-score(s), s.index))
