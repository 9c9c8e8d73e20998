"""The sample article, field by field: what the foundation issue promises, and golden files
(the brief JSON, its Markdown and its DOCX) compared structurally.

When extraction or the brief's layout changes on purpose, rewrite the golden files and review
the difference before committing:

    pytest tests/extract/test_sample.py --update-golden
"""

from __future__ import annotations

import pytest

from pipeline.extract import extract, extract_with_trace
from pipeline.compose.layout import layout_brief, render_markdown
from pipeline.readers import read_bytes
from tests.conftest import SAMPLE


@pytest.fixture(scope="module")
def article():
    # Read under the name the golden files were made with, whatever the working folder.
    return read_bytes(SAMPLE.read_bytes(), "seeds/uk-france-ukraine-pact.txt")


@pytest.fixture(scope="module")
def brief(article):
    return extract(article)


def person(brief, name):
    matches = [p for p in brief.people if p.name == name]
    assert len(matches) == 1, [p.name for p in brief.people]
    return matches[0]


def test_date_and_place(brief):
    assert brief.event_date == "2026-01-06"
    assert brief.locations[0] == "Paris"


@pytest.mark.parametrize("name, role, affiliation", [
    ("Keir Starmer", "Prime Minister", "United Kingdom"),
    ("Emmanuel Macron", "President", "France"),
    ("Volodymyr Zelenskyy", "President", "Ukraine"),
    ("Jared Kushner", "son-in-law of the US President", "United States"),
    ("Steve Witkoff", "US Special Envoy to the Middle East", "United States"),
])
def test_people_with_roles(brief, name, role, affiliation):
    p = person(brief, name)
    assert (p.role, p.affiliation) == (role, affiliation)
    assert p.attended


def test_everyone_is_listed_once(brief):
    assert sorted(p.name for p in brief.people) == sorted(
        ["Keir Starmer", "Emmanuel Macron", "Volodymyr Zelenskyy", "Jared Kushner", "Steve Witkoff"])


def test_sir_keir_is_sir_keir_starmer(brief):
    assert {"Sir Keir", "Sir Keir Starmer"} <= set(person(brief, "Keir Starmer").aliases)


def test_three_quotes_of_sir_keir(brief, article):
    his = [q for q in brief.quotes if q.speaker == "Keir Starmer"]
    assert [q.text for q in his] == [
        "very constructive.",
        "to help to deliver a peace that can last and to work with the US to guarantee Ukrainian security "
        "for the long term.",
        "this work is more advanced than ever.",
    ]
    assert his[1].evidence.startswith("He emphasised")
    assert his[2].evidence.startswith("The Prime Minister confirmed")


def test_quotes_and_evidence_are_verbatim(brief, article):
    for q in brief.quotes:
        assert q.text in q.evidence
        assert q.evidence in article.body


def test_commitments_include_the_three_operational_areas(brief):
    evidence = [c.evidence for c in brief.commitments]
    for item in ("Ground troop deployment for security and deterrence.",
                 "Protection for Ukraine's airspace and territorial waters.",
                 "The establishment of \"military hubs\" within Ukraine to facilitate the rapid deployment of "
                 "defensive equipment."):
        assert item in evidence
    first = brief.commitments[0]
    assert first.actor == "United Kingdom and France"
    assert first.action.startswith("agreed to send military personnel")
    assert {c.actor for c in brief.commitments if c.evidence in evidence[-3:]} == {"United Kingdom and France"}


def test_organisation(brief):
    assert [o.name for o in brief.organisations] == ["Coalition of the Willing"]


def test_context_is_two_to_four_sentences_without_quoted_speech(brief):
    assert 2 <= len(brief.context) <= 4
    speech = [q.text for q in brief.quotes if q.speaker or len(q.text.split()) > 3]
    assert speech and not any(q in sentence for sentence in brief.context for q in speech)
    assert brief.context[0].startswith("In a landmark move")


def test_every_item_has_a_rule(article):
    trace = extract_with_trace(article).trace
    fields = {t.field for t in trace}
    assert fields >= {"people", "quotes", "commitments", "event_date", "locations", "context", "organisations"}
    assert all(t.rule and t.evidence for t in trace)


def test_brief_matches_golden_json(brief, golden):
    golden.check_json("uk-france-ukraine-pact.json", brief.to_json())


def test_markdown_matches_golden_structurally(brief, golden):
    """Compared as parsed blocks, so a change of blank lines or table padding is not a failure."""
    markdown, document = layout_brief(brief)
    golden.check_markdown("uk-france-ukraine-pact.md", markdown, document.blocks)
    assert render_markdown(brief).startswith("# UK and France Sign Pact")


def test_docx_matches_golden_structurally(brief, golden):
    """The document's paragraphs (style, text) and table cells, not its bytes."""
    from pipeline.compose.theme import load_theme
    from pipeline.render.build import render_brief

    data = render_brief(brief, ["docx"], load_theme()).outputs["docx"]
    golden.check_docx("uk-france-ukraine-pact.docx.json", data)


def test_key_facts_hold_the_event_actors_date_and_place_and_no_metadata(brief, article):
    by_kind = {}
    for fact in brief.key_facts:
        by_kind.setdefault(fact.kind, []).append(fact.value)
        assert fact.evidence in article.body
    assert by_kind["what"][0].startswith("In a landmark move")
    assert {"Keir Starmer, Prime Minister", "Emmanuel Macron, President"} <= set(by_kind["who"])
    assert by_kind["when"] == ["2026-01-06"] and by_kind["where"] == ["Paris"]
    values = " ".join(f.value + " " + (f.detail or "") for f in brief.key_facts)
    assert ".txt" not in values and "quotes" not in values


def test_quotes_hold_no_unattributed_short_term(brief):
    assert not [q.text for q in brief.quotes if q.speaker is None and len(q.text.split()) <= 3]
    assert "military hubs" not in [q.text for q in brief.quotes]


def test_summary_is_the_lead_and_at_most_three_sentences(brief, article):
    assert 2 <= len(brief.summary) <= 3 and brief.summary[0].startswith("In a landmark move")
    assert all(s in article.body for s in brief.summary)


def test_markdown_opens_with_the_summary_and_ends_with_the_source(brief):
    markdown = render_markdown(brief)
    headings = [line for line in markdown.splitlines() if line.startswith("## ")]
    assert headings[:2] == ["## Summary", "## Key facts"]
    assert markdown.rstrip().splitlines()[-1].startswith("Source: the file uk-france-ukraine-pact.txt.")
    assert "— Keir Starmer, Prime Minister" in markdown
