"""Complex scripts are shaped: Devanagari and Thai come out of the PDF in the glyphs and order
HarfBuzz gives, and their text stays copyable. Latin paragraphs are not shaped (it would cost
time and change their kerning).

The glyphs are read back from the PDF alone: each byte of each drawn string is looked up in the
embedded subset font's own cmap and identified by that glyph's outline, which is compared with
the outlines of HarfBuzz's shaping of the same text in the original font file."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pikepdf
import pytest
import uharfbuzz as hb

from pipeline.compose.blocks import Document, Meta, Paragraph, Span
from pipeline.render import RenderJob
from pipeline.render.fonts import find_font
from pipeline.render.pdf import render
from tests.conftest import require_tool

SAMPLES = {
    # conjuncts, reordered vowel signs, stacked marks; letters and spaces only, so that every
    # glyph is the script font's
    "devanagari": ("Noto Sans Devanagari", "नमस्ते दुनिया यह एक परीक्षण है क्षत्रिय"),
    "thai": ("Noto Sans Thai", "สวัสดีชาวโลก นี่คือการทดสอบ ผู้ที่น้ำ"),
}


class _Outline:
    def __init__(self) -> None:
        self.ops: list[tuple] = []

    def moveTo(self, p): self.ops.append(("M", *p))
    def lineTo(self, p): self.ops.append(("L", *p))
    def qCurveTo(self, *points): self.ops.append(("Q", *points))
    def curveTo(self, *points): self.ops.append(("C", *points))
    def closePath(self): self.ops.append(("Z",))


def signature(font, glyph: int) -> tuple:
    pen = _Outline()
    font.draw_glyph_with_pen(glyph, pen)
    return font.get_glyph_h_advance(glyph), tuple(pen.ops)


def harfbuzz_glyphs(text: str, font_path: Path) -> list[tuple]:
    """HarfBuzz's shaping of each word (the PDF's spaces are positioned, not shaped)."""
    font = hb.Font(hb.Face(hb.Blob(font_path.read_bytes())))
    found = []
    for word in text.split():
        buffer = hb.Buffer()
        buffer.add_str(word)
        buffer.guess_segment_properties()
        hb.shape(font, buffer, {"kern": True, "liga": True})
        found += [signature(font, info.codepoint) for info in buffer.glyph_infos]
    return found


def drawn_glyphs(data: bytes, family: str) -> list[tuple]:
    """The glyphs drawn in fonts whose name holds `family` (no spaces), in content order."""
    fonts: dict = {}
    found = []
    with pikepdf.open(__import__("io").BytesIO(data)) as pdf:
        for page in pdf.pages:
            resources = page.Resources.get("/Font", {})
            current = None
            for operands, operator in pikepdf.parse_content_stream(page):
                operator = str(operator)
                if operator == "Tf":
                    font = resources[str(operands[0])]
                    if font.objgen not in fonts:
                        embedded = font.FontDescriptor.get("/FontFile2") if "/FontDescriptor" in font else None
                        fonts[font.objgen] = (hb.Font(hb.Face(hb.Blob(embedded.read_bytes())))
                                              if embedded is not None and family in str(font.BaseFont) else None)
                    current = fonts[font.objgen]
                elif operator in ("Tj", "TJ") and current is not None:
                    for string in operands[0] if operator == "TJ" else [operands[0]]:
                        if isinstance(string, pikepdf.String):
                            for code in bytes(string):
                                glyph = current.get_nominal_glyph(code)
                                sig = signature(current, glyph or 0)
                                if sig[1]:  # spaces have no outline
                                    found.append(sig)
    return found


def render_text(theme, text: str) -> bytes:
    document = Document(meta=Meta(title="Shaping"), blocks=[Paragraph([Span(text)])])
    return render(RenderJob(document=document, markdown="", theme=theme))


def font_file(family: str) -> Path:
    path = find_font(family)
    if path is None:
        message = f"{family} is not installed (Debian package fonts-noto-core; see .ci/run)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return Path(path)


def expected(text: str, family: str) -> list[tuple]:
    return [g for g in harfbuzz_glyphs(text, font_file(family)) if g[1]]


@pytest.mark.parametrize("sample", sorted(SAMPLES))
def test_complex_script_is_drawn_in_harfbuzz_glyph_order(theme, sample):
    family, text = SAMPLES[sample]
    drawn = drawn_glyphs(render_text(theme, text), family.replace(" ", ""))
    assert drawn and drawn == expected(text, family)


@pytest.mark.parametrize("sample", sorted(SAMPLES))
def test_without_shaping_the_comparison_fails(theme, sample, monkeypatch):
    """The check has teeth: switched off, the glyphs are one a character, in character order."""
    import pipeline.render.pdf.document as document

    monkeypatch.setattr(document, "needs_shaping", lambda text: False)
    family, text = SAMPLES[sample]
    drawn = drawn_glyphs(render_text(theme, text), family.replace(" ", ""))
    assert drawn and drawn != expected(text, family)


def test_shaped_text_copies_as_its_characters(theme, tmp_path):
    family, text = SAMPLES["devanagari"]
    font_file(family)
    data = render_text(theme, text)
    path = tmp_path / "shaped.pdf"
    path.write_bytes(data)
    pdftotext = require_tool("pdftotext")
    # -raw reads content in order, which is where poppler honours /ActualText
    raw = subprocess.run([pdftotext, "-raw", str(path), "-"], capture_output=True, check=True).stdout.decode()
    assert text in raw
    with pikepdf.open(path) as pdf:
        (paragraph,) = pdf.Root.StructTreeRoot.K[0].K
        assert str(paragraph.S) == "/P" and str(paragraph.ActualText) == text


def test_latin_text_is_not_shaped(theme, monkeypatch):
    """Latin keeps reportlab's plain drawing, one glyph a character and no replacement text:
    shaped, "fi" and "ffl" would become ligatures (the comparison's teeth)."""
    import pipeline.render.pdf.document as document

    text = "Office official fjord finance waffle"
    data = render_text(theme, text)
    assert b"ActualText" not in pikepdf_uncompressed(data)
    monkeypatch.setattr(document, "needs_shaping", lambda text: True)
    forced = drawn_glyphs(render_text(theme, text), "DejaVuSans")
    monkeypatch.setattr(document, "needs_shaping", lambda text: False)
    plain = drawn_glyphs(render_text(theme, text), "DejaVuSans")
    assert drawn_glyphs(data, "DejaVuSans") == plain
    assert len(forced) < len(plain)


def pikepdf_uncompressed(data: bytes) -> bytes:
    import io

    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.save(out, compress_streams=False, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return out.getvalue()


@pytest.mark.parametrize("word, family", [("समाचार", "Noto Sans Devanagari"), ("ข่าว", "Noto Sans Thai"),
                                          ("(ข่าว", "Noto Sans Thai")])
def test_punctuation_in_another_font_inside_a_shaped_word_keeps_its_character(theme, word, family):
    """A word whose pieces are in two fonts (the script's, and the body font's for punctuation
    the script font lacks) is shaped font by font: shaped whole in its first font, the full
    stop came out as a wrong letter or a private-use character."""
    import io

    import pdfplumber

    font_file(family)
    text = f"News: {word}. Next"
    with pdfplumber.open(io.BytesIO(render_text(theme, text))) as pdf:
        chars = [c["text"] for c in pdf.pages[0].chars if c["top"] < pdf.pages[0].height * 0.8]
    drawn = "".join(chars)
    assert "News:" in drawn and ". Next" in drawn
    assert not any(0xE000 <= ord(c) <= 0xF8FF for c in drawn)
    assert sorted(drawn.count(c) for c in "(.") == sorted(text.count(c) for c in "(.")
