"""The plain-text reader: the sample seed, and each layout rule on its own."""

from __future__ import annotations

import hashlib
import time

import pytest

from pipeline.errors import BriefError
from pipeline.readers import read_bytes, read_path
from tests.conftest import SAMPLE

from .hostile_inputs import HOSTILE


def read(text: str, warnings: list[str] | None = None):
    return read_bytes(text.encode("utf-8"), "article.txt", warnings=warnings)


def kinds_and_texts(article) -> list[tuple[str, str]]:
    return [(block.kind, block.text) for block in article.blocks]


# --------------------------------------------------------------------------- the sample seed


@pytest.fixture(scope="module")
def sample():
    warnings: list[str] = []
    article = read_path(SAMPLE, warnings=warnings)
    assert warnings == []
    return article


def test_sample_title_and_standfirst(sample):
    assert sample.title == "UK and France Sign Pact to Deploy Troops to Ukraine Post-Peace Deal"
    assert sample.standfirst == "UK-France Pact for Ukraine Troop Deployment"


def test_sample_subheadings_are_heading_blocks(sample):
    assert [b.text for b in sample.blocks if b.kind == "heading"] == [
        "A Framework for Future Security",
        "Scope of the Military Commitment",
        "International Context and Attendees",
    ]


def test_sample_bullets_are_items_without_the_bullet(sample):
    assert [b.text for b in sample.blocks if b.kind == "item"] == [
        "Ground troop deployment for security and deterrence.",
        "Protection for Ukraine's airspace and territorial waters.",
        "The establishment of \"military hubs\" within Ukraine to facilitate the rapid deployment "
        "of defensive equipment.",
    ]


def test_sample_lead_in_is_a_paragraph_followed_by_the_items(sample):
    kinds = kinds_and_texts(sample)
    lead_in = kinds.index(("paragraph", "The declaration specifies three key operational areas:"))
    assert [kind for kind, _ in kinds[lead_in + 1:lead_in + 4]] == ["item", "item", "item"]


def test_sample_block_sequence(sample):
    assert [b.kind for b in sample.blocks] == [
        "paragraph", "heading", "paragraph", "paragraph", "heading", "paragraph", "paragraph",
        "item", "item", "item", "paragraph", "heading", "paragraph", "paragraph", "paragraph",
    ]
    assert sample.blocks[0].text.startswith("In a landmark move to secure Ukraine's future,")
    assert sample.blocks[-1].text.endswith("tangible security guarantees for Kyiv.")


def test_sample_quotes_are_verbatim_substrings_of_the_body(sample):
    for quote in ('"very constructive."', '"multinational force for Ukraine"',
                  '"this work is more advanced than ever."'):
        assert quote in sample.body


def test_sample_source_is_the_path_and_the_hash_of_the_bytes(sample):
    assert sample.source.path == str(SAMPLE)
    assert sample.source.sha256 == hashlib.sha256(SAMPLE.read_bytes()).hexdigest()


# --------------------------------------------------------------------------- headline and standfirst


def test_first_non_blank_line_is_the_title_cleaned():
    article = read("\n\n  \u00a0\n  Breaking:\u00a0the   \u202eheadline\u202c\n\nBody text.")
    assert article.title == "Breaking: the headline"


def test_title_without_visible_characters_is_an_error():
    with pytest.raises(BriefError) as caught:
        read("\u00ad\u2060\n\nBody text.")
    assert "title" in caught.value.problem


def test_standfirst_in_the_next_paragraph():
    article = read("Title\n\nA short standfirst\n\nBody text here.")
    assert article.standfirst == "A short standfirst"
    assert kinds_and_texts(article) == [("paragraph", "Body text here.")]


@pytest.mark.parametrize("candidate", [
    "It ends with a full stop.", "Does it end with a question?", "It ends with a colon:",
    "It ends with a stop inside quotes.\u201d", "He said \u201cno!\u201d",
])
def test_a_finished_sentence_is_not_a_standfirst(candidate):
    article = read(f"Title\n\n{candidate}\n\nBody text here.")
    assert article.standfirst is None
    assert article.blocks[0].text == candidate


def test_a_closing_quote_without_a_stop_does_not_end_the_standfirst():
    article = read("Title\n\u201cWe will stand firm\u201d, says Starmer\n\nBody.")
    assert article.standfirst == "\u201cWe will stand firm\u201d, says Starmer"


def test_standfirst_is_at_most_200_characters():
    assert read("Title\n" + "s" * 200 + "\n\nBody.").standfirst == "s" * 200
    article = read("Title\n" + "s" * 201 + "\n\nBody.")
    assert article.standfirst is None
    assert article.blocks[0].text == "s" * 201


def test_a_wrapped_paragraph_after_the_title_is_not_a_standfirst():
    article = read("Title\n\nIn a landmark move the United Kingdom and\nFrance have agreed to send troops.")
    assert article.standfirst is None
    assert kinds_and_texts(article) == [
        ("paragraph", "In a landmark move the United Kingdom and France have agreed to send troops.")]


def test_only_the_line_right_after_the_title_can_be_the_standfirst():
    article = read("Title\n\nFirst paragraph.\n\nA short line\n\nMore.")
    assert article.standfirst is None


def test_a_very_long_first_line_is_shortened_for_the_title_and_kept_in_the_body():
    line = "word " * 100 + "end."
    warnings: list[str] = []
    article = read(line, warnings)
    assert article.title.endswith("\u2026") and len(article.title) <= 200
    assert line.startswith(article.title[:-1])
    assert kinds_and_texts(article) == [("paragraph", line.strip())]
    assert any("too long for a headline" in w for w in warnings)


def test_title_alone_warns_that_there_is_no_body():
    warnings: list[str] = []
    article = read("The index rose 0.4% in March. Rainfall was above average.\n", warnings)
    assert article.title == "The index rose 0.4% in March. Rainfall was above average."
    assert article.blocks == []
    assert warnings == ["no body text after the headline"]


# --------------------------------------------------------------------------- paragraphs and items


def test_paragraph_lines_are_joined_with_one_space():
    article = read("Title\n\nOne line,\n   another\tline,\n\t and a third.\n\nNext.")
    assert article.blocks[0].text == "One line, another line, and a third."
    assert article.blocks[1].text == "Next."


def test_lines_of_only_invisible_white_space_separate_paragraphs():
    article = read("Title\n\nFirst.\n\u00a0\u200b\u3000\nSecond.")
    assert kinds_and_texts(article) == [("paragraph", "First."), ("paragraph", "Second.")]


def test_bullets_of_every_kind_are_items_even_without_blank_lines():
    text = ("Title\n\nThe plan has parts:\n\u2022 bullet\n\u25e6 white bullet\n\u25aa square\n- hyphen\n"
            "* star\n\u2013 en dash\n1. numbered\n2) parenthesised\nAfter the list.")
    assert kinds_and_texts(read(text)) == [
        ("paragraph", "The plan has parts:"),
        ("item", "bullet"), ("item", "white bullet"), ("item", "square"), ("item", "hyphen"),
        ("item", "star"), ("item", "en dash"), ("item", "numbered"), ("item", "parenthesised"),
        ("paragraph", "After the list."),
    ]


def test_an_indented_line_continues_the_item():
    article = read("Title\n\n\u2022 A long item that\n  wraps onto a second line.\n\u2022 Short.")
    assert kinds_and_texts(article) == [("item", "A long item that wraps onto a second line."),
                                        ("item", "Short.")]


@pytest.mark.parametrize("line", ["-5 degrees was the low.", "*emphasis* is not a bullet.",
                                  "2024. It was a year.", "\u2014 an em dash opens this."])
def test_lines_that_only_look_like_bullets_are_paragraphs(line):
    assert kinds_and_texts(read(f"Title\n\n{line}")) == [("paragraph", line)]


def test_a_bare_bullet_makes_no_empty_item():
    assert kinds_and_texts(read("Title\n\n\u2022\n\u2022 real item")) == [("item", "real item")]


# --------------------------------------------------------------------------- subheadings


def test_a_short_capitalised_line_before_more_text_is_a_heading():
    article = read("Title\n\nIntro sentence.\n\nWhat Happens Next\n\nMore text.\n\n2026 Outlook\n\nEnd.")
    assert [b.text for b in article.blocks if b.kind == "heading"] == ["What Happens Next", "2026 Outlook"]


@pytest.mark.parametrize("line", [
    "lower case start", "Ends with a comma,", "Ends with a semicolon;", "Ends with a stop.",
    "Ends with a colon:", "Ends with \u201ca quote\u201d", "Two lines\nin one paragraph",
    "H" + "e" * 100,
])
def test_lines_that_are_not_headings(line):
    article = read(f"Title\n\nIntro sentence.\n\n{line}\n\nMore text.")
    assert article.blocks[1].kind == "paragraph"


def test_the_last_paragraph_is_never_a_heading():
    assert read("Title\n\nIntro sentence.\n\nThe End").blocks[-1].kind == "paragraph"


# --------------------------------------------------------------------------- verbatim text


def test_block_text_keeps_every_character_but_collapses_white_space():
    body = ("\u201cCurly\u201d and \"straight\" quotes \u2014 dashes \u2013 and "
            "\u00ab\u00a0guillemets\u00a0\u00bb, O\u2019Brien\u2019s caf\u00e9 e\u0301, \u200bzero-width.")
    article = read(f"Title\n\n{body}\n\n  spaced   out\t\ttext  ")
    assert article.blocks[0].text == body
    assert article.blocks[1].text == "spaced out text"


def test_b12_unicode_separators_paragraph_count_is_fixed():
    # LS and NEL end a line, PS ends a paragraph, U+001C is an illegal control (replaced):
    # "one" (title) / "two" (standfirst: same paragraph, short, unfinished) / "three four?five".
    warnings: list[str] = []
    article = read_bytes(HOSTILE["B12"], "b12.txt", warnings=warnings)
    assert article.title == "one"
    assert article.standfirst == "two"
    assert kinds_and_texts(article) == [("paragraph", "three four\ufffdfive")]
    assert warnings == ["replaced 1 character that documents cannot hold (control characters: U+001C) with U+FFFD"]


# --------------------------------------------------------------------------- linear time


def timed_read(text: str) -> float:
    # CPU time of this process: other work on a busy machine does not count against the reader.
    start = time.process_time()
    read(text)
    return time.process_time() - start


def test_b11_one_megabyte_line_is_read_quickly():
    warnings: list[str] = []
    start = time.perf_counter()
    article = read_bytes(HOSTILE["B11"], "b11.txt", warnings=warnings)
    assert time.perf_counter() - start < 5
    assert article.blocks[0].text == ("word " * 200000).strip()


@pytest.mark.parametrize("unit", ["word ", " ", "\u2022 ", "- x\n", "a\n", "a.\n\n", "\u00a0 "])
def test_reading_time_grows_linearly(unit):
    """Eight times the input takes about eight times as long, far from the 64 of a quadratic
    pass (the bound leaves room for timing noise)."""
    small = "Title\n\nBody " + unit * 12_500 + "x"
    large = "Title\n\nBody " + unit * 100_000 + "x"
    small_time = min(timed_read(small) for _ in range(3))
    large_time = min(timed_read(large) for _ in range(3))
    assert large_time < max(small_time, 0.005) * 24


def test_a_text_past_the_article_cap_is_refused_in_one_line_at_once(tmp_path):
    import time

    from pipeline.readers.decode import MAX_ARTICLE_CHARS
    from tests.conftest import run_brief

    path = tmp_path / "huge.txt"
    paragraph = "The minister said the talks would go on. " * 200
    path.write_text("Huge\n\n" + "\n\n".join([paragraph] * (MAX_ARTICLE_CHARS // len(paragraph) + 2)), encoding="utf-8")
    started = time.monotonic()
    result = run_brief("generate", str(path), "-f", "json", "-o", str(tmp_path / "out"))
    assert time.monotonic() - started < 30
    assert result.returncode == 1
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1 and f"an article of more than {MAX_ARTICLE_CHARS:,} is not briefed" in lines[0]
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
