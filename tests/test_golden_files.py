"""The golden-file checks themselves: a difference is found and named by its place, and
--update-golden rewrites instead of comparing."""

from __future__ import annotations

import json

import pytest

from tests.golden_files import Golden, differences, docx_structure


def test_differences_name_each_place_by_key_path():
    golden = {"title": "A", "people": [{"name": "Keir Starmer", "role": "PM"}], "date": "2026-01-06"}
    now = {"title": "A", "people": [{"name": "Keir Starmer", "role": "Prime Minister"}, {"name": "X"}],
           "place": "Paris"}
    assert differences(golden, now) == [
        '$.date: missing (golden "2026-01-06")',
        '$.people[0].role: golden "PM", now "Prime Minister"',
        '$.people[1]: not in the golden file ({"name": "X"})',
        '$.place: not in the golden file ("Paris")',
    ]
    assert differences(golden, json.loads(json.dumps(golden))) == []
    assert differences({"n": 1}, {"n": 1.0}) == ["$.n: golden 1, now 1.0"]


def test_a_changed_brief_fails_with_the_differing_keys(tmp_path):
    (tmp_path / "b.json").write_text('{"title": "Old", "quotes": []}\n', encoding="utf-8")
    with pytest.raises(pytest.fail.Exception) as failed:
        Golden(tmp_path, update=False).check_json("b.json", '{"title": "New", "quotes": []}')
    assert '$.title: golden "Old", now "New"' in str(failed.value)
    Golden(tmp_path, update=False).check_json("b.json", '{"quotes": [], "title": "Old"}')  # key order is not a change


def test_update_rewrites_instead_of_comparing(tmp_path):
    (tmp_path / "b.json").write_text('{"title": "Old"}\n', encoding="utf-8")
    Golden(tmp_path, update=True).check_json("b.json", '{"title": "New"}')
    assert (tmp_path / "b.json").read_text(encoding="utf-8") == '{"title": "New"}\n'
    Golden(tmp_path, update=False).check_json("b.json", '{"title": "New"}')


def test_docx_structure_reads_styles_texts_and_cells(tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("Key facts", level=1)
    document.add_paragraph("Plain text")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Date", "6 January"
    document.save(tmp_path / "d.docx")
    assert docx_structure((tmp_path / "d.docx").read_bytes()) == [
        ["p", "Heading1", "Key facts"], ["p", "", "Plain text"], ["table", [["Date", "6 January"]]], ]
