from __future__ import annotations

import pytest

from pipeline.stories import QueryError, assign, group, matches, parse
from pipeline.stories.query import And, Not, Or, Term

from tests.stories.articles import flood, near_copy, rates, rewrite, wire


def test_precedence_and_implicit_and():
    assert parse("a b OR c") == Or((And((Term("a"), Term("b"))), Term("c")))
    assert parse("a AND NOT b") == And((Term("a"), Not(Term("b"))))
    assert parse("a (b OR c)") == And((Term("a"), Or((Term("b"), Term("c")))))
    assert parse('people:"Keir Starmer"') == Term("keir starmer", "people", phrase=True)
    assert parse("org:(nato OR un)") == Or((Term("nato", "org"), Term("un", "org")))
    assert parse("-flood") == Not(Term("flood"))


@pytest.mark.parametrize("query, column, words", [
    ("", 1, "empty"),
    ("ukraine AND", 9, "AND needs"),
    ("(ukraine OR france", 1, "never closed"),
    ("ukraine)", 8, "no '('"),
    ('"peace force', 1, "never closed"),
    ("nato AND person:Starmer", 10, "unknown field"),
    ("nato OR OR france", 9, "OR needs something before"),
    ("people: Starmer", 8, "needs a word"),
    ("a ()", 4, "empty brackets"),
    ('""', 1, "empty phrase"),
    ("people:(org:nato)", 9, "not allowed"),
])
def test_errors_carry_the_column(query, column, words):
    with pytest.raises(QueryError) as caught:
        parse(query)
    assert caught.value.position == column, caught.value.message
    assert words in caught.value.message
    assert f"column {column}" in str(caught.value)


def test_matching_is_case_insensitive_on_word_boundaries():
    w = wire()
    assert matches("UKRAINE", w)
    assert matches('"peacekeeping force"', w)
    assert matches('"joint   plan"', w)
    assert not matches("ukrain", w)            # no partial words
    assert matches("ukrain*", w)
    assert not matches("macro", w)
    assert matches("nato AND NOT flood", w)
    assert not matches("nato flood", w)


def test_fields():
    w = wire()
    assert matches('people:"keir starmer"', w)
    assert matches('people:"sir keir"', w)      # aliases count
    assert not matches("people:paris", w)
    assert matches("place:paris", w)
    assert matches('org:"ministry of defence"', w)
    assert not matches("org:paris", w)
    assert matches('source:"wire service"', w)
    assert matches("source:wireservice.example", w)
    assert matches("title:peacekeeping", w)
    assert not matches("title:elysee", w)
    assert matches("elysee", w)


def test_assign_first_matching_section():
    stories = group([wire(), near_copy(), rewrite(), flood(), rates()])
    sections = {"Defence": 'ukraine OR org:nato', "Europe": "place:paris", "Economy": '"interest rates"'}
    result = assign(stories, sections)
    assert list(result) == ["Defence", "Europe", "Economy", "other"]
    assert [s.lead.source_name for s in result["Defence"]] == ["Wire Service"]
    assert result["Europe"] == []
    assert [s.lead.source_name for s in result["Economy"]] == ["City Journal"]
    assert [s.lead.source_name for s in result["other"]] == ["Northern Echo"]
    dropped = assign(stories, sections, unmatched="drop")
    assert "other" not in dropped and sum(map(len, dropped.values())) == 2


def test_story_matches_when_any_article_does():
    (summit,) = [s for s in group([wire(), rewrite()]) if len(s.items) > 1]
    assert matches("westminster", summit)     # only in the rewrite


def test_a_bare_brief_matches_on_its_fields():
    brief = wire().brief
    assert matches('people:"Emmanuel Macron" AND place:brussels', brief)
    assert not matches("reassurance", brief)      # only in the article text
