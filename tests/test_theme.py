"""Themes: the default loads; mistakes in a theme file are one clear error naming the key."""

from __future__ import annotations

import pytest

from pipeline.errors import BriefError
from pipeline.compose.theme import DEFAULT_THEME, load_theme


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
