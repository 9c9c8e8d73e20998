"""Visual checks of the PDF writer, and of the DOCX writer beside it, on the sample and on the
hostile inputs of the catalogue (../shared/inputs, section B).

Positions come from the PDF itself (pdfplumber gives every character's box); page 1 of every
PDF is also drawn as a PNG with pdftoppm. The rule checked on every page of every PDF:

* every character lies on the page, and between the left and the right margin;
* the body text (the article's content, tables, headings) also lies between the top and the
  bottom margin. Only page furniture -- "Page N" / "Page N of M", the classification marking,
  the theme's footer text -- may stand in the top and bottom margin bands, where the writer
  draws it on purpose.

Each input is rendered once per module, through the CLI as a user runs it; the many-scripts
input is also given straight to the renderers, because a brief keeps only a few sentences of an
article and the scripts would otherwise never reach the writers.
"""

from __future__ import annotations

import collections
import functools
import importlib.util
import json
import os
import re
import shutil
import struct
import subprocess
import unicodedata
import uuid
import zlib
from dataclasses import dataclass
from pathlib import Path

import docx
import pdfplumber
import pytest
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph as DocxParagraph

from pipeline.blocks import Document, Heading, Meta, Paragraph, Span
from pipeline.render import RenderJob, render
from pipeline.render.fonts import find_font
from pipeline.theme import load_theme
from tests.conftest import ROOT, SAMPLE, require_tool, run_brief

# --------------------------------------------------------------------------------------------
# Inputs: exact copies of the catalogue's bytes (the shared folder may be absent, e.g. on CI).
# tests/readers/hostile_inputs.py has a shorter B06; this is the generator's full one.

B06_SCRIPTS = (
    "Cyrillic: \u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440.\n"
    "Greek: \u039a\u03b1\u03bb\u03b7\u03bc\u03ad\u03c1\u03b1 \u03ba\u03cc\u03c3\u03bc\u03b5.\n"
    "Arabic (RTL): \u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645 123 ABC.\n"
    "Hebrew (RTL): \u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd.\n"
    "CJK: \u65b0\u95fb\u6458\u8981\u3002\u65e5\u672c\u8a9e\u306e\u30cb\u30e5\u30fc\u30b9\u3002\ud55c\uad6d\uc5b4 \ub274\uc2a4.\n"
    "Devanagari: \u0938\u092e\u093e\u091a\u093e\u0930. Thai: \u0e02\u0e48\u0e32\u0e27.\n"
    "Emoji: \U0001F4F0 \U0001F468\u200d\U0001F469\u200d\U0001F467\u200d\U0001F466 \U0001F1FA\U0001F1E6 \U0001F44D\U0001F3FD \u2764\ufe0f\n"
    "Combining: e\u0301 (NFD) vs \u00e9 (NFC); Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034f\u0334\u0319\u0324\u031e\u0349\u035a\u032f\u031e\u0320\u034dalgo\n"
    "Math/symbols: H\u2082O, x\u00b2, \u221e, \u2211, \ufb01 ligature, \u2126 vs \u03a9.\n").encode()
LONG_WORD = "A" * 5000
LONG_PATH_URL = "https://example.org/" + "seg/" * 1200
B09_LONG_WORD = ("Start " + LONG_WORD + " end.\n" + LONG_PATH_URL + "\n").encode()
CJK_RUN = "\u65b0\u95fb" * 3000
B10_CJK_NO_SPACES = (CJK_RUN + "\n").encode()

# A 5,000-character URL inside an ordinary sentence of an ordinary article.
LONG_URL = "https://example.org/" + "a" * 5000
URL_ARTICLE = ("Report on long links published\n\n"
               f"Officials published the full report online at {LONG_URL} for anyone who wants to read it.\n\n"
               "The ministry said the report would be updated every month from now on.\n").encode()

# Sixty distinct named people with roles, so that the People table runs over a page break.
_FIRST = ["Alice", "Bernard", "Clara", "David", "Elena", "Felix", "Grace", "Henry", "Irene", "James",
          "Karen", "Lucas", "Maria", "Nathan", "Olivia", "Peter", "Quentin", "Rachel", "Samuel", "Teresa"]
_DEPARTMENTS = ["Agriculture", "Defence", "Education", "Energy", "Finance", "Health", "Housing", "Justice",
                "Labour", "Transport", "Trade", "Culture", "Fisheries", "Tourism", "Science"]
PEOPLE = [f"{first} {last}" for last in ("Abbott", "Baxter", "Carver") for first in _FIRST]
PEOPLE_ARTICLE = ("Regional ministers meet in Lyon to review the budget\n\n" + "\n\n".join(
    f"{name}, the minister for {_DEPARTMENTS[i % len(_DEPARTMENTS)]}, said on Monday that the regional "
    "budget plan would be reviewed in March." for i, name in enumerate(PEOPLE)) + "\n").encode()
PEOPLE_HEADER = re.compile(r"^Name\s+Role\b")

# --------------------------------------------------------------------------------------------
# Page geometry, from the theme

PT_PER_MM = 72 / 25.4
PAGE_MM = {"A4": (210.0, 297.0), "Letter": (215.9, 279.4)}
TOLERANCE_PT = 0.5
PNG_DPI = 60


@dataclass(frozen=True)
class Frame:
    """The page and its body frame, in PDF points, y downwards from the top (as pdfplumber)."""

    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float


@functools.cache
def frame_of_theme() -> Frame:
    theme = load_theme()
    width_mm, height_mm = PAGE_MM[theme.page_size]
    width, height = width_mm * PT_PER_MM, height_mm * PT_PER_MM
    return Frame(width=width, height=height,
                 left=theme.margin_left_mm * PT_PER_MM, right=width - theme.margin_right_mm * PT_PER_MM,
                 top=theme.margin_top_mm * PT_PER_MM, bottom=height - theme.margin_bottom_mm * PT_PER_MM)


# Page furniture. A line in the top or bottom margin band is furniture when every piece of it
# (pieces are separated by a gap wider than an em: left footer, centred marking, page number)
# is one of these; anything else there is body text that has run into the margin.
PAGE_NUMBER = re.compile(r"^Page \d+( of \d+)?$")
MARKING = re.compile(r"^(?:[A-Z]{2,3} )?(?:UNCLASSIFIED|OFFICIAL|SECRET|TOP SECRET)(?:[- /:][A-Z][A-Z /-]*)?$")


@functools.cache
def theme_furniture_texts() -> tuple[str, ...]:
    """Footer and marking texts the default theme itself sets (none by default)."""
    theme = load_theme()
    parts = [getattr(theme, name, "") for name in ("organisation", "footer_text", "classification", "caveat")]
    footer = " \u00b7 ".join(p for p in parts[:2] if p)
    marking = " ".join(p for p in parts[2:] if p)
    return tuple(squeeze(t) for t in (footer, marking, *parts) if t)


def is_furniture_piece(text: str) -> bool:
    text = squeeze(text)
    if not text:
        return True
    if PAGE_NUMBER.match(text) or (len(text) <= 80 and MARKING.match(text)):
        return True
    # The writer cuts a long footer or marking to one line: a prefix of the theme's text.
    return any(known.startswith(text) for known in theme_furniture_texts())


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# --------------------------------------------------------------------------------------------
# Reading a PDF back


@dataclass
class Line:
    """Characters that share a baseline band, left to right."""

    chars: list[dict]

    @property
    def text(self) -> str:
        return " ".join(self.pieces())

    def pieces(self, separator: str = "") -> list[str]:
        """The line's text cut where there is a gap wider than an em (furniture pieces)."""
        pieces, current, previous = [], [], None
        for char in self.chars:
            if previous is not None:
                gap = char["x0"] - previous["x1"]
                if gap > previous["size"]:
                    pieces.append("".join(current))
                    current = []
                elif gap > previous["size"] * 0.2 and not char["text"].isspace() and not previous["text"].isspace():
                    current.append(" ")
            current.append(char["text"])
            previous = char
        pieces.append("".join(current))
        return pieces

    def is_furniture(self) -> bool:
        return all(is_furniture_piece(piece) for piece in self.pieces())


def text_lines(chars: list[dict]) -> list[Line]:
    """Group characters into lines by `top`: a character joins the line above it when its top is
    within half its size of that line's first (topmost) character; a glyph from a fallback font
    may sit a few points lower than its neighbours."""
    lines: list[Line] = []
    for char in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        if lines and char["top"] - lines[-1].chars[0]["top"] <= 0.5 * max(char["size"], 1.0):
            lines[-1].chars.append(char)
        else:
            lines.append(Line([char]))
    for line in lines:
        line.chars.sort(key=lambda c: c["x0"])
    return lines


@dataclass
class PdfPage:
    number: int
    width: float
    height: float
    chars: list[dict]

    @functools.cached_property
    def lines(self) -> list[Line]:
        return text_lines(self.chars)

    def body_lines(self) -> list[Line]:
        return [line for line in self.lines if not line.is_furniture()]


def read_pdf(path: Path) -> list[PdfPage]:
    with pdfplumber.open(path) as pdf:
        return [PdfPage(number, float(page.width), float(page.height),
                        [{k: c[k] for k in ("text", "x0", "x1", "top", "bottom", "size", "fontname")}
                         for c in page.chars])
                for number, page in enumerate(pdf.pages, 1)]


def margin_problems(pages: list[PdfPage], frame: Frame) -> list[str]:
    """Every character outside where it may be, as 'page N: ...' lines."""
    tol = TOLERANCE_PT
    problems = []
    for page in pages:
        for line in page.lines:
            furniture = line.is_furniture()
            for char in line.chars:
                if char["text"].isspace():
                    continue  # a space draws nothing
                where = []
                if (char["x0"] < -tol or char["x1"] > page.width + tol or char["top"] < -tol
                        or char["bottom"] > page.height + tol):
                    where.append("off the page")
                if char["x0"] < frame.left - tol:
                    where.append(f"in the left margin (x0 < {frame.left:.1f})")
                if char["x1"] > frame.right + tol:
                    where.append(f"in the right margin (x1 > {frame.right:.1f})")
                if not furniture and char["top"] < frame.top - tol:
                    where.append(f"in the top margin (top < {frame.top:.1f})")
                if not furniture and char["bottom"] > frame.bottom + tol:
                    where.append(f"in the bottom margin (bottom > {frame.bottom:.1f})")
                if where:
                    problems.append(
                        f"page {page.number}: {char['text']!r} (U+{ord(char['text'][:1] or ' '):04X}) at "
                        f"x0={char['x0']:.1f} x1={char['x1']:.1f} top={char['top']:.1f} "
                        f"bottom={char['bottom']:.1f}, {', '.join(where)}; line {line.text[:60]!r}")
    return problems


def body_text(pages: list[PdfPage]) -> str:
    """The PDF's text without page furniture, in reading order, with no whitespace at all: a word
    broken over lines or pages reads as one again."""
    text = "".join(line.text for page in pages for line in page.body_lines())
    return re.sub(r"\s+", "", text)


def pdf_chars(pages: list[PdfPage]) -> str:
    return "".join(c["text"] for page in pages for c in page.chars)


# --------------------------------------------------------------------------------------------
# Characters


def comparable(text: str) -> collections.Counter:
    """The characters of a text as a multiset, whitespace removed, in canonical decomposition.

    A multiset, not a string: text extraction gives right-to-left scripts (Arabic, Hebrew) in
    visual or in logical order depending on how the glyphs were placed, and shaped scripts
    (Devanagari) may list a vowel sign before its consonant; the order says nothing about
    whether a character is in the PDF. NFD, not NFC: a combining mark drawn as its own glyph
    must count the same as a precomposed letter, whichever neighbour the PDF puts it next to.
    """
    return collections.Counter(c for c in unicodedata.normalize("NFD", fold_presentation_forms(text))
                               if not c.isspace())


# Arabic (and Hebrew) presentation forms, which a writer that shapes by itself draws and the PDF's
# text then holds: folded to the letters they show (NFKC), one character at a time, so that the
# rest of the text keeps the distinctions NFKC would erase (x² is not x2, "ﬁ" is not "fi").
_PRESENTATION_FORMS = re.compile("[\ufb1d-\ufdff\ufe70-\ufeff]")


def fold_presentation_forms(text: str) -> str:
    return _PRESENTATION_FORMS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


def missing_from(expected: str, found: str) -> collections.Counter:
    return comparable(expected) - comparable(found)


def describe(counter: collections.Counter) -> str:
    return ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, '?')} x{n}" for c, n in sorted(counter.items()))


def warned_missing_glyphs(warnings: list[str]) -> set[str]:
    """The characters the writer said it has no glyph for."""
    chars = set()
    for message in warnings:
        if "no font has a glyph for" in message:
            chars.update(chr(int(code, 16)) for code in re.findall(r"U\+([0-9A-F]{4,6})", message))
    return chars


def is_emoji(char: str) -> bool:
    # Pictographs, regional indicators, skin tones: no font reportlab can embed draws them
    # (the colour emoji fonts are CBDT), so the writer may only warn about them.
    return ord(char) >= 0x1F000


_CJK = re.compile("[\u1100-\u11ff\u2e80-\u2fdf\u3000-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
                  "\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\uff00-\uffef]")
CJK_FONTS = ("WenQuanYi Zen Hei", "Droid Sans Fallback")


def cjk_font_installed() -> bool:
    return any(find_font(name) for name in CJK_FONTS if name in load_theme().body_fonts)


def require_fonts(families: tuple[str, ...], package: str, any_of: bool = False) -> None:
    """Like require_tool, for fonts: skip when missing, but fail under CI=true."""
    found = [name for name in families if find_font(name)]
    if (any_of and found) or (not any_of and len(found) == len(families)):
        return
    message = f"font {' or '.join(families) if any_of else ', '.join(sorted(set(families) - set(found)))} " \
              f"is not installed (Debian package {package})"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def docx_text(path: Path) -> str:
    """Every paragraph of the re-opened DOCX, table cells included, one per line."""
    document = docx.Document(str(path))
    return "\n".join(DocxParagraph(p, document).text for p in document.element.body.iter(qn("w:p")))


# --------------------------------------------------------------------------------------------
# Rendering, once per module


@dataclass
class Rendered:
    name: str
    pdf: Path
    docx: Path
    brief: dict | None
    warnings: list[str]

    @functools.cached_property
    def pages(self) -> list[PdfPage]:
        return read_pdf(self.pdf)


CLI_INPUTS = {
    "sample": (SAMPLE.name, None),
    "B06": ("B06-scripts.txt", B06_SCRIPTS),
    "B09": ("B09-long-word.txt", B09_LONG_WORD),
    "B10": ("B10-cjk-no-spaces.txt", B10_CJK_NO_SPACES),
    "url": ("long-url.txt", URL_ARTICLE),
    "people": ("sixty-people.txt", PEOPLE_ARTICLE),
}
ALL_INPUTS = [*CLI_INPUTS, "B06-direct"]


def generate_with_cli(folder: Path, name: str) -> Rendered:
    filename, data = CLI_INPUTS[name]
    if data is None:
        source = SAMPLE
    else:
        source = folder / filename
        source.write_bytes(data)
    out = folder / "out"
    result = run_brief("generate", str(source), "-f", "pdf", "-f", "docx", "-f", "json", "-o", str(out))
    stderr = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 0, f"brief generate {filename} failed:\n{stderr}"
    written = {Path(line).suffix: Path(line) for line in result.stdout.decode().splitlines() if line.strip()}
    assert set(written) == {".pdf", ".docx", ".json"}, result.stdout
    brief = json.loads(written[".json"].read_text(encoding="utf-8"))
    warnings = [line for line in stderr.splitlines() if "warning" in line]
    return Rendered(name, written[".pdf"], written[".docx"], brief, warnings)


def render_directly(folder: Path) -> Rendered:
    """Every line of B06 as a paragraph, given straight to the PDF and DOCX writers."""
    text = B06_SCRIPTS.decode("utf-8")
    document = Document(meta=Meta(title="Many scripts"),
                        blocks=[Heading(1, [Span("Many scripts")]),
                                *(Paragraph([Span(line)]) for line in text.splitlines())])
    job = RenderJob(document=document, markdown="", theme=load_theme())
    pdf, docx_file = folder / "scripts.pdf", folder / "scripts.docx"
    pdf.write_bytes(render("pdf", job))
    docx_file.write_bytes(render("docx", job))
    return Rendered("B06-direct", pdf, docx_file, None, list(job.warnings))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """name -> Rendered, each input rendered on first use only."""
    cache: dict[str, Rendered] = {}

    def get(name: str) -> Rendered:
        if name not in cache:
            folder = tmp_path_factory.mktemp(name)
            cache[name] = render_directly(folder) if name == "B06-direct" else generate_with_cli(folder, name)
        return cache[name]

    return get


# --------------------------------------------------------------------------------------------
# The copies are the catalogue's bytes


def test_copies_match_the_catalogue_generator():
    generator = ROOT.parent / "shared" / "inputs" / "make_fixtures.py"
    if not generator.is_file():
        pytest.skip(f"catalogue generator not found at {generator} (outside this repository)")
    spec = importlib.util.spec_from_file_location("make_fixtures", generator)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fixtures = module.fixtures()
    assert fixtures["B06-scripts.txt"] == B06_SCRIPTS
    assert fixtures["B09-long-word.txt"] == B09_LONG_WORD
    assert fixtures["B10-cjk-no-spaces.txt"] == B10_CJK_NO_SPACES


# --------------------------------------------------------------------------------------------
# Margins, on every page


@pytest.mark.parametrize("name", ALL_INPUTS)
def test_text_stays_inside_the_margins(rendered, name):
    result = rendered(name)
    frame = frame_of_theme()
    pages = result.pages
    assert pages, "the PDF has no pages"
    for page in pages:
        assert abs(page.width - frame.width) < 1 and abs(page.height - frame.height) < 1, \
            f"page {page.number} is {page.width:.1f} x {page.height:.1f} pt, not the theme's page size"
    assert sum(len(page.chars) for page in pages) > 100, "no text found in the PDF"
    problems = margin_problems(pages, frame)
    assert not problems, (f"{name}: {len(problems)} characters outside the margins, first ones:\n"
                          + "\n".join(problems[:20]))


def test_margin_check_catches_text_in_the_margins():
    """The checker itself: body text in a margin band or a side margin is caught, page furniture
    in the bands is not."""
    frame = frame_of_theme()

    def char(text, x0, top, size=10.0):
        return {"text": text, "x0": x0, "x1": x0 + size * 0.6, "top": top, "bottom": top + size,
                "size": size, "fontname": "F"}

    def line_of(text, x0, top):
        return [char(c, x0 + i * 6.0, top) for i, c in enumerate(text)]

    inside = line_of("Body text", frame.left + 10, frame.top + 10)
    footer = line_of("Page 3 of 9", frame.right - 70, frame.bottom + 20)
    marking = line_of("OFFICIAL-SENSITIVE", frame.width / 2 - 50, frame.top / 2)
    ok = PdfPage(1, frame.width, frame.height, inside + footer + marking)
    assert margin_problems([ok], frame) == []
    for bad in (line_of("Overflowing body", frame.left, frame.bottom + 2),
                line_of("AAAAAAAAAA", frame.left, frame.top / 2),
                line_of("Page 3 of 9", frame.right - 20, frame.bottom + 20),
                line_of("Left", frame.left - 20, frame.top + 40)):
        page = PdfPage(1, frame.width, frame.height, inside + bad)
        assert margin_problems([page], frame), squeeze("".join(c["text"] for c in bad))


# --------------------------------------------------------------------------------------------
# Page 1 as a picture


def png_size(path: Path) -> tuple[int, int]:
    """Width and height of a PNG, after checking it is one: signature, IHDR first with a good
    CRC, and image data that inflates to exactly the rows the header announces."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    position, chunks = 8, []
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        crc, = struct.unpack(">I", data[position + 8 + length:position + 12 + length])
        assert zlib.crc32(kind + body) & 0xFFFFFFFF == crc, f"bad CRC in the {kind!r} chunk"
        chunks.append((kind, body))
        position += 12 + length
    assert chunks[0][0] == b"IHDR" and chunks[-1][0] == b"IEND"
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
    pixels = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    if interlace == 0:
        assert len(pixels) == height * (1 + (width * channels * depth + 7) // 8)
    return width, height


def read_pgm(path: Path) -> tuple[int, int, bytes]:
    data = path.read_bytes()
    match = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    assert match, f"{path.name} is not a binary PGM"
    width, height, maximum = map(int, match.groups())
    assert maximum == 255
    return width, height, data[match.end():match.end() + width * height]


@pytest.mark.parametrize("name", ALL_INPUTS)
def test_page_one_as_png(rendered, name, tmp_path):
    """Page 1 drawn at 60 dpi: a valid PNG with the page's proportions, and no ink at all in the
    left and right margins (rules, table borders and pictures included, not only text)."""
    pdftoppm = require_tool("pdftoppm")
    result = rendered(name)
    frame = frame_of_theme()
    target = result.pdf.with_suffix("")
    subprocess.run([pdftoppm, "-png", "-r", str(PNG_DPI), "-f", "1", "-l", "1", "-singlefile",
                    str(result.pdf), str(target)], check=True, capture_output=True, timeout=60)
    png = target.with_suffix(".png")
    assert png.is_file()
    width, height = png_size(png)
    scale = PNG_DPI / 72
    assert abs(width - frame.width * scale) <= 1 and abs(height - frame.height * scale) <= 1, (width, height)
    assert abs(width / height - frame.width / frame.height) < 0.005

    gray = tmp_path / "page"
    subprocess.run([pdftoppm, "-gray", "-r", str(PNG_DPI), "-f", "1", "-l", "1", "-singlefile",
                    str(result.pdf), str(gray)], check=True, capture_output=True, timeout=60)
    pgm_width, pgm_height, pixels = read_pgm(gray.with_suffix(".pgm"))
    # One pixel (1.2 pt) of slack at each edge of the frame, for antialiasing.
    left_edge = int(frame.left * scale) - 1
    right_edge = int(frame.right * scale) + 2
    inked = [(x, y, pixels[y * pgm_width + x]) for y in range(pgm_height)
             for x in (*range(0, left_edge), *range(right_edge, pgm_width))
             if pixels[y * pgm_width + x] < 200]
    assert not inked, (f"{name}: {len(inked)} dark pixels in the side margins of page 1, e.g. "
                       + ", ".join(f"({x / scale:.0f} pt, {y / scale:.0f} pt)" for x, y, _ in inked[:10]))


# --------------------------------------------------------------------------------------------
# A 5,000-character word and URLs wrap, and nothing is lost


@pytest.mark.parametrize("name, expected", [
    ("B09", ["Start" + LONG_WORD + "end.", LONG_PATH_URL]),
    ("url", [LONG_URL]),
], ids=["B09", "url"])
def test_long_words_are_complete(rendered, name, expected):
    result = rendered(name)
    pdf_body = body_text(result.pages)
    docx_body = docx_text(result.docx)
    for text in expected:
        assert text in pdf_body, (f"{name}: the {len(text)}-character run {text[:30]}... is not whole in the "
                                  f"PDF's text ({pdf_body.count(text[-1])} of its last character found)")
        assert text in re.sub(r"\s+", "", docx_body), f"{name}: {text[:30]}... is not whole in the DOCX"


# --------------------------------------------------------------------------------------------
# Scripts: every character reaches the PDF and the DOCX


def brief_texts(brief: dict) -> list[str]:
    """What a brief shows of its article's own words: the title and the context sentences."""
    return [brief["title"], *brief["context"]]


def check_scripts(result: Rendered, texts: list[str], allowed_missing: set[str]) -> None:
    expected = "".join(texts)
    warned = warned_missing_glyphs(result.warnings)
    unexpected_warning = {c for c in warned if c not in allowed_missing}
    assert not unexpected_warning, (f"{result.name}: the writer has no glyph for {describe(collections.Counter(unexpected_warning))} "
                                    f"although the theme's fonts cover them")
    # Every character is in the PDF's text, or the writer named it in a warning (emoji).
    missing = collections.Counter({c: n for c, n in missing_from(expected, pdf_chars(result.pages)).items()
                                   if c not in warned})
    assert not missing, f"{result.name}: not in the PDF's text: {describe(missing)}"
    # The DOCX keeps every code point, in order, whatever the fonts.
    reopened = unicodedata.normalize("NFC", docx_text(result.docx))
    for text in texts:
        assert unicodedata.normalize("NFC", text) in reopened, f"{result.name}: DOCX lost {text!r}"


def test_many_scripts_through_the_cli(rendered):
    require_fonts(("DejaVu Sans", "Noto Sans Arabic", "Noto Sans Hebrew", "Noto Sans Devanagari",
                   "Noto Sans Thai", "Noto Sans Symbols 2"), "fonts-noto-core / fonts-dejavu-core")
    result = rendered("B06")
    texts = brief_texts(result.brief)
    assert result.brief["title"].startswith("Cyrillic:")
    allowed = {c for c in "".join(texts) if is_emoji(c) or (_CJK.match(c) and not cjk_font_installed())}
    check_scripts(result, texts, allowed)


def test_many_scripts_given_to_the_writers(rendered):
    """All of B06, every line, straight to the writers: the brief itself keeps only a few of
    its sentences (the title and two or so of context), so the CLI alone never shows the writers
    Greek, Hebrew, CJK, Devanagari or Thai."""
    require_fonts(("DejaVu Sans", "Noto Sans Arabic", "Noto Sans Hebrew", "Noto Sans Devanagari",
                   "Noto Sans Thai", "Noto Sans Symbols 2"), "fonts-noto-core / fonts-dejavu-core")
    result = rendered("B06-direct")
    lines = B06_SCRIPTS.decode().splitlines()
    allowed = {c for c in "".join(lines) if is_emoji(c) or (_CJK.match(c) and not cjk_font_installed())}
    check_scripts(result, lines, allowed)


@pytest.mark.parametrize("script, logical", [("Hebrew", "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd"),
                                             ("Arabic", "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645")],
                         ids=["hebrew", "arabic"])
def test_right_to_left_words_are_drawn_right_to_left(rendered, script, logical):
    """A right-to-left run reads from the right: its first letter is its rightmost glyph. Read
    left to right by position, the letters come out in reverse order."""
    require_fonts(("DejaVu Sans",), "fonts-dejavu-core")
    result = rendered("B06-direct")
    letters = set(logical) - {" "}
    line = next((line for page in result.pages for line in page.lines if line.text.startswith(script + " (RTL)")),
                None)
    assert line is not None, f"no line starting {script} (RTL) in the PDF"
    drawn = "".join(fold_presentation_forms(c["text"]) for c in line.chars
                    if fold_presentation_forms(c["text"]) and set(fold_presentation_forms(c["text"])) <= letters)
    expected = logical.replace(" ", "")[::-1]
    how = " (logical order: the run is drawn left to right)" if drawn == logical.replace(" ", "") else ""
    assert drawn == expected, (f"{script}: the letters, by position from left to right, are {drawn!r}{how}; "
                               f"drawn right to left they would be {expected!r}")


def test_cjk_without_spaces_is_complete(rendered):
    require_fonts(CJK_FONTS, "fonts-wqy-zenhei", any_of=True)
    result = rendered("B10")
    # The brief keeps the whole 6,000-character line (as its context) and a cut title.
    assert CJK_RUN in result.brief["context"]
    check_scripts(result, brief_texts(result.brief), allowed_missing=set())
    assert CJK_RUN in body_text(result.pages), "the 6,000 characters are not whole, in order, in the PDF"
    assert CJK_RUN in docx_text(result.docx)


# --------------------------------------------------------------------------------------------
# A long table repeats its header row


def test_long_table_repeats_its_header_row_in_the_pdf(rendered):
    result = rendered("people")
    assert [p["name"] for p in result.brief["people"]] == PEOPLE, "precondition: the brief lists the sixty people"
    pages_with_rows = []
    for page in result.pages:
        lines = [line.text for line in page.body_lines()]
        rows = [i for i, text in enumerate(lines) if any(text.startswith(name + " ") for name in PEOPLE)]
        if rows:
            pages_with_rows.append(page.number)
            headers = [i for i, text in enumerate(lines) if PEOPLE_HEADER.match(text)]
            assert headers and headers[0] < rows[0], (
                f"page {page.number} has People rows but no header row above them; its first lines: "
                f"{lines[:3]}")
    assert len(pages_with_rows) >= 2, f"precondition: the People table spans pages, it is on {pages_with_rows}"
    found = "\n".join(line.text for page in result.pages for line in page.body_lines())
    assert all(re.search(rf"^{name}\b", found, re.M) for name in PEOPLE), "a row was lost at a page break"


def people_table(path: Path):
    document = docx.Document(str(path))
    tables = [t for t in document.tables if t.rows and t.rows[0].cells[0].text.strip() == "Name"]
    assert len(tables) == 1, "the DOCX has no People table"
    return tables[0]


def test_long_table_header_row_repeats_in_the_docx(rendered):
    table = people_table(rendered("people").docx)
    assert len(table.rows) == 1 + len(PEOPLE)
    tr_pr = table.rows[0]._tr.trPr
    header = tr_pr.find(qn("w:tblHeader")) if tr_pr is not None else None
    assert header is not None, "the People table's first row is not marked as a header row (w:tblHeader)"
    assert header.get(qn("w:val"), "true") not in ("0", "false", "off")
    for row in table.rows[1:]:
        row_pr = row._tr.trPr
        assert row_pr is None or row_pr.find(qn("w:tblHeader")) is None, "a body row is marked as a header"


# --------------------------------------------------------------------------------------------
# LibreOffice opens every DOCX these tests produce


def test_libreoffice_converts_every_docx(rendered, tmp_path):
    soffice = require_tool("soffice")
    results = [rendered(name) for name in ALL_INPUTS]
    sources = tmp_path / "docx"
    sources.mkdir()
    for result in results:  # unique names: two briefs may share a file name
        (sources / f"{result.name}.docx").write_bytes(result.docx.read_bytes())
        docx.Document(str(result.docx))  # and python-docx re-opens each
    out = tmp_path / "pdf"
    profile = Path(f"/tmp/lo-{uuid.uuid4().hex}")  # a profile of its own: no lock shared with others
    try:
        converted = subprocess.run(
            [soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{profile}", "--convert-to", "pdf",
             "--outdir", str(out), *sorted(str(p) for p in sources.glob("*.docx"))],
            capture_output=True, text=True, timeout=120)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    failed = []
    for result in results:
        pdf = out / f"{result.name}.pdf"
        if not pdf.is_file() or not pdf.read_bytes().startswith(b"%PDF-") or not read_pdf(pdf):
            failed.append(result.name)
    assert not failed, f"LibreOffice did not convert {failed}:\n{converted.stdout}\n{converted.stderr}"
    # A real word processor honours the header row: it is on every page of the People table.
    for page in read_pdf(out / "people.pdf"):
        lines = [line.text for line in page.lines]
        rows = [i for i, text in enumerate(lines) if any(text.startswith(name + " ") for name in PEOPLE)]
        if rows:
            headers = [i for i, text in enumerate(lines) if PEOPLE_HEADER.match(text)]
            assert headers and headers[0] < rows[0], f"LibreOffice page {page.number}: no header row above the rows"
