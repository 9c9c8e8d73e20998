"""Themes: the default loads; mistakes in a theme file are one clear error naming the file, line and
key; the language is a checked BCP 47 tag; faint text colours are warned of (WCAG AA)."""

from __future__ import annotations

import pytest

from pipeline.errors import BriefError, SettingsError
from pipeline.compose.theme import DEFAULT_THEME, contrast_ratio, load_theme
from tests.conftest import ROOT, run_brief


def test_default_theme_loads():
    theme = load_theme()
    assert theme.page_size == "A4" and theme.body_fonts[0] == "DejaVu Sans"
    assert theme.colour("heading") == "1F3864"


@pytest.mark.parametrize("text, words", [
    ("[page]\nsize = \"A3\"\n", "A3"),
    ("[page]\nmargin_left_mm = 150\nmargin_right_mm = 100\n", "margins"),
    ("[fonts]\nbody_size_pt = 1e300\n", "body_size_pt"),
    ("[fonts]\nbody_size_pt = -3\n", "positive"),
    ("[colours]\ntext = \"red\"\n", "colours.text"),
    ("[paper]\nsize = \"A4\"\n", "unknown section [paper]"),
    ("[page]\ncolour = 1\n", "unknown key page.colour"),
    ("[page\n", "not valid TOML"),
])
def test_theme_mistakes_are_named(tmp_path, text, words):
    path = tmp_path / "theme.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BriefError) as caught:
        load_theme(path)
    assert words in str(caught.value) and "\n" not in str(caught.value)


def test_missing_theme_file(tmp_path):
    with pytest.raises(BriefError, match="not found"):
        load_theme(tmp_path / "none.toml")
    assert DEFAULT_THEME.is_file()


@pytest.mark.parametrize("text, at", [
    ('[page]\nsize = "A4"\ncolour = 1\n', ":3: unknown key page.colour; use one of: size,"),
    ('\n[fonts]\nbody_size_pt = 1e300\n', ":3: fonts.body_size_pt: 1e+300 is outside 5-36"),
    ('[colours]\ntext = "#000000"\ntitle = "red"\n', ":3: colours.title: 'red' is not a colour"),
    ('[colours]\nheadings = "#000000"\n', ":2: unknown key colours.headings; use one of: text, title, heading"),
    ('[document]\ncover = "yes"\n', ":2: document.cover: must be true or false, not 'yes'"),
    ('[page]\nmargin_left_mm = 150\nmargin_right_mm = 100\n', ":2: page.margin_left_mm: the left and right margins"),
    ('[marking]\n\ncaveat = "A\\tB"\n', ":3: marking.caveat: must be one line"),
    ('[limits]\ntemplate_seconds = 0\n', ":2: limits.template_seconds: must be a positive number"),
    ('[brand]\norganisation = "Unit"\nlogo = "missing.png"\n', ":3: brand.logo: missing.png: cannot be read"),
    ('[page]\nsize = "A4"\n[page]\n', ":3: not valid TOML"),
])
def test_theme_mistakes_give_the_file_line_and_key(tmp_path, text, at):
    path = tmp_path / "theme.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_theme(path)
    assert str(caught.value).startswith(f"{path}{at}"), str(caught.value)
    assert caught.value.exit_code == 2


def test_the_language_defaults_to_british_english_and_takes_a_tag(tmp_path):
    assert load_theme().language == "en-GB"
    path = tmp_path / "theme.toml"
    path.write_text('[brand]\norganisation = "Unit"\n', encoding="utf-8")
    assert load_theme(path).language == "en-GB"
    for tag in ("fr", "de-CH", "zh-Hant-TW", "sr-Latn", "es-419", "de-CH-1996"):
        path.write_text(f'[document]\nlanguage = "{tag}"\n', encoding="utf-8")
        assert load_theme(path).language == tag


@pytest.mark.parametrize("value", ['"english"', '"en_GB"', '""', '"en-"', '"e"', '"en GB"', '"en-GB\\n"', "5"])
def test_a_language_that_is_not_a_bcp47_tag_is_refused_at_its_line(tmp_path, value):
    path = tmp_path / "theme.toml"
    path.write_text(f'[document]\ncover = false\nlanguage = {value}\n', encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_theme(path)
    assert str(caught.value).startswith(f"{path}:3: document.language: "), str(caught.value)
    assert "\n" not in str(caught.value)


def test_the_default_and_bundled_themes_pass_wcag_aa():
    assert load_theme().warnings == ()
    assert load_theme(ROOT / "tests" / "render" / "themes" / "letter.toml").warnings == ()


def test_contrast_ratios_match_the_wcag_reference_values():
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#FFFFFF", "#FFFFFF") == pytest.approx(1.0)
    # #767676 is the lightest grey that passes AA on white (4.54:1); #777777 just fails (4.48:1).
    assert contrast_ratio("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.005)
    assert contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.005)
    assert contrast_ratio("#FF0000", "#FFFFFF") == pytest.approx(4.0, abs=0.005)


def warnings_of(tmp_path, text: str) -> list[str]:
    path = tmp_path / "theme.toml"
    path.write_text(text, encoding="utf-8")
    return [f"{notice.source}: {notice.message}" for notice in load_theme(path).warnings]


def test_a_faint_text_colour_is_named_with_its_ratio_and_line(tmp_path):
    found = warnings_of(tmp_path, '[colours]\ntext = "#1A1A1A"\nmuted = "#777777"\n')
    assert found == [f"{tmp_path / 'theme.toml'}:3: colours: muted colour #777777 on page #FFFFFF has contrast "
                     "4.4:1, below 4.5:1 (WCAG AA); choose a darker colour"]
    assert warnings_of(tmp_path, '[colours]\nmuted = "#767676"\n') == []


def test_large_titles_need_three_to_one_and_small_ones_four_and_a_half(tmp_path):
    # #949494 on white is 3.03:1: enough for a 20 pt title, not for one of 16 pt.
    assert warnings_of(tmp_path, '[colours]\ntitle = "#949494"\n') == []
    found = warnings_of(tmp_path, '[colours]\ntitle = "#949494"\n[fonts]\ntitle_size_pt = 16\n')
    assert len(found) == 1 and "title colour #949494 on page #FFFFFF has contrast 3.0:1, below 4.5:1" in found[0]
    found = warnings_of(tmp_path, '[colours]\nheading = "#8899AA"\n')
    assert len(found) == 1 and "heading colour #8899AA" in found[0] and "below 4.5:1 (WCAG AA)" in found[0]


def test_text_on_the_table_header_fill_is_checked(tmp_path):
    found = warnings_of(tmp_path, '[colours]\ntable_header_fill = "#1F3864"\n')
    assert len(found) == 1
    assert "text colour #1A1A1A on table_header_fill #1F3864" in found[0] and "lighter table_header_fill" in found[0]


def test_the_contrast_warning_reaches_the_command_line_once(tmp_path):
    theme = tmp_path / "faint.toml"
    theme.write_text('[colours]\nheading = "#8899AA"\n', encoding="utf-8")
    result = run_brief("generate", str(ROOT / "seeds" / "uk-france-ukraine-pact.txt"), "-f", "md",
                       "-o", str(tmp_path / "out"), "--theme", str(theme))
    assert result.returncode == 0, result.stderr.decode()
    lines = [line for line in result.stderr.decode().splitlines() if "WCAG" in line]
    assert lines == [f"brief: warning: {theme}:2: colours: heading colour #8899AA on page #FFFFFF has contrast "
                     "2.9:1, below 4.5:1 (WCAG AA); choose a darker colour"]
    assert len(list((tmp_path / "out").glob("*.md"))) == 1
