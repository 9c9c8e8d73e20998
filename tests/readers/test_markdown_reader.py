"""The Markdown reader: structure mapping, inline text, raw HTML as text, deep nesting."""

from __future__ import annotations

import pytest

from pipeline.errors import BriefError
from pipeline.readers import read_bytes
from pipeline.readers.markdown import MAX_NESTING

from .hostile_inputs import HOSTILE, article_strings, xml_illegal

ARTICLE_MD = """# The *Big* Title

_A standfirst with a [link](http://example.org) and `code`_

## Section one

Para one &amp; more
continues here.

- item **one**
- item two

  second paragraph of item two
  - nested item

1. first
2. second

> quoted text

```python
x = 1
```

| a | b |
|---|---|
| c | d |

![alt *text*](img.png)

[ref]: http://example.org

---

Last para.
"""


def read(text: str, warnings: list[str] | None = None):
    return read_bytes(text.encode("utf-8"), "article.md", warnings=warnings)


def kinds_and_texts(article) -> list[tuple[str, str]]:
    return [(block.kind, block.text) for block in article.blocks]


def test_markdown_structure_maps_to_blocks():
    warnings: list[str] = []
    article = read(ARTICLE_MD, warnings)
    assert article.title == "The Big Title"
    assert article.standfirst == "A standfirst with a link and code"
    assert kinds_and_texts(article) == [
        ("heading", "Section one"),
        ("paragraph", "Para one & more continues here."),
        ("item", "item one"),
        ("item", "item two"),
        ("paragraph", "second paragraph of item two"),
        ("item", "nested item"),
        ("item", "first"),
        ("item", "second"),
        ("paragraph", "quoted text"),
        ("paragraph", "x = 1"),
        ("paragraph", "a | b"),
        ("paragraph", "c | d"),
        ("paragraph", "alt text"),
        ("paragraph", "Last para."),
    ]
    assert warnings == []


def test_without_a_heading_the_first_line_is_the_title():
    article = read("Just a headline\nA standfirst line\n\nBody paragraph.")
    assert article.title == "Just a headline"
    assert article.standfirst == "A standfirst line"
    assert kinds_and_texts(article) == [("paragraph", "Body paragraph.")]


def test_a_finished_sentence_after_the_title_is_body():
    article = read("# Title\n\nThis is the first sentence.\n")
    assert article.standfirst is None
    assert kinds_and_texts(article) == [("paragraph", "This is the first sentence.")]


def test_a_block_quote_is_never_the_standfirst():
    article = read("# Title\n\n> A short quote\n\nBody.")
    assert article.standfirst is None
    assert article.blocks[0].text == "A short quote"


def test_raw_html_is_text():
    article = read("# Title <b>bold</b>\n\nIntro.\n\n<script>alert(1)</script>\n\nText with <i>tags</i> & AT&T.")
    assert article.title == "Title <b>bold</b>"
    assert kinds_and_texts(article) == [("paragraph", "Intro."),
                                        ("paragraph", "<script>alert(1)</script>"),
                                        ("paragraph", "Text with <i>tags</i> & AT&T.")]


def test_unsafe_links_keep_their_text_and_quotes_stay_verbatim():
    article = read("# T\n\n[click](javascript:alert(1)) said \u201cno\u201d \u2014 \"yes\".")
    assert article.blocks[0].text == "[click](javascript:alert(1)) said \u201cno\u201d \u2014 \"yes\"."


def test_character_references_cannot_smuggle_illegal_characters():
    warnings: list[str] = []
    article = read("# T\n\nNUL &#0; FF &#12; DEL &#127; C1 &#x9b; nonchar &#xFFFF;.", warnings)
    for text in article_strings(article):
        assert xml_illegal(text) == []
    assert "\x7f" not in article.body and "\x9b" not in article.body


def test_only_markup_is_an_error():
    with pytest.raises(BriefError) as caught:
        read("***\n\n---\n")
    assert "no text" in caught.value.problem


def test_d07_deep_quotes_and_many_stars_parse_and_lose_nothing():
    warnings: list[str] = []
    article = read_bytes(HOSTILE["D07"], "d07.md", warnings=warnings)
    assert article.title == "Title with code and <b>html</b>"
    texts = [block.text for block in article.blocks]
    assert "<script>alert(1)</script>" in texts
    assert '<font color="red">in code block</font>' in texts
    assert texts[-1] == "deep"  # beyond the parser's nesting limit, recovered as text
    assert any(f"more than {MAX_NESTING} levels deep" in w for w in warnings)


@pytest.mark.parametrize("source", [
    "> " * 5000 + "deep quote",
    "- " * 2000 + "deep item",
    "1. " * 2000 + "deep number",
    "".join("  " * i + "- level\n" for i in range(300)) + "deepest",
    "[" * 20000 + "link" + "]" * 20000,
    "*a " * 20000,
    "_" * 20000 + "\n\n" + "`" * 20000,
    "![" * 5000 + "alt" + "](x)" * 5000,
])
def test_pathological_nesting_never_raises_recursion_errors(source):
    article = read("# Title\n\n" + source + "\n\nAfter.")
    assert article.title == "Title"
    assert article.blocks[-1].text == "After."


def test_deeply_nested_text_is_recovered_with_a_warning():
    warnings: list[str] = []
    article = read("# Title\n\n" + "> " * 100 + "very deep words\n\nAfter.", warnings)
    assert [b.text for b in article.blocks] == ["very deep words", "After."]
    assert len(warnings) == 1
