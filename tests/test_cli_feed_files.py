"""A saved feed file whose items point at 127.0.0.1: the refusal says where the address came
from, --allow-private lets the pages be read, and fetching the items shows a bar on a terminal."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.conftest import WEB_FIXTURES, run_brief, run_brief_on_a_terminal


def saved_feed(tmp_path: Path, web_server) -> Path:
    feed = tmp_path / "saved.rss"
    feed.write_bytes((WEB_FIXTURES / "feed-rss1.xml").read_bytes().replace(b"__BASE__", web_server.base.encode()))
    return feed


def notes(folder: Path) -> list[str | None]:
    return [json.loads(p.read_text(encoding="utf-8"))["source"].get("note") for p in sorted(folder.glob("*.json"))]


def test_a_saved_feed_may_not_lead_into_the_local_network_unless_allowed(tmp_path, web_server):
    feed = saved_feed(tmp_path, web_server)
    refused = run_brief("generate", str(feed), "-f", "json", "-o", str(tmp_path / "refused"), timeout=60)
    assert refused.returncode == 0, refused.stderr.decode()
    said = notes(tmp_path / "refused")
    assert len(said) == 2
    for note in said:
        assert "reached from a saved feed file" in note and "public address" not in note

    allowed = run_brief("generate", str(feed), "-f", "json", "-o", str(tmp_path / "allowed"), "--allow-private",
                        timeout=60)
    assert allowed.returncode == 0, allowed.stderr.decode()
    assert notes(tmp_path / "allowed") == [None, None]  # the pages themselves were read
    by_variable = run_brief("generate", str(feed), "-f", "json", "-o", str(tmp_path / "env"), timeout=60,
                            env={"BRIEF_GENERATE_ALLOW_PRIVATE": "1"})
    assert by_variable.returncode == 0 and notes(tmp_path / "env") == [None, None]


def test_fetching_a_feeds_items_shows_a_bar_on_a_terminal_only(tmp_path, web_server):
    feed = saved_feed(tmp_path, web_server)
    args = ["generate", str(feed), "-f", "json", "--allow-private"]
    code, seen = run_brief_on_a_terminal(*args, "-o", str(tmp_path / "tty"), env={**os.environ, "NO_COLOR": "1"})
    assert code == 0
    assert b"Fetching" in seen and b"100%" in seen, seen
    piped = run_brief(*args, "-o", str(tmp_path / "pipe"))
    assert piped.returncode == 0 and b"Fetching" not in piped.stderr
