"""Commands on packs: pack run, status, history, list and approve; review; schedule; send."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from pipeline.cli.base import EXIT_OK, _common, cli, error, note
from pipeline.cli.options import (encoding_option, formats_option, json_option, output_option, pack_date_option,
                                  pack_file_argument, template_dir_option)
from pipeline.cli.output import _compact, _finish_pack, _PackStages, _print_json, _ProgressBar
from pipeline.environment import Environment
from pipeline.errors import BriefError

# --------------------------------------------------------------------------- packs


@cli.group()
def pack() -> None:
    """Briefing packs: many articles in one document, from a pack file (TOML)."""


def _load_pack(path: Path, template_dir: Path | None = None):
    from pipeline.packs.settings import load_pack

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
@click.option("--explain-groups", is_flag=True,
              help="Print on standard error why articles were joined into one story, a line per story.")
@template_dir_option
@json_option
@_common
def pack_run(pack_file: Path, date: str | None, force: bool, dry_run: bool, jobs: int | None, no_email: bool,
             resend: bool, explain_groups: bool, template_dir: Path | None, as_json: bool) -> int:
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
    if explain_groups and not dry_run:
        _explain_groups(config, date)
    return _finish_pack(report, as_json, lambda path: click.echo(str(path)))


def _explain_groups(config, date: str | None) -> None:
    """The manifest's line per joined story, whether this run built the pack or found it done."""
    import json

    from pipeline.packs.build import MANIFEST, pack_date_today, pack_folder

    manifest = pack_folder(config, date or pack_date_today(config)) / MANIFEST
    try:
        groups = json.loads(manifest.read_text(encoding="utf-8")).get("groups")
    except (OSError, ValueError):
        return  # nothing was built: the run's own message says why
    if groups is None:
        click.echo("stories: every article is a story of its own", err=True)
        return
    for line in groups or ["stories: no two articles were joined"]:
        click.echo(line, err=True)



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
@click.option("--by", metavar="NAME", default=lambda: Environment.read().user,
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
        password = Environment.read().review_password
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

    from pipeline.packs.settings import load_pack
    from pipeline.packs.schedule import Scheduler

    packs = [load_pack(path) for path in pack_files]
    if systemd:
        return _print_systemd(packs)
    scheduler = Scheduler(packs, run_pack=_scheduled_run, grace=dt.timedelta(hours=grace_hours))
    if list_only:
        for name, times in scheduler.upcoming(5).items():
            click.echo(f"{name}: " + ", ".join(t.isoformat(timespec="minutes") for t in times))
        return EXIT_OK
    scheduler.install_signal_handlers()
    from pipeline import api

    api.warm_up(packs)
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
