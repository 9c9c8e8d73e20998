"""Commands on single briefs: generate, extract, render, templates, schema."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from pipeline.cli.base import EXIT_OK, _common, _Settings, cli, stage, warn
from pipeline.cli.options import (_check_since, classification_option, encoding_option, formats_option, json_option,
                                  output_option, reference_docx_option, template_dir_option, theme_option)
from pipeline.cli.output import _print_json, _Printer, _ProgressBar, _verbose_listener
from pipeline.errors import BriefError

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
    from pipeline.render.build import sanitise_brief
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
    from pipeline.compose.templates import available

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
    from pipeline.compose.templates import find

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
    from pipeline.compose.templates import init_folder

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
