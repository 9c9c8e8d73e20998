"""What commands print: paths on standard output (or one JSON document), everything else one
line each on standard error; progress bars and stage times for people at a terminal."""

from __future__ import annotations

import sys
import time

import click

from pipeline.cli.base import _Settings, error, note, stage, warn

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



def _compact(value) -> str:
    import json

    return " ".join(json.dumps(value, ensure_ascii=False, sort_keys=True).split())
