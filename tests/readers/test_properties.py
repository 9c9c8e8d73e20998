"""Property tests: whatever the bytes, a reader returns a clean Article or raises BriefError."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline.errors import BriefError
from pipeline.readers import read_bytes

from .hostile_inputs import HOSTILE, article_strings, xml_illegal

FORMATS = st.sampled_from(["text", "markdown"])

# Text built from the characters that matter to the readers: line and paragraph breaks,
# bullets, Markdown markup, quotes, controls, surrogates (hypothesis's default text never
# makes those), noncharacters and invisible spaces.
AWKWARD = st.sampled_from(list("\n\r\t\x00\x0b\x0c\x1c\x7f\x85\x9b\u2028\u2029 \u00a0\u200b\u3000\ufeff\ufffe"
                               "\uffff\ud800\udfff\u2022-*#>`[]()!_&;.:\u201c\u201d\"'1") + ["&#0;", "&#12;", "\r\n"])
TEXT = st.lists(st.one_of(AWKWARD, st.text(st.characters(codec=None), max_size=5)), max_size=60).map("".join)

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check(data: bytes, fmt: str, encoding: str | None = None) -> None:
    warnings: list[str] = []
    try:
        article = read_bytes(data, "input", fmt=fmt, encoding=encoding, warnings=warnings)
    except BriefError as error:
        assert error.problem
        return
    for text in article_strings(article):
        assert xml_illegal(text) == [], text
    for block in article.blocks:
        assert block.text and "\n" not in block.text and block.kind in ("paragraph", "item", "heading")
    assert article.title and "\n" not in article.title
    assert all(isinstance(w, str) and not w.startswith("brief:") for w in warnings)


@SETTINGS
@given(st.binary(max_size=400), FORMATS)
@example(HOSTILE["B02"], "text")
@example(HOSTILE["D07"], "markdown")
def test_arbitrary_bytes_give_a_clean_article_or_a_brief_error(data, fmt):
    check(data, fmt)


@SETTINGS
@given(st.sampled_from(sorted(HOSTILE)), FORMATS)
def test_every_hostile_input_gives_a_clean_article_or_a_brief_error(key, fmt):
    check(HOSTILE[key], fmt)


@SETTINGS
@given(TEXT, FORMATS, st.sampled_from(["utf-8", "utf-16", "surrogatepass"]))
def test_awkward_text_gives_a_clean_article_or_a_brief_error(text, fmt, how):
    # "surrogatepass" makes the invalid UTF-8 of lone surrogates (catalogue B04).
    data = text.encode("utf-8", "surrogatepass") if how == "surrogatepass" else text.encode(how, "surrogatepass")
    check(data, fmt)


@SETTINGS
@given(st.binary(max_size=200), st.sampled_from(["latin-1", "cp1252", "utf-16-le", "utf-32", "utf-7", "no-such"]))
def test_any_encoding_gives_a_clean_article_or_a_brief_error(data, encoding):
    check(data, "text", encoding)


@SETTINGS
@given(st.binary(max_size=300), FORMATS)
def test_reading_is_deterministic(data, fmt):
    def outcome():
        warnings: list[str] = []
        try:
            return read_bytes(data, "input", fmt=fmt, warnings=warnings), warnings
        except BriefError as error:
            return str(error)
    assert outcome() == outcome()
