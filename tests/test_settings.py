"""Settings files are read once and checked in one style: FILE:LINE: KEY: what is wrong; what is
allowed. The shared reader finds the line of a key in a table, a dotted key and a table itself."""

from __future__ import annotations

import os

import pytest

from pipeline.errors import SettingsError
from pipeline.settings import SettingsFile, is_language_tag
from tests.conftest import ROOT, run_brief

TEXT = """\
name = "x"
"quoted" = 1
fetch.timeout = 3

[cover]
prepared_by = "me"

[[items]]
name = "first"
"""


def settings_file(tmp_path, text: str = TEXT) -> SettingsFile:
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    return SettingsFile.read(path, "pack file", "no such pack file")


def test_the_line_of_each_kind_of_key(tmp_path):
    settings = settings_file(tmp_path)
    assert settings.line_of("name") == 1
    assert settings.line_of("quoted") == 2
    assert settings.line_of("timeout", "fetch") == 3  # a dotted key at the top level
    assert settings.line_of("cover") == 5  # a table: its header
    assert settings.line_of("prepared_by", "cover") == 6
    assert settings.line_of("prepared_for", "cover") == 5  # not written: the table's own line
    assert settings.line_of("name", "items") == 9
    assert settings.line_of("absent") is None


def test_an_error_names_file_line_and_key(tmp_path):
    settings = settings_file(tmp_path)
    error = settings.fail("prepared_by", "must be a name", "fix the value", "cover")
    assert isinstance(error, SettingsError) and error.exit_code == 2
    assert str(error) == f"{tmp_path / 's.toml'}:6: cover.prepared_by: must be a name; fix the value"
    with pytest.raises(SettingsError) as caught:
        settings.known_keys(settings.data["cover"], ("prepared_for",), "cover")
    assert str(caught.value) == f"{tmp_path / 's.toml'}:6: cover.prepared_by: unknown key; use one of: prepared_for"


def test_bad_toml_and_a_missing_file_are_one_line_each(tmp_path):
    with pytest.raises(SettingsError) as caught:
        settings_file(tmp_path, 'a = 1\nb = [1,\n')
    assert str(caught.value).startswith(f"{tmp_path / 's.toml'}:2: not valid TOML")
    with pytest.raises(SettingsError) as caught:
        SettingsFile.read(tmp_path / "none.toml", "pack file", "no such pack file")
    assert str(caught.value) == f"{tmp_path / 'none.toml'}: no such pack file; check the path"


@pytest.mark.parametrize("tag, valid", [("en-GB", True), ("en", True), ("haw", True), ("zh-Hant-TW", True),
                                        ("es-419", True), ("de-CH-1996", True), ("EN-gb", True),
                                        ("en_GB", False), ("english", False), ("", False), ("en-", False),
                                        ("-GB", False), ("en-GB ", False), ("e", False), (None, False)])
def test_language_tags(tag, valid):
    assert is_language_tag(tag) is valid


def test_the_user_config_names_its_file_line_and_key(tmp_path):
    config = tmp_path / "xdg" / "brief" / "config.toml"
    config.parent.mkdir(parents=True)
    env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    for text, at in [('[smtp]\nhost = "mail.example.org"\nport = "25"\n', ":3: smtp.port: must be a port number"),
                     ('[smtp]\nhost = "mail.example.org"\n\n[review]\nurl = "x"\n', ":4: review: unknown key; use one of: smtp"),
                     ('[smtp]\npassword = "hunter2"\n', ":2: smtp.password: unknown key"),
                     ('[smtp]\nport = 25\nport = 26\n', ":3: not valid TOML")]:
        config.write_text(text, encoding="utf-8")
        result = run_brief("send", str(ROOT / "README.md"), "--to", "a@example.org", "--dry-run",
                           "--outbox", str(tmp_path / "outbox"), env=env)
        lines = result.stderr.decode().splitlines()
        assert result.returncode == 2 and len(lines) == 1, (result.returncode, lines)
        assert lines[0].startswith(f"brief: {config}{at}"), lines[0]
        assert not (tmp_path / "outbox").exists()


def test_a_fifo_as_the_reference_docx_is_refused_without_reading_it(tmp_path):
    fifo = tmp_path / "ref.docx"
    os.mkfifo(fifo)
    result = run_brief("generate", str(ROOT / "seeds" / "uk-france-ukraine-pact.txt"), "-f", "docx",
                       "-o", str(tmp_path / "out"), "--reference-docx", str(fifo), timeout=60)
    lines = result.stderr.decode().splitlines()
    assert result.returncode == 2 and len(lines) == 1
    assert "--reference-docx" in lines[0] and "is not a regular file" in lines[0]


def test_a_pack_run_reports_its_themes_contrast_warning(tmp_path):
    from pipeline.packs.build import build_pack
    from pipeline.packs.settings import load_pack

    theme = tmp_path / "faint.toml"
    theme.write_text('[colours]\nlink = "#9999FF"\n', encoding="utf-8")
    pack = tmp_path / "pack.toml"
    pack.write_text(f'name = "Daily"\nsources = ["{ROOT / "seeds" / "uk-france-ukraine-pact.txt"}"]\n'
                    f'formats = ["md"]\noutput = "{tmp_path / "out"}"\ntheme = "{theme}"\n', encoding="utf-8")
    result = build_pack(load_pack(pack), date="2026-03-04", jobs=1)
    faint = [(source, message) for source, message in result.warnings if "WCAG" in message]
    assert faint == [(f"{theme}:2", "colours: link colour #9999FF on page #FFFFFF has contrast 2.5:1, below 4.5:1 "
                                    "(WCAG AA); choose a darker colour")]
    assert result.paths and not result.failures
