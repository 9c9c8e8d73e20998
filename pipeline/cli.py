"""The `brief` command line: click commands over the library in `pipeline.api`.

Commands parse options, call one library function and print what it returns: paths on standard
output (or one JSON document with --json), everything else one line each on standard error,
``brief: <what>: <why>; <what to do>``; tracebacks only with --debug. Heavy modules are imported
inside the commands that need them, so `brief --help` stays fast.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from pipeline import __version__
from pipeline.errors import BriefError
from pipeline.render import FORMATS

# The exit statuses, one table for every command (README, "Exit status and messages").
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_UNDELIVERED, EXIT_LOCKED, EXIT_INTERRUPTED = 0, 1, 2, 3, 4, 130
ENV_PREFIX = "BRIEF"


class Interrupted(Exception):
    """Ctrl-C, carried past click (which would print an empty line for it)."""


class _Settings:
    debug = False
    quiet = False    # standard error: errors only
    verbose = False  # standard error: a line per stage, with its time


def _flag_given(args: list[str], name: str) -> bool:
    options = args[:args.index("--")] if "--" in args else args
    return name in options


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "") not in ("", "0")


def _colour() -> bool:
    return "NO_COLOR" not in os.environ and sys.stderr.isatty()


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


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    _Settings.debug = _flag_given(args, "--debug") or _env_flag("BRIEF_DEBUG")
    _Settings.quiet = _Settings.verbose = False
    try:
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


json_option = click.option("--json", "as_json", is_flag=True, allow_from_autoenv=False,
                           help="Print one JSON document of what was done on standard output.")
formats_option = click.option("-f", "--format", "formats", multiple=True, type=click.Choice(list(FORMATS)),
                              help="Output format; repeat for several. Default: docx and pdf.")
output_option = click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("output"),
                             show_default=True, help="Folder for the output files.")
theme_option = click.option("--theme", type=click.Path(path_type=Path, dir_okay=False), help="Theme file (TOML).")


def _check_classification(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from pipeline.theme import MARKING_MAX, is_marking_text

    if value is not None and not is_marking_text(value):
        raise click.BadParameter(f"must be one line of at most {MARKING_MAX} printable characters")
    return value


def _check_reference_docx(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    if value is None:
        return None
    try:
        with value.open("rb") as handle:
            head = handle.read(2)
    except IsADirectoryError:
        raise click.BadParameter(f"{str(value)!r} is a folder, not a .docx file") from None
    except OSError as exc:
        raise click.BadParameter(f"cannot read {str(value)!r} ({exc.strerror or exc})") from None
    if head != b"PK":
        raise click.BadParameter(f"{str(value)!r} is not a .docx file (not a zip archive)")
    return value.resolve()


def _check_encoding(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        from pipeline.readers.decode import check_encoding

        try:
            check_encoding(value)
        except BriefError as exc:
            raise click.BadParameter(exc.problem) from None
    return value


def _check_since(ctx, param, value: str) -> str:
    if value == "all":
        return value  # the default, without importing the web modules
    from pipeline.readers.web import LAST_RUN, parse_since

    try:
        window = parse_since(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    if window == LAST_RUN:
        raise click.BadParameter('"last-run" is for packs, which keep a history; give a duration such as 24h')
    return window


def _valid_date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    import datetime as dt

    if value is not None:
        try:
            if len(value) != 10:
                raise ValueError
            dt.date.fromisoformat(value)
        except ValueError:
            raise click.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD") from None
    return value


template_dir_option = click.option(
    "--template-dir", type=click.Path(path_type=Path, file_okay=False, exists=True), metavar="DIR",
    help="Folder of templates that replace the built-ins of the same names (see `brief templates`).")
classification_option = click.option(
    "--classification", metavar="TEXT", callback=_check_classification,
    help="Security classification marked on every page (default: the theme's).")
reference_docx_option = click.option(
    "--reference-docx", type=click.Path(path_type=Path, dir_okay=True), metavar="FILE",
    callback=_check_reference_docx,
    help="A .docx whose styles, page set-up, headers and footers the DOCX is built on.")
encoding_option = click.option("--encoding", metavar="CODEC", callback=_check_encoding,
                               help="Read the input in this encoding (default: UTF-8, or by BOM).")
pack_date_option = click.option("--date", callback=_valid_date, metavar="YYYY-MM-DD",
                                help="The pack's date (default: today in the pack's time zone).")
pack_file_argument = click.argument("pack_file", metavar="PACK.toml", type=click.Path(path_type=Path, dir_okay=False))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="brief", message="%(prog)s %(version)s")
@_common
def cli() -> None:
    """Turn news articles into structured briefs: DOCX, PDF, HTML, Markdown and JSON.

    Every option of a command can also come from a variable BRIEF_<COMMAND>_<OPTION> (shown in
    each command's --help); a flag beats a variable, which beats a pack file, which beats the user
    config, which beats the default.
    """


# --------------------------------------------------------------------------- printing results


def _print_json(data) -> None:
    import json  # here, not at the top: `brief --help` never needs it

    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


class _Printer:
    """Prints a run's events as they happen: paths on standard output, the rest on standard error.
    With --json nothing is printed until the end, when the whole report is."""

    def __init__(self, as_json: bool, print_path=None) -> None:
        self.as_json = as_json
        self.print_path = print_path or (lambda path: click.echo(str(path)))

    def __call__(self, event) -> None:
        from pipeline.api import LeftOut, Notice, Written

        if self.as_json:
            return
        if isinstance(event, Written):
            self.print_path(event.path)
        elif isinstance(event, Notice):
            warn(event.source, event.message)
        elif isinstance(event, LeftOut):
            error(f"{event.source}: {event.reason}")

    def finish(self, report) -> int:
        if self.as_json:
            _print_json(report.to_dict())
        return report.exit_code


def _verbose_listener(printer: _Printer):
    """-v: each input's stages, with their times, on one line once it is written."""
    if not _Settings.verbose:
        return printer
    stages: dict[str, list[str]] = {}

    def listen(event) -> None:
        from pipeline.api import Stage

        if isinstance(event, Stage):
            done = stages.setdefault(event.source, [])
            done.append(f"{event.name} {event.seconds * 1000:.0f} ms")
            if event.name == "write" and not _Settings.quiet:
                click.echo(f"brief: {event.source}: " + ", ".join(stages.pop(event.source)), err=True)
            return
        printer(event)

    return listen


# --------------------------------------------------------------------------- generate, extract, render


@cli.command()
@click.argument("sources", nargs=-1, metavar="[SOURCE]...")
@formats_option
@output_option
@encoding_option
@theme_option
@template_dir_option
@classification_option
@reference_docx_option
@click.option("--since", "since", metavar="WINDOW", default="all", callback=_check_since,
              help="For feeds: only items published within WINDOW (24h, 7d, ...). Default: all.")
@click.option("--timeout", type=click.FloatRange(0.1, 3600), default=30.0, show_default=True, metavar="SECONDS",
              help="Deadline for fetching each web page or feed.")
@click.option("--allow-private", is_flag=True,
              help="Let web sources reach private and loopback addresses (an intranet).")
@json_option
@_common
def generate(sources: tuple[str, ...], as_json: bool, **options) -> int:
    """Write a brief of each SOURCE article.

    SOURCE is a file (.txt, .md, .html), a folder (every such file in it), a glob, - for
    standard input, a web address (http:// or https://), or a feed: an address or file with
    feed: before it, or a .rss, .atom, .xml or .rdf file. With no SOURCE, every article in
    ./seeds/ is used when the current folder has one. Each brief is written as
    OUTPUT/<title>.<format>, and each path is printed on its own line; a web page read is kept
    in OUTPUT/sources/.
    """
    from pipeline import api

    options["formats"] = tuple(options["formats"])
    options["allow_private"] = True if options["allow_private"] else None
    settings = api.GenerateSettings(**options)
    printer = _Printer(as_json)
    started = time.perf_counter()
    report = api.generate(list(sources), settings, _verbose_listener(printer), debug=_Settings.debug,
                          progress_factory=_ProgressBar.factory(as_json))
    stage(f"generate: {len(report.written)} files", time.perf_counter() - started)
    return printer.finish(report)


@cli.command()
@click.argument("source")
@encoding_option
@click.option("--explain", is_flag=True, help="Print each extracted item with the rule that produced it.")
@_common
def extract(source: str, encoding: str | None, explain: bool) -> int:
    """Print the brief of SOURCE as JSON (or, with --explain, why each item is there)."""
    from pipeline.api import read_article
    from pipeline.extract import extract_with_trace

    warnings: list[str] = []
    article = read_article(source, encoding, warnings)
    for message in warnings:
        warn(source, message)
    result = extract_with_trace(article)
    if explain:
        for item in result.trace:
            click.echo(f"{item.field:13} {item.item}\n{'':13} rule: {item.rule}\n{'':13} from: {item.evidence}\n")
    else:
        click.echo(result.brief.to_json(), nl=False)
    return EXIT_OK


@cli.command()
@click.argument("brief_file", metavar="BRIEF.json", type=click.Path(path_type=Path, dir_okay=False))
@formats_option
@output_option
@theme_option
@template_dir_option
@classification_option
@reference_docx_option
@_common
def render(brief_file: Path, **options) -> int:
    """Render a brief from its JSON (as `brief extract` prints it, possibly edited by hand)."""
    from pipeline import api
    from pipeline.build import sanitise_brief
    from pipeline.model import Brief, ModelError

    try:
        text = brief_file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise BriefError(str(brief_file), "no such file", "check the path") from None
    except UnicodeDecodeError as exc:
        raise BriefError(str(brief_file), f"not valid UTF-8 at byte {exc.start}", "save the file as UTF-8") from None
    except OSError as exc:
        raise BriefError(str(brief_file), f"cannot read ({exc.strerror})", "check the path and permissions") from None
    try:
        brief = Brief.from_json(text)
    except ModelError as exc:
        raise BriefError(str(brief_file), f"{exc.where}: {exc.problem}",
                         "fix the file (`brief schema` prints the expected shape)") from None
    brief, replaced = sanitise_brief(brief)
    if replaced:
        warn(str(brief_file), f"replaced {replaced} characters that documents cannot hold with U+FFFD")
    options["formats"] = tuple(options["formats"])
    printer = _Printer(False)
    return printer.finish(api.render_file(brief, api.GenerateSettings(**options), printer, str(brief_file)))


# --------------------------------------------------------------------------- packs


@cli.group()
def pack() -> None:
    """Briefing packs: many articles in one document, from a pack file (TOML)."""


def _load_pack(path: Path, template_dir: Path | None = None):
    from pipeline.packconfig import load_pack

    config = load_pack(path)
    if template_dir is not None:  # the command line (or its variable) wins over the pack file's `templates`
        import dataclasses

        config = dataclasses.replace(config, templates=template_dir)
    return config


@pack.command("run")
@pack_file_argument
@pack_date_option
@click.option("--force", is_flag=True, help="Build even when a run with the same inputs is done.")
@click.option("--dry-run", is_flag=True,
              help="Say what would be built, and write the e-mail as <pack>-<date>.dry-run.eml; record nothing.")
@click.option("--jobs", type=click.IntRange(min=1), metavar="N",
              help="Articles extracted at once (default: the number of processors).")
@click.option("--no-email", is_flag=True, help="Do not send the pack, even if the pack file says to.")
@click.option("--resend", is_flag=True, help="Send the pack again, to every recipient, as a new message.")
@template_dir_option
@json_option
@_common
def pack_run(pack_file: Path, date: str | None, force: bool, dry_run: bool, jobs: int | None, no_email: bool,
             resend: bool, template_dir: Path | None, as_json: bool) -> int:
    """Build the pack PACK.toml for one date: one document per format, recorded in the history,
    then e-mailed to the pack's list when it has one.

    Prints each written path on its own line. Exits 1 when an article was left out, 3 when a
    recipient was not reached, 4 when another run of the pack holds its lock.
    """
    from pipeline import api

    started = time.perf_counter()
    config = _load_pack(pack_file, template_dir)
    stages = _PackStages(config.name, started, _ProgressBar.factory(as_json))
    report = api.run_pack(config, date, force=force, dry_run=dry_run, jobs=jobs, progress_factory=stages.extracting,
                          email=not no_email, resend=resend, log=lambda line: note(f"email: {line}"))
    stages.finished(bool(report.deliveries))
    return _finish_pack(report, as_json, lambda path: click.echo(str(path)))


class _PackStages:
    """-v for a pack run: the time to read the pack file and its sources, to extract, and to
    render, write and send; and the bar while extracting, on a terminal."""

    def __init__(self, name: str, started: float, bar_factory) -> None:
        self.name, self.last, self.bar_factory, self.bar = name, started, bar_factory, None

    def lap(self, what: str) -> None:
        now = time.perf_counter()
        stage(f"{self.name}: {what}", now - self.last)
        self.last = now

    def extracting(self, total: int):
        self.lap(f"read the pack file and {total} sources")
        self.total = total
        if self.bar_factory is not None:
            self.bar = self.bar_factory(total, "Extracting", then="Rendering ...")
        return self

    def update(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        self.lap(f"extracted {self.total} articles")

    def finished(self, sent: bool) -> None:
        self.lap("rendered and wrote the pack" + (", and sent it" if sent else ""))


def _finish_pack(report, as_json: bool, print_path) -> int:
    """What a pack run did: paths on standard output, everything else one line each on standard error."""
    if as_json:
        _print_json(report.to_dict())
        return report.exit_code
    for notice in report.warnings:
        warn(notice.source, notice.message)
    for message in report.messages:
        note(message)
    for failure in report.left_out:
        error(f"{failure.source}: left out of the pack: {failure.reason}")
    for record in report.written:
        print_path(record.path)
    _report_deliveries(report.deliveries)
    return report.exit_code


def _report_deliveries(deliveries) -> None:
    sent = [d.recipient for d in deliveries if d.status == "sent"]
    if sent:
        note(f"email: sent to {', '.join(sent)}")
    for d in deliveries:
        if d.status == "failed":
            error(f"email: {d.recipient}: refused ({d.reply}); {_refusal_hint(d.reply)}")
        elif d.status == "pending":
            error(f"email: {d.recipient}: not sent yet ({d.reply}); run again later")
        elif d.status == "unknown":
            error(f"email: {d.recipient}: outcome unknown ({d.reply}); "
                  "check the mailbox, then --resend if it never came")


def _refusal_hint(reply: str) -> str:
    """What to do about a refusal: it may be the address, or the settings, not the recipient."""
    if "STARTTLS" in reply:
        return 'set security = "ssl" (or "none" on a trusted network) under [smtp] to match the server, ' \
               "then run again"
    if reply.startswith(("MAIL FROM", "DATA")) or "SMTPUTF8" in reply and "sender" in reply:
        return "check the [smtp] and [email] settings, then run again"
    return "mend the address and run again"


class _ProgressBar:
    """A bar on standard error while a feed's items are fetched or a pack's articles extracted,
    and a line saying what comes next; only on a terminal, and never with -q or --json."""

    def __init__(self, total: int, label: str, then: str = "") -> None:
        self.bar = click.progressbar(length=total, label=label, file=sys.stderr)
        self.bar.__enter__()
        self.then = then

    @classmethod
    def factory(cls, as_json: bool):
        return cls if sys.stderr.isatty() and not (_Settings.quiet or as_json) else None

    def update(self, n: int) -> None:
        self.bar.update(n)

    def close(self) -> None:
        self.bar.__exit__(None, None, None)
        if self.then:
            click.echo(self.then, err=True)


@pack.command("status")
@pack_file_argument
@pack_date_option
@json_option
@_common
def pack_status(pack_file: Path, date: str | None, as_json: bool) -> int:
    """Where the pack stands for a date: its runs, its e-mail per recipient, its outbox and its
    next run times. Exits 3 when a recipient was not reached."""
    from pipeline import api

    status = api.pack_status(_load_pack(pack_file), date)
    if as_json:
        _print_json(status.to_dict())
        return status.exit_code
    click.echo(f"{status.pack} for {status.date}: {status.state}")
    for run in status.runs:
        click.echo(f"  run {run.id}: {run.outcome}, started {run.started_at}"
                   + (f", {run.seconds:.1f} s" if run.seconds is not None else ""))
    for d in status.deliveries:
        click.echo(f"  email {d.recipient}: {d.status}" + (f" ({d.reply})" if d.reply else ""))
    for path in status.outbox:
        click.echo(f"  outbox {path}")
    if status.next_runs:
        click.echo("  next runs: " + ", ".join(t.isoformat(timespec="minutes") for t in status.next_runs))
    return status.exit_code


@pack.command("history")
@pack_file_argument
@click.option("--days", type=click.IntRange(1, 3660), default=7, show_default=True, help="How many days back.")
@click.option("--edits", is_flag=True, help="Print the review's audit trail instead: who changed what, when.")
@_common
def pack_history(pack_file: Path, days: int, edits: bool) -> int:
    """The pack's runs over the last DAYS days, one line each (or, with --edits, every review edit)."""
    from pipeline import api

    config = _load_pack(pack_file)
    if edits:
        for date, edit, before, after in api.review_edits(config):
            click.echo(f"{edit.at}  {date}  {edit.by}  {edit.describe()}"
                       + (f"  {_compact(before)} -> {_compact(after)}" if before or after else ""))
        return EXIT_OK
    for run in api.pack_history(config, days):
        seconds = "" if run.seconds is None else f" {run.seconds:.1f} s"
        click.echo(f"{run.pack_date}  run {run.id}  {run.outcome}  started {run.started_at}{seconds}")
    return EXIT_OK


def _compact(value) -> str:
    import json

    return " ".join(json.dumps(value, ensure_ascii=False, sort_keys=True).split())


@pack.command("approve")
@pack_file_argument
@pack_date_option
@click.option("--by", required=True, metavar="NAME", help="Who approves (printed as \"Reviewed by NAME\").")
@click.option("--no-email", is_flag=True, help="Approve and render, but do not send.")
@json_option
@_common
def pack_approve(pack_file: Path, date: str | None, by: str, no_email: bool, as_json: bool) -> int:
    """Approve the pack built for a date: render it again with the review's edits and "Reviewed
    by NAME", then send it to its list, once. Exits 3 when a recipient was not reached."""
    from pipeline import api

    report = api.approve(_load_pack(pack_file), date, by, log=lambda line: note(f"email: {line}"),
                         email=not no_email)
    return _finish_pack(report, as_json, lambda path: click.echo(str(path)))


@cli.command()
@click.argument("targets", nargs=-1, required=True, metavar="PACK.toml | BRIEF.json|SOURCE...")
@pack_date_option
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="The port (default: a free one).")
@click.option("--host", metavar="HOST", default="127.0.0.1", show_default=True,
              help="Listen on HOST too (another machine's reviewers); needs BRIEF_REVIEW_PASSWORD.")
@click.option("--no-open", is_flag=True, help="Do not open the page in a browser.")
@click.option("--by", metavar="NAME", default=lambda: os.environ.get("USER", ""),
              help="Your name, for the edits' audit trail (default: $USER).")
@formats_option
@output_option
@encoding_option
@_common
def review(targets: tuple[str, ...], date: str | None, port: int, host: str, no_open: bool, by: str,
           formats: tuple[str, ...], output: Path, encoding: str | None) -> int:
    """Review a pack (or briefs) in the browser before anything is sent: fix speakers, roles and
    commitments, drop or reorder articles, add lines to take, and approve.

    Prints the page's address (with a secret made for this run) and serves it until Ctrl-C.
    With BRIEF.json files or articles instead of a pack file, approving writes their documents
    to OUTPUT in the chosen formats.
    """
    from pipeline import api

    password = None
    if host not in ("127.0.0.1", "localhost"):
        password = os.environ.get("BRIEF_REVIEW_PASSWORD") or None
        if password is None:
            raise click.UsageError(f"--host {host} lets other machines in, so it needs a password: "
                                   "set BRIEF_REVIEW_PASSWORD")
    from pipeline.review.session import review_briefs, review_pack

    if len(targets) == 1 and targets[0].endswith(".toml"):
        session = review_pack(_load_pack(Path(targets[0])), date, by, host, port, password)
    else:
        settings = api.GenerateSettings(formats=tuple(formats), output=output, encoding=encoding)
        session = review_briefs(list(targets), settings, by, host, port, password)
    click.echo(session.address)
    sys.stdout.flush()
    if not no_open:
        import webbrowser

        webbrowser.open(session.address)
    note("review: serving until Ctrl-C")
    session.serve_forever()
    return EXIT_OK


@pack.command("list")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False, exists=True), default=Path("."))
@_common
def pack_list(folder: Path) -> int:
    """The pack files in FOLDER (and below) and their next run times."""
    from pipeline import api

    for path, config in api.find_packs(folder):
        if isinstance(config, BriefError):
            error(str(config))
            continue
        times = ", ".join(t.isoformat(timespec="minutes") for t in api.next_runs(config, 3))
        click.echo(f"{path}  {config.name}  {times or 'no schedule'}")
    return EXIT_OK


# --------------------------------------------------------------------------- schedule and send


@cli.command()
@click.argument("pack_files", nargs=-1, required=True, metavar="PACK.toml...",
                type=click.Path(path_type=Path, dir_okay=False))
@click.option("--list", "list_only", is_flag=True, help="Print each pack's next run times and exit.")
@click.option("--systemd", is_flag=True, help="Print a systemd service and timer for each pack and exit.")
@click.option("--grace-hours", type=click.FloatRange(min=0), default=6, show_default=True,
              help="Catch up a run missed while the scheduler was down if it is this recent.")
@_common
def schedule(pack_files: tuple[Path, ...], list_only: bool, systemd: bool, grace_hours: float) -> int:
    """Run each pack at its scheduled times, in the foreground, until stopped.

    One log line per run on standard error. SIGTERM or Ctrl-C finishes the pack in progress and
    exits 0.
    """
    import datetime as dt

    from pipeline.packconfig import load_pack
    from pipeline.schedule import Scheduler

    packs = [load_pack(path) for path in pack_files]
    if systemd:
        return _print_systemd(packs)
    scheduler = Scheduler(packs, run_pack=_scheduled_run, grace=dt.timedelta(hours=grace_hours))
    if list_only:
        for name, times in scheduler.upcoming(5).items():
            click.echo(f"{name}: " + ", ".join(t.isoformat(timespec="minutes") for t in times))
        return EXIT_OK
    scheduler.install_signal_handlers()
    return scheduler.run_forever()


def _print_systemd(packs) -> int:
    from pipeline import api

    # The install that is running: its own `brief` script, else its Python with -m.
    script = Path(sys.executable).parent / "brief"
    program = [str(script)] if script.is_file() and os.access(script, os.X_OK) else [sys.executable, "-m", "pipeline"]
    for config in packs:
        if not config.schedule:
            raise BriefError(str(config.path), "has no schedule", 'add e.g. schedule = "0 7 * * 1-5"')
        command = [*program, "pack", "run", str(config.path.resolve())]
        service, timer = api.systemd_units(config, command, Path.cwd())
        click.echo(f"# /etc/systemd/system/brief-{config.slug}.service\n{service}\n"
                   f"# /etc/systemd/system/brief-{config.slug}.timer\n{timer}")
    return EXIT_OK


def _scheduled_run(config, pack_date: str) -> int:
    """One scheduled run of a pack: the same as `brief pack run --date`, its paths and problems
    logged on standard error."""
    from pipeline import api

    report = api.run_pack(config, pack_date, log=lambda line: note(f"email: {line}"), locked=True)
    return _finish_pack(report, False, lambda path: error(f"schedule: wrote {path}"))


@cli.command()
@click.argument("files", nargs=-1, required=True, metavar="FILE...",
                type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--to", "to", multiple=True, required=True, metavar="ADDR", help="A recipient; repeat for several.")
@click.option("--cc", multiple=True, metavar="ADDR", help="A copy recipient; repeat for several.")
@click.option("--bcc", multiple=True, metavar="ADDR", help="A blind copy recipient; repeat for several.")
@click.option("--subject", help="The subject (default: the names of the files).")
@click.option("--dry-run", is_flag=True, help="Write the message as an .eml file in --outbox instead of sending it.")
@click.option("--outbox", type=click.Path(path_type=Path, file_okay=False), default=Path("output/outbox"),
              show_default=True, help="Where --dry-run writes the message.")
@click.option("--max-mb", type=click.FloatRange(min=0.01), default=20, show_default=True,
              help="The largest the attachments may be, base64 included.")
@json_option
@_common
def send(files: tuple[Path, ...], to: tuple[str, ...], cc: tuple[str, ...], bcc: tuple[str, ...],
         subject: str | None, dry_run: bool, outbox: Path, max_mb: float, as_json: bool) -> int:
    """Send FILE... as attachments to the given addresses, with the SMTP settings of the user's
    config and BRIEF_SMTP_* variables. Exits 3 unless every recipient accepted the message."""
    from pipeline import api

    report = api.send_files(list(files), to, cc, bcc, subject, dry_run, outbox, max_mb,
                            log=lambda line: note(f"email: {line}"), refuse=click.BadParameter)
    if as_json:
        _print_json(report.to_dict())
        return report.exit_code
    for record in report.written:
        click.echo(str(record.path))
    for d in report.deliveries:
        if d.status == "sent":
            click.echo(d.recipient)
        else:
            error(f"email: {d.recipient}: {d.status} ({d.reply})")
    return report.exit_code


# --------------------------------------------------------------------------- templates and schema


@cli.group()
def templates() -> None:
    """The templates documents are made from: list them, print one, or copy them to edit.

    A folder given with --template-dir (or `templates =` in a pack file) replaces the built-in
    templates of the same names; every other name, includes too, comes from the built-ins.
    """


_templates_folder_option = click.option(
    "--template-dir", type=click.Path(path_type=Path, file_okay=False, exists=True), metavar="DIR",
    help="A user templates folder, searched before the built-ins.")


@templates.command("list")
@_templates_folder_option
@_common
def templates_list(template_dir: Path | None) -> int:
    """Print each template's name, where it comes from (built-in, or the file in DIR) and what it is for."""
    from pipeline.templates import available

    rows = [(info.name, "built-in" if info.builtin else str(info.path), info.description)
            for info in available(template_dir)]
    name_width = max(len(name) for name, _, _ in rows)
    origin_width = max(len(origin) for _, origin, _ in rows)
    for name, origin, description in rows:
        click.echo(f"{name:<{name_width}}  {origin:<{origin_width}}  {description}".rstrip())
    return EXIT_OK


@templates.command("show")
@click.argument("name")
@_templates_folder_option
@_common
def templates_show(name: str, template_dir: Path | None) -> int:
    """Print the source of template NAME (DIR's version when it has one)."""
    from pipeline.templates import find

    path = find(name, template_dir)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BriefError(str(path), f"cannot read ({exc.strerror or exc})", "check the file") from None
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
    return EXIT_OK


@templates.command("init")
@click.argument("folder", metavar="DIR", type=click.Path(path_type=Path, file_okay=False))
@click.option("--force", is_flag=True, help="Overwrite files already in DIR.")
@_common
def templates_init(folder: Path, force: bool) -> int:
    """Copy the built-in templates, and the default theme as DIR/themes/default.toml, into DIR
    to edit; then use --template-dir DIR (and --theme DIR/themes/default.toml).

    Prints each path written. Refuses to overwrite a file unless --force.
    """
    from pipeline.templates import init_folder

    for path in init_folder(folder, force=force):
        click.echo(str(path))
    return EXIT_OK


@cli.command()
@_common
def schema() -> int:
    """Print the JSON Schema of a brief."""
    from pipeline.model import json_schema

    _print_json(json_schema())
    return EXIT_OK


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
