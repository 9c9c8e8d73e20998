"""The options several commands share, and the checks that run as click parses them."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.errors import BriefError
from pipeline.render import FORMATS

json_option = click.option("--json", "as_json", is_flag=True, allow_from_autoenv=False,
                           help="Print one JSON document of what was done on standard output.")
formats_option = click.option("-f", "--format", "formats", multiple=True, type=click.Choice(list(FORMATS)),
                              help="Output format; repeat for several. Default: docx and pdf.")
output_option = click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("output"),
                             show_default=True, help="Folder for the output files.")
theme_option = click.option("--theme", type=click.Path(path_type=Path, dir_okay=False), help="Theme file (TOML).")


def _check_classification(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from pipeline.compose.theme import MARKING_MAX, is_marking_text

    if value is not None and not is_marking_text(value):
        raise click.BadParameter(f"must be one line of at most {MARKING_MAX} printable characters")
    return value


def _check_reference_docx(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    if value is None:
        return None
    from pipeline.compose.theme import reference_docx_problem

    problem = reference_docx_problem(value)
    if problem is not None:
        raise click.BadParameter(f"{str(value)!r} {problem}")
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
