"""Extraction over indexes: the look-ups that replaced scans give what the scans gave (their
speed: benchmarks/extract_long_paragraph.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.extract import _sentence_before
from pipeline.extract.context import ContextRanking, _Speech
from pipeline.extract.sentences import Sentence, article_sentences
from pipeline.extract.words import content_words
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


def _ranking_articles() -> list[bytes]:
    sample = (Path(__file__).resolve().parents[2] / "seeds" / "uk-france-ukraine-pact.txt").read_bytes()
    one_long = b"Talks end\n\nMinisters agreed a plan for the border crossings on Monday night.\n\nShort one.\n\n- An item here\n"
    all_quoted = b'Quotes only\n\n"We will go ahead with the plan for the region," she said.\n'
    return [sample, article(4), one_long, all_quoted]


@given(st.sampled_from(range(4)), st.lists(st.tuples(st.integers(1, 3), st.integers(1, 6)), min_size=1, max_size=6))
def test_one_ranking_chooses_as_a_fresh_one_would(which, asks):
    """The context, the summary and the key sentence share one ranking, asked in any order for
    any number: each answer is what a ranking made for that question alone gives."""
    parsed = read_bytes(_ranking_articles()[which], "a.txt")
    sentences = article_sentences(parsed)
    speech = {0: [(0, len(parsed.blocks[0].text))]} if which == 3 else {}  # the all-quotation article
    shared = ContextRanking(sentences, speech, parsed.title)
    for minimum, maximum in asks:
        alone = ContextRanking(sentences, speech, parsed.title).choose(minimum, maximum)
        assert shared.choose(minimum, maximum) == alone
        everything = ContextRanking(sentences, speech, parsed.title).choose(minimum, len(sentences))
        assert set(alone) <= set(everything) and len(alone) == min(maximum, len(everything))


def test_a_sentence_keeps_its_words_without_a_dictionary():
    sentence = article_sentences(read_bytes(article(1), "a.txt"))[1]
    assert not hasattr(sentence, "__dict__")  # slots: tens of thousands per long article
    fresh = Sentence(sentence.text, sentence.block, sentence.start, sentence.end, sentence.kind, sentence.index)
    assert sentence.tokens is sentence.tokens and sentence.content_words is sentence.content_words
    assert sentence == fresh and hash(sentence) == hash(fresh)  # what is kept is not compared
    assert [t.text for t in sentence.tokens][:4] == ["The", "council", "met", "on"]
    assert sentence.content_words == ("council", "met", "day", "town", "hall")


def test_content_words_are_distinct_and_in_order():
    assert content_words("Hale said the Plan, the plan and Hale's plan would go ahead.") == (
        "hale", "plan", "hale's", "ahead")


def _role_article(sentences: int) -> bytes:
    unit = ("Health Minister Anna Berg met officials on day {i}. The minister said the plan would go ahead. "
            "Berg said the chief executive will publish the figures by March.")
    return ("A long article\n\n" + "\n\n".join(unit.format(i=i) for i in range(sentences // 3)) + "\n").encode()


def test_clustering_grows_with_the_article_not_its_square(monkeypatch):
    """Each role and surname mention was matched against every earlier mention: 10,000
    sentences of "the minister" took 24 s against 0.3 s for 1,000. Counted in steps, not
    timed: the work of four times the text must be about four times the work."""
    from pipeline.extract import people

    steps = {"n": 0}
    real_key = people._key

    def counting_key(word):
        steps["n"] += 1
        return real_key(word)

    monkeypatch.setattr(people, "_key", counting_key)
    work = {}
    for size in (300, 1200):
        sentences = article_sentences(read_bytes(_role_article(size), "a.txt"))
        texts = {i: block.text for i, block in enumerate(read_bytes(_role_article(size), "a.txt").blocks)}
        texts[-1], texts[-2] = "A long article", ""
        mentions = people.find_mentions(sentences, texts)
        steps["n"] = 0
        found = people.cluster(mentions)
        work[size] = steps["n"]
        berg = next(p for p in found if p.name == ("Anna", "Berg"))
        assert sum(m.role_only for m in berg.mentions) == size // 3  # every "the minister" is hers
        assert len(berg.mentions) == size  # her name, her surname and the minister, in each paragraph
    assert work[1200] < 5 * work[300], work


_SYLLABLES = "ka lo mi ra te su na vi do pe an el ri os ul ba".split()


def _made_up_name(number: int) -> str:
    """A different capitalised word for each number, from syllables no lexicon lists."""
    word = ""
    while True:
        word += _SYLLABLES[number % 16]
        number //= 16
        if not number:
            return word.capitalize() + "x"


def _clustered(text: str):
    from pipeline.extract import people

    article = read_bytes(("Many people\n\n" + text + "\n").encode(), "a.txt")
    sentences = article_sentences(article)
    texts = {i: block.text for i, block in enumerate(article.blocks)}
    texts[-1], texts[-2] = "Many people", ""
    return people.cluster(people.find_mentions(sentences, texts))


def _shared_surname(people: int) -> str:
    return "\n\n".join(f"{_made_up_name(i)} Smith met officials on day {i}. Smith said the plan would go ahead."
                        for i in range(people))


def _shared_role(people: int) -> str:
    return "\n\n".join(f"Health Minister {_made_up_name(i)} {_made_up_name(i + 7)}ov met officials on day {i}. "
                        "The minister said the plan would go ahead." for i in range(people))


@pytest.mark.parametrize("shape", [_shared_surname, _shared_role])
def test_people_sharing_a_surname_or_a_role_cluster_in_steps_that_grow_with_the_article(monkeypatch, shape):
    """Thousands of people, one after another, with one surname or one role: each "Smith" or
    "the minister" was compared with every one of them (4,000 took 17 s, four times the time of
    2,000). Counted in the questions asked of a person, not timed."""
    from pipeline.extract import people

    asked = {"n": 0}
    for name in ("last_before", "has_word", "roles"):
        real = getattr(people._Known, name)

        def counted(self, *args, _real=real):
            asked["n"] += 1
            return _real(self, *args)

        monkeypatch.setattr(people._Known, name, counted)
    work = {}
    for size in (200, 800):
        asked["n"] = 0
        found = _clustered(shape(size))
        work[size] = asked["n"]
        assert len(found) == size
        # The surname or the role after each name is that person's.
        assert all(len(person.mentions) == 2 for person in found)
    assert work[800] < 5 * work[200], work


_FIRST = ["Anna", "Tom", "Ravi", "Helen", "Kofi"]
_LAST = ["Berg", "Osei", "Smith"]
_ROLES = ["Health Minister", "Foreign Minister", "Shadow Health Minister", "Mayor"]
_NOUNS = ["minister", "health minister", "shadow health minister", "mayor"]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["full", "surname", "role", "noun", "filler"]), st.integers(0, 4),
                          st.integers(0, 2), st.integers(0, 3)), min_size=1, max_size=40),
       st.sampled_from([1, 2, 64]))
def test_the_people_mentioned_last_give_what_asking_everyone_gives(parts, recent):
    """Clustering asks "which of these people was mentioned last" of the people mentioned last
    (people._Recent), and remembers a role noun that named no one (people._Known.unheld); asking
    every candidate each time, as before, gives the same people and mentions, with names,
    surnames and roles shared and tied in one sentence."""
    from pipeline.extract import people

    sentences = []
    for kind, first, last, role in parts:
        if kind == "full":
            sentences.append(f"{_ROLES[role]} {_FIRST[first]} {_LAST[last]} met officials.")
        elif kind == "surname":
            sentences.append(f"{_LAST[last]} said the talks went well, and {_LAST[(last + 1) % 3]} agreed.")
        elif kind == "role":
            sentences.append(f"The {_NOUNS[role]} said the plan would go ahead.")
        elif kind == "noun":
            sentences.append(f"{_FIRST[first]} {_LAST[last]} and {_FIRST[(first + 1) % 5]} {_LAST[last]} spoke.")
        else:
            sentences.append("The council met again.")
    text = "\n\n".join(" ".join(sentences[i:i + 2]) for i in range(0, len(sentences), 2))

    def described(found):
        return [(p.name, p.role, [(m.sentence.index, m.start) for m in p.mentions]) for p in found]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(people, "RECENT_PEOPLE", recent)
        walked = described(_clustered(text))
        patch.setattr(people._Recent, "last_of", lambda self, qualifies: (False, None))
        patch.setattr(people._Known, "unheld", lambda self, wanted, index: False)
        assert walked == described(_clustered(text))


_ORG_WORDS = ["Bank", "World", "Group", "Council", "Union", "European", "Trust", "Ltd", "Urban"]


@given(st.lists(st.one_of(st.lists(st.sampled_from(_ORG_WORDS), min_size=2, max_size=4).map(" ".join),
                          st.sampled_from(["EU", "WB", "UN", "BAN"])), max_size=30))
def test_organisations_once_each_as_by_comparing_every_pair(names):
    """organisations.unique looks for a name only among the names that hold its rarest word; it
    keeps what comparing the name with every name kept keeps: a name that is a run of the words
    of one kept before is left out, and an acronym within one."""
    from pipeline.extract.organisations import FoundOrganisation, unique

    sentence = Sentence("x", 0, 0, 1, "paragraph")
    kept: list[str] = []
    for name in names:
        key = name.casefold()
        inside = (any(key in other for other in kept) if " " not in key else
                  any(f" {key} " in f" {other} " for other in kept))
        if key not in kept and not inside:
            kept.append(key)
    found = unique([FoundOrganisation(name, sentence, "organisation-head") for name in names])
    assert [org.name.casefold() for org in found] == kept


def test_organisations_once_each_in_steps_that_grow_with_the_article(monkeypatch):
    """Thousands of organisations sharing a word: each was compared with every one kept before."""
    from pipeline.extract import organisations

    compared = {"n": 0}
    real = organisations._run_within

    def counted(words, other):
        compared["n"] += 1
        return real(words, other)

    monkeypatch.setattr(organisations, "_run_within", counted)
    sentence = Sentence("x", 0, 0, 1, "paragraph")
    work = {}
    for size in (500, 2000):
        compared["n"] = 0
        found = organisations.unique([organisations.FoundOrganisation(f"{_made_up_name(i)} {head}", sentence, "organisation-head")
                                      for i in range(size) for head in ("Group", "Holdings Group", "Group")])
        work[size] = compared["n"]
        assert len(found) == 2 * size
    assert work[2000] < 5 * work[500], work


def test_extraction_makes_no_reference_cycles():
    """What lets extraction run with the collector paused (pipeline.extract.extract_with_trace):
    reference counting alone frees everything it made."""
    import gc

    from pipeline.extract import extract
    from tests.conftest import SEEDS
    from tests.hostile import fixtures

    articles = [read_bytes(path.read_bytes(), path.name) for path in sorted(SEEDS.glob("*.txt"))]
    articles.append(read_bytes(article(300), "long.txt"))
    for name, data in fixtures().items():
        try:
            articles.append(read_bytes(data, name))
        except Exception:  # noqa: BLE001 - the catalogue's unreadable inputs are not articles
            continue
    extract(articles[0])  # its word lists and patterns load on first use
    assert len(articles) > 20
    for found in articles:
        gc.collect()
        gc.disable()
        try:
            brief = extract(found)
            unreachable = gc.collect()
        finally:
            gc.enable()
        assert brief.title is not None
        assert unreachable == 0, found.title


def test_the_collector_is_as_it_was_after_extraction():
    import gc

    from pipeline.extract import extract

    found = read_bytes(article(3), "a.txt")
    assert gc.isenabled()
    extract(found)
    assert gc.isenabled()
    gc.disable()
    try:
        extract(found)
        assert not gc.isenabled()
    finally:
        gc.enable()
