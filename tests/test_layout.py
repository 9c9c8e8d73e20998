"""Template to Markdown to blocks: escaping, structure, and the shared template."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.compose.blocks import BlockQuote, Heading, Meta, Paragraph, Table, plain_text
from pipeline.compose.layout import escape_markdown, layout_brief, parse_markdown, render_markdown
from pipeline.model import Brief, Commitment, Person, Quote, Source
from pipeline.text import replace_illegal

from tests.conftest import CYRILLIC, HOSTILE

META = Meta(title="t")


def collapsed(text: str) -> str:
    """What a one-line value becomes: line breaks and runs of spaces are one space."""
    return re.sub("[ \t\r\n\x0b\x0c\x85\u2028\u2029]+", " ", text).strip(" ")


def paragraph_text(markdown: str) -> str:
    doc = parse_markdown(markdown, META)
    assert len(doc.blocks) == 1 and isinstance(doc.blocks[0], Paragraph), doc.blocks
    return plain_text(doc.blocks[0].spans)


@pytest.mark.parametrize("text", [
    HOSTILE, "# not a heading", "- not a list", "1. not a list", "2026) not a list", "> not a quote",
    "*not emphasis*", "_nor this_", "`not code`", "[not](a link)", "![not](an image)", "<https://x.org>",
    "&amp; &copy; &#65;", "a | b", "back\\slash", "~~not struck~~", "=== ", "--- ", "+ plus",
    "<script>alert(1)</script>", "trailing backslash \\", "    indented", CYRILLIC,
])
def test_escaped_text_reads_back_literally(text):
    assert paragraph_text(escape_markdown(text)) == collapsed(text)


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(codec=None), min_size=1).map(lambda t: replace_illegal(t)[0])
       .filter(lambda t: collapsed(t)))
def test_any_text_reads_back_literally(text):
    assert paragraph_text(escape_markdown(text)) == collapsed(text)


@pytest.mark.parametrize("title", ["Vote for #", "Rate hike ##", "Non\u00a0!", "\u00a0edges\u00a0"])
def test_headings_keep_every_character(title):
    doc = parse_markdown("# " + escape_markdown(title) + "\n", META)
    assert plain_text(doc.blocks[0].spans) == title


def test_table_cells_keep_pipes_and_markup_literal():
    md = "| A | B |\n|---|---|\n| " + escape_markdown("x | y *z*") + " | " + escape_markdown(HOSTILE) + " |\n"
    table = parse_markdown(md, META).blocks[0]
    assert isinstance(table, Table)
    assert [plain_text(c) for c in table.rows[0]] == ["x | y *z*", HOSTILE]


def brief(**changes) -> Brief:
    base = dict(
        title=HOSTILE, standfirst="A *standfirst*", event_date="2026-01-06", locations=["Paris"],
        context=["First sentence.", "Second sentence."],
        commitments=[Commitment("UK", "send [troops]", "e")],
        people=[Person("Keir Starmer", "Prime Minister", "United Kingdom", attended=True),
                Person(CYRILLIC, None, None)],
        quotes=[Quote("very constructive.", "Keir Starmer", "e"), Quote("# loud", None, "e")],
        source=Source(path="seeds/x.txt", sha256="0" * 64),
    )
    base.update(changes)
    return Brief(**base)


def test_template_gives_every_section_in_order():
    _, doc = layout_brief(brief())
    headings = [(b.level, plain_text(b.spans)) for b in doc.blocks if isinstance(b, Heading)]
    assert headings == [(1, HOSTILE), (2, "Summary"), (2, "Key facts"), (2, "Commitments"), (2, "People"),
                        (2, "Quotes")]
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    facts, commitments, people = tables
    assert ["When", "Tuesday 6 January 2026"] in [[plain_text(c) for c in row] for row in facts.rows]
    assert [[plain_text(c) for c in row] for row in people.rows] == [
        ["Keir Starmer", "Prime Minister", "United Kingdom", "Yes"], [CYRILLIC, "—", "—", "No"]]
    quotes = [b for b in doc.blocks if isinstance(b, BlockQuote)]
    assert [plain_text(q.blocks[0].spans) for q in quotes] == ["“very constructive.”", "“# loud”"]
    assert [plain_text(q.attribution) for q in quotes] == ["— Keir Starmer, Prime Minister", "— Speaker not named"]
    assert [plain_text(c) for c in commitments.header] == ["Who", "What"]  # no deadline anywhere: no column for one
    assert [[plain_text(c) for c in row] for row in commitments.rows] == [["UK", "send [troops]"]]
    assert plain_text(doc.blocks[-1].spans).startswith("Source: the file x.txt.")


def test_commitments_get_a_by_when_column_once_one_has_a_deadline():
    _, doc = layout_brief(brief(commitments=[Commitment("UK", "send troops", "e", deadline="by 2027"),
                                             Commitment("France", "train pilots", "e")]))
    commitments = [b for b in doc.blocks if isinstance(b, Table)][1]
    assert [plain_text(c) for c in commitments.header] == ["Who", "What", "By when"]
    assert [[plain_text(c) for c in row] for row in commitments.rows] == [
        ["UK", "send troops", "by 2027"], ["France", "train pilots", "—"]]


def test_empty_brief_says_in_one_line_what_was_not_found():
    _, doc = layout_brief(Brief(title="Only a title"))
    text = [plain_text(b.spans) for b in doc.blocks if isinstance(b, Paragraph)]
    assert "Not found in the article: commitments, people, direct quotations." in text
    headings = [plain_text(b.spans) for b in doc.blocks if isinstance(b, Heading)]
    assert headings == ["Only a title", "Summary", "Key facts"]  # no empty sections


def test_found_sections_are_not_listed_as_missing():
    _, doc = layout_brief(brief(people=[]))
    text = [plain_text(b.spans) for b in doc.blocks if isinstance(b, Paragraph)]
    assert "Not found in the article: people." in text


def test_meta_carries_title_and_keywords():
    _, doc = layout_brief(brief(title="Title\u202e with bidi"), language="en-GB")
    assert doc.meta.title == "Title with bidi"
    assert doc.meta.keywords[:2] == ["Keir Starmer", CYRILLIC]
    assert doc.meta.language == "en-GB"


def test_only_safe_links_become_links():
    md = "[a](https://example.org) [b](javascript:alert(1)) [c](file:///etc/passwd)"
    spans = parse_markdown(md, META).blocks[0].spans
    assert [s.href for s in spans if s.href] == ["https://example.org"]


def test_template_change_shows_in_the_document(tmp_path):
    (tmp_path / "brief.md.j2").write_text("# {{ brief.title }}\n\nCustom line for {{ brief.people | length }}.\n")
    markdown = render_markdown(brief(), folder=tmp_path)
    assert "Custom line for 2." in markdown


def test_undefined_template_value_is_an_error(tmp_path):
    from pipeline.errors import BriefError

    (tmp_path / "brief.md.j2").write_text("{{ brief.titel }}\n")
    with pytest.raises(BriefError, match="titel"):
        render_markdown(brief(), folder=tmp_path)


def test_template_sandbox_refuses_attribute_escapes(tmp_path):
    from pipeline.errors import BriefError

    (tmp_path / "brief.md.j2").write_text("{{ ''.__class__.__mro__ }}\n")
    with pytest.raises(BriefError, match="unsafe|__class__"):
        render_markdown(brief(), folder=tmp_path)


def _long_markdown(sections: int) -> str:
    out = ["# Pack\n"]
    for n in range(sections):
        out.append(f"## Story {n}: *talks* & [link](https://example.org/{n})\n\n"
                   f"Paragraph {n} with **bold**, `code` and {HOSTILE}.\n\n"
                   f"- one {n}\n- two\n  continued\n\n1. first\n2. second\n\n"
                   f"> \u201cWe will go ahead,\u201d she said.\n>\n> \u2014 Anna Berg, minister\n\n"
                   "| Who | What |\n| --- | --- |\n| Berg | pledged |\n\n"
                   "```\n# not a heading inside a fence\n\n# nor this\n```\n\n"
                   f"{CYRILLIC} ___\n\n---\n")
    return "\n".join(out)


def test_a_long_document_parses_alike_whole_in_pieces_and_in_processes():
    """A pack's Markdown is cut into pieces that parse to the blocks of the whole, and the
    pieces may be parsed by other processes: the document is the same."""
    from concurrent.futures import ProcessPoolExecutor

    from pipeline.compose.layout import _pieces, piece_blocks

    text = _long_markdown(400)
    assert len(_pieces(text)) >= 3
    whole = piece_blocks(text)
    in_pieces = parse_markdown(text, Meta(title="t"))
    with ProcessPoolExecutor(max_workers=2) as pool:
        in_processes = parse_markdown(text, Meta(title="t"), map_pieces=pool.map)
    assert in_pieces.blocks == whole and in_processes.blocks == whole
    assert sum(isinstance(b, Heading) and b.level == 2 for b in whole) == 400


def test_a_quote_speaker_s_role_is_the_first_person_of_that_name_s():
    markdown = render_markdown(brief(people=[Person("Ann Lee", None, None), Person("Ann Lee", "Mayor", None),
                                             Person("Bo Chan", "Minister", None)],
                                     quotes=[Quote("We will.", "Bo Chan", "e"), Quote("We might.", "Ann Lee", "e"),
                                             Quote("Who knows.", "Nobody Named", "e")]))
    assert "— Bo Chan, Minister" in markdown
    assert "— Ann Lee\n" in markdown  # the first Ann Lee has no role
    assert "— Nobody Named\n" in markdown


def test_a_brief_lays_out_in_steps_that_grow_with_it(monkeypatch):
    """Each quote looked its speaker up by going through every person: a brief of thousands of
    people and quotes took minutes. Counted in the sandbox's look-ups, not timed."""
    from pipeline.compose import layout

    looked_up = {"n": 0}
    for name in ("getattr", "getitem"):
        real = getattr(layout._Sandbox, name)

        def counted(self, *args, _real=real):
            looked_up["n"] += 1
            return _real(self, *args)

        monkeypatch.setattr(layout._Sandbox, name, counted)
    work = {}
    for size in (100, 400):
        people = [Person(f"Person {i}", f"Minister {i}", None) for i in range(size)]
        quotes = [Quote(f"Line {i}.", f"Person {i}", "e") for i in range(0, size, 2)]
        looked_up["n"] = 0
        markdown = render_markdown(brief(people=people, quotes=quotes))
        work[size] = looked_up["n"]
        assert f"— Person {size - 2}, Minister {size - 2}" in markdown
    assert work[400] < 5 * work[100], work
