"""The summary a reader can stop after: two or three sentences of the article, verbatim and in
its order (the lead and the most central ones, by the same measure as the context), and the one
sentence that says most, for a pack's "Top stories" and the key fact "what"."""

from __future__ import annotations

from pipeline.extract.context import choose_context
from pipeline.extract.sentences import Sentence

SUMMARY_SENTENCES = 3
# A third sentence only while the summary stays about this long: it must read in a few seconds
# and leave the brief's first page to the key facts.
SUMMARY_WORDS = 70


def choose_summary(sentences: list[Sentence], speech: dict[int, list[tuple[int, int]]], title: str
                   ) -> list[Sentence]:
    chosen = choose_context(sentences, speech, title, minimum=2, maximum=SUMMARY_SENTENCES)
    if len(chosen) > 2 and sum(len(sentence.text.split()) for sentence in chosen) > SUMMARY_WORDS:
        chosen = choose_context(sentences, speech, title, minimum=2, maximum=2)
    return chosen


def key_sentence(sentences: list[Sentence], speech: dict[int, list[tuple[int, int]]], title: str
                 ) -> Sentence | None:
    """The single most informative sentence: the best-scored of the summary's candidates."""
    best = choose_context(sentences, speech, title, minimum=1, maximum=1)
    return best[0] if best else None
