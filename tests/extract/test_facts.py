"""Key facts and the summary on articles written for these tests: the facts hold the event, the
principal actors with their roles, the date, the place and the figures with what they count,
each with its sentence verbatim; no metadata."""

from __future__ import annotations

import pytest

from pipeline.extract import extract
from pipeline.extract.facts import find_figures
from pipeline.readers import read_bytes

BUDGET = """Chancellor pledges £2.5bn for flood defences

The Chancellor, Rachel Reeves, announced £2.5bn in extra flood defence spending in Leeds on Wednesday 12 March 2025, as inflation rose to 3.2% in February.

Ms Reeves told MPs that 4,000 homes would be protected by the end of 2027. The Environment Agency, which employs 10,500 staff, said that about 12 per cent of households in England are at risk of flooding.

"We will not leave communities to face the floods alone," Ms Reeves said. Critics called the package "too little".

The shadow chancellor, Mel Stride, said the money was "a drop in the ocean compared with what is needed over the next decade".
"""

SUMMIT = """Leaders agree $40 million fund for coral reefs

Pacific leaders agreed on Friday 7 November 2025 in Sydney to create a $40 million fund to restore coral reefs, after scientists warned that 60% of the region's reefs were under threat.

The fund, backed by 14 countries, will open for applications by June 2026, Fiji's Prime Minister Sitiveni Rabuka told reporters.

"Our reefs are our food, our coastline and our future," Mr Rabuka said.
"""


def brief_of(text: str, name: str):
    return extract(read_bytes(text.encode(), name))


def facts(brief, kind):
    return [f for f in brief.key_facts if f.kind == kind]


@pytest.fixture(scope="module")
def budget():
    return brief_of(BUDGET, "budget.txt")


@pytest.fixture(scope="module")
def summit():
    return brief_of(SUMMIT, "summit.txt")


def test_the_event_is_one_line_from_the_lead(budget):
    (what,) = facts(budget, "what")
    assert what.value.startswith("The Chancellor, Rachel Reeves, announced £2.5bn")
    assert "\n" not in what.value


def test_principal_actors_carry_their_roles(budget, summit):
    assert [f.value for f in facts(budget, "who")][:1] == ["Rachel Reeves, Chancellor"]
    assert "Sitiveni Rabuka, Prime Minister" in [f.value for f in facts(summit, "who")]


def test_date_and_place(budget, summit):
    assert [f.value for f in facts(budget, "when")] == ["2025-03-12"]
    assert [f.value for f in facts(budget, "where")] == ["Leeds"]
    assert [f.value for f in facts(summit, "when")] == ["2025-11-07"]
    assert [f.value for f in facts(summit, "where")] == ["Sydney"]


def test_money_percentages_and_counts_with_what_they_count(budget, summit):
    found = {f.value: f.detail for f in facts(budget, "figure")}
    assert found["£2.5bn"] == "extra flood defence spending"
    assert found["3.2%"] == "inflation"
    assert found["4,000"] == "homes"
    assert found["12 per cent"] == "households"
    assert found["10,500"] == "staff"
    found = {f.value: f.detail for f in facts(summit, "figure")}
    assert found["$40 million"] == "fund"
    assert found["60%"] == "region's reefs"
    assert found["14"] == "countries"


def test_deadlines_are_found(budget, summit):
    assert "by the end of 2027" in [f.value for f in facts(budget, "deadline")]
    assert "by June 2026" in [f.value for f in facts(summit, "deadline")]


def test_every_fact_has_its_sentence_verbatim_and_no_metadata(budget):
    article = read_bytes(BUDGET.encode(), "budget.txt")
    for fact in budget.key_facts:
        assert fact.evidence and fact.evidence in article.body
        assert "budget.txt" not in fact.value and "quote" not in fact.value.lower()


def test_dates_times_and_years_are_not_counts():
    values = [f.value for f in find_figures(
        "On 6 January 2026 at 10:30 the 2025 report, Article 5 and a 10-year plan came 3 years late.")]
    assert values == []


def test_summary_is_two_or_three_sentences_of_the_article_in_order(budget):
    article = read_bytes(BUDGET.encode(), "budget.txt")
    assert 2 <= len(budget.summary) <= 3
    positions = [article.body.index(s) for s in budget.summary]
    assert positions == sorted(positions)
    assert budget.summary[0].startswith("The Chancellor, Rachel Reeves")


def test_short_unattributed_terms_are_not_quotes_but_speech_is(budget):
    texts = [q.text for q in budget.quotes]
    assert "too little" not in texts
    assert any(t.startswith("We will not leave") for t in texts)
    assert any(t.startswith("a drop in the ocean") for t in texts)


def test_extraction_is_deterministic():
    assert brief_of(SUMMIT, "summit.txt").to_json() == brief_of(SUMMIT, "summit.txt").to_json()


def test_the_schema_describes_the_new_fields_and_the_json_round_trips(summit):
    from pipeline.model import Brief, json_schema

    schema = json_schema()
    assert schema["properties"]["key_facts"]["items"] == {"$ref": "#/$defs/KeyFact"}
    assert schema["$defs"]["KeyFact"]["properties"]["kind"]["enum"] == ["what", "who", "when", "deadline",
                                                                        "where", "figure"]
    assert schema["properties"]["summary"]["type"] == "array"
    assert Brief.from_json(summit.to_json()) == summit


def test_a_figure_that_restates_or_continues_another_shares_what_it_measures():
    b = brief_of("Results\n\nAnnual sales at the retailer Corvo rose 4% to $2.2bn (£1.7bn) in the coming year "
                 "forecast, the company said.\n", "results.txt")
    found = [(f.value, f.detail) for f in facts(b, "figure")]
    assert found == [("4%", "Annual sales at the retailer Corvo"), ("$2.2bn", "Annual sales at the retailer Corvo")]
