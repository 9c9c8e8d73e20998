"""The run history's schema version: an unnumbered file is stamped and keeps its runs, a file
from a newer brief is refused in one line."""

from __future__ import annotations

import sqlite3

import pytest

from pipeline.errors import SettingsError
from pipeline.packs import history as history_module
from pipeline.packs.history import SCHEMA_VERSION, History
from pipeline.packs.settings import load_pack
from tests.conftest import run_brief
from tests.packs.test_packs import DATE, pack_file


def _version(path) -> int:
    with sqlite3.connect(path) as db:
        return db.execute("PRAGMA user_version").fetchone()[0]


def _unnumbered_history(path) -> None:
    """A history as written by the code before files carried a version: today's tables, one run."""
    db = sqlite3.connect(path)
    db.executescript(history_module.SCHEMA)
    db.execute("INSERT INTO runs (pack, pack_date, run_key, started_at, finished_at, outcome, template_hash, "
               "theme_hash, seconds) VALUES ('Test daily', ?, 'key-1', '2026-03-04T06:00:00+00:00', "
               "'2026-03-04T06:00:09+00:00', 'ok', 't', 'h', 9.0)", (DATE,))
    db.commit()
    db.close()


def test_an_unnumbered_history_is_stamped_and_keeps_its_runs(tmp_path):
    path = tmp_path / "history.sqlite"
    _unnumbered_history(path)
    assert _version(path) == 0
    with History(path) as history:
        runs = history.runs("Test daily")
        assert history.completed("Test daily", "key-1") is not None
    assert [(r.pack_date, r.run_key, r.outcome, r.seconds) for r in runs] == [(DATE, "key-1", "ok", 9.0)]
    assert _version(path) == SCHEMA_VERSION >= 1


def test_a_new_history_and_a_dry_run_are_stamped(tmp_path):
    path = tmp_path / "new" / "history.sqlite"
    with History(path) as history:
        history.start_run("Test daily", DATE, "key", "t", "h")
    assert _version(path) == SCHEMA_VERSION
    with History(None) as memory:
        assert memory.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_newer_history_is_refused_and_left_as_it_was(tmp_path):
    path = tmp_path / "history.sqlite"
    _unnumbered_history(path)
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    before = path.read_bytes()
    with pytest.raises(SettingsError) as refused:
        History(path)
    assert str(refused.value) == (f"{path}: history made by a newer brief (schema {SCHEMA_VERSION + 1}); "
                                  "upgrade brief or choose another output folder")
    assert refused.value.exit_code == 2
    assert _version(path) == SCHEMA_VERSION + 1
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM runs").fetchone() == (1,)
    assert path.read_bytes() == before


@pytest.mark.parametrize("command", [["pack", "status"], ["pack", "run"]])
def test_the_cli_refuses_a_newer_history_in_one_line(tmp_path, command):
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "one.txt").write_text("Title\n\nA sentence about a pact.\n", encoding="utf-8")
    pack = pack_file(tmp_path, formats='["md"]')
    history_path = load_pack(pack).history_path
    history_path.parent.mkdir(parents=True)
    _unnumbered_history(history_path)
    with sqlite3.connect(history_path) as db:
        db.execute("PRAGMA user_version = 99")
    extra = ["--date", DATE] if command[1] == "run" else []
    result = run_brief(*command, str(pack), *extra)
    assert result.returncode == 2, result.stderr
    assert result.stderr.decode() == (f"brief: {history_path}: history made by a newer brief (schema 99); "
                                      "upgrade brief or choose another output folder\n")
    assert _version(history_path) == 99
