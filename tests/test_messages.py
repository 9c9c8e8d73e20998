"""What brief says when it changes or refuses something: titles that lose characters are
reported, and no address in any message, record or document repeats a password."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.errors import BriefError
from pipeline.readers.url import FetchLimits, fetch, mask_credentials
from tests.conftest import ROOT

SECRET = "hunter2secret"


def test_mask_credentials_hides_user_and_password_in_any_text():
    assert mask_credentials(f"https://anna:{SECRET}@example.org/a?b=c") == "https://***@example.org/a?b=c"
    assert mask_credentials(f"feed: http://{SECRET}@example.org/rss and ftp://x:y@h/") == \
        "feed: http://***@example.org/rss and ftp://***@h/"
    assert mask_credentials("https://example.org/@anna/post") == "https://example.org/@anna/post"
    assert mask_credentials("mailto:anna@example.org") == "mailto:anna@example.org"


def test_fetch_refuses_an_address_with_a_password_without_repeating_it():
    with pytest.raises(BriefError) as caught:
        fetch(f"https://anna:{SECRET}@example.org/news", FetchLimits(timeout=2))
    assert SECRET not in str(caught.value) and "user name or password" in str(caught.value)


def test_the_cli_never_prints_the_password_of_an_address(tmp_path):
    result = subprocess.run([sys.executable, "-m", "pipeline", "generate", f"https://anna:{SECRET}@127.0.0.1:9/x",
                             "-f", "md", "-o", str(tmp_path)], cwd=str(ROOT), capture_output=True, timeout=60)
    assert result.returncode != 0
    assert SECRET not in (result.stdout + result.stderr).decode()


def test_a_pack_never_records_or_prints_the_password_of_a_source(tmp_path):
    from pipeline.packs.settings import load_pack
    from pipeline.packs.build import build_pack

    pack = tmp_path / "p.toml"
    pack.write_text(f'name = "Web"\nsources = ["https://anna:{SECRET}@127.0.0.1:9/x", '
                    f'"feed: https://anna:{SECRET}@127.0.0.1:9/rss"]\nformats = ["md", "json"]\n'
                    f'output = "{tmp_path / "out"}"\n', encoding="utf-8")
    result = build_pack(load_pack(pack), "2026-03-04", jobs=1, email=False)
    assert len(result.failures) == 2
    shown = json.dumps([dataclasses.asdict(f) for f in result.failures]) + json.dumps(result.warnings)
    assert SECRET not in shown and "***@127.0.0.1" in shown
    for path in (tmp_path / "out").rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path
    cli = subprocess.run([sys.executable, "-m", "pipeline", "pack", "run", str(pack), "--date", "2026-03-05"],
                         cwd=str(ROOT), capture_output=True, timeout=120)
    assert SECRET not in (cli.stdout + cli.stderr).decode()


def test_a_title_that_loses_bidi_controls_is_warned_about():
    from pipeline.render.build import render_brief
    from pipeline.extract import extract
    from pipeline.readers import read_path
    from pipeline.compose.theme import load_theme

    brief = extract(read_path(ROOT / "seeds" / "uk-france-ukraine-pact.txt"))
    rendered = render_brief(brief, ["md"], load_theme())
    assert not any("title" in w for w in rendered.warnings)
    tricked = dataclasses.replace(brief, title="Invoice \u202efdp.exe plan")
    rendered = render_brief(tricked, ["md"], load_theme())
    assert any("1 bidi control character" in w and "Invoice fdp.exe plan" in w for w in rendered.warnings), \
        rendered.warnings
