"""A pack's failures left tidy: killed runs, leftovers of a kill, a locked history, and a
manifest that stays small however many articles a pack has."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.errors import BriefError
from pipeline.files import TEMP_PREFIX
from pipeline.packs.settings import load_pack
from pipeline.packs.build import MANIFEST, build_pack, read_content
from pipeline.packs.history import History
from tests.conftest import ROOT
from tests.packs.articles import write_articles

DATE = "2026-03-04"


def pack_file(tmp_path: Path, formats: str = '["md", "json"]') -> Path:
    path = tmp_path / "daily.toml"
    path.write_text(f'name = "Test daily"\nsources = ["{tmp_path / "articles"}/"]\nformats = {formats}\n'
                    f'output = "{tmp_path / "out"}"\ntimezone = "Europe/London"\n', encoding="utf-8")
    return path


@pytest.fixture()
def config(tmp_path):
    write_articles(tmp_path / "articles")
    return load_pack(pack_file(tmp_path))


def outcomes(history: Path) -> list[str]:
    with sqlite3.connect(history) as db:
        return [row[0] for row in db.execute("SELECT outcome FROM runs ORDER BY id")]


def test_a_run_left_running_is_marked_interrupted_when_the_next_run_starts(config):
    with History(config.history_path) as history:
        history.start_run(config.name, DATE, "killed-run", "t", "t")  # as a killed run leaves it
    assert outcomes(config.history_path) == ["running"]
    build_pack(config, DATE, jobs=1, email=False)
    assert outcomes(config.history_path) == ["interrupted", "ok"]


def hold_lock_on(history: Path) -> subprocess.Popen:
    """Another process holding an exclusive lock on the history; it prints "held" once it has it."""
    return subprocess.Popen(
        [sys.executable, "-c", "import sqlite3, sys, time\n"
         "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
         "db.execute('BEGIN EXCLUSIVE')\nprint('held', flush=True)\ntime.sleep(60)\n", str(history)],
        stdout=subprocess.PIPE)


def test_a_locked_history_is_reported_with_its_holder_within_five_seconds(config):
    History(config.history_path).close()
    holder = hold_lock_on(config.history_path)
    try:
        assert holder.stdout.readline().strip() == b"held"
        start = time.monotonic()
        with pytest.raises(BriefError) as caught:
            build_pack(config, DATE, jobs=1, email=False)
        assert time.monotonic() - start < 5
    finally:
        holder.kill()
        holder.wait()
    message = str(caught.value)
    assert "history.sqlite is locked by another process" in message
    assert f"pid {holder.pid}?" in message and "internal error" not in message


def test_the_cli_reports_a_locked_history_on_one_line(tmp_path, config):
    History(config.history_path).close()
    holder = hold_lock_on(config.history_path)
    try:
        holder.stdout.readline()
        start = time.monotonic()
        result = subprocess.run([sys.executable, "-m", "pipeline", "pack", "run", str(config.path), "--date", DATE],
                                cwd=str(ROOT), capture_output=True, timeout=60)
        elapsed = time.monotonic() - start
    finally:
        holder.kill()
        holder.wait()
    lines = result.stderr.decode().strip().splitlines()
    assert result.returncode != 0 and len(lines) == 1, lines
    assert "is locked by another process" in lines[0] and "report it" not in lines[0]
    assert elapsed < 8  # 5 s of waiting at most, and the start of a Python process


KILL_AT_RENAME = """
import os, signal, sys
from pathlib import Path
from pipeline.render.build import write_outputs

calls = []
real_replace = os.replace

def replace(src, dst):
    calls.append(dst)
    if len(calls) == 2:  # the first file is in place; the kill comes at the second rename
        os.kill(os.getpid(), signal.SIGKILL)
    real_replace(src, dst)

os.replace = replace
write_outputs(Path(sys.argv[1]), "brief", {"md": b"new md", "json": b"{}", "html": b"<p>"})
"""


def test_temporary_files_left_by_a_kill_at_the_rename_are_gone_after_the_next_run(tmp_path):
    from pipeline.render.build import write_outputs

    folder = tmp_path / "out"
    killed = subprocess.run([sys.executable, "-c", KILL_AT_RENAME, str(folder)], cwd=str(ROOT),
                            capture_output=True, timeout=60)
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()
    assert [p for p in folder.iterdir() if p.name.startswith(TEMP_PREFIX)], "the kill should leave temporaries"
    write_outputs(folder, "brief", {"md": b"again"})
    assert not [p for p in folder.iterdir() if p.name.startswith(TEMP_PREFIX)]
    assert (folder / "brief.md").read_bytes() == b"again"


def test_a_temporary_file_of_a_live_process_is_kept(tmp_path):
    from pipeline.files import sweep_temp_files

    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        mine = tmp_path / f"{TEMP_PREFIX}{live.pid}-abc"
        mine.write_bytes(b"being written")
        sweep_temp_files(tmp_path)
        assert mine.exists()
    finally:
        live.kill()
        live.wait()
    sweep_temp_files(tmp_path)
    assert not mine.exists()


def test_a_pack_run_sweeps_what_a_killed_run_left(config):
    folder = config.folder / DATE
    folder.mkdir(parents=True)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    leftover = folder / f"{TEMP_PREFIX}{dead.pid}-xyz"
    leftover.write_bytes(b"half a file")
    build_pack(config, DATE, jobs=1, email=False)
    assert not leftover.exists()


def test_the_manifest_names_the_content_and_stays_small(config):
    result = build_pack(config, DATE, jobs=1, email=False)
    folder = config.folder / DATE
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    count = len(manifest["inputs"])
    assert (folder / MANIFEST).stat().st_size <= 1024 * count
    assert manifest["content"]["file"] == "content.json" and manifest["content"]["briefs"] == count
    content = read_content(folder)
    assert [e["brief"]["title"] for e in content["entries"]] == [i["title"] for i in manifest["inputs"]]
    (folder / "content.json").write_text("{}", encoding="utf-8")
    with pytest.raises(BriefError, match="does not match"):
        read_content(folder)
    assert result.paths[-1].name == MANIFEST
