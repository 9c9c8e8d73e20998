"""Bytes to text: refusals, strict decoding, and normalisation (catalogue sections A and B),
using our own copies of the hostile inputs."""

from __future__ import annotations

import codecs

import pytest

from pipeline.errors import BriefError
from pipeline.readers import read_bytes
from pipeline.readers.decode import MAX_INPUT_BYTES, decode, normalise

from .hostile_inputs import (ARTICLE, ARTICLE_BODY, ARTICLE_TITLE, CP1252_TEXT, HOSTILE, LATIN1_TEXT,
                             article_strings, png_bytes, xml_illegal)


def refusal(data: bytes, name: str = "in.txt", **kwargs) -> BriefError:
    with pytest.raises(BriefError) as caught:
        read_bytes(data, name, **kwargs)
    assert caught.value.subject in (name, "--encoding")
    return caught.value


# --------------------------------------------------------------------------- empty input


@pytest.mark.parametrize("key", ["A01", "A02", "A03"])
def test_empty_whitespace_and_bom_only_inputs_are_empty(key):
    error = refusal(HOSTILE[key])
    assert error.problem == "empty input"
    assert error.hint


@pytest.mark.parametrize("data", [
    b"\xef\xbb\xbf   \n\t\n",
    "\u00a0\u200b\u3000\u2028\u2029\n".encode(),
    "\ufeff".encode("utf-16"),
    b"\n" * 1000,
])
def test_other_blank_inputs_are_empty(data):
    assert refusal(data).problem == "empty input"


# --------------------------------------------------------------------------- binary input


@pytest.mark.parametrize("data, what", [
    (HOSTILE["A04"], "looks like a PNG image, not text"),
    (HOSTILE["A05"], "looks like a PDF file, not text"),
    (HOSTILE["A06"], "looks like a ZIP/Office file"),
    (b"GIF89a\x01\x00\x01\x00", "looks like a GIF image, not text"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "looks like a JPEG image, not text"),
    (b"\x1f\x8b\x08\x00" + b"\x00" * 10, "looks like a gzip-compressed file, not text"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 8, "looks like an old Microsoft Office file"),
])
def test_known_binary_formats_are_refused_by_magic(data, what):
    error = refusal(data)
    assert error.problem.startswith(what)
    assert error.hint


def test_binary_is_refused_whatever_the_extension_and_encoding():
    assert "PDF" in refusal(HOSTILE["A05"], "article.md").problem
    assert "PNG" in refusal(png_bytes(), "x.txt", encoding="latin-1").problem


def test_nul_heavy_bytes_are_binary_or_bomless_utf16():
    error = refusal(b"\x00\x01\x02\x03" * 100)
    assert error.problem == "contains NUL bytes (binary, or UTF-16 without a BOM)"
    assert "--encoding utf-16" in error.hint


# --------------------------------------------------------------------------- byte-order marks


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_with_bom_are_read(codec):
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
           "utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE}.get(codec, b"")
    article = read_bytes(bom + ARTICLE.encode(codec), "a.txt")
    assert article.title == ARTICLE_TITLE
    assert [block.text for block in article.blocks] == [ARTICLE_BODY]


def test_a07_utf16_with_bom_is_read():
    article = read_bytes(HOSTILE["A07"], "a.txt")
    assert article.title == ARTICLE_TITLE


def test_a08_utf16be_without_bom_suggests_the_encoding_and_reads_with_it():
    error = refusal(HOSTILE["A08"])
    assert error.problem == "contains NUL bytes (binary, or UTF-16 without a BOM)"
    assert error.hint == "if it is UTF-16 text, rerun with --encoding utf-16-be (or utf-16-le)"
    article = read_bytes(HOSTILE["A08"], "a.txt", encoding="utf-16-be")
    assert article.title == ARTICLE_TITLE
    assert article.blocks[0].text == ARTICLE_BODY


def test_utf16le_without_bom_suggests_le_first():
    error = refusal(ARTICLE.encode("utf-16-le"))
    assert "--encoding utf-16-le (or utf-16-be)" in error.hint


def test_a09_utf8_bom_is_not_part_of_the_title():
    article = read_bytes(HOSTILE["A09"], "a.txt")
    assert article.title == ARTICLE_TITLE
    assert not article.title.startswith("\ufeff")


def test_bom_kept_by_an_explicit_encoding_is_still_dropped():
    article = read_bytes(codecs.BOM_UTF16_BE + ARTICLE.encode("utf-16-be"), "a.txt", encoding="utf-16-be")
    assert article.title == ARTICLE_TITLE


def test_explicit_encoding_that_contradicts_the_bom_warns():
    warnings: list[str] = []
    read_bytes(HOSTILE["A09"], "a.txt", encoding="latin-1", warnings=warnings)
    assert any("UTF-8 byte-order mark" in w and "latin-1" in w for w in warnings)


# --------------------------------------------------------------------------- not UTF-8


def test_a10_latin1_names_the_byte_and_suggests_an_encoding():
    error = refusal(HOSTILE["A10"])
    assert error.problem == "not valid UTF-8 at byte 5 (line 1): 0xe9"
    assert error.hint == "rerun with --encoding latin-1 (or cp1252), or save the file as UTF-8"
    assert read_bytes(HOSTILE["A10"], "a.txt", encoding="latin-1").title == LATIN1_TEXT


def test_a11_cp1252_gives_real_punctuation():
    assert "not valid UTF-8 at byte 0 (line 1): 0x93" == refusal(HOSTILE["A11"]).problem
    warnings: list[str] = []
    article = read_bytes(HOSTILE["A11"], "a.txt", encoding="cp1252", warnings=warnings)
    assert article.title == CP1252_TEXT
    assert {"\u201c", "\u201d", "\u2014", "\u20ac"} <= set(article.title)
    assert warnings == ["no body text after the headline"]  # one line: all of it is the headline


def test_a11_read_as_latin1_warns_about_c1_controls_and_suggests_cp1252():
    warnings: list[str] = []
    article = read_bytes(HOSTILE["A11"], "a.txt", encoding="latin-1", warnings=warnings)
    assert any("C1 control" in w and "--encoding cp1252" in w for w in warnings)
    assert not any("\x80" <= ch <= "\x9f" for ch in article.title)


def test_a12_mixed_encodings_fail_at_the_first_bad_byte_with_its_line():
    error = refusal(HOSTILE["A12"])
    assert error.problem == "not valid UTF-8 at byte 35 (line 2): 0xe9"


def test_line_numbers_count_cr_and_crlf_line_ends():
    assert "(line 3)" in refusal(b"one\r\ntwo\rthree \xff").problem


def test_a13_truncated_sequence_at_end_of_file():
    error = refusal(HOSTILE["A13"])
    assert error.problem.startswith("truncated UTF-8 sequence at end of file")
    assert "byte 20" in error.problem


def test_b04_surrogate_bytes_are_invalid_utf8():
    assert refusal(HOSTILE["B04"]).problem == "not valid UTF-8 at byte 21 (line 1): 0xed"


def test_bad_utf16_after_a_bom_names_the_encoding_and_offset():
    lone_surrogate = codecs.BOM_UTF16_LE + "ok ".encode("utf-16-le") + b"\x00\xd8" + "x".encode("utf-16-le")
    assert refusal(lone_surrogate).problem.startswith("not valid UTF-16-LE at byte 8 (line 1)")
    odd_length = codecs.BOM_UTF16_LE + "Title".encode("utf-16-le") + b"\x41"
    assert refusal(odd_length).problem.startswith("truncated UTF-16-LE sequence at end of file")


def test_offsets_after_a_utf8_bom_count_the_bom():
    assert refusal(b"\xef\xbb\xbfab\xff").problem == "not valid UTF-8 at byte 5 (line 1): 0xff"


def test_explicit_encoding_is_strict_too():
    error = refusal(b"Title \x81\n", encoding="cp1252")
    assert error.problem == "not valid cp1252 at byte 6 (line 1): 0x81"


@pytest.mark.parametrize("encoding", ["no-such-codec", "rot13", "base64", "idna", "unicode_escape"])
def test_unknown_or_non_text_encodings_are_refused(encoding):
    error = refusal(b"Title\n", encoding=encoding)
    assert error.subject == "--encoding"
    assert encoding in error.problem


# --------------------------------------------------------------------------- size limit


def test_size_limit_default_is_20_mb():
    assert MAX_INPUT_BYTES == 20_000_000


def test_inputs_over_the_limit_are_refused_naming_size_and_limit():
    error = refusal(b"Title\n\n" + b"x" * 1000, max_bytes=500)
    assert error.problem == "is 1,007 bytes, over the 500 bytes input limit"
    with pytest.raises(BriefError) as caught:
        decode(b"x" * 25_000_001, "big.txt")
    assert caught.value.problem == "is 25 MB, over the 20 MB input limit"


# --------------------------------------------------------------------------- normalisation


def test_a14_no_carriage_return_survives():
    warnings: list[str] = []
    article = read_bytes(HOSTILE["A14"], "a.txt", warnings=warnings)
    assert article.title == "Line one"
    assert [block.text for block in article.blocks] == ["Line two Line three Line four"]
    assert not any("\r" in s for s in article_strings(article))
    assert "\r" not in normalise("a\r\nb\rc\r", [])


def test_b01_nul_is_replaced_and_counted_vt_and_ff_are_breaks():
    warnings: list[str] = []
    article = read_bytes(HOSTILE["B01"], "b.txt", warnings=warnings)
    assert article.title == "Headline\ufffdwith NUL"
    assert [block.text for block in article.blocks] == ["Para with vertical tab and form", "feed."]
    assert warnings == ["replaced 1 character that documents cannot hold (control characters: U+0000) with U+FFFD"]


def test_b02_every_c0_control_is_replaced_and_counted():
    warnings: list[str] = []
    article = read_bytes(HOSTILE["B02"], "b.txt", warnings=warnings)
    # 32 C0 controls: TAB kept, LF/VT/FF/CR are line breaks -> 27 replaced, plus DEL and CSI (U+009B).
    assert any(w.startswith("replaced 29 characters that documents cannot hold (control characters:")
               for w in warnings)
    assert any("C1 control character" in w for w in warnings)
    for text in article_strings(article):
        assert xml_illegal(text) == []


def test_b03_noncharacters_replaced_and_u1ffff_kept():
    warnings: list[str] = []
    article = read_bytes(HOSTILE["B03"], "b.txt", warnings=warnings)
    # U+1FFFF is XML-legal: kept, as pipeline.text.replace_illegal defines.
    assert article.title == "U+FFFE[\ufffd] U+FFFF[\ufffd] U+1FFFF[\U0001ffff]"
    assert "replaced 2 characters that documents cannot hold (noncharacters: U+FFFE, U+FFFF) with U+FFFD" in warnings


def test_lone_surrogates_in_decoded_text_are_replaced():
    warnings: list[str] = []
    text = normalise("Title \ud83d end", warnings)
    assert text == "Title \ufffd end"
    assert "lone surrogates: U+D83D" in warnings[0]


def test_tabs_are_kept_by_normalisation():
    assert normalise("a\tb", []) == "a\tb"


def test_a_stray_nul_in_utf8_is_text_not_binary():
    warnings: list[str] = []
    article = read_bytes(b"Title\n\nBody with a \x00 in it, which is rare but text.\n", "a.txt", warnings=warnings)
    assert article.blocks[0].text == "Body with a \ufffd in it, which is rare but text."
    assert len(warnings) == 1


def test_nel_from_utf8_is_a_line_break_not_a_c1_warning():
    warnings: list[str] = []
    article = read_bytes("Title\x85Second line here.\n\nBody.".encode(), "a.txt", warnings=warnings)
    assert article.title == "Title"
    assert warnings == []


def test_same_bytes_give_the_same_article_and_warnings():
    first_warnings: list[str] = []
    second_warnings: list[str] = []
    first = read_bytes(HOSTILE["B02"], "b.txt", warnings=first_warnings)
    second = read_bytes(HOSTILE["B02"], "b.txt", warnings=second_warnings)
    assert first == second
    assert first_warnings == second_warnings
