"""The command group, how every command prints, and `main`, which turns failures into one line
and an exit status."""

from __future__ import annotations

import gc
import os
import sys

import click

from pipeline import __version__
from pipeline.environment import Environment
from pipeline.errors import BriefError
from pipeline.results import EXIT_INTERRUPTED, EXIT_LEFT_OUT as EXIT_FAILED, EXIT_OK, EXIT_USAGE  # noqa: F401

ENV_PREFIX = "BRIEF"

class Interrupted(Exception):
    """Ctrl-C, carried past click (which would print an empty line for it)."""


class _Settings:
    debug = False
    quiet = False    # standard error: errors only
    verbose = False  # standard error: a line per stage, with its time
    colour = True


def _flag_given(args: list[str], name: str) -> bool:
    options = args[:args.index("--")] if "--" in args else args
    return name in options


def _colour() -> bool:
    return _Settings.colour and sys.stderr.isatty()


def error(message: str) -> None:
    prefix = click.style("brief:", fg="red", bold=True) if _colour() else "brief:"
    click.echo(prefix + " " + " ".join(message.split()), err=True)


def warn(subject: str, message: str) -> None:
    if not _Settings.quiet:
        error(f"warning: {subject}: {message}" if subject else f"warning: {message}")


def note(message: str) -> None:
    """A line for a person that is neither an error nor a warning (quiet hides it)."""
    if not _Settings.quiet:
        error(message)


def stage(message: str, seconds: float) -> None:
    if _Settings.verbose and not _Settings.quiet:
        click.echo(f"brief: {message} ({seconds * 1000:.0f} ms)", err=True)


# Python's cyclic collector, at its default thresholds, walks every young object each 700
# allocations: a document being rendered is hundreds of thousands of small objects that live
# until it is written (little of it cyclic), and at the default a fifth of a 100-article
# pack's PDF went to the collector. The command line owns its process (the library leaves
# this setting alone), and its workers inherit it.
COLLECTOR_THRESHOLDS = (20_000, 20, 20)


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
    _Settings.debug = _flag_given(args, "--debug")
    _Settings.quiet = _Settings.verbose = False
    try:
        environment = Environment.read()
        _Settings.debug = _Settings.debug or environment.debug
        _Settings.colour = environment.colour
        code = cli.main(args=args, prog_name="brief", standalone_mode=False, auto_envvar_prefix=ENV_PREFIX)
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help() if exc.ctx else "")
        code = EXIT_OK
    except click.UsageError as exc:
        command = exc.ctx.command_path if exc.ctx else "brief"
        error(f"{exc.format_message().rstrip('.')}; see '{command} --help'")
        code = EXIT_USAGE
    except click.ClickException as exc:
        error(exc.format_message())
        code = exc.exit_code
    except (Interrupted, KeyboardInterrupt, click.exceptions.Abort):
        error("interrupted")
        code = EXIT_INTERRUPTED
    except BrokenPipeError:  # `brief ... | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = EXIT_OK
    except BriefError as exc:
        if _Settings.debug:
            raise
        error(str(exc))
        code = getattr(exc, "exit_code", EXIT_FAILED)  # a template or settings error is a usage error: 2
    except Exception as exc:  # a bug: say so in one line, unless asked for the traceback
        if _Settings.debug:
            raise
        error(f"internal error: {type(exc).__name__}: {exc}; rerun with --debug and report it")
        code = EXIT_FAILED
    sys.exit(code if isinstance(code, int) else EXIT_OK)


class _Group(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise Interrupted() from None


def _set_verbosity(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        setattr(_Settings, param.name, True)


def _common(command):
    """--debug, -q and -v on every command (--debug is read before click runs, in `main`, so
    that it covers mistakes in the options too)."""
    for option in (click.option("-v", "--verbose", is_flag=True, expose_value=False, allow_from_autoenv=False,
                                is_eager=True, callback=_set_verbosity,
                                help="Also print a line per stage with its time."),
                   click.option("-q", "--quiet", is_flag=True, expose_value=False, allow_from_autoenv=False,
                                is_eager=True, callback=_set_verbosity,
                                help="Print errors only on standard error."),
                   click.option("--debug", is_flag=True, expose_value=False, allow_from_autoenv=False,
                                help="Show a traceback when something fails.")):
        command = option(command)
    return command


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="brief", message="%(prog)s %(version)s")
@_common
def cli() -> None:
    """Turn news articles into structured briefs: DOCX, PDF, HTML, Markdown and JSON.

    Every option of a command can also come from a variable BRIEF_<COMMAND>_<OPTION> (shown in
    each command's --help); a flag beats a variable, which beats a pack file, which beats the user
    config, which beats the default.
    """
