"""The brief model: JSON round trips, validation of hand-edited JSON, and the schema."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.model import (Brief, Commitment, ModelError, Organisation, Person, Quote, ReviewNotes, Source,
                            json_schema)

SHA = "a" * 64


def full_brief() -> Brief:
    return Brief(
        title="Title", standfirst="Standfirst", event_date="2026-01-06", locations=["Paris"],
        context=["One.", "Two."],
        commitments=[Commitment("UK", "send troops", "The UK agreed to send troops.")],
        people=[Person("Keir Starmer", "Prime Minister", "United Kingdom", ["Sir Keir"], True, "Sentence.")],
        organisations=[Organisation("Coalition of the Willing", "Sentence.")],
        quotes=[Quote("very constructive.", "Keir Starmer", "He said \"very constructive.\"")],
        source=Source(path="seeds/a.txt", sha256=SHA),
    )


def test_round_trip_through_json_is_lossless():
    brief = full_brief()
    again = Brief.from_json(brief.to_json())
    assert again == brief
    assert again.to_json() == brief.to_json()


def test_top_level_keys_are_the_documented_ones():
    data = json.loads(full_brief().to_json())
    assert list(data) == ["title", "standfirst", "event_date", "locations", "summary", "key_facts", "context",
                          "commitments", "people", "organisations", "quotes", "source"]
    assert set(data["people"][0]) >= {"name", "role", "affiliation", "aliases", "attended"}
    assert set(data["quotes"][0]) == {"text", "speaker", "evidence", "confidence"}
    assert set(data["commitments"][0]) == {"actor", "action", "evidence", "deadline", "confidence"}


@pytest.mark.parametrize("edit, where, words", [
    (lambda d: d.pop("title"), "title", "required"),
    (lambda d: d.update(event_date="6 January"), "event_date", "YYYY-MM-DD"),
    (lambda d: d.update(event_date="2026-02-30"), "event_date", "YYYY-MM-DD"),
    (lambda d: d.update(event_date="20260106"), "event_date", "YYYY-MM-DD"),
    (lambda d: d.update(event_date="2026-W02-2"), "event_date", "YYYY-MM-DD"),
    (lambda d: d.update(title="   "), "title", "must not be empty"),
    (lambda d: d["people"][0].update(name="\u00a0"), "people[0].name", "must not be empty"),
    (lambda d: d["people"][0].update(name=5), "people[0].name", "expected a string"),
    (lambda d: d["people"][0].update(attended="yes"), "people[0].attended", "true or false"),
    (lambda d: d["quotes"][0].update(speeker="x"), "quotes[0].speeker", "unknown field"),
    (lambda d: d.update(locations="Paris"), "locations", "expected a list"),
    (lambda d: d["source"].update(sha256="nothex"), "source.sha256", "does not match"),
    (lambda d: d.update(people={}), "people", "expected a list"),
])
def test_hand_edited_json_errors_name_the_field(edit, where, words):
    data = json.loads(full_brief().to_json())
    edit(data)
    with pytest.raises(ModelError) as caught:
        Brief.from_dict(data)
    assert caught.value.where == where
    assert words in caught.value.problem


def test_invalid_json_names_line_and_column():
    with pytest.raises(ModelError) as caught:
        Brief.from_json('{\n  "title": "x",\n  oops\n}')
    assert caught.value.where == "line 3 column 3"


def test_schema_describes_every_field_and_forbids_others():
    schema = json_schema()
    assert schema["$schema"].endswith("2020-12/schema")
    assert schema["required"] == ["title"]
    assert schema["additionalProperties"] is False
    reviewed = full_brief()
    reviewed.review = ReviewNotes("Check the date.", ["We welcome it."], "Kim")
    assert set(schema["properties"]) == set(json.loads(reviewed.to_json()))
    assert "review" not in json.loads(full_brief().to_json())  # a brief nobody reviewed reads as before
    assert Brief.from_json(reviewed.to_json()) == reviewed
    person = schema["$defs"]["Person"]
    assert person["properties"]["attended"] == {"type": "boolean", "description": person["properties"]["attended"]["description"]}
    assert schema["properties"]["event_date"]["format"] == "date"


def test_schema_validates_a_real_brief_with_jsonschema():
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(json.loads(full_brief().to_json()), json_schema())
    bad = json.loads(full_brief().to_json())
    bad["people"][0]["extra"] = 1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, json_schema())


@given(title=st.text().filter(str.strip), speaker=st.one_of(st.none(), st.text()), names=st.lists(st.text(), max_size=3))
def test_any_text_round_trips(title, speaker, names):
    brief = Brief(title=title, locations=names, quotes=[Quote("q", speaker, "e")],
                  people=[Person(n, aliases=names) for n in names if n.strip()])
    assert Brief.from_json(brief.to_json()) == brief


def test_confidence_and_deadline_round_trip_and_old_json_still_loads():
    brief = full_brief()
    brief.quotes[0].confidence = 0.83
    brief.commitments[0].confidence = 0.4
    brief.commitments[0].deadline = "by 2027"
    brief.people[0].confidence = 1
    again = Brief.from_json(brief.to_json())
    assert again.quotes[0].confidence == 0.83 and again.commitments[0].deadline == "by 2027"
    assert isinstance(again.people[0].confidence, float)
    old = json.loads(full_brief().to_json())
    for key in ("quotes", "commitments", "people"):
        for item in old[key]:
            item.pop("confidence", None)
            item.pop("deadline", None)
    loaded = Brief.from_dict(old)
    assert loaded.quotes[0].confidence is None and loaded.commitments[0].deadline is None


@pytest.mark.parametrize("value", [1.5, -0.1, "high", True])
def test_confidence_must_be_a_number_from_0_to_1(value):
    data = json.loads(full_brief().to_json())
    data["quotes"][0]["confidence"] = value
    with pytest.raises(ModelError, match=r"quotes\[0\]\.confidence"):
        Brief.from_dict(data)


def test_schema_gives_confidence_as_a_number_from_0_to_1():
    quote = json_schema()["$defs"]["Quote"]["properties"]["confidence"]
    assert quote["type"] == ["number", "null"] and quote["minimum"] == 0 and quote["maximum"] == 1
    assert "deadline" in json_schema()["$defs"]["Commitment"]["properties"]
