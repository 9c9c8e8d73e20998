"""A reviewer's edits applied to briefs and packs: pure functions, with briefs written here."""

from __future__ import annotations

import pytest

from pipeline.model import Brief, Commitment, Organisation, Pack, PackEntry, Person, Quote, Source
from pipeline.review.edits import (REMOVED_BY_REVIEWER, Edit, EditError, apply_edits, apply_to_pack, check_values,
                                   quote_addition)

SAID = "Ann Lee said the port would reopen. \"We will reopen on Monday,\" she said."


def brief(sha: str = "a" * 64, title: str = "Port to reopen") -> Brief:
    return Brief(
        title=title,
        people=[Person("Ann Lee", role="harbour master", evidence=SAID), Person("Bob Roe", evidence="Bob Roe spoke.")],
        organisations=[Organisation("Port Authority", evidence="The Port Authority agreed.")],
        quotes=[Quote("We will reopen on Monday,", "Bob Roe", SAID), Quote("It is safe.", None, "\"It is safe.\"")],
        commitments=[Commitment("Port Authority", "reopen the port", "The Port Authority agreed to reopen the port."),
                     Commitment("Ann Lee", "hire staff", "Ann Lee will hire staff.")],
        source=Source(path="port.txt", sha256=sha),
    )


def test_set_delete_and_notes_apply_and_the_original_is_untouched():
    original = brief()
    edits = [Edit("a" * 64, "quotes", "set", SAID, "We will reopen on Monday,", {"speaker": "Ann Lee"}, id=1),
             Edit("a" * 64, "commitments", "delete", "Ann Lee will hire staff.", "hire staff", id=2),
             Edit("a" * 64, "people", "set", SAID, "Ann Lee", {"role": "port director", "affiliation": "Port"}, id=3),
             Edit("a" * 64, "notes", "set", values={"comment": "Check the date.", "lines_to_take": ["We welcome it."],
                                                    "reviewed": True}, by="Kim", id=4)]
    applied = apply_edits(original, edits)
    shown = applied.brief
    assert [q.speaker for q in shown.quotes] == ["Ann Lee", None]
    assert [c.action for c in shown.commitments] == ["reopen the port"]
    assert (shown.people[0].role, shown.people[0].affiliation) == ("port director", "Port")
    assert shown.review.comment == "Check the date." and shown.review.lines_to_take == ["We welcome it."]
    assert shown.review.reviewed_by == "Kim" and applied.stale == []
    assert original.quotes[0].speaker == "Bob Roe" and len(original.commitments) == 2 and original.review is None


def test_an_edited_item_is_found_again_by_the_key_it_was_extracted_with():
    first = Edit("a" * 64, "commitments", "set", "The Port Authority agreed to reopen the port.", "reopen the port",
                 {"action": "reopen the port by Monday"}, id=1)
    second = Edit("a" * 64, "commitments", "set", "The Port Authority agreed to reopen the port.", "reopen the port",
                  {"actor": "The Port Authority"}, id=2)
    applied = apply_edits(brief(), [first, second])
    assert (applied.brief.commitments[0].actor, applied.brief.commitments[0].action) == \
        ("The Port Authority", "reopen the port by Monday")
    assert applied.keys["commitments"][0] == ("The Port Authority agreed to reopen the port.", "reopen the port")


def test_an_edit_whose_item_is_gone_is_reported_not_dropped():
    gone = Edit("a" * 64, "quotes", "set", "A sentence the new extraction does not have.", "Gone.", {"speaker": "X"},
                id=1)
    applied = apply_edits(brief(), [gone])
    assert applied.stale == [gone]
    assert [q.speaker for q in applied.brief.quotes] == ["Bob Roe", None]


def test_an_added_quote_must_be_verbatim():
    article = "Port to reopen\n\n" + SAID
    added = quote_addition(article, ["Ann Lee said the port would reopen.", "\"We will reopen on Monday,\" she said."],
                           "the port would reopen", "Ann Lee")
    assert added.evidence == "Ann Lee said the port would reopen." and added.values["speaker"] == "Ann Lee"
    with pytest.raises(EditError, match="not a verbatim part of the article"):
        quote_addition(article, [], "the port will reopen", "Ann Lee")
    with pytest.raises(EditError, match="must not be empty"):
        quote_addition(article, [], "   ", None)
    shown = apply_edits(brief(), [Edit("a" * 64, "quotes", "add", added.evidence, added.identity, added.values)])
    assert shown.brief.quotes[-1] == Quote("the port would reopen", "Ann Lee", "Ann Lee said the port would reopen.")


def test_values_are_checked_against_the_schema():
    assert check_values("quotes", {"speaker": "  Ann   Lee "}) == {"speaker": "Ann Lee"}
    assert check_values("quotes", {"speaker": ""}) == {"speaker": None}
    with pytest.raises(EditError) as caught:
        check_values("quotes", {"text": "changed"}, 2)
    assert caught.value.where == "quotes[2].text"
    with pytest.raises(EditError, match="must not be empty"):
        check_values("commitments", {"action": " "}, 0)
    with pytest.raises(EditError, match="expected a string"):
        check_values("people", {"role": 5}, 1)


def test_pack_order_drop_and_summary():
    pack = Pack("Daily", "2026-03-04", entries=[PackEntry(brief("a" * 64, "First")), PackEntry(brief("b" * 64, "Second")),
                                                PackEntry(brief("c" * 64, "Third"))])
    edits = [Edit("", "pack", "order", values={"order": ["c" * 64, "a" * 64, "b" * 64]}, id=1),
             Edit("", "pack", "drop", values={"article": "a" * 64}, id=2),
             Edit("", "pack", "summary", values={"summary": "A quiet morning."}, id=3),
             Edit("b" * 64, "quotes", "delete", SAID, "We will reopen on Monday,", id=4)]
    shown, stale = apply_to_pack(pack, edits, "Reviewed by Kim at 07:30 on 04 March 2026")
    assert [e.brief.title for e in shown.entries] == ["Third", "Second"]
    assert [(f.source, f.reason) for f in shown.failures] == [("port.txt", REMOVED_BY_REVIEWER)]
    assert shown.summary == "A quiet morning." and shown.review_note.startswith("Reviewed by Kim")
    assert len(shown.entries[1].brief.quotes) == 1 and len(shown.entries[0].brief.quotes) == 2 and stale == []
    restored, _ = apply_to_pack(pack, edits + [Edit("", "pack", "restore", values={"article": "a" * 64}, id=5)])
    assert [e.brief.title for e in restored.entries] == ["Third", "First", "Second"] and restored.failures == []


def test_a_pack_without_edits_serialises_as_before():
    pack = Pack("Daily", "2026-03-04", entries=[PackEntry(brief())])
    shown, _ = apply_to_pack(pack, [])
    assert shown.to_json() == pack.to_json()
    assert "review" not in shown.to_dict()["entries"][0]["brief"] and "summary" not in shown.to_dict()
