"""The hostile-input catalogue generator beside the project (../shared/inputs), sections A, B and D, as files.

The generator lives outside the repository; where it is absent (a clean clone elsewhere),
these tests skip, and test_decode / test_text_reader / test_markdown_reader still cover the
key cases with their own copies of the bytes.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from pipeline.errors import BriefError
from pipeline.readers import read_path

from .hostile_inputs import ARTICLE_BODY, ARTICLE_TITLE, CP1252_TEXT, LATIN1_TEXT, article_strings, xml_illegal

GENERATOR = Path(__file__).resolve().parents[3] / "shared/inputs/make_fixtures.py"


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory) -> dict[str, Path]:
    """Catalogue id (e.g. "A07") -> path of the generated fixture file."""
    if not GENERATOR.is_file():
        pytest.skip(f"catalogue generator not found at {GENERATOR} (outside this repository)")
    spec = importlib.util.spec_from_file_location("make_fixtures", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    folder = tmp_path_factory.mktemp("catalogue")
    paths = {}
    for name, data in module.fixtures().items():
        path = folder / name
        path.write_bytes(data)
        paths[name.split("-", 1)[0]] = path
    return paths


def refusal(path: Path, **kwargs) -> BriefError:
    with pytest.raises(BriefError) as caught:
        read_path(path, **kwargs)
    assert caught.value.subject == str(path)
    return caught.value


def read(path: Path, **kwargs):
    warnings: list[str] = []
    article = read_path(path, warnings=warnings, **kwargs)
    return article, warnings


@pytest.mark.parametrize("key", ["A01", "A02", "A03"])
def test_empty_inputs(catalogue, key):
    assert refusal(catalogue[key]).problem == "empty input"


@pytest.mark.parametrize("key, what", [("A04", "looks like a PNG image, not text"),
                                       ("A05", "looks like a PDF file, not text"),
                                       ("A06", "looks like a ZIP/Office file")])
def test_binary_inputs_are_refused(catalogue, key, what):
    assert refusal(catalogue[key]).problem.startswith(what)


def test_a07_utf16_with_bom(catalogue):
    article, _ = read(catalogue["A07"])
    assert article.title == ARTICLE_TITLE
    assert [b.text for b in article.blocks] == [ARTICLE_BODY]


def test_a08_utf16be_without_bom(catalogue):
    error = refusal(catalogue["A08"])
    assert "NUL bytes" in error.problem
    assert "--encoding utf-16-be" in error.hint
    article, _ = read(catalogue["A08"], encoding="utf-16-be")
    assert article.title == ARTICLE_TITLE
    assert [b.text for b in article.blocks] == [ARTICLE_BODY]


def test_a09_utf8_bom_not_in_title(catalogue):
    article, _ = read(catalogue["A09"])
    assert article.title == ARTICLE_TITLE
    assert "\ufeff" not in article.title


def test_a10_latin1(catalogue):
    error = refusal(catalogue["A10"])
    assert error.problem == "not valid UTF-8 at byte 5 (line 1): 0xe9"
    assert "--encoding latin-1" in error.hint
    article, _ = read(catalogue["A10"], encoding="latin-1")
    assert article.title == LATIN1_TEXT


def test_a11_cp1252(catalogue):
    assert "not valid UTF-8" in refusal(catalogue["A11"]).problem
    article, _ = read(catalogue["A11"], encoding="cp1252")
    assert article.title == CP1252_TEXT
    _, warnings = read(catalogue["A11"], encoding="latin-1")
    assert any("--encoding cp1252" in w for w in warnings)


def test_a12_names_line_2(catalogue):
    assert "(line 2)" in refusal(catalogue["A12"]).problem


def test_a13_truncated(catalogue):
    assert refusal(catalogue["A13"]).problem.startswith("truncated UTF-8 sequence at end of file")


def test_a14_no_carriage_returns(catalogue):
    article, _ = read(catalogue["A14"])
    assert not any("\r" in text for text in article_strings(article))
    assert article.title == "Line one"


@pytest.mark.parametrize("key, count", [("B01", 1), ("B02", 29), ("B03", 2)])
def test_illegal_characters_are_replaced_counted_and_gone(catalogue, key, count):
    article, warnings = read(catalogue[key])
    assert any(w.startswith(f"replaced {count} character") and w.endswith("with U+FFFD") for w in warnings)
    for text in article_strings(article):
        assert xml_illegal(text) == []


def test_b12_paragraph_count_is_deterministic(catalogue):
    # Documented rule: LS/NEL end a line, PS ends a paragraph, U+001C is replaced.
    results = [read(catalogue["B12"]) for _ in range(2)]
    assert results[0] == results[1]
    article, _ = results[0]
    assert (article.title, article.standfirst) == ("one", "two")
    assert [b.text for b in article.blocks] == ["three four\ufffdfive"]


def test_d07_markdown_parses(catalogue):
    article, warnings = read(catalogue["D07"])
    assert article.title == "Title with code and <b>html</b>"
    assert article.blocks[-1].text == "deep"


def test_every_text_fixture_reads_or_fails_cleanly(catalogue):
    """Sections A, B and D: every file gives an article without illegal characters, or a
    BriefError; nothing else escapes."""
    for key, path in sorted(catalogue.items()):
        if key[0] not in "ABD":
            continue
        try:
            article, _ = read(path)
        except BriefError as error:
            assert error.problem and error.hint, key
            continue
        for text in article_strings(article):
            assert xml_illegal(text) == [], key


@pytest.mark.parametrize("key", ["E01", "E02", "E03", "E04", "E05"])
def test_catalogue_web_inputs_match_our_copies_and_never_raise_anything_else(catalogue, key):
    """Section E as the generator writes it today: the same bytes as our copies, and each one
    either an article or a BriefError."""
    from pipeline.readers import is_web_source
    from pipeline.readers.web import load, read as read_web

    from .hostile_inputs import WEB_HOSTILE

    path = catalogue[key]
    assert path.read_bytes() == WEB_HOSTILE[path.name]
    try:
        if is_web_source(str(path)):
            for item in load(str(path)):
                read_web(item)
        else:
            read_path(path)
    except BriefError as error:
        assert "\n" not in str(error)
