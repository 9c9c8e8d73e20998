"""Extraction over indexes: the look-ups that replaced scans give what the scans gave (their
speed: benchmarks/extract_long_paragraph.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pipeline.extract import _sentence_before
from pipeline.extract.context import _Speech
from pipeline.extract.sentences import Sentence, article_sentences
from pipeline.readers import read_bytes

spans = st.lists(st.tuples(st.integers(0, 200), st.integers(1, 60)).map(lambda t: (t[0], t[0] + t[1])),
                 max_size=12)


@given(st.dictionaries(st.integers(-2, 3), spans, max_size=4), st.integers(-2, 3), st.integers(0, 220),
       st.integers(1, 40))
def test_speech_lookup_is_the_scan_it_replaced(speech, block, start, length):
    sentence = Sentence("x" * length, block, start, start + length, "paragraph")
    scanned = any(a < sentence.end and sentence.start < b for a, b in speech.get(block, []))
    assert _Speech(speech).holds(sentence) == scanned


def article(paragraphs: int) -> bytes:
    unit = ("The council met on day {i} in the town hall. Mr. Hale said: \"The plan will go ahead.\" "
            "Officials will publish the figures by March.")
    body = "\n\n".join(" ".join(unit.format(i=2 * i + j) for j in range(2)) for i in range(paragraphs))
    return ("A long article\n\n" + body + "\n").encode()


def test_the_sentence_before_is_the_neighbour_in_the_list():
    sentences = article_sentences(read_bytes(article(5), "a.txt"))
    for position, sentence in enumerate(sentences):
        expected = next((s for s in reversed(sentences) if s.index < sentence.index), None)
        assert _sentence_before(sentences, sentence) is expected
        assert expected is (sentences[position - 1] if position else None)
    stray = Sentence("not in the list", 0, 0, 15, "paragraph", index=3)
    assert _sentence_before(sentences, stray) is sentences[2]
