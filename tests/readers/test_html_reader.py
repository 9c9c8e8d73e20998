"""HTML pages read through `read_bytes(data, "NAME.html")`: the article of a saved news page,
and the policy of pipeline/readers/html.py on what never becomes article text (scripts, styles,
hidden elements, DOCTYPE internal subsets, unexpanded entities), on encodings, on size and
nesting limits, on schema.org JSON-LD, and on feed summaries (`fmt="feed-summary"`).

The hostile inputs E01, E04 and E05 are copied byte for byte from the catalogue
(tests/hostile.py, section E; test_catalogue.py checks the copies are the same bytes).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from pipeline.errors import BriefError
from pipeline.model import Article
from pipeline.readers import read_bytes
from pipeline.readers.html import html_to_text, json_ld_metadata

from .hostile_inputs import CP1252_TEXT, E01, E04, E05, png_bytes

FIXTURES = Path(__file__).resolve().parent / "web_fixtures"
SAVED_PAGES = ["ministry-housing", "summit-water", "port-strike"]
# Planted in the saved pages' <script> and <style> elements.
NEVER_IN_TEXT = ("TRACKING_PIXEL_SCRIPT", "STYLE_RULE_MARKER")

# --------------------------------------------------------------------------- catalogue inputs (section E)

E01_HEADLINE = "Headline"
E01_UNEXPANDED = "&lol3;"
E01_PARAGRAPH = "Real text & more."
E01_NEVER = ("injected", "noscript text", "hidden text", "also hidden", "alert", "root:", "]>")
E01_EVIL_HOST = "evil.example"

E04_DECODED = "after & < \u00a9"

E05_TEXT = "deep"

# --------------------------------------------------------------------------- helpers

HEADLINE = "Council agrees budget after late-night session"
FIRST = "The council met on Tuesday to discuss the budget for the coming year in detail."
LAST = "The mayor said the plan would be published in full next month after a consultation."


def read(data: bytes, name: str = "page.html", **kwargs) -> tuple[Article, list[str]]:
    """The article and the warnings of reading `data` as the file `name`."""
    warnings: list[str] = []
    article = read_bytes(data, name, warnings=warnings, **kwargs)
    return article, warnings


def refusal(data: bytes, name: str = "page.html", **kwargs) -> BriefError:
    with pytest.raises(BriefError) as caught:
        read_bytes(data, name, warnings=[], **kwargs)
    assert caught.value.subject == name
    return caught.value


def all_text(article: Article) -> str:
    """Everything a brief could show of the article: title, standfirst and body."""
    return "\n".join(part for part in (article.title, article.standfirst, article.body) if part)


def page(*paragraphs: str, head: str = "", headline: str = HEADLINE) -> str:
    """A minimal news page: the headline and the paragraphs (HTML) in an <article>."""
    body = "".join(paragraphs)
    return (f"<!DOCTYPE html><html><head>{head}<title>{headline} | Example News</title></head>"
            f"<body><article><h1>{headline}</h1>{body}</article></body></html>")


def para(text: str, attributes: str = "") -> str:
    return f"<p {attributes}>{text}</p>" if attributes else f"<p>{text}</p>"


def expected(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- saved news pages


@pytest.fixture(scope="module", params=SAVED_PAGES)
def saved(request) -> tuple[str, Article, dict]:
    """(file name, article, expected values) for each saved page, read once per module."""
    name = f"{request.param}.html"
    article, _ = read((FIXTURES / name).read_bytes(), name)
    return name, article, expected(request.param)


def test_saved_page_title(saved):
    _, article, want = saved
    assert article.title == want["title"]


def test_saved_page_source_metadata(saved):
    _, article, want = saved
    found = {key: getattr(article.source, key) for key in ("published", "author", "publisher")}
    assert found == {key: want[key] for key in found}


def test_saved_page_body_has_every_article_sentence(saved):
    _, article, want = saved
    missing = [sentence for sentence in want["body_includes"] if sentence not in article.body]
    assert missing == []


@pytest.mark.parametrize("part", ["title", "standfirst", "body"])
def test_saved_page_leaves_out_furniture(saved, part):
    _, article, want = saved
    text = getattr(article, part) or ""
    leaked = [s for s in (*want["body_excludes"], *NEVER_IN_TEXT) if s in text]
    assert leaked == []


def test_saved_page_is_read_deterministically(saved):
    name, article, _ = saved
    data = (FIXTURES / name).read_bytes()
    first, first_warnings = read(data, name)
    second, second_warnings = read(data, name)
    assert first == second == article
    assert first_warnings == second_warnings


# --------------------------------------------------------------------------- hostile pages


def test_e01_headline_is_not_expanded():
    article, _ = read(E01, "e01.html")
    # The entity reference is left as it is, or removed: never expanded to "lol" repeated.
    assert article.title.replace(E01_UNEXPANDED, "").strip() == E01_HEADLINE
    assert "lollol" not in all_text(article)


def test_e01_keeps_the_real_paragraph():
    article, _ = read(E01, "e01.html")
    assert E01_PARAGRAPH in article.body


@pytest.mark.parametrize("never", E01_NEVER)
def test_e01_drops_scripts_hidden_text_and_the_doctype(never):
    article, _ = read(E01, "e01.html")
    assert never not in all_text(article)


def test_e01_publisher_is_not_taken_from_base_or_links():
    article, _ = read(E01, "e01.html")
    assert E01_EVIL_HOST not in (article.source.publisher or "")
    assert E01_EVIL_HOST not in (article.source.url or "")


def test_e04_malformed_page_is_read_with_entities_decoded():
    article, _ = read(E04, "e04.html")
    assert E04_DECODED in all_text(article)


def test_e05_deep_nesting_keeps_the_text_or_refuses_clearly():
    start = time.perf_counter()
    try:
        article, _ = read(E05, "e05.html")  # a RecursionError would fail the test here
    except BriefError as error:
        assert error.subject == "e05.html"
        assert error.problem.strip()
    else:
        assert E05_TEXT in all_text(article)
    assert time.perf_counter() - start < 10


def test_page_over_20_mb_is_refused_by_size():
    data = b"<html><body><p>" + b"x" * 20_000_001 + b"</p></body></html>"
    start = time.perf_counter()
    error = refusal(data, "huge.html")
    assert "limit" in error.problem
    assert time.perf_counter() - start < 5  # refused before parsing


def test_paragraph_over_10_mb_is_never_silently_truncated():
    words = 12_000_000 // len(b"word ")
    data = b"<html><body><h1>T</h1><p>" + b"word " * words + b"TAILMARKER</p>"
    try:
        article, _ = read(data, "one-paragraph.html")
    except BriefError as error:
        assert error.problem.strip()
    else:
        assert "TAILMARKER" in article.body


# --------------------------------------------------------------------------- hidden text

HIDDEN_ATTRIBUTES = ["hidden", 'aria-hidden="true"', 'style="display:none"', 'style="visibility: hidden"']


@pytest.mark.parametrize("attributes", HIDDEN_ATTRIBUTES)
def test_hidden_paragraph_is_dropped_and_siblings_kept(attributes):
    secret = "HIDDEN_MARKER paragraph that is long enough to be taken for article text by a reader."
    article, _ = read(page(para(FIRST), para(secret, attributes), para(LAST)).encode())
    assert "HIDDEN_MARKER" not in all_text(article)
    assert FIRST in article.body and LAST in article.body


@pytest.mark.parametrize("attributes", HIDDEN_ATTRIBUTES)
def test_hidden_inline_element_is_dropped_and_its_tail_kept(attributes):
    before, after = "Visible words before", "and the words after the hidden element stay in the paragraph."
    middle = f"<p>{before} <span {attributes}>HIDDEN_MARKER</span> {after}</p>"
    leading = f"<p><span {attributes}>HIDDEN_MARKER</span>Leading tail text that follows a hidden first child.</p>"
    article, _ = read(page(para(FIRST), middle, leading, para(LAST)).encode())
    assert "HIDDEN_MARKER" not in all_text(article)
    assert f"{before} {after}" in article.body
    assert "Leading tail text that follows a hidden first child." in article.body


# --------------------------------------------------------------------------- encodings


CP1252_PAGE = page(para(CP1252_TEXT), para(LAST), head='<meta charset="windows-1252">')
# (bytes, read_bytes arguments, a word some warning must hold, or None for no warning at all)
ENCODING_CASES = {
    "meta windows-1252": (CP1252_PAGE.encode("cp1252"), {}, None),
    "server charset wins over meta": (CP1252_PAGE.encode(), {"charset": "utf-8"}, None),
    "UTF-8 byte-order mark wins over meta": (b"\xef\xbb\xbf" + CP1252_PAGE.encode(), {}, None),
    "invalid UTF-8, no charset": (page(para(CP1252_TEXT), para(LAST)).encode("cp1252"), {}, "windows-1252"),
}


@pytest.mark.parametrize("data, kwargs, warning", ENCODING_CASES.values(), ids=ENCODING_CASES.keys())
def test_page_encoding(data, kwargs, warning):
    article, warnings = read(data, **kwargs)
    assert CP1252_TEXT in article.body
    assert article.title == HEADLINE
    if warning is None:
        assert warnings == []
    else:
        assert any(warning in w for w in warnings), warnings


def test_png_named_html_is_refused_as_binary():
    error = refusal(png_bytes(), "photo.html")
    assert "PNG" in error.problem


@pytest.mark.parametrize("label", ["rot13", "base64", "hex", "idna"])
@pytest.mark.parametrize("where", ["meta", "server"])
def test_non_text_charset_label_never_crashes(label, where):
    head = f'<meta charset="{label}">' if where == "meta" else ""
    kwargs = {"charset": label} if where == "server" else {}
    data = page(para(FIRST), para(LAST), head=head).encode()
    try:
        article, _ = read(data, **kwargs)
    except BriefError:
        return
    assert FIRST in article.body


def test_meta_utf16_label_on_ascii_page_reads_as_utf8():
    article, _ = read(page(para(FIRST), para(LAST), head='<meta charset="utf-16">').encode())
    assert FIRST in article.body


# --------------------------------------------------------------------------- JSON-LD

LD_ARTICLE = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Headline from JSON-LD",
              "datePublished": "2025-04-03T10:00:00+01:00",
              "author": {"@type": "Person", "name": "Ada Lovelace"},
              "publisher": {"@type": "Organization", "name": "The JSON-LD Times"}}
LD_GRAPH = {"@context": "https://schema.org",
            "@graph": [{"@type": "WebSite", "name": "Site name, not the article"},
                       {"@type": ["NewsArticle"], "headline": "Headline from the graph", "datePublished": "2024-12-31",
                        "author": [{"@type": "Person", "name": "Grace Hopper"},
                                   {"@type": "Person", "name": "Alan Turing"}],
                        "publisher": {"@type": "NewsMediaOrganization", "name": "Graph Gazette"}}]}


def ld_script(content: str) -> str:
    return f'<script type="application/ld+json">{content}</script>'


def ld_article_node(data: dict) -> dict:
    return next(node for node in [data, *data.get("@graph", [])] if "headline" in node)


@pytest.mark.parametrize("data", [LD_ARTICLE, LD_GRAPH], ids=["NewsArticle", "@graph with authors list"])
def test_json_ld_metadata_is_read(data):
    node = ld_article_node(data)
    authors = node["author"] if isinstance(node["author"], list) else [node["author"]]
    article, _ = read(page(para(FIRST), para(LAST), head=ld_script(json.dumps(data)),
                           headline="Visible headline of the page").encode())
    assert article.title == node["headline"]
    assert article.source.published == node["datePublished"][:10]
    assert article.source.author == ", ".join(author["name"] for author in authors)
    assert article.source.publisher == node["publisher"]["name"]


@pytest.mark.parametrize("content", ['{"@type": "NewsArticle", "headline": "Broken", ', "[" * 100_000,
                                     "not json at all"], ids=["truncated", "nested too deep", "not JSON"])
def test_malformed_json_ld_is_ignored(content):
    text = page(para(FIRST), para(LAST), head=ld_script(content))
    assert json_ld_metadata(text) == {}
    article, _ = read(text.encode())
    assert article.title == HEADLINE
    assert (article.source.author, article.source.publisher, article.source.published) == (None, None, None)


def test_json_ld_scan_is_linear_in_unclosed_scripts():
    text = '<script type="application/ld+json">x' * 3000  # about 108 KB
    start = time.perf_counter()
    json_ld_metadata(text)
    assert time.perf_counter() - start < 0.5


# --------------------------------------------------------------------------- no article


def test_page_with_only_navigation_and_footer_is_refused():
    data = (b'<html><head><title>Example News</title></head><body><nav><ul><li><a href="/">Home</a></li>'
            b'<li><a href="/news/">News</a></li></ul></nav>'
            b"<footer><p>Copyright 2026 Example Media Ltd. All rights reserved.</p></footer></body></html>")
    assert "no article text found" in refusal(data, "front.html").problem


# --------------------------------------------------------------------------- feed summaries and fragments

SUMMARY_TITLE = "Summary title"
SUMMARY_PARAGRAPHS = ("First paragraph of the summary.", "Second paragraph of the summary.")


def test_read_summary_takes_title_and_paragraphs_never_scripts():
    first, second = SUMMARY_PARAGRAPHS
    doc = (f"<html><head><title>{SUMMARY_TITLE}</title><script>var SCRIPT_MARKER = 1;</script></head><body>"
           f"<p>{first}</p><script>document.write('SCRIPT_MARKER')</script><p>{second}</p></body></html>").encode()
    article, _ = read(doc, "x", fmt="feed-summary")
    assert article.title == SUMMARY_TITLE
    assert [block.text for block in article.blocks] == list(SUMMARY_PARAGRAPHS)
    assert "SCRIPT_MARKER" not in all_text(article)


@pytest.mark.parametrize("prolog", ['<!-- c --><!DOCTYPE html [<!ENTITY x "LEAK">]>',
                                    '<!DOCTYPE html [<!ENTITY x "LEAK]>LEAK">]>'],
                         ids=["comment first", "']>' in a value"])
def test_doctype_internal_subset_never_reaches_the_text(prolog):
    doc = f"{prolog}<html><head><title>{SUMMARY_TITLE}</title></head><body><p>{FIRST}</p></body></html>"
    article, _ = read(doc.encode(), "x", fmt="feed-summary")
    assert "]>" not in all_text(article) and "LEAK" not in all_text(article)


@pytest.mark.parametrize("fragment, text", [
    ("<b>bold</b> &amp; <script>x()</script>text", "bold & text"),
    ("<p>one</p><style>p { color: red }</style><p>two</p>", "one two"),
    ("&lt;script&gt;alert(1)&lt;/script&gt;", "<script>alert(1)</script>"),  # escaped text stays text
    ("", ""),
])
def test_html_to_text(fragment, text):
    assert html_to_text(fragment) == text
