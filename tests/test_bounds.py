"""Bounds on what a template, a theme or a subject pattern can make brief do: time, memory and
file reads all stop early, with a one-line message naming the limit."""

from __future__ import annotations

import dataclasses
import re
import datetime as dt
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.errors import BriefError
from pipeline.compose.layout import render_template
from pipeline.compose.templates import TemplateError, TemplateLimits
from pipeline.compose.theme import load_theme
from tests.conftest import ROOT, run_brief

NESTED_LOOPS = ("{% for a in range(100000) %}{% for b in range(100000) %}{% if a < 0 %}x{% endif %}"
                "{% endfor %}{% endfor %}\n")
HUGE_STRING = "{{ 'x' * 10**9 }}\n"


def template_folder(tmp_path: Path, body: str, name: str = "brief.md.j2") -> Path:
    folder = tmp_path / "templates"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(body, encoding="utf-8")
    return folder


def test_a_template_of_nested_loops_stops_at_its_time_limit(tmp_path):
    folder = template_folder(tmp_path, NESTED_LOOPS)
    start = time.monotonic()
    with pytest.raises(TemplateError, match=r"exceeded its 0.5 s limit"):
        render_template("brief.md.j2", folder, limits=TemplateLimits(seconds=0.5))
    assert time.monotonic() - start < 3


def test_a_template_building_a_gigabyte_string_stops_at_its_memory_limit(tmp_path):
    folder = template_folder(tmp_path, HUGE_STRING)
    start = time.monotonic()
    with pytest.raises(TemplateError, match=r"exceeded its 64 MB memory limit"):
        render_template("brief.md.j2", folder, limits=TemplateLimits(memory_mb=64))
    assert time.monotonic() - start < 3
    # The process's own limit is back as it was: a large allocation works again.
    assert len(bytearray(200 * 1024 * 1024)) == 200 * 1024 * 1024


def test_the_limits_come_from_the_theme(tmp_path):
    theme_file = tmp_path / "t.toml"
    theme_file.write_text("[limits]\ntemplate_seconds = 2.5\ntemplate_memory_mb = 100\n", encoding="utf-8")
    assert TemplateLimits.from_theme(load_theme(theme_file)) == TemplateLimits(2.5, 100)
    assert TemplateLimits.from_theme(load_theme()) == TemplateLimits(10, 512)
    theme_file.write_text("[limits]\ntemplate_seconds = 0\n", encoding="utf-8")
    with pytest.raises(BriefError, match="template_seconds"):
        load_theme(theme_file)


@pytest.mark.parametrize("body, message", [(NESTED_LOOPS, "exceeded its 1 s limit"),
                                           (HUGE_STRING, "exceeded its 64 MB memory limit")])
def test_the_cli_refuses_a_runaway_template_on_one_line_with_status_2(tmp_path, body, message):
    folder = template_folder(tmp_path, body)
    theme_file = tmp_path / "t.toml"
    theme_file.write_text("[limits]\ntemplate_seconds = 1\ntemplate_memory_mb = 64\n", encoding="utf-8")
    start = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "pipeline", "generate", str(ROOT / "seeds" / "uk-france-ukraine-pact.txt"),
                             "-f", "md", "-o", str(tmp_path / "out"), "--template-dir", str(folder),
                             "--theme", str(theme_file)], cwd=str(ROOT), capture_output=True, timeout=120)
    assert time.monotonic() - start < 30
    lines = result.stderr.decode().strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1, (result.returncode, lines)
    assert message in lines[0] and "brief.md.j2" in lines[0]


def test_a_device_as_the_logo_is_refused_at_once(tmp_path):
    theme_file = tmp_path / "t.toml"
    theme_file.write_text('[brand]\nlogo = "/dev/zero"\n', encoding="utf-8")
    start = time.monotonic()
    with pytest.raises(BriefError, match="not a regular file"):
        load_theme(theme_file)
    assert time.monotonic() - start < 1


def test_a_huge_logo_is_refused_without_being_read(tmp_path):
    logo = tmp_path / "logo.png"
    with logo.open("wb") as handle:
        handle.write(b"\x89PNG\r\n\x1a\n")
        handle.truncate(30_000_000)  # sparse: large, yet nothing on disk
    theme_file = tmp_path / "t.toml"
    theme_file.write_text('[brand]\nlogo = "logo.png"\n', encoding="utf-8")
    with pytest.raises(BriefError, match="over the 20 MB limit"):
        load_theme(theme_file)


def test_a_reference_document_must_be_a_regular_docx(tmp_path):
    theme_file = tmp_path / "t.toml"
    theme_file.write_text('[docx]\nreference = "/dev/zero"\n', encoding="utf-8")
    with pytest.raises(BriefError, match="not a regular file"):
        load_theme(theme_file)
    (tmp_path / "house.docx").write_text("not a package", encoding="utf-8")
    theme_file.write_text('[docx]\nreference = "house.docx"\n', encoding="utf-8")
    with pytest.raises(BriefError, match="not a .docx document"):
        load_theme(theme_file)


def test_renderers_refuse_a_device_given_past_the_theme_loader(tmp_path):
    from pipeline.render.build import render_brief
    from pipeline.extract import extract
    from pipeline.readers import read_path
    from pipeline.render.fonts import unusable_reason

    assert unusable_reason(Path("/dev/zero")) == "is not a regular file"
    brief = extract(read_path(ROOT / "seeds" / "uk-france-ukraine-pact.txt"))
    theme = dataclasses.replace(load_theme(), reference_docx="/dev/zero")
    start = time.monotonic()
    with pytest.raises(BriefError, match="not a regular file"):
        render_brief(brief, ["docx"], theme)
    theme = dataclasses.replace(load_theme(), logo="/dev/zero", brief_cover=True)
    rendered = render_brief(brief, ["docx", "pdf"], theme)
    assert any("/dev/zero" in w for w in rendered.warnings) or rendered.outputs
    assert time.monotonic() - start < 20


def test_a_subject_pattern_of_huge_width_is_refused_at_once():
    from pipeline.deliver.config import EmailSettings, check_subject_pattern
    from pipeline.deliver.message import subject_of
    from pipeline.model import Pack

    pack = Pack("Daily", "2026-03-04", None, None, None, [], [])
    for pattern in ("{name:>999999999}", "{count:0999999999d}", "{name:.999999999}", "{date:%999999999d}",
                    "{name:>{count}}"):
        start = time.monotonic()
        with pytest.raises(BriefError, match="subject"):
            subject_of(EmailSettings(to=("a@example.org",), subject=pattern), pack)
        assert time.monotonic() - start < 1
    assert check_subject_pattern("{name:>20}: {date:%d %B %Y}") == "{name:>20}: {date:%d %B %Y}"
    assert subject_of(EmailSettings(to=("a@example.org",), subject="{count:03d}: {name:.3}"), pack) == "000: Dai"
    assert dt.date(2026, 3, 4)  # the pack's date parses


def test_a_pack_file_with_a_huge_subject_width_is_refused_when_it_is_loaded(tmp_path):
    import time

    from pipeline.errors import SettingsError
    from pipeline.packs.settings import load_pack

    path = tmp_path / "pack.toml"
    path.write_text('name = "Daily"\nsources = ["a/"]\n[email]\nto = ["a@example.org"]\n'
                    'subject = "{name:>999999999}"\n', encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(SettingsError, match="asks for 999999999 characters"):
        load_pack(path)
    assert time.monotonic() - started < 2


def crowded_article(paragraphs: int) -> str:
    """A new person, minister and company in every paragraph, each with a quotation and a pledge."""
    from tests.extract.test_scale import _made_up_name

    return "A crowded article\n\n" + "\n\n".join(
        f"{_made_up_name(3 * n)} Smith of {_made_up_name(3 * n + 1)} Holdings Group met Health Minister "
        f"{_made_up_name(3 * n + 2)} Kovac on day {n}. Smith said \"we will publish the plan by March.\" "
        f"The minister said the company would pay." for n in range(paragraphs)) + "\n"


def test_an_article_naming_more_than_a_brief_holds_is_refused_on_one_line(tmp_path):
    from pipeline.extract import MOST_ITEMS

    article = tmp_path / "crowded.txt"
    article.write_text(crowded_article(MOST_ITEMS // 3), encoding="utf-8")
    result = run_brief("generate", str(article), "-f", "docx", "-f", "pdf", "-o", str(tmp_path / "out"))
    assert result.returncode == 1
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1, lines
    assert re.fullmatch(rf"brief: {re.escape(str(article))}: names [\d,]+ people, [\d,]+ quotes, [\d,]+ organisations "
                        rf"and [\d,]+ commitments: more than the {MOST_ITEMS:,} items a brief holds; brief its parts "
                        r"as separate articles", lines[0]), lines[0]
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_an_article_just_within_what_a_brief_holds_is_briefed(tmp_path):
    from pipeline.extract import MOST_ITEMS, extract
    from pipeline.readers import read_bytes

    brief = extract(read_bytes(crowded_article(MOST_ITEMS // 8).encode(), "within.txt"))
    held = len(brief.people) + len(brief.quotes) + len(brief.organisations) + len(brief.commitments)
    assert MOST_ITEMS // 2 < held <= MOST_ITEMS
