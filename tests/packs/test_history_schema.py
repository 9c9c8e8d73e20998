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
    """A history as written by the code before files carried a version: the tables of then, one run."""
    db = sqlite3.connect(path)
    db.executescript(history_module.SCHEMA_1)
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


def _tables(path) -> set[str]:
    with sqlite3.connect(path) as db:
        return {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


@pytest.mark.parametrize("version", [0, 1])
def test_an_older_history_gains_the_people_and_stories_tables_and_keeps_its_runs(tmp_path, version):
    path = tmp_path / "history.sqlite"
    _unnumbered_history(path)
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {version}")
    assert not {"run_people", "run_stories"} & _tables(path)
    with History(path) as history:
        (run,) = history.runs("Test daily")
        history.finish_run(run.id, "ok", [], [], 1.0, people=[("keir starmer", "Keir Starmer")],
                           stories=[history_module.StoryRow("a" * 64, "Summit in Paris", "{}")])
        assert history.people_in([run]) == {"keir starmer": {DATE}}
        assert history.people_named_before("Test daily", "2099-01-01", ["keir starmer", "nobody"]) == {"keir starmer"}
        assert [row.title for _, row in history.stories_in([run])] == ["Summit in Paris"]
    assert _version(path) == SCHEMA_VERSION == 2
    assert {"runs", "run_people", "run_stories"} <= _tables(path)


def test_recent_runs_take_the_last_finished_run_of_each_date(tmp_path):
    with History(tmp_path / "history.sqlite") as history:
        def run(date: str, outcome: str) -> int:
            run_id = history.start_run("P", date, f"{date}-{outcome}", "t", "h")
            if outcome == "failed":
                history.fail_run(run_id, 1.0, "broke")
            elif outcome != "running":
                history.finish_run(run_id, outcome, [], [], 1.0)
            return run_id

        run("2026-01-01", "ok")                      # before the window
        first = run("2026-01-02", "ok")
        again = run("2026-01-02", "partial")         # the same date built again
        run("2026-01-02", "failed")                  # a failed run counts for nothing
        run("2026-01-03", "running")                 # nor one that never finished
        today = run("2026-01-04", "ok")              # the date itself is not "before"
        found = history.recent_runs("P", "2026-01-02", "2026-01-04")
        assert [r.id for r in found] == [again] and first != again and today not in [r.id for r in found]


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
