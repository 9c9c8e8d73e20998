"""Packs: many articles, one document per format, run once per morning, recorded in SQLite."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import docx
import pytest

from pipeline.errors import BriefError
from pipeline.packs.settings import load_pack
from pipeline.packs import build as pack_build
from pipeline.packs.build import MANIFEST, build_pack
from tests.conftest import ROOT, require_tool
from tests.packs.articles import ARTICLES, write_articles

DATE = "2026-03-04"


def pack_file(tmp_path: Path, extra: str = "", formats: str = '["docx", "pdf"]') -> Path:
    path = tmp_path / "daily.toml"
    path.write_text(f'name = "Test daily"\nsources = ["{tmp_path / "articles"}/"]\nformats = {formats}\n'
                    f'output = "{tmp_path / "out"}"\ntimezone = "Europe/London"\nclassification = "OFFICIAL"\n'
                    f'{extra}', encoding="utf-8")
    return path


@pytest.fixture()
def articles(tmp_path) -> list[Path]:
    return write_articles(tmp_path / "articles")


def run_pack(path: Path, *args: str, date: str = DATE, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", "pack", "run", str(path), "--date", date, *args],
                          cwd=str(ROOT), capture_output=True, timeout=timeout)


def new_in(path: Path) -> list[str]:
    """The titles the executive summary marks "(new)"."""
    found = []
    for paragraph in docx.Document(str(path)).paragraphs:
        match = re.match(r"\d+\. (.+?) \(new\): ", paragraph.text)
        if match:
            found.append(match.group(1))
    return found


def headings(path: Path) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in docx.Document(str(path)).paragraphs if p.style.name.startswith(("Title", "Heading"))]


def test_one_document_per_format_with_every_brief_in_order(tmp_path, articles):
    result = run_pack(pack_file(tmp_path))
    assert result.returncode == 0, result.stderr.decode()
    paths = [Path(line) for line in result.stdout.decode().splitlines()]
    folder = tmp_path / "out" / "test-daily" / DATE
    assert paths == [folder / f"test-daily-{DATE}.docx", folder / f"test-daily-{DATE}.pdf", folder / MANIFEST]
    titles = [title for title, _ in ARTICLES.values()]
    found = headings(paths[0])
    assert found[0] == ("Title", "Test daily")
    brief_headings = [text for style, text in found if style == "Heading 1" and text[:1].isdigit()]
    assert brief_headings == [f"{n}. {title}" for n, title in enumerate(titles, start=1)]
    sections = [text for style, text in found if style == "Heading 1"]
    assert {"Contents", "Top stories", "People index", "Sources"} <= set(sections)
    people = next(t for t in docx.Document(str(paths[0])).tables if t.rows[0].cells[0].text == "Name"
                  and t.rows[0].cells[2].text == "In briefs")
    names = {row.cells[0].text: row.cells[2].text for row in people.rows[1:]}
    assert names["Maria Lopez"] == "1" and names["Kadri Saar"] == "11"
    # The pack's first run: everyone is named for the first time.
    assert people.rows[0].cells[3].text == "Runs"
    assert {row.cells[3].text for row in people.rows[1:]} == {"1 of 1, first seen"}
    pdftotext = require_tool("pdftotext")
    text = " ".join(subprocess.run([pdftotext, str(paths[1]), "-"], capture_output=True, check=True).stdout.decode().split())
    positions = [text.index(f"{n}. {title}", text.index("Top stories")) for n, title in enumerate(titles, 1)]
    assert positions == sorted(positions)
    manifest = json.loads(paths[2].read_text())
    assert [i["status"] for i in manifest["inputs"]] == ["ok"] * 12
    assert [o["file"] for o in manifest["outputs"]] == [paths[0].name, paths[1].name]


def test_second_run_is_a_no_op_and_a_changed_article_rebuilds_and_is_new(tmp_path, articles):
    path = pack_file(tmp_path)
    assert run_pack(path, date="2026-03-03").returncode == 0
    second = run_pack(path, date="2026-03-03")
    assert second.returncode == 0 and second.stdout == b""
    assert "up to date" in second.stderr.decode()
    articles[4].write_text("Flood wall finished\n\nThe flood wall in Hebden Bridge is finished.\n", encoding="utf-8")
    # The next morning: only the changed article is new since the previous pack.
    third = run_pack(path)
    assert third.returncode == 0 and third.stdout
    docx_path = Path(third.stdout.decode().splitlines()[0])
    assert new_in(docx_path) == ["Flood wall finished"]
    # A rebuild of the same morning keeps the same markers: "new" is measured against yesterday.
    articles[0].write_text("Port strike over\n\nDock workers are back at work.\n", encoding="utf-8")
    fourth = run_pack(path)
    assert new_in(Path(fourth.stdout.decode().splitlines()[0])) == ["Port strike over", "Flood wall finished"]
    with sqlite3.connect(tmp_path / "out" / "test-daily" / "history.sqlite") as db:
        outcomes = db.execute("SELECT pack_date, outcome FROM runs ORDER BY id").fetchall()
        new = db.execute("SELECT source FROM inputs WHERE run_id = 2 AND is_new = 1").fetchall()
    assert outcomes == [("2026-03-03", "ok"), (DATE, "ok"), (DATE, "ok")]
    assert [Path(s).name for (s,) in new] == ["05-flood.txt"]


def test_force_rebuilds_and_dry_run_writes_nothing(tmp_path, articles):
    path = pack_file(tmp_path)
    dry = run_pack(path, "--dry-run")
    assert dry.returncode == 0 and "would build 12 articles (12 new)" in dry.stderr.decode()
    assert not (tmp_path / "out" / "test-daily" / DATE).exists()
    assert run_pack(path).returncode == 0
    forced = run_pack(path, "--force")
    assert forced.returncode == 0 and len(forced.stdout.decode().splitlines()) == 3


def test_a_bad_article_is_listed_and_the_rest_is_built(tmp_path, articles):
    (tmp_path / "articles" / "07-zz.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    result = run_pack(pack_file(tmp_path))
    assert result.returncode == 1
    stderr = result.stderr.decode()
    assert "07-zz.txt: left out of the pack: looks like a PNG image" in stderr and "Traceback" not in stderr
    docx_path = Path(result.stdout.decode().splitlines()[0])
    texts = [p.text for p in docx.Document(str(docx_path)).paragraphs]
    assert "Articles left out" in texts
    cells = [c.text for t in docx.Document(str(docx_path)).tables for r in t.rows for c in r.cells]
    assert "07-zz.txt" in cells
    assert sum(1 for t in texts if t[:1].isdigit() and ". " in t) >= 12


def test_jobs_do_not_change_the_bytes(tmp_path, articles, monkeypatch):
    outputs = []
    for jobs, folder in ((1, "serial"), (4, "parallel")):
        # The articles here are fewer than a pack needs for worker processes: the parallel run
        # is told to use them all the same.
        monkeypatch.setattr(pack_build, "PARALLEL_FROM", 1 if jobs > 1 else len(articles) + 1)
        (tmp_path / folder).mkdir()
        path = pack_file(tmp_path / folder).read_text().replace(str(tmp_path / folder / "articles"),
                                                                 str(tmp_path / "articles"))
        (tmp_path / folder / "daily.toml").write_text(path)
        result = build_pack(load_pack(tmp_path / folder / "daily.toml"), date=DATE, jobs=jobs)
        outputs.append({p.suffix: p.read_bytes() for p in result.paths if p.suffix != ".json"})
    assert outputs[0] == outputs[1] and set(outputs[0]) == {".docx", ".pdf"}


def test_a_small_pack_is_built_in_one_process_and_a_large_one_uses_workers(tmp_path, articles, monkeypatch):
    import concurrent.futures

    import pipeline.render.build as render_build

    started = []

    class CountingPool(concurrent.futures.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            started.append(kwargs.get("max_workers", args[0] if args else None))
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(pack_build, "ProcessPoolExecutor", CountingPool)
    monkeypatch.setattr(render_build, "ProcessPoolExecutor", CountingPool)
    assert len(articles) < pack_build.PARALLEL_FROM
    small = build_pack(load_pack(pack_file(tmp_path)), date=DATE, jobs=2)
    assert started == [] and {p.suffix for p in small.paths} == {".docx", ".pdf", ".json"}
    monkeypatch.setattr(pack_build, "PARALLEL_FROM", len(articles))
    large = build_pack(load_pack(pack_file(tmp_path)), date="2026-03-05", jobs=2)
    assert sorted(started) == [1, 2], started  # the PDF's process, then the two extraction workers
    assert {p.suffix for p in large.paths} == {".docx", ".pdf", ".json"}


def test_the_templates_are_compiled_while_the_articles_are_extracted(tmp_path, articles, monkeypatch):
    import multiprocessing

    from pipeline.compose import layout

    # A folder of its own, so that no earlier test's environment has the templates compiled.
    house = tmp_path / "house"
    house.mkdir()
    (house / "_cover.md.j2").write_text((layout.TEMPLATES_DIR / "_cover.md.j2").read_text(encoding="utf-8"),
                                        encoding="utf-8")
    config = load_pack(pack_file(tmp_path, extra=f'templates = "{house}"\n'))
    monkeypatch.setenv("BRIEF_CACHE_DIR", "")  # no compiled templates from earlier tests
    env = layout.template_environment(house)
    compiled, workers = [], []
    real_compile, real_prepare = env.compile, pack_build._prepare_templates

    def compile_(source, name=None, *args, **kwargs):
        compiled.append(name)
        return real_compile(source, name, *args, **kwargs)

    def prepare(config, theme):
        workers.append(len(multiprocessing.active_children()))
        real_prepare(config, theme)
        compiled.append("-- prepared --")

    monkeypatch.setattr(env, "compile", compile_)
    monkeypatch.setattr(pack_build, "_prepare_templates", prepare)
    monkeypatch.setattr(pack_build, "PARALLEL_FROM", len(articles))
    result = build_pack(config, date=DATE, jobs=2)
    assert {p.suffix for p in result.paths} == {".docx", ".pdf", ".json"}
    assert workers == [3]  # the PDF's process and two extraction workers were at work
    done = compiled.index("-- prepared --")
    assert sorted(compiled[:done]) == sorted(pack_build.PACK_TEMPLATES)
    assert not set(compiled[done:]) & set(pack_build.PACK_TEMPLATES)  # laying out compiled none again


def test_a_template_that_fails_to_compile_is_left_for_the_render_to_report(tmp_path):
    from pipeline.compose.layout import prepare_templates, render_template
    from pipeline.compose.templates import TemplateError

    house = tmp_path / "broken"
    house.mkdir()
    (house / "pack.md.j2").write_text("{% include '_cover.md.j2' %}\n{% for x in %}\n", encoding="utf-8")
    prepare_templates(house)  # says nothing: the render names the file and the line
    with pytest.raises(TemplateError, match=r"pack.md.j2.*line 2"):
        render_template("pack.md.j2", house)


# Loaded by the child run through PYTHONPATH: the moment the pack's documents are on disk under
# temporary names and about to be renamed into place, it says so and waits to be killed.
FREEZE_BEFORE_RENAME = """
import os, pathlib, time
_replace = os.replace
def _frozen_replace(source, target, *args, **kwargs):
    if str(target).endswith((".docx", ".pdf")):
        pathlib.Path(os.environ["BRIEF_TEST_MARKER"]).write_text("renaming")
        time.sleep(600)
    return _replace(source, target, *args, **kwargs)
os.replace = _frozen_replace
"""


def test_killed_run_leaves_no_partial_file_and_the_next_run_completes(tmp_path, articles):
    path = pack_file(tmp_path)
    history = tmp_path / "out" / "test-daily" / "history.sqlite"
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(FREEZE_BEFORE_RENAME, encoding="utf-8")
    marker = tmp_path / "marker"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(hook), str(ROOT)]), "BRIEF_TEST_MARKER": str(marker)}
    process = subprocess.Popen([sys.executable, "-m", "pipeline", "pack", "run", str(path), "--date", DATE],
                               cwd=str(ROOT), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not marker.exists() and process.poll() is None:
            time.sleep(0.02)
        assert marker.exists(), process.communicate()[1].decode() if process.poll() is not None else "no marker"
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    assert _running(history), "the run should have been killed while running"
    folder = tmp_path / "out" / "test-daily" / DATE
    assert [p for p in folder.iterdir() if p.name.startswith(".")], "the documents were under temporary names"
    assert not list(folder.glob("*.docx")) and not list(folder.glob("*.pdf"))
    result = run_pack(path)
    assert result.returncode == 0, result.stderr.decode()
    assert len(result.stdout.decode().splitlines()) == 3
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]
    require_tool("qpdf")
    assert subprocess.run(["qpdf", "--check", str(folder / f"test-daily-{DATE}.pdf")], capture_output=True).returncode == 0
    with sqlite3.connect(history) as db:
        assert db.execute("SELECT count(*) FROM runs WHERE outcome = 'running'").fetchone()[0] == 0


def _running(history: Path) -> bool:
    if not history.exists():
        return False
    try:
        with sqlite3.connect(history, timeout=5) as db:
            return db.execute("SELECT count(*) FROM runs WHERE outcome = 'running'").fetchone()[0] > 0
    except sqlite3.Error:
        return False


def test_a_second_run_at_the_same_time_is_refused(tmp_path, articles):
    from pipeline.packs.locking import PackLock

    config = load_pack(pack_file(tmp_path))
    with PackLock(config.lock_path, "holder"):
        with pytest.raises(BriefError, match="another run of this pack is in progress"):
            build_pack(config, date=DATE)


@pytest.mark.parametrize("text, words", [
    ('name = "x"\nsources = ["a"]\ncolour = "red"\n', ":3: colour: unknown key"),
    ('name = "x"\nsources = ["a"]\nformats = ["odt"]\n', ":3: formats: must be a list of"),
    ('name = "x"\nsources = ["a"]\ntimezone = "Mars/Olympus"\n', ":3: timezone: unknown time zone"),
    ('name = "x"\nsources = ["a"]\nschedule = "every day"\n', ":3: schedule:"),
    ('name = "x"\nsources = []\n', ":2: sources: must be a list"),
    ('sources = ["a"]\n', "name: required key is missing"),
    ('name = "x"\nsources = ["a"]\n[cover]\nprepared_four = "me"\n', ":4: cover.prepared_four: unknown key"),
    ('name = "x"\nsources = ["a"\n', "not valid TOML"),
    ('name = "x"\nname = "y"\nsources = ["a"]\n', ":2: not valid TOML"),
    ('name = "x"\nsources = ["a"]\nencoding = "idna"\n', ":3: encoding: 'idna' is not a text encoding"),
    ('name = "x"\nsources = ["a"]\ncover = "me"\n', ":3: cover: must be a table"),
    ('name = "x"\nsources = ["a"]\n\n[fetch]\ntimeout = "soon"\n', ":5: fetch.timeout: must be a number"),
    ('name = "x"\nsources = ["a"]\n[review]\nmode = "maybe"\n', ":4: review.mode: must be \"none\" or \"required\""),
])
def test_pack_file_mistakes_name_the_key_file_and_line(tmp_path, text, words):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BriefError) as caught:
        load_pack(path)
    message = str(caught.value)
    assert str(path) in message and words in message and "\n" not in message


def test_cli_reports_a_bad_pack_file_in_one_line(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('name = "x"\nsources = ["a"]\nformats = ["odt"]\n', encoding="utf-8")
    result = run_pack(path)
    assert result.returncode == 2  # a settings error: nothing was built
    assert result.stderr.decode().count("\n") == 1 and f"{path}:3: formats" in result.stderr.decode()


def test_schedule_list_prints_the_next_run_times(tmp_path):
    path = pack_file(tmp_path, extra='schedule = "0 7 * * 1-5"\n')
    result = subprocess.run([sys.executable, "-m", "pipeline", "schedule", str(path), "--list"], cwd=str(ROOT),
                            capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr.decode()
    line = result.stdout.decode().strip()
    assert line.startswith("Test daily: ") and line.count("T07:00") + line.count("T06:00") == 5


def test_schedule_refuses_a_pack_without_a_schedule(tmp_path):
    result = subprocess.run([sys.executable, "-m", "pipeline", "schedule", str(pack_file(tmp_path))], cwd=str(ROOT),
                            capture_output=True, timeout=60)
    assert result.returncode == 2
    assert len(result.stderr.decode().splitlines()) == 1 and "schedule" in result.stderr.decode()


def test_the_scheduler_builds_the_pack_at_each_fire_time(tmp_path, articles):
    """The real run behind `brief schedule`: built at 07:00, built again at 13:00 after a change."""
    from datetime import datetime, timedelta, timezone

    from pipeline.cli import _scheduled_run
    from pipeline.packs.schedule import Scheduler
    from pipeline.packs.history import History

    config = load_pack(pack_file(tmp_path, extra='schedule = "0 7,13 * * *"\n'))
    now = [datetime(2026, 3, 4, 6, 59, 58, tzinfo=timezone.utc)]
    lines: list[str] = []

    def sleep(seconds: float) -> None:
        before = now[0]
        now[0] += timedelta(seconds=max(seconds, 1))
        if before.hour < 12 <= now[0].hour:       # an editor changes an article before lunch
            articles[1].write_text("Grid upgrade delayed\n\nThe grid upgrade is delayed.\n", encoding="utf-8")
        if now[0] > datetime(2026, 3, 4, 13, 0, 30, tzinfo=timezone.utc):
            scheduler.request_stop()

    scheduler = Scheduler([config], _scheduled_run, clock=lambda: now[0], sleep=sleep, log=lines.append)
    assert scheduler.run_forever() == 0
    with History(config.history_path) as history:
        runs = [(r.pack_date, r.outcome) for r in history.runs(config.name)]
    assert runs == [("2026-03-04", "ok"), ("2026-03-04", "ok")], lines
    assert [line for line in lines if "finished" in line] == [
        line for line in lines if line.startswith("Test daily 2026-03-04: finished with exit code 0")]


def test_the_same_article_named_twice_is_in_the_pack_once(tmp_path, articles):
    path = pack_file(tmp_path)
    text = path.read_text().replace(f'sources = ["{tmp_path / "articles"}/"]',
                                    f'sources = ["{tmp_path / "articles"}/", "{articles[0]}"]')
    path.write_text(text)
    result = build_pack(load_pack(path), date=DATE, jobs=1)
    manifest = json.loads(result.paths[-1].read_text())
    assert len(manifest["inputs"]) == 12


def test_a_dry_run_records_nothing(tmp_path, articles):
    config = load_pack(pack_file(tmp_path))
    result = build_pack(config, date=DATE, dry_run=True)
    assert result.skipped and "would build 12 articles (12 new)" in result.message
    assert not config.history_path.exists() and not config.lock_path.exists()


def test_a_failed_build_is_recorded_as_failed(tmp_path, articles):
    from pipeline.packs.history import History

    config = load_pack(pack_file(tmp_path))
    (tmp_path / "out" / "test-daily").mkdir(parents=True)
    (tmp_path / "out" / "test-daily" / DATE).write_text("a file where the folder goes")
    with pytest.raises(BriefError):
        build_pack(config, date=DATE, jobs=1)
    with History(config.history_path) as history:
        assert [r.outcome for r in history.runs(config.name)] == ["failed"]


@pytest.mark.parametrize("line, words", [('timezone = "Europe"', "timezone: unknown time zone"),
                                         ('encoding = "hex"', "encoding: 'hex' is not a text encoding")])
def test_more_pack_file_mistakes(tmp_path, line, words):
    path = tmp_path / "bad.toml"
    path.write_text(f'name = "x"\nsources = ["a"]\n{line}\n', encoding="utf-8")
    with pytest.raises(BriefError, match=words):
        load_pack(path)


WARM_UP = """
import sys
from pathlib import Path
from pipeline import api
from pipeline.packs.settings import load_pack
api.warm_up([load_pack(Path(path)) for path in sys.argv[1:]])
from pipeline.render.pdf.fonts import _REGISTERED
print(sorted(m for m in ("pipeline.extract", "pipeline.render.pdf", "pipeline.render.docx", "reportlab")
             if m in sys.modules), len(_REGISTERED) > 0)
"""


def test_warm_up_loads_what_runs_use_and_passes_over_a_broken_theme(tmp_path, articles):
    good = pack_file(tmp_path)
    broken = tmp_path / "broken.toml"
    broken.write_text(pack_file(tmp_path).read_text().replace('name = "Test daily"', 'name = "Broken"') +
                      f'theme = "{tmp_path / "no-such-theme.toml"}"\n', encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", WARM_UP, str(broken), str(good)], cwd=str(ROOT),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["['pipeline.extract',", "'pipeline.render.docx',", "'pipeline.render.pdf',",
                                     "'reportlab']", "True"]
