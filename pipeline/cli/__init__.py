"""The `brief` command line: click commands over the library in `pipeline.api`.

Commands parse options, call one library function and print what it returns: paths on standard
output (or one JSON document with --json), everything else one line each on standard error,
``brief: <what>: <why>; <what to do>``; tracebacks only with --debug. Heavy modules are imported
inside the commands that need them, so `brief --help` stays fast.

    base.py      the group, printing to standard error, main
    options.py   options several commands share, checked as they are parsed
    output.py    paths, JSON, warnings, progress bars and stage times
    briefs.py    generate, extract, render, templates, schema
    packs.py     pack run/status/history/list/approve, review, schedule, send
"""

from __future__ import annotations

import click

from pipeline.cli import briefs, packs  # noqa: F401  (the commands register themselves on `cli`)
from pipeline.cli.base import cli, main  # noqa: F401
from pipeline.cli.packs import _scheduled_run  # noqa: F401  (the scheduler's run, for tests)


def _show_variables(group: click.Group) -> None:
    """--help of each command names the variable each of its options can come from."""
    for command in group.commands.values():
        if isinstance(command, click.Group):
            _show_variables(command)
            continue
        for param in command.params:
            if isinstance(param, click.Option) and param.allow_from_autoenv and param.expose_value:
                param.show_envvar = True


_show_variables(cli)


if __name__ == "__main__":
    main()
