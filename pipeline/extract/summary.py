"""The summary a reader can stop after: two or three sentences of the article, verbatim and in
its order (the lead and the most central ones, by the same measure as the context), and the one
sentence that says most, for a pack's "Top stories" and the key fact "what"."""

from __future__ import annotations

from pipeline.extract.context import ContextRanking
from pipeline.extract.sentences import Sentence

SUMMARY_SENTENCES = 3
# A third sentence only while the summary stays about this long: it must read in a few seconds
# and leave the brief's first page to the key facts.
SUMMARY_WORDS = 70


def choose_summary(ranking: ContextRanking) -> list[Sentence]:
    chosen = ranking.choose(minimum=2, maximum=SUMMARY_SENTENCES)
    if len(chosen) > 2 and sum(len(sentence.text.split()) for sentence in chosen) > SUMMARY_WORDS:
        chosen = ranking.choose(minimum=2, maximum=2)
    return chosen


def key_sentence(ranking: ContextRanking) -> Sentence | None:
    """The single most informative sentence: the best-scored of the summary's candidates."""
    best = ranking.choose(minimum=1, maximum=1)
    return best[0] if best else None
