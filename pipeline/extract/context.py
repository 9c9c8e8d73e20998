"""Context: two to four sentences that tell a reader who has not seen the article what
happened. Extractive: the lead plus the sentences most central to the article, in article
order, none of them repeating a quotation shown in the quotes section."""

from __future__ import annotations

import math
import re
from collections import Counter

from pipeline.extract.sentences import Sentence

_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_STOP = frozenset(
    "a an the and or but if of to in on at by for with from as is are was were be been being has have had "
    "do does did will would shall should can could may might must that this these those it its it's he she "
    "they them their his her we our you your i me my not no so than then there here which who whom whose "
    "what when where why how all any each more most other some such only own same too very just also into "
    "over after before about against between during through under again further once said says say told "
    "mr mrs ms dr sir".split())


def _content_words(text: str) -> list[str]:
    return [w.lower().strip("'’") for w in _WORD.findall(text) if w.lower() not in _STOP and len(w) > 2]


def choose_context(sentences: list[Sentence], quoted_sentences: set[int], title: str,
                   minimum: int = 2, maximum: int = 4) -> list[Sentence]:
    body = [s for s in sentences if s.kind == "paragraph" and len(s.text.split()) >= 6]
    if not body:
        body = [s for s in sentences if s.kind in ("paragraph", "item", "standfirst")]
    candidates = [s for s in body if s.index not in quoted_sentences] or body
    if not candidates:
        return []
    freq = Counter(w for s in body for w in set(_content_words(s.text)))
    title_words = set(_content_words(title))
    first_index = body[0].index
    scores = {s.index: _score(s, freq, title_words, first_index) for s in candidates}
    count = max(minimum, min(maximum, 2 + len(body) // 12))
    chosen = sorted(candidates, key=lambda s: (-scores[s.index], s.index))[:count]
    return sorted(chosen, key=lambda s: s.index)


def _score(sentence: Sentence, freq: Counter, title_words: set[str], first_index: int) -> float:
    words = _content_words(sentence.text)
    if not words:
        return 0.0
    centrality = sum(math.log1p(freq[w]) for w in set(words)) / math.sqrt(len(words))
    title_overlap = len(set(words) & title_words) / (len(title_words) or 1)
    position = 1.0 / (1 + sentence.index - first_index)
    lead = 1.5 if sentence.index == first_index else 0.0
    return centrality + 2.0 * title_overlap + 2.0 * position + lead
