"""Right-to-left text for the PDF: shaping and reordering as pure functions, then a real PDF
drawn by reportlab and read back with pdftotext."""

from __future__ import annotations

import functools
import os
import re
import subprocess
import time
import unicodedata
from xml.sax.saxutils import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.render import bidi
from pipeline.render.bidi import (has_rtl, paragraph_direction, shape_arabic, visual_lines,
                                  visual_text)
from tests.conftest import require_tool

try:  # the reference implementations, from the test extra
    import arabic_reshaper
    import bidi as python_bidi
except ImportError:  # pragma: no cover
    arabic_reshaper = python_bidi = None

HEBREW = "ראש הממשלה נפגש היום עם שר החוץ כדי לדון בהסכם החדש"
ARABIC = ("أعلنت الحكومة اليوم عن خطة جديدة لدعم الاقتصاد الوطني وتحسين الخدمات العامة في جميع "
          "المحافظات وقال الوزير إن التنفيذ سيبدأ خلال الأشهر المقبلة بالتعاون مع القطاع الخاص")
ENGLISH_WITH_NAME = "The minister met محمد بن سلمان in Riyadh."
ARABIC_WITH_LATIN = "التقى الوزير مع John Smith في عام 2026"

PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]")


def plain(text: str) -> str:
    """Shaped text in logical order with its presentation forms back to letters, so that a test
    can be written with ordinary text. Character by character: NFKC of a whole string would
    also sort combining marks."""
    return "".join(unicodedata.normalize("NFKC", char) for char in text)


def unshape(visual: str) -> str:
    """The same for text in visual order, where the lam of a lam-alef is on the right."""
    return "".join(unicodedata.normalize("NFKC", char)[::-1] for char in visual)


def reversed_words(text: str) -> str:
    """Hebrew or Arabic without digits, Latin or brackets, as it is drawn from the left."""
    return text[::-1]


# --------------------------------------------------------------------------------------------
# has_rtl and paragraph_direction


def test_has_rtl():
    assert not has_rtl("")
    assert not has_rtl("Plain ASCII, with <markup> & 2026.")
    assert not has_rtl("Володимир Зеленський, café, 東京")
    assert has_rtl("שלום")
    assert has_rtl("met محمد today")
    assert has_rtl("\ufefb")  # an already shaped lam-alef
    assert has_rtl("a\u200fb")  # RLM


def test_has_rtl_finds_every_right_to_left_character():
    missed = [f"U+{code:04X}" for code in range(0x110000)
              if unicodedata.bidirectional(chr(code)) in ("R", "AL") and not has_rtl(chr(code))]
    assert missed == []


def test_ascii_costs_next_to_nothing():
    text = "The quick brown fox jumps over the lazy dog. " * 25_000  # about 1 MB
    best = min(_seconds(lambda: has_rtl(text)) for _ in range(3))
    assert best < 0.01
    assert visual_text(text) is text
    assert min(_seconds(lambda: visual_text(text)) for _ in range(3)) < 0.01


def _seconds(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


@pytest.mark.parametrize("text, expected", [
    (HEBREW, "rtl"),
    (ARABIC, "rtl"),
    (ARABIC_WITH_LATIN, "rtl"),
    (ENGLISH_WITH_NAME, "ltr"),
    ("2026 — שלום", "rtl"),  # digits and punctuation are not strong
    ("(«John» قال)", "ltr"),
    ("", "ltr"),
    ("2026", "ltr"),
])
def test_paragraph_direction(text, expected):
    assert paragraph_direction(text) == expected


def test_paragraph_direction_default_when_nothing_is_strong():
    assert paragraph_direction("2026 — 15%", default="rtl") == "rtl"


# --------------------------------------------------------------------------------------------
# Shaping


def test_arabic_letters_become_presentation_forms():
    shaped = shape_arabic("محمد بن سلمان")
    letters = [char for char in shaped if not char.isspace()]
    assert all(PRESENTATION_FORMS.match(char) for char in letters)
    assert plain(shaped) == "محمد بن سلمان"


@pytest.mark.parametrize("text, expected", [
    ("ب", "\ufe8f"),  # isolated
    ("بب", "\ufe91\ufe90"),  # initial, final
    ("ببب", "\ufe91\ufe92\ufe90"),  # initial, medial, final
    ("ادب", "\ufe8d\ufea9\ufe8f"),  # alef and dal join nothing after them
    ("سلام", "\ufeb3\ufefc\ufee1"),  # lam + alef: the ligature, final after seen
    ("لا", "\ufefb"),  # isolated lam-alef
    ("ء", "\ufe80"),
    ("بُت", "\ufe91\u064f\ufe96"),  # a mark between letters does not break the join
    ("بـ", "\ufe91\u0640"),  # tatweel joins
    ("ب\u200cب", "\ufe8f\u200c\ufe8f"),  # ZWNJ breaks the join
    ("پچگ", "\ufb58\ufb7d\ufb93"),  # Persian letters
])
def test_contextual_forms(text, expected):
    assert shape_arabic(text) == expected


def test_shaping_leaves_other_text_alone():
    text = "Hebrew שלום, Latin, 2026 (x)"
    assert shape_arabic(text) == text


# --------------------------------------------------------------------------------------------
# Reordering


def test_hebrew_is_reversed():
    assert visual_text("שלום עולם") == "םלוע םולש"
    assert visual_text(HEBREW) == reversed_words(HEBREW)


def test_arabic_is_shaped_and_reversed():
    visual = visual_text("مرحبا بكم")
    assert PRESENTATION_FORMS.search(visual)
    assert unshape(visual) == "مكب ابحرم"


def test_digits_keep_their_order_in_right_to_left_text():
    assert visual_text("נולד ב 2026") == "2026 ב דלונ"
    assert unshape(visual_text("في عام 2026")) == "2026 ماع يف"
    assert unshape(visual_text("في عام ٢٠٢٦")) == "٢٠٢٦ ماع يف"  # Arabic-Indic digits
    assert visual_text("מחיר 1,250.50 ש\"ח") == "ח\"ש 1,250.50 ריחמ"


def test_latin_inside_right_to_left_keeps_its_order():
    visual = visual_text(ARABIC_WITH_LATIN)
    assert unshape(visual) == "2026 ماع يف John Smith عم ريزولا ىقتلا"


def test_right_to_left_name_inside_english():
    assert unshape(visual_text(ENGLISH_WITH_NAME)) == "The minister met ناملس نب دمحم in Riyadh."
    assert visual_text("Talks with נתניהו ended.") == "Talks with והינתנ ended."


@pytest.mark.parametrize("text, expected", [
    ("שלום (עולם)", "(םלוע) םולש"),  # brackets are mirrored so that they still enclose
    ("שלום (abc) xyz", "xyz (abc) םולש"),  # rule N0: both brackets with what they enclose
    ("abc (שלום) def", "abc (םולש) def"),
    ("«שלום» עולם.", ".םלוע «םולש»"),
    ("שלום [1] ו-2.", ".2-ו [1] םולש"),
    ("a < b אם", "a < b םא"),  # a comparison in a left-to-right run is not mirrored
    ("אם a < b", "a < b םא"),
    ("אם 1 < 2", "2 > 1 םא"),  # but it is in a right-to-left one
])
def test_punctuation_and_brackets(text, expected):
    assert visual_text(text) == expected


def test_arabic_punctuation_and_brackets():
    visual = unshape(visual_text("قال الرئيس إن «الاتفاق» (المعروف بـ NATO-2) سيوقع."))
    assert visual == ".عقويس (NATO-2 ـب فورعملا) «قافتالا» نإ سيئرلا لاق"


def test_format_controls_are_not_drawn_but_joiners_stay_in_the_text():
    assert "\u200f" not in visual_text("a\u200fb שלום")
    # ZWJ and ZWNJ belong to the text (emoji sequences, Persian words): kept for its extraction.
    assert visual_text("ب\u200d ا").count("\u200d") == 1
    assert visual_text("שלום 👨\u200d👩 עולם").count("\u200d") == 1


def test_forced_direction():
    assert visual_text("1!", direction="rtl") == "!1"
    assert visual_text("1!") == "1!"


# --------------------------------------------------------------------------------------------
# Lines


def test_a_wrapped_right_to_left_paragraph_starts_on_the_first_line():
    lines = visual_lines([(HEBREW, None)], width=20)
    assert len(lines) >= 3
    texts = ["".join(piece for piece, _ in line) for line in lines]
    assert all(len(text) <= 20 for text in texts)
    # Each line, read right to left, continues where the one above stopped.
    assert " ".join(reversed_words(text) for text in texts) == HEBREW
    assert reversed_words(texts[0]).startswith("ראש הממשלה")


def test_a_three_line_arabic_paragraph():
    lines = visual_lines([(ARABIC, None)], width=len(ARABIC) // 3 + 10)
    assert len(lines) == 3
    logical = [unshape("".join(piece for piece, _ in line))[::-1] for line in lines]
    assert " ".join(logical) == ARABIC
    assert logical[0].startswith("أعلنت الحكومة")
    assert logical[2].endswith("القطاع الخاص")


def test_lines_fit_the_measured_width():
    widths = {"r": 1.0, "b": 1.5}
    lines = visual_lines([(ARABIC[:60], "r"), (ARABIC[60:], "b")], width=31,
                         measure=lambda text, key: len(text) * widths[key])
    assert len(lines) > 3
    for line in lines:
        assert sum(len(piece) * widths[key] for piece, key in line) <= 31


def test_per_line_widths():
    lines = visual_lines([(HEBREW, None)], width=[10, 40])
    texts = ["".join(piece for piece, _ in line) for line in lines]
    assert len(texts[0]) <= 10 < len(texts[1]) <= 40


def test_a_word_wider_than_the_line_is_cut():
    lines = visual_lines([("שלום " + "א" * 25 + " עולם", None)], width=10)
    assert all(len(piece) <= 10 for line in lines for piece, _ in line)
    assert "".join(piece for line in lines for piece, _ in line).count("א") == 25


def test_hard_line_breaks_and_empty_lines():
    lines = visual_lines([("שלום\n", "a"), ("\nעולם", "b")])
    assert lines == [[("םולש", "a")], [], [("םלוע", "b")]]


def test_keys_follow_their_text_through_reordering():
    lines = visual_lines([("שר ", "plain"), ("החוץ", "bold"), (" נפגש", "plain")])
    assert lines == [[("שגפנ ", "plain"), ("ץוחה", "bold"), (" רש", "plain")]]


def test_joining_goes_across_styles():
    # The bold half of a word still joins the plain half.
    [[*pieces]] = visual_lines([("مح", "plain"), ("مد", "bold")])
    assert pieces == [(shape_arabic("محمد")[:1:-1], "bold"), (shape_arabic("محمد")[1::-1], "plain")]
    assert "\ufea4" in pieces[1][0]  # hah, medial: joined on both sides


def test_whitespace_is_collapsed_and_trimmed():
    assert visual_lines([("  שלום   \t עולם  ", None)]) == [[("םלוע םולש", None)]]


def test_left_to_right_text_through_visual_lines_is_unchanged():
    lines = visual_lines([("The quick brown fox", "k")], width=10)
    assert lines == [[("The quick", "k")], [("brown fox", "k")]]


def test_mirror_tables_hold_mirrored_characters_only():
    for char, mirror in bidi._MIRROR.items():
        assert unicodedata.mirrored(char) and unicodedata.mirrored(mirror), char
        assert bidi._MIRROR[mirror] == char
    for opening, closing in bidi._OPENING.items():
        assert (unicodedata.category(opening), unicodedata.category(closing)) == ("Ps", "Pe")


# --------------------------------------------------------------------------------------------
# Against the reference implementations, where they are installed (python-bidi wraps the Rust
# unicode-bidi crate; arabic-reshaper is the usual Python shaper)


_ORACLE_ALPHABET = ("abcXYZ" "אבגדה" "بتثجحدرسعمنهوي" "0123456789" "٠١٢٣" "۱۲"
                    " ().,-+%$#:/[]!?\"'«»<>{}" "\u05b8\u064e")
_BRACKETS = str.maketrans({char: "|" for char in "()[]{}<>«»"})


@pytest.mark.skipif(python_bidi is None, reason="python-bidi is not installed")
@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_ORACLE_ALPHABET, min_size=1, max_size=40),
       st.sampled_from([None, "ltr", "rtl"]))
def test_order_agrees_with_python_bidi(text, direction):
    text = re.sub(" +", " ", text).strip()
    if not text:
        return
    expected = python_bidi.get_display(text, base_dir={None: None, "ltr": "L", "rtl": "R"}[direction])
    # python-bidi 0.5+ does not mirror (rule L4); compare with brackets made alike.
    assert unshape(visual_text(text, direction)).translate(_BRACKETS) == expected.translate(_BRACKETS)


@functools.cache
def _reshaper():
    """arabic-reshaper set to do what shape_arabic does: keep the harakat, and make the
    lam-alef ligatures and no other."""
    from arabic_reshaper.ligatures import LIGATURES
    configuration = {name: name.startswith("ARABIC LIGATURE LAM WITH ALEF") and "MAKSURA" not in name
                     for name, _ in LIGATURES}
    configuration["delete_harakat"] = False
    return arabic_reshaper.ArabicReshaper(configuration=configuration)


@pytest.mark.skipif(arabic_reshaper is None, reason="arabic-reshaper is not installed")
@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىيپچژکگی ـ\u064e\u0651x1",
               min_size=1, max_size=12))
def test_shaping_agrees_with_arabic_reshaper(text):
    assert shape_arabic(text) == _reshaper().reshape(text)


# --------------------------------------------------------------------------------------------
# A real PDF: reportlab draws what visual_lines gives, pdftotext reads it back


@pytest.fixture(scope="module")
def dejavu() -> str:
    """The reportlab font name of DejaVu Sans, registered from the file fontconfig finds."""
    fc_match = require_tool("fc-match")
    path = subprocess.run([fc_match, "-f", "%{file}", "DejaVu Sans"], capture_output=True,
                          text=True).stdout.strip()
    if not path.endswith("DejaVuSans.ttf"):
        message = "DejaVu Sans is not installed (fonts-dejavu-core)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    pdfmetrics.registerFont(TTFont("DejaVuSans-bidi-test", path))
    return "DejaVuSans-bidi-test"


WIDTH = 200
SIZE = 11


def _paragraph(text: str, font: str, how: str = "lines"):
    """A reportlab Paragraph the way the PDF writer builds one: escaped text in <font> tags,
    lines from visual_lines joined with <br/>, right-aligned when the paragraph is RTL; and
    the paragraph's lines. For the tests that show what goes wrong otherwise, `how` can also
    be "logical" (the text as it is) or "whole" (the whole paragraph reordered at once)."""
    from reportlab.lib.enums import TA_LEFT, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.platypus import Paragraph

    def measure(piece: str, key: str) -> float:
        return pdfmetrics.stringWidth(piece, key, SIZE)

    if how == "lines":
        lines = visual_lines([(text, font)], WIDTH, measure)
        markup = "<br/>".join("".join(f'<font face="{key}">{escape(piece)}</font>' for piece, key in line)
                              for line in lines)
    else:
        whole = visual_text(text) if how == "whole" else text
        lines, markup = [], f'<font face="{font}">{escape(whole)}</font>'
    alignment = TA_RIGHT if paragraph_direction(text) == "rtl" else TA_LEFT
    style = ParagraphStyle("p", fontName=font, fontSize=SIZE, leading=SIZE * 1.3, alignment=alignment)
    return Paragraph(markup, style), lines


def _pdf_text(paragraphs, tmp_path) -> str:
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate, Spacer
    tool = require_tool("pdftotext")
    path = tmp_path / "bidi.pdf"
    story = []
    for paragraph in paragraphs:
        story += [paragraph, Spacer(0, SIZE)]
    padding = 6  # of SimpleDocTemplate's frame, on each side
    document = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=72 - padding,
                                 rightMargin=A4[0] - 72 - WIDTH - padding, invariant=1)
    document.build(story)
    out = subprocess.run([tool, str(path), "-"], capture_output=True, text=True, check=True).stdout
    # pdftotext marks right-to-left lines with embedding controls; letters in presentation
    # forms come back as such.
    return plain("".join(char for char in out if unicodedata.category(char) != "Cf"))


def _words(text: str) -> list[str]:
    return re.findall(r"[\w\u0600-\u06ff]+", text)


def test_reportlab_keeps_each_line_whole(dejavu):
    for text in (HEBREW, ARABIC, ARABIC_WITH_LATIN + " " + ENGLISH_WITH_NAME):
        paragraph, lines = _paragraph(text, dejavu)
        _, height = paragraph.wrap(WIDTH, 10_000)
        assert len(lines) >= 2
        assert height == pytest.approx(len(lines) * paragraph.style.leading)


def test_pdf_reads_back_in_reading_order(dejavu, tmp_path):
    hebrew, hebrew_lines = _paragraph(HEBREW, dejavu)
    arabic, arabic_lines = _paragraph(ARABIC, dejavu)
    assert len(hebrew_lines) >= 2 and len(arabic_lines) >= 3
    text = _pdf_text([hebrew, arabic], tmp_path)
    # pdftotext turns right-to-left lines back into logical order, line by line: the words
    # come out as written only if each line was drawn reversed and the lines were broken in
    # logical order.
    assert _words(text) == _words(HEBREW) + _words(ARABIC)
    first_line = text.strip().splitlines()[0]
    assert first_line.startswith("ראש הממשלה")


def test_the_pdf_check_fails_without_reordering(dejavu, tmp_path):
    # Logical order, as reportlab draws it alone: every line comes back reversed.
    paragraph, _ = _paragraph(HEBREW, dejavu, how="logical")
    text = _pdf_text([paragraph], tmp_path)
    assert _words(text) != _words(HEBREW)
    assert "ראש הממשלה" not in text
    # The whole paragraph reordered, then broken by reportlab: the lines come back in the
    # wrong order, the paragraph's first words on its last line.
    paragraph, _ = _paragraph(HEBREW, dejavu, how="whole")
    text = _pdf_text([paragraph], tmp_path)
    assert _words(text) != _words(HEBREW)
    assert not text.strip().startswith("ראש הממשלה")
