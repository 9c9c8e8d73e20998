"""Paragraph text reaches reportlab as fragments made directly (pipeline.render.pdf.document
_Markup.frags), not as markup it parses: they must be what its parser would have made, and the
quick test for one-font text (fonts._StyleKeys) must cut text exactly as the full one does."""

from __future__ import annotations

import pytest
from reportlab.platypus import Paragraph

from pipeline.compose.blocks import Span
from pipeline.render.pdf import fonts as pdf_fonts
from pipeline.render.pdf.document import _Markup, _Styles
from pipeline.render.pdf.fonts import _FontBook
from tests.conftest import CYRILLIC, HOSTILE

SPAN_CASES = {
    "plain": [Span("The minister said the plan would be published by June.")],
    "markup characters": [Span(HOSTILE)],
    "quotes and ampersands": [Span('"AT&T" said <no> \'deal\' & left')],
    "whitespace runs": [Span("two  spaces,\ttab,\u00a0no-break   and  more ")],
    "spaces at span edges": [Span("ends with space "), Span(" starts with space", strong=True)],
    "bold and code": [Span("Plain "), Span("bold", strong=True), Span(" and "), Span("x = 1", code=True)],
    "line break": [Span("first line"), Span("\n"), Span("second line")],
    "safe link": [Span("see "), Span("the report", href="https://example.org/a?b=1&c=2"), Span(".")],
    "unsafe link": [Span("click", href="javascript:alert(1)")],
    "other scripts": [Span(f"{CYRILLIC} met 习近平 in Αθήνα; नमस्ते and ไทย")],
    "a character no font has": [Span("a private \ue000 character and \U0001FAE8")],
    "controls and line ends": [Span("bell\x07 and\r\nline\u2028end")],
}


@pytest.fixture()
def markup(theme) -> tuple[_Markup, _Styles]:
    book = _FontBook(theme, lambda message: None)
    styles = _Styles(theme, book)
    return _Markup(book, styles), styles


def merged(frags) -> list[tuple[dict, str]]:
    """Fragments with neighbours of the same look joined: the parser cuts text at each entity
    (`&amp;`), which changes nothing drawn."""
    out: list[list] = []
    for frag in frags:
        look = {key: (str(value) if key == "textColor" else value)
                for key, value in frag.__dict__.items() if key not in ("text", "__tag__")}
        if out and out[-1][0] == look and not look.get("lineBreak"):
            out[-1][1] += frag.text
        else:
            out.append([look, frag.text])
    return [(look, text) for look, text in out]


@pytest.mark.parametrize("case", SPAN_CASES)
@pytest.mark.parametrize("bold, heading", [(False, False), (True, False), (False, True)])
def test_fragments_are_those_the_parser_makes(markup, case, bold, heading):
    made, styles = markup
    spans = SPAN_CASES[case]
    for style in (styles.body, styles.cell, styles.heading):
        direct = made.frags(spans, style, bold, heading)
        parsed = Paragraph(made.spans(spans, bold, heading), style).frags
        assert merged(direct) == merged(parsed), case
        assert direct, case


def test_fragments_are_copies_not_shared(markup):
    made, styles = markup
    first = made.frags([Span("one")], styles.body)
    second = made.frags([Span("two")], styles.body)
    assert first[0] is not second[0]
    assert (first[0].text, second[0].text) == ("one", "two")


TEXTS = ["Plain ASCII words.", "  leading and trailing  ", "", "Ωmega and ASCII", "ASCII again",
         "习近平 and ASCII", "tab\tand\u3000ideographic space", "zero\u200bwidth and \u202ebidi",
         "\ue000 private", "ASCII words, once more.", f"{CYRILLIC}!"]


def test_quick_test_cuts_text_as_the_full_one_does(theme, monkeypatch):
    quick = _FontBook(theme, lambda message: None)
    quick_runs = [quick.runs(text, code, bold, False, heading) for text in TEXTS * 2
                  for code in (False, True) for bold in (False, True) for heading in (False, True)]
    monkeypatch.setattr(pdf_fonts._StyleKeys, "MOST_COMPILES", 0)  # the quick test never applies
    full = _FontBook(theme, lambda message: None)
    full_runs = [full.runs(text, code, bold, False, heading) for text in TEXTS * 2
                 for code in (False, True) for bold in (False, True) for heading in (False, True)]
    assert quick_runs == full_runs
    one_font = quick.runs("Plain ASCII words.", False, False, False)
    assert len(one_font) == 1 and one_font[0][1] == "Plain ASCII words."
    assert len(quick.runs("Plain Ωmega 习近平", False, False, False)) > 1  # the fallback font still cuts in


def test_quick_test_stops_recompiling_in_a_script_of_many_characters(theme, monkeypatch):
    monkeypatch.setattr(pdf_fonts._StyleKeys, "MOST_COMPILES", 5)
    book = _FontBook(theme, lambda message: None)
    expected = _FontBook(theme, lambda message: None)
    for code in range(0x0410, 0x0450):  # a new Cyrillic letter, which the main font has, each time
        text = f"word {chr(code)} word"
        assert book.runs(text, False, False, False) == expected.runs(text, False, False, False)
    style = next(iter(book._styles.values()))
    assert style._compiled == 5
    assert book.runs("word \u0430 word", False, False, False) == [(style.default, "word \u0430 word")]
