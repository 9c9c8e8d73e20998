"""The command line as scripts and cron jobs use it: --json, exit statuses, -q and -v, NO_COLOR,
BRIEF_* variables, pack status/list, schedule --systemd. Real processes, real files."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import ROOT, SAMPLE, run_brief, run_brief_on_a_terminal
from tests.packs.articles import write_articles

SCHEMA = json.loads((ROOT / "pipeline" / "report.schema.json").read_text(encoding="utf-8"))


def validate_report(stdout: bytes) -> dict:
    data = json.loads(stdout.decode())
    jsonschema.validate(data, SCHEMA)
    return data


def write_pack(folder: Path, *, templates: Path | None = None, formats=("md",), schedule: str | None = None) -> Path:
    articles = folder / "articles"
    if not articles.exists():
        write_articles(articles)
    lines = ['name = "Scripting daily"', f'sources = ["{articles}/"]', f"formats = {json.dumps(list(formats))}",
             f'output = "{folder / "out"}"', 'timezone = "Europe/London"']
    if templates is not None:
        lines.append(f'templates = "{templates}"')
    if schedule is not None:
        lines.append(f'schedule = "{schedule}"')
    path = folder / "pack.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- exit statuses and --json


def test_generate_json_lists_each_file_with_its_digest(tmp_path):
    result = run_brief("generate", str(SAMPLE), "-o", str(tmp_path), "-f", "md", "-f", "json", "--json")
    assert result.returncode == 0, result.stderr.decode()
    report = validate_report(result.stdout)
    assert report["exit_code"] == 0 and report["left_out"] == []
    assert [w["format"] for w in report["written"]] == ["md", "json"]
    for record in report["written"]:
        data = Path(record["path"]).read_bytes()
        assert record["bytes"] == len(data) and record["sha256"] == hashlib.sha256(data).hexdigest()
        assert record["source"] == str(SAMPLE)


def test_exit_1_when_an_input_is_left_out_and_the_rest_is_written(tmp_path):
    missing = tmp_path / "missing.txt"
    result = run_brief("generate", str(SAMPLE), str(missing), "-o", str(tmp_path / "out"), "-f", "md", "--json")
    assert result.returncode == 1
    report = validate_report(result.stdout)
    assert report["exit_code"] == 1
    assert [f["source"] for f in report["left_out"]] == [str(missing)]
    assert "no such file" in report["left_out"][0]["reason"]
    assert len(report["written"]) == 1 and Path(report["written"][0]["path"]).is_file()
    assert result.stderr.decode().count("\n") == 0  # with --json, nothing but the document


def test_exit_2_without_a_source_or_seeds_folder_and_nothing_is_created(tmp_path):
    result = run_brief("generate", cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("brief: no SOURCE given") and "brief generate article.txt" in lines[0]
    assert list(tmp_path.iterdir()) == []


def test_exit_2_for_a_bad_option(tmp_path):
    result = run_brief("generate", str(SAMPLE), "-f", "odt", cwd=tmp_path)
    assert result.returncode == 2 and len(result.stderr.decode().splitlines()) == 1


def test_exit_4_while_another_run_holds_the_lock(tmp_path):
    from pipeline.packs.locking import PackLock
    from pipeline.packs.settings import load_pack

    path = write_pack(tmp_path)
    config = load_pack(path)
    with PackLock(config.lock_path, str(path)):
        result = run_brief("pack", "run", str(path), cwd=tmp_path)
    assert result.returncode == 4
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1 and "another run of this pack is in progress" in lines[0]


def test_pack_run_json_and_a_no_op_rerun(tmp_path):
    path = write_pack(tmp_path)
    first = run_brief("pack", "run", str(path), "--date", "2026-03-04", "--jobs", "1", "--json", cwd=tmp_path)
    assert first.returncode == 0, first.stderr.decode()
    report = validate_report(first.stdout)
    assert report["skipped"] is False and [w["format"] for w in report["written"]] == ["md", "json"]
    again = run_brief("pack", "run", str(path), "--date", "2026-03-04", "--json", cwd=tmp_path)
    report = validate_report(again.stdout)
    assert again.returncode == 0 and report["skipped"] is True and report["written"] == []
    assert any("up to date" in m for m in report["messages"])


def test_send_dry_run_json(tmp_path):
    attachment = tmp_path / "a.md"
    attachment.write_text("# A\n", encoding="utf-8")
    result = run_brief("send", str(attachment), "--to", "a@example.org", "--dry-run", "--outbox",
                       str(tmp_path / "outbox"), "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    report = validate_report(result.stdout)
    assert [w["format"] for w in report["written"]] == ["eml"] and report["email"] == []
    assert Path(report["written"][0]["path"]).read_bytes().startswith(b"")  # the file is there
    assert Path(report["written"][0]["path"]).stat().st_size == report["written"][0]["bytes"]


# --------------------------------------------------------------------------- people at a terminal


def test_quiet_keeps_errors_only_and_verbose_adds_timed_stages(tmp_path):
    noisy = tmp_path / "noisy.txt"
    noisy.write_bytes(SAMPLE.read_bytes() + b"\n\nA stray control \x01 character.\n")
    missing = str(tmp_path / "missing.txt")
    plain = run_brief("generate", str(noisy), missing, "-o", str(tmp_path / "a"), "-f", "md")
    quiet = run_brief("generate", str(noisy), missing, "-o", str(tmp_path / "b"), "-f", "md", "-q")
    loud = run_brief("generate", str(noisy), missing, "-o", str(tmp_path / "c"), "-f", "md", "-v")
    assert plain.returncode == quiet.returncode == loud.returncode == 1
    plain_lines = plain.stderr.decode().splitlines()
    assert any("warning:" in line and "U+FFFD" in line for line in plain_lines)
    quiet_lines = quiet.stderr.decode().splitlines()
    assert len(quiet_lines) == 1 and "missing.txt" in quiet_lines[0] and "warning" not in quiet_lines[0]
    loud_lines = loud.stderr.decode().splitlines()
    assert set(plain_lines) < set(loud_lines)
    timed = [line for line in loud_lines if line.startswith(f"brief: {noisy}: read ")]
    assert len(timed) == 1 and re.fullmatch(r".*: read \d+ ms, extract \d+ ms, render \d+ ms, write \d+ ms", timed[0])
    assert plain.stdout == quiet.stdout.replace(b"/b/", b"/a/")


def _stderr_on_a_terminal(args: list[str], env: dict[str, str], cwd: Path) -> bytes:
    code, written = run_brief_on_a_terminal(*args, env=env, cwd=cwd)
    assert code == 1
    return written


def test_colour_on_a_terminal_unless_no_color(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    args = ["generate", str(tmp_path / "missing.txt"), "-o", str(tmp_path)]
    coloured = _stderr_on_a_terminal(args, env, tmp_path)
    plain = _stderr_on_a_terminal(args, {**env, "NO_COLOR": "1"}, tmp_path)
    assert b"\x1b[" in coloured and b"missing.txt" in coloured
    assert b"\x1b[" not in plain and plain.startswith(b"brief: ")


# --------------------------------------------------------------------------- settings from the environment


def _marked_templates(folder: Path, mark: str) -> Path:
    from pipeline.compose.theme import TEMPLATES_DIR

    folder.mkdir()
    source = (TEMPLATES_DIR / "pack.md.j2").read_text(encoding="utf-8")
    (folder / "pack.md.j2").write_text(f"Marked by {mark}\n\n" + source, encoding="utf-8")
    return folder


def test_a_variable_beats_the_pack_file_and_loses_to_the_flag(tmp_path):
    from_file = _marked_templates(tmp_path / "file-templates", "the pack file")
    from_env = _marked_templates(tmp_path / "env-templates", "the variable")
    from_flag = _marked_templates(tmp_path / "flag-templates", "the flag")
    path = write_pack(tmp_path, templates=from_file)

    def built(*args: str, env: dict | None = None) -> str:
        result = run_brief("pack", "run", str(path), "--force", "--jobs", "1", *args, cwd=tmp_path, env=env)
        assert result.returncode == 0, result.stderr.decode()
        md = [Path(line) for line in result.stdout.decode().splitlines() if line.endswith(".md")]
        return md[0].read_text(encoding="utf-8")

    assert "Marked by the pack file" in built()
    variable = {"BRIEF_PACK_RUN_TEMPLATE_DIR": str(from_env)}
    assert "Marked by the variable" in built(env=variable)
    assert "Marked by the flag" in built("--template-dir", str(from_flag), env=variable)


def test_generate_options_from_variables(tmp_path):
    env = {"BRIEF_GENERATE_FORMATS": "md json", "BRIEF_GENERATE_OUTPUT": str(tmp_path / "from-env")}
    result = run_brief("generate", str(SAMPLE), env=env)
    assert result.returncode == 0, result.stderr.decode()
    written = [Path(line) for line in result.stdout.decode().splitlines()]
    assert [p.suffix for p in written] == [".md", ".json"] and all(p.parent == tmp_path / "from-env" for p in written)
    flag = run_brief("generate", str(SAMPLE), "-f", "html", env=env)
    assert [Path(line).suffix for line in flag.stdout.decode().splitlines()] == [".html"]


def test_help_names_each_variable():
    text = run_brief("pack", "run", "--help").stdout.decode()
    for variable in ("BRIEF_PACK_RUN_DATE", "BRIEF_PACK_RUN_JOBS", "BRIEF_PACK_RUN_TEMPLATE_DIR"):
        assert variable in " ".join(text.split()).replace("- ", "-"), variable


# --------------------------------------------------------------------------- where packs stand


def test_pack_list_and_status_before_any_run(tmp_path):
    path = write_pack(tmp_path, schedule="0 7 * * 1-5")
    (tmp_path / "not-a-pack.toml").write_text('title = "something else"\n', encoding="utf-8")
    listed = run_brief("pack", "list", str(tmp_path), cwd=tmp_path)
    assert listed.returncode == 0
    lines = listed.stdout.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{path}  Scripting daily  ") and "T07:00" in lines[0]
    status = run_brief("pack", "status", str(path), "--date", "2026-03-04", "--json", cwd=tmp_path)
    data = validate_report(status.stdout)
    assert status.returncode == 0 and data["state"] == "not built" and data["runs"] == []
    assert len(data["next_runs"]) == 3


def test_schedule_systemd_units_verify(tmp_path):
    path = write_pack(tmp_path, schedule="30 6 * * 1-5")
    result = run_brief("schedule", "--systemd", str(path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    text = result.stdout.decode()
    assert "OnCalendar=Mon,Tue,Wed,Thu,Fri *-*-* 06:30:00 Europe/London" in text
    assert f"pack run {path}" in text and "Type=oneshot" in text
    units = {}
    for block in text.split("# /etc/systemd/system/")[1:]:
        name, _, body = block.partition("\n")
        units[name] = body
        (tmp_path / name).write_text(body, encoding="utf-8")
    assert sorted(units) == ["brief-scripting-daily.service", "brief-scripting-daily.timer"]
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        if os.environ.get("CI") == "true":
            pytest.fail("systemd-analyze is not installed (Debian package systemd)")
        pytest.skip("systemd-analyze is not installed")
    verify = subprocess.run([analyze, "verify", *(str(tmp_path / name) for name in sorted(units))],
                            capture_output=True, timeout=60, cwd=tmp_path)
    problems = [line for line in verify.stderr.decode().splitlines() if "brief-scripting-daily" in line]
    assert verify.returncode == 0 and not problems, verify.stderr.decode()


def test_on_calendar_keeps_crons_either_day_rule():
    from pipeline.api import on_calendar

    assert on_calendar("0 7 1 * 1", "UTC") == ["*-*-01 07:00:00 UTC", "Mon *-*-* 07:00:00 UTC"]
    assert on_calendar("*/30 9-10 * 1,7 *", "Europe/Paris") == ["*-01,07-* 09,10:00,30:00 Europe/Paris"]
    assert on_calendar("0 0 * * 0,7", "UTC") == ["Sun *-*-* 00:00:00 UTC"]


# --------------------------------------------------------------------------- shell completion


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts(shell):
    result = run_brief(env={"_BRIEF_COMPLETE": f"{shell}_source"})
    assert result.returncode == 0
    assert "_BRIEF_COMPLETE" in result.stdout.decode() and "brief" in result.stdout.decode()


def test_completion_of_commands_and_options():
    words = run_brief(env={"_BRIEF_COMPLETE": "bash_complete", "COMP_WORDS": "brief pa", "COMP_CWORD": "1"})
    assert words.stdout.decode().split() == ["plain,pack"]
    options = run_brief(env={"_BRIEF_COMPLETE": "bash_complete", "COMP_WORDS": "brief pack run x --no",
                             "COMP_CWORD": "4"})
    assert "plain,--no-email" in options.stdout.decode().split()


def test_a_pack_file_encoding_is_checked_once_at_load_like_the_option(tmp_path):
    path = write_pack(tmp_path)
    path.write_text(path.read_text(encoding="utf-8") + 'encoding = "idna"\n', encoding="utf-8")
    result = run_brief("pack", "run", str(path), cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.decode().splitlines()
    assert lines == [f"brief: {path}:6: encoding: 'idna' is not a text encoding; use a name such as utf-8, "
                     "latin-1, cp1252, utf-16-le or utf-16-be"]
    assert not (tmp_path / "out").exists()
    option = run_brief("generate", str(SAMPLE), "--encoding", "idna", "-o", str(tmp_path / "g"))
    assert option.returncode == 2 and "'idna' is not a text encoding" in option.stderr.decode()
