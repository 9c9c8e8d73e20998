"""The `brief` command line: thin click commands over the library.

Heavy modules (readers, extraction, python-docx, reportlab) are imported inside the commands
that need them, so `brief --help` stays fast. Every failure a user can cause is printed as one
line, ``brief: <what>: <why>; <what to do>``; tracebacks only with --debug.
"""

from __future__ import annotations

import codecs
import os
import sys
from pathlib import Path

import click

from pipeline import __version__
from pipeline.errors import BriefError
from pipeline.render import DEFAULT_FORMATS, FORMATS

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Interrupted(Exception):
    """Ctrl-C, carried past click (which would print an empty line for it)."""


class _Settings:
    debug = False


def _debug_requested(args: list[str]) -> bool:
    options = args[:args.index("--")] if "--" in args else args
    return "--debug" in options or os.environ.get("BRIEF_DEBUG", "") not in ("", "0")


def error(message: str) -> None:
    click.echo("brief: " + " ".join(message.split()), err=True)


def warn(subject: str, message: str) -> None:
    error(f"warning: {subject}: {message}" if subject else f"warning: {message}")


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    _Settings.debug = _debug_requested(args)
    try:
        code = cli.main(args=args, prog_name="brief", standalone_mode=False)
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
    except BriefError as exc:
        if _Settings.debug:
            raise
        error(str(exc))
        code = getattr(exc, "exit_code", EXIT_FAILED)  # a template error is a usage error: 2
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


debug_option = click.option("--debug", is_flag=True, expose_value=False, is_eager=True,
                            help="Show a traceback when something fails.")
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


def _check_encoding(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        try:
            info = codecs.lookup(value)
        except LookupError:
            raise click.BadParameter(f"unknown encoding {value!r}") from None
        if not info._is_text_encoding:
            raise click.BadParameter(f"{value!r} is not a text encoding")
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


encoding_option = click.option("--encoding", metavar="CODEC", callback=_check_encoding,
                               help="Read the input in this encoding (default: UTF-8, or by BOM).")


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="brief", message="%(prog)s %(version)s")
@debug_option
def cli() -> None:
    """Turn news articles into structured briefs: DOCX, PDF, HTML, Markdown and JSON."""


def _default_sources() -> list[str]:
    local = Path("seeds")
    return [str(local if local.is_dir() else PROJECT_ROOT / "seeds")]


def _read(spec: str, encoding: str | None, warnings: list[str]):
    """One article: a file, standard input, or a web page (not a feed, which holds many)."""
    from pipeline.readers import is_web_source, read_source

    if is_web_source(spec):
        from pipeline.readers import web

        items = web.load(spec, warnings=warnings)
        if len(items) != 1:
            raise BriefError(spec, f"is a feed of {len(items)} articles", "use brief generate, which briefs each one")
        return web.read(items[0], encoding, warnings)
    return read_source(spec, encoding=encoding, warnings=warnings)


def _report_warnings(subject: str, warnings: list[str]) -> None:
    for message in warnings:
        warn(subject, message)


def _prepare(formats: tuple[str, ...], theme: Path | None, output: Path, reference_docx: Path | None = None):
    """What every input of a run shares, checked once before the first input is read."""
    import dataclasses

    from pipeline.files import ensure_folder
    from pipeline.render import document_timestamp
    from pipeline.theme import load_theme

    document_timestamp()
    style = load_theme(theme)
    if reference_docx is not None:
        style = dataclasses.replace(style, reference_docx=str(Path(reference_docx).resolve()))
    ensure_folder(output)
    return list(dict.fromkeys(formats)) or list(DEFAULT_FORMATS), style


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
@debug_option
def generate(sources: tuple[str, ...], formats: tuple[str, ...], output: Path, encoding: str | None,
             theme: Path | None, template_dir: Path | None, classification: str | None,
             reference_docx: Path | None, since: str, timeout: float) -> int:
    """Write a brief of each SOURCE article.

    SOURCE is a file (.txt, .md, .html), a folder (every such file in it), a glob, - for
    standard input, a web address (http:// or https://), or a feed: an address or file with
    feed: before it, or a .rss, .atom or .xml file. With no SOURCE, every article in seeds/ is
    used. Each brief is written as OUTPUT/<title>.<format>, and each path is printed on its own
    line; a web page read is kept in OUTPUT/sources/.
    """
    from pipeline.build import side_renderer_for

    chosen, style = _prepare(formats, theme, output, reference_docx)
    _check_templates(template_dir)
    side = side_renderer_for(chosen, style)
    look = _Look(style, side, template_dir, classification)
    settings = (timeout, since)  # made into WebSettings only when a web source is met
    try:
        return _generate(list(sources) or _default_sources(), chosen, output, encoding, look, settings)
    finally:
        if side is not None:
            side.close()


def _check_templates(folder: Path | None) -> None:
    """A syntax error in the user's templates (or the built-ins they include) is reported once,
    before any input is read. The built-in templates alone are tested with brief itself."""
    if folder is None:
        return
    from pipeline.layout import BRIEF_TEMPLATE
    from pipeline.templates import used_templates

    used_templates([BRIEF_TEMPLATE], folder)


class _Look:
    """How every brief of a run is rendered: the theme, the side renderer, the templates folder
    and the classification."""

    def __init__(self, theme, side, templates: Path | None = None, classification: str | None = None) -> None:
        self.theme, self.side, self.templates, self.classification = theme, side, templates, classification

    def render(self, brief, formats: list[str]):
        from pipeline.build import render_brief
        from pipeline.theme import TEMPLATES_DIR

        return render_brief(brief, formats, self.theme, self.templates or TEMPLATES_DIR, side=self.side,
                            classification=self.classification)


def _generate(specs: list[str], formats: list[str], output: Path, encoding: str | None, look: _Look,
              web_settings=None) -> int:
    from pipeline.readers import expand_sources, is_web_source

    owners: dict[str, str] = {}
    done: set[str] = set()  # web articles briefed in this run, by address and feed item
    failed = 0
    for spec in specs:
        if is_web_source(spec):
            failed += _generate_web(spec, formats, output, encoding, look, owners, web_settings, done)
            continue
        try:
            inputs = [str(source) for source in expand_sources([spec])]
        except BriefError as exc:
            error(str(exc))
            failed += 1
            continue
        for name in inputs:
            if is_web_source(name):  # a feed file a glob matched
                failed += _generate_web(name, formats, output, encoding, look, owners, web_settings, done)
                continue
            failed += not _generate_one(name, lambda warnings, name=name: _read(name, encoding, warnings),
                                        formats, output, look, owners)
    return EXIT_FAILED if failed else EXIT_OK


def _generate_web(spec: str, formats: list[str], output: Path, encoding: str | None, look: _Look,
                  owners: dict[str, str], settings, done: set[str]) -> int:
    """Brief each article a web source stands for, once in a run (two feeds may list one
    article); the number that failed."""
    from pipeline.readers import web
    from pipeline.readers.url import FetchLimits

    timeout, since = settings
    settings = web.WebSettings(FetchLimits(timeout=timeout), since)
    warnings: list[str] = []
    try:
        items = web.load(spec, settings.limits, since=settings.since_time(), warnings=warnings)
    except (BriefError, Exception) as exc:
        if _Settings.debug or isinstance(exc, KeyboardInterrupt):
            raise
        _report_warnings(spec, warnings)
        if isinstance(exc, BriefError):
            error(str(exc))
        else:
            error(f"{spec}: internal error: {type(exc).__name__}: {exc}; rerun with --debug and report it")
        return 1
    _report_warnings(spec, warnings)
    if not items:
        warn(spec, "the feed has no items in the window; nothing to write")
    failed = 0
    for item in items:
        keys = {item.name, *item.keys} | ({item.source.url} if item.source.url else set())
        if keys & done:
            continue
        done.update(keys)
        if item.error is not None:
            error(f"{item.name}: {item.error}; try again later")
            failed += 1
            continue
        kept = [(web.saved_name(item), item.data)]
        failed += not _generate_one(item.name, lambda w, item=item: web.read(item, encoding, w),
                                    formats, output, look, owners, kept)
    return failed


def _generate_one(name: str, read_article, formats: list[str], output: Path, look: _Look,
                  owners: dict[str, str], kept_sources=()) -> bool:
    """Read, extract, render and write one article; False (with the error shown) if it failed.
    A template error stops the run: every other article would meet it too."""
    from pipeline.build import write_outputs
    from pipeline.extract import extract
    from pipeline.files import slugify
    from pipeline.templates import TemplateError

    warnings: list[str] = []
    try:
        article = read_article(warnings)
        brief = extract(article)
        rendered = look.render(brief, formats)
        warnings.extend(rendered.warnings)
        stem = _unique_stem(slugify(brief.title, brief.source.sha256), name, brief.source.sha256, owners)
        paths = write_outputs(output, stem, rendered.outputs, kept_sources)
    except Exception as exc:
        if _Settings.debug:
            raise
        _report_warnings(name, warnings)
        if isinstance(exc, TemplateError):
            raise
        if isinstance(exc, BriefError):
            error(str(exc) if exc.subject else f"{name}: {exc}")
        else:
            error(f"{name}: internal error: {type(exc).__name__}: {exc}; rerun with --debug and report it")
        return False
    _report_warnings(name, warnings)
    for path in paths:
        click.echo(str(path))
    return True


def _unique_stem(stem: str, source: str, sha256: str, owners: dict[str, str]) -> str:
    """The file stem for one input: two inputs of a run never share one, whatever their titles."""
    import hashlib

    owner = owners.setdefault(stem, source)
    if owner == source:
        return stem
    suffix = hashlib.sha256(f"{source}\0{sha256}".encode("utf-8", "surrogateescape")).hexdigest()[:10]
    unique = f"{stem[:69]}-{suffix}"
    owners.setdefault(unique, source)
    return unique


@cli.command()
@click.argument("source")
@encoding_option
@click.option("--explain", is_flag=True, help="Print each extracted item with the rule that produced it.")
@debug_option
def extract(source: str, encoding: str | None, explain: bool) -> int:
    """Print the brief of SOURCE as JSON (or, with --explain, why each item is there)."""
    from pipeline.extract import extract_with_trace

    warnings: list[str] = []
    article = _read(source, encoding, warnings)
    _report_warnings(source, warnings)
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
@debug_option
def render(brief_file: Path, formats: tuple[str, ...], output: Path, theme: Path | None,
           template_dir: Path | None, classification: str | None, reference_docx: Path | None) -> int:
    """Render a brief from its JSON (as `brief extract` prints it, possibly edited by hand)."""
    from pipeline.build import sanitise_brief, write_outputs
    from pipeline.files import slugify
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
    chosen, style = _prepare(formats, theme, output, reference_docx)
    brief, replaced = sanitise_brief(brief)
    if replaced:
        warn(str(brief_file), f"replaced {replaced} characters that documents cannot hold with U+FFFD")
    rendered = _Look(style, None, template_dir, classification).render(brief, chosen)
    _report_warnings(str(brief_file), rendered.warnings)
    for path in write_outputs(output, slugify(brief.title, brief.source.sha256), rendered.outputs):
        click.echo(str(path))
    return EXIT_OK


@cli.group()
def pack() -> None:
    """Briefing packs: many articles in one document, from a pack file (TOML)."""


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


@pack.command("run")
@click.argument("pack_file", metavar="PACK.toml", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--date", callback=_valid_date, metavar="YYYY-MM-DD",
              help="The pack's date (default: today in the pack's time zone).")
@click.option("--force", is_flag=True, help="Build even when a run with the same inputs is done.")
@click.option("--dry-run", is_flag=True, help="Say what would be built; write and record nothing.")
@click.option("--jobs", type=click.IntRange(min=1), metavar="N",
              help="Articles extracted at once (default: the number of processors).")
@click.option("--no-email", is_flag=True, help="Do not send the pack, even if the pack file says to.")
@click.option("--resend", is_flag=True, help="Send the pack again, to every recipient, as a new message.")
@template_dir_option
@debug_option
def pack_run(pack_file: Path, date: str | None, force: bool, dry_run: bool, jobs: int | None, no_email: bool,
             resend: bool, template_dir: Path | None) -> int:
    """Build the pack PACK.toml for one date: one document per format, recorded in the history,
    then e-mailed to the pack's list when it has one.

    Prints each written path on its own line; exits 1 when an article was left out or a
    recipient was not reached.
    """
    from pipeline.packconfig import load_pack
    from pipeline.packs import build_pack

    config = load_pack(pack_file)
    if template_dir is not None:  # the command line wins over the pack file's `templates`
        import dataclasses

        config = dataclasses.replace(config, templates=template_dir)
    result = build_pack(config, date=date, force=force, dry_run=dry_run, jobs=jobs,
                        progress_factory=_ProgressBar if sys.stderr.isatty() else None,
                        email=not no_email, resend=resend, log=lambda line: error(f"email: {line}"))
    _report_pack(result, click.echo)
    return result.exit_code


def _report_pack(result, print_path) -> None:
    """What a pack run did: paths on standard output, everything else one line each on standard error."""
    for source, message in result.warnings:
        warn(source, message)
    if result.message:
        error(result.message)
    for failure in result.failures:
        error(f"{failure.source}: left out of the pack: {failure.reason}")
    for path in result.paths:
        print_path(str(path))
    _report_distribution(result.distribution)


def _report_distribution(distribution) -> None:
    if distribution is None:
        return
    for note in distribution.notes:
        error(f"email: {note}")
    if distribution.sent:
        error(f"email: sent to {', '.join(distribution.sent)}")
    for address, reply in distribution.failed:
        error(f"email: {address}: refused ({reply}); mend the address and run again")
    for address, reply in distribution.pending:
        error(f"email: {address}: not sent yet ({reply}); run again later")
    for address, reply in distribution.unknown:
        error(f"email: {address}: outcome unknown ({reply}); check the mailbox, then --resend if it never came")


class _ProgressBar:
    """A bar on standard error while the articles are extracted."""

    def __init__(self, total: int) -> None:
        self.bar = click.progressbar(length=total, label="Extracting", file=sys.stderr)
        self.bar.__enter__()

    def update(self, n: int) -> None:
        self.bar.update(n)

    def close(self) -> None:
        self.bar.__exit__(None, None, None)


@cli.command()
@click.argument("pack_files", nargs=-1, required=True, metavar="PACK.toml...",
                type=click.Path(path_type=Path, dir_okay=False))
@click.option("--list", "list_only", is_flag=True, help="Print each pack's next run times and exit.")
@click.option("--grace-hours", type=click.FloatRange(min=0), default=6, show_default=True,
              help="Catch up a run missed while the scheduler was down if it is this recent.")
@debug_option
def schedule(pack_files: tuple[Path, ...], list_only: bool, grace_hours: float) -> int:
    """Run each pack at its scheduled times, in the foreground, until stopped.

    One log line per run on standard error. SIGTERM or Ctrl-C finishes the pack in progress and
    exits 0.
    """
    import datetime as dt

    from pipeline.packconfig import load_pack
    from pipeline.schedule import Scheduler

    packs = [load_pack(path) for path in pack_files]
    scheduler = Scheduler(packs, run_pack=_scheduled_run, grace=dt.timedelta(hours=grace_hours))
    if list_only:
        for name, times in scheduler.upcoming(5).items():
            click.echo(f"{name}: " + ", ".join(t.isoformat(timespec="minutes") for t in times))
        return EXIT_OK
    scheduler.install_signal_handlers()
    return scheduler.run_forever()


def _scheduled_run(config, pack_date: str) -> int:
    """One scheduled run of a pack: the same as `brief pack run --date`, its paths and problems
    logged on standard error."""
    from pipeline.packs import build_pack

    result = build_pack(config, date=pack_date, log=lambda line: error(f"email: {line}"), locked=True)
    _report_pack(result, lambda path: error(f"schedule: wrote {path}"))
    return result.exit_code


@cli.command()
@click.argument("files", nargs=-1, required=True, metavar="FILE...",
                type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--to", "to", multiple=True, required=True, metavar="ADDR", help="A recipient; repeat for several.")
@click.option("--cc", multiple=True, metavar="ADDR", help="A copy recipient; repeat for several.")
@click.option("--bcc", multiple=True, metavar="ADDR", help="A blind copy recipient; repeat for several.")
@click.option("--subject", help="The subject (default: the names of the files).")
@click.option("--dry-run", is_flag=True, help="Write the message as an .eml file instead of sending it.")
@click.option("--outbox", type=click.Path(path_type=Path, file_okay=False), default=Path("output/outbox"),
              show_default=True, help="Where --dry-run writes the message.")
@click.option("--max-mb", type=click.FloatRange(min=0.01), default=20, show_default=True,
              help="The largest the attachments may be, base64 included.")
@debug_option
def send(files: tuple[Path, ...], to: tuple[str, ...], cc: tuple[str, ...], bcc: tuple[str, ...],
         subject: str | None, dry_run: bool, outbox: Path, max_mb: float) -> int:
    """Send FILE... as attachments to the given addresses, with the SMTP settings of the user's
    config and BRIEF_SMTP_* variables. Exits 1 unless every recipient accepted the message."""
    from pipeline.deliver.config import check_address, smtp_settings
    from pipeline.deliver.message import build_files_message
    from pipeline.deliver.smtp import deliver
    from pipeline.files import atomic_write, ensure_folder

    def refuse(problem: str) -> click.BadParameter:
        return click.BadParameter(problem)

    recipients = {kind: [check_address(a, refuse) for a in addresses]
                  for kind, addresses in (("to", to), ("cc", cc), ("bcc", bcc))}
    settings = smtp_settings()
    message = build_files_message(settings.sender, recipients["to"], recipients["cc"], subject, list(files), max_mb)
    data = message.as_bytes()
    if dry_run:
        ensure_folder(outbox)
        path = outbox / (message["Message-ID"].strip("<>").split("@")[0] + ".eml")
        atomic_write(path, data)
        click.echo(str(path))
        return EXIT_OK
    everyone = list(dict.fromkeys(recipients["to"] + recipients["cc"] + recipients["bcc"]))
    outcomes = deliver(data, settings.sender, everyone, settings, log=lambda line: error(f"email: {line}"))
    for address, outcome in outcomes.items():
        if outcome.status == "sent":
            click.echo(address)
        else:
            error(f"email: {address}: {outcome.status} ({outcome.reply})")
    return EXIT_OK if all(o.status == "sent" for o in outcomes.values()) else EXIT_FAILED


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
@debug_option
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
@debug_option
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
@debug_option
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
@debug_option
def schema() -> int:
    """Print the JSON Schema of a brief."""
    import json

    from pipeline.model import json_schema

    click.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK


if __name__ == "__main__":
    main()
