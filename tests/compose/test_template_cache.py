"""Compiled templates kept between runs: a second process compiles nothing and writes the same
Markdown; an edited template, a damaged file or a folder not safe to use costs a compile, never
a failure."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest

from pipeline.compose import template_cache
from pipeline.compose.template_cache import CompiledTemplates, _own_folder, compiled_templates
from pipeline.environment import Environment
from tests.conftest import ROOT, SAMPLE

# Renders the sample's brief (and, with a folder argument, through that template folder) and
# prints how many templates were compiled and a digest of the Markdown.
RENDER = """
import hashlib, sys
from pathlib import Path
from pipeline.compose import layout
from pipeline.extract import extract
from pipeline.readers import read_bytes
folder = Path(sys.argv[2]) if len(sys.argv) > 2 else layout.TEMPLATES_DIR
env = layout.template_environment(folder)
compiled = []
real = env.compile
env.compile = lambda source, name=None, *a, **k: compiled.append(name) or real(source, name, *a, **k)
brief = extract(read_bytes(Path(sys.argv[1]).read_bytes(), "sample.txt"))
text = layout.render_markdown(brief, folder=folder)
print(len(compiled), hashlib.sha256(text.encode()).hexdigest())
"""


def render(cache: str, *folder: Path) -> tuple[int, str]:
    env = {**os.environ, "BRIEF_CACHE_DIR": cache}
    result = subprocess.run([sys.executable, "-c", RENDER, str(SAMPLE), *map(str, folder)], cwd=str(ROOT),
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and not result.stderr, result.stderr
    compiled, digest = result.stdout.split()
    return int(compiled), digest


def cached_files(cache: Path) -> list[Path]:
    return sorted(p for p in cache.rglob("*") if p.is_file())


def test_a_second_run_compiles_nothing_and_writes_the_same(tmp_path):
    cache = tmp_path / "cache"
    first, digest = render(str(cache))
    assert first >= 2  # the brief's template and the body it includes
    assert len(cached_files(cache)) == first
    assert render(str(cache)) == (0, digest)
    assert render("") == (first, digest)  # no cache: compiled as before


def test_an_edited_template_is_compiled_again(tmp_path):
    cache, house = tmp_path / "cache", tmp_path / "house"
    house.mkdir()
    body = (ROOT / "templates" / "brief.md.j2").read_text(encoding="utf-8")
    (house / "brief.md.j2").write_text(body, encoding="utf-8")
    _, before = render(str(cache), house)
    assert render(str(cache), house) == (0, before)
    (house / "brief.md.j2").write_text(body + "\nEdited.\n", encoding="utf-8")
    compiled, after = render(str(cache), house)
    assert compiled == 1 and after != before


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "huge"])
def test_a_damaged_file_is_compiled_again(tmp_path, damage):
    cache = tmp_path / "cache"
    first, digest = render(str(cache))
    for path in cached_files(cache):
        data = path.read_bytes()
        if damage == "garbage":
            path.write_bytes(hashlib.sha256(data).digest() * 50)
        elif damage == "truncated":
            path.write_bytes(data[: len(data) // 2])
        elif damage == "empty":
            path.write_bytes(b"")
        else:
            with open(path, "ab") as handle:
                handle.truncate(template_cache.MOST_BYTES + 1)  # sparse: no disk used
    assert render(str(cache)) == (first, digest)
    assert render(str(cache)) == (0, digest)  # and written again, whole


def test_a_folder_that_cannot_be_made_costs_only_the_compile(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    first, digest = render(str(blocker / "cache"))
    assert render(str(blocker / "cache")) == (first, digest)


def test_only_a_private_folder_of_ones_own_is_used(tmp_path):
    mine = tmp_path / "mine"
    assert _own_folder(mine) == mine and (mine.stat().st_mode & 0o777) == 0o700
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    assert _own_folder(shared) is None
    (tmp_path / "link").symlink_to(mine, target_is_directory=True)
    assert _own_folder(tmp_path / "link") is None
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert _own_folder(tmp_path / "file") is None
    assert compiled_templates(jinja2.Environment(), None) is None


def test_settings_that_change_the_compiled_code_change_the_folder(tmp_path):
    plain = compiled_templates(jinja2.Environment(), tmp_path)
    trimmed = compiled_templates(jinja2.Environment(trim_blocks=True), tmp_path)
    escaping = compiled_templates(jinja2.Environment(autoescape=True), tmp_path)
    assert len({plain.directory, trimmed.directory, escaping.directory}) == 3
    assert plain.directory == compiled_templates(jinja2.Environment(), tmp_path).directory


def test_the_folder_keeps_at_most_so_many_files(tmp_path, monkeypatch):
    monkeypatch.setattr(template_cache, "MOST_FILES", 3)
    sources = {f"t{n}.j2": f"{{{{ {n} }}}}" for n in range(8)}
    env = jinja2.Environment(loader=jinja2.DictLoader(sources), bytecode_cache=CompiledTemplates(tmp_path))
    for name in sources:
        assert env.get_template(name).render() == name[1:-3]
    assert len(list(tmp_path.iterdir())) == 3


def test_the_cache_folder_comes_from_the_environment(tmp_path):
    assert Environment.read({"BRIEF_CACHE_DIR": str(tmp_path)}).cache_dir == tmp_path
    assert Environment.read({"BRIEF_CACHE_DIR": "", "HOME": "/home/x"}).cache_dir is None
    assert Environment.read({"XDG_CACHE_HOME": "/var/cache/x", "HOME": "/home/x"}).cache_dir == Path(
        "/var/cache/x/brief")
    assert Environment.read({"XDG_CACHE_HOME": "relative", "HOME": "/home/x"}).cache_dir == Path(
        "/home/x/.cache/brief")
    assert Environment.read({}).cache_dir is None
