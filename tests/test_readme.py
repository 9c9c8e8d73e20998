"""The README's usage lines say what each command's --help says: the same commands, the same
options, nothing missing and nothing extra."""

from __future__ import annotations

import re

import click
import pytest

from pipeline.cli import cli
from tests.conftest import ROOT

COMMON = {"-q", "--quiet", "-v", "--verbose", "--debug", "-h", "--help"}  # on every command; said once


def readme_synopses() -> dict[str, str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    usage = text[text.index("## Usage\n"):]
    block = re.search(r"\n((?: {4}.*\n)+)", usage).group(1)
    synopses: dict[str, str] = {}
    current = None
    for line in block.splitlines():
        if line.startswith("    brief "):
            words = line.split()
            path = [words[1]] + ([words[2]] if words[1] in ("pack", "templates") else [])
            current = " ".join(path)
            assert current not in synopses, f"two synopses of brief {current}"
            synopses[current] = line
        else:
            synopses[current] += " " + line.strip()
    return synopses


def commands(group: click.Group, prefix: str = ""):
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from commands(command, f"{prefix}{name} ")
        else:
            yield f"{prefix}{name}", command


def click_options(command: click.Command) -> set[str]:
    names = set()
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            names.update(param.opts)
    return names - COMMON


def readme_options(line: str) -> set[str]:
    return set(re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", line)) - COMMON


def test_every_command_has_one_synopsis():
    assert sorted(readme_synopses()) == sorted(name for name, _ in commands(cli))


@pytest.mark.parametrize("name,command", list(commands(cli)), ids=[name for name, _ in commands(cli)])
def test_synopsis_options_match_help(name, command):
    line = readme_synopses()[name]
    documented = readme_options(line)
    # a short and a long form of one option count once: the README gives one of them
    expected = set()
    for param in command.params:
        if isinstance(param, click.Option) and not set(param.opts) & COMMON:
            forms = set(param.opts)
            assert forms & documented, f"{name}: {sorted(forms)} missing from the README line {line!r}"
            expected |= forms
    assert documented <= expected, f"{name}: the README names {sorted(documented - expected)}, which --help has not"
    for argument in (p for p in command.params if isinstance(p, click.Argument)):
        metavar = (argument.metavar or argument.name.upper()).rstrip(".")
        assert metavar.split("...")[0].strip("[]") in line, f"{name}: argument {metavar} missing"


def test_readme_tells_the_feed_extensions_help_tells():
    from pipeline.readers import FEED_EXTENSIONS

    help_text = " ".join(cli.commands["generate"].help.split())
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    for suffix in FEED_EXTENSIONS:
        assert suffix in help_text and f"`{suffix}`" in readme
