"""Sending a pack exactly once: the message is made once per pack and date, kept as an .eml file
in the pack's outbox folder, and queued in the run history with one row per recipient.

Each attempt's outcomes are recorded as soon as they are known. A rerun sends only to
recipients not yet served: "pending" ones (a temporary failure) and "failed" ones (refused:
perhaps the address was mended), and follows changes to the list in the pack file. "sent" ones
are never sent again, and "unknown" ones (handed over, no answer) or "sending" ones (the process
stopped mid-send) wait for a person: `--resend` sends everyone a new message. A pack rebuilt after
it was sent is not sent again on its own; the run says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from pipeline.deliver.config import EmailSettings, SmtpSettings
from pipeline.deliver.message import attachment_files, build_message
from pipeline.deliver.smtp import Outcome, deliver
from pipeline.errors import BriefError
from pipeline.model import Pack
from pipeline.packs.history import History, OutboxRow

UNSURE = ("unknown", "sending")


@dataclass
class Distribution:
    eml: Path | None = None
    sent: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    unknown: list[tuple[str, str]] = field(default_factory=list)
    pending: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.failed or self.unknown or self.pending)


def outbox_folder(pack_folder: Path) -> Path:
    return pack_folder / "outbox"


def _served(settings: EmailSettings) -> tuple[str, ...]:
    # A message written to a file serves a recipient only while the pack is in file mode.
    return ("sent", "written") if settings.mode == "file" else ("sent",)


def distribute(settings: EmailSettings, smtp: SmtpSettings | None, history: History, pack_name: str,
               pack_date: str, pack: Callable[[], Pack], outputs: dict[str, Path], pack_folder: Path, run_key: str,
               resend: bool = False, dry_run: bool = False, sleep=None,
               log: Callable[[str], None] = lambda line: None, theme=None) -> Distribution:
    """Send the pack of `pack_date` to its recipients, or write it as an .eml (mode "file", or
    `dry_run`, which records nothing). `pack` gives the pack's model when a message is made;
    `theme` lays out its body."""
    from pipeline.files import atomic_write, ensure_folder, slugify

    result = Distribution()
    sender = settings.sender or (smtp or SmtpSettings()).sender
    folder = outbox_folder(pack_folder)
    stem = f"{slugify(pack_name)[:60]}-{pack_date}"
    if dry_run:
        message = build_message(settings, sender, pack(), attachment_files(settings, outputs), theme=theme)
        ensure_folder(folder)
        result.eml = folder / f"{stem}.dry-run.eml"
        atomic_write(result.eml, message.as_bytes())
        result.notes.append(f"dry run: the message is in {result.eml}; nothing was sent")
        return result
    rows = history.outbox(pack_name, pack_date)
    started = any(r.status in _served(settings) + UNSURE for r in rows)
    if started and not resend:
        eml = Path(rows[0].eml)
        if not eml.is_file():
            raise BriefError(str(eml), "the queued message is missing", "run again with --resend")
        data = eml.read_bytes()
        if rows[0].run_key != run_key:
            result.notes.append("the pack changed after it was e-mailed; --resend sends the new one to everyone")
        rows = _follow_the_list(history, pack_name, pack_date, rows, settings)
    else:
        generation = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d%H%M%S") if resend else ""
        message = build_message(settings, sender, pack(), attachment_files(settings, outputs), generation=generation,
                                theme=theme)
        data = message.as_bytes()
        ensure_folder(folder)
        eml = folder / f"{stem}.eml"
        atomic_write(eml, data)
        history.new_message(pack_name, pack_date, message["Message-ID"], str(eml), run_key, settings.recipients)
        rows = history.outbox(pack_name, pack_date)
    result.eml = eml
    for row in rows:
        if row.status in UNSURE:
            result.unknown.append((row.recipient, row.reply or "the sending process stopped before it knew"))
    todo = [r for r in rows if r.status not in _served(settings) + UNSURE]
    if not todo:
        return result
    if settings.mode == "file":
        for row in todo:
            history.mark(pack_name, pack_date, row.recipient, "written")
        result.notes.append(f"mode \"file\": the message is in {eml}")
        return result
    _send(data, sender, todo, settings, smtp, history, pack_name, pack_date, sleep, log, result)
    return result


def _send(data: bytes, sender: str, todo: list[OutboxRow], settings: EmailSettings, smtp: SmtpSettings,
          history: History, pack_name: str, pack_date: str, sleep, log, result: Distribution) -> None:
    def sending(recipients: list[str]) -> None:
        for recipient in recipients:
            history.mark(pack_name, pack_date, recipient, "sending")

    def record(outcomes: dict[str, Outcome]) -> None:
        # Between attempts a temporary failure is "pending", not "sending": an interrupt in a
        # pause leaves it for the next run to send.
        for recipient, outcome in outcomes.items():
            history.mark(pack_name, pack_date, recipient, outcome.status, outcome.reply)

    kwargs = {"sleep": sleep} if sleep else {}
    try:
        outcomes = deliver(data, sender, [r.recipient for r in todo], smtp, settings.retries,
                           settings.backoff_seconds, log=log, before_attempt=sending, on_attempt=record, **kwargs)
    except Exception as exc:
        # Raised before anything was handed over (settings, certificate): what was not decided
        # waits for the next run. An interrupt leaves rows "sending": it may have come late.
        for row in history.outbox(pack_name, pack_date):
            if row.status == "sending":
                history.mark(pack_name, pack_date, row.recipient, "pending", str(exc))
        raise
    for recipient, outcome in outcomes.items():
        if outcome.status == "sent":
            result.sent.append(recipient)
        else:
            {"failed": result.failed, "unknown": result.unknown, "pending": result.pending}[outcome.status].append(
                (recipient, outcome.reply))


def _follow_the_list(history: History, pack_name: str, pack_date: str, rows: list[OutboxRow],
                     settings: EmailSettings) -> list[OutboxRow]:
    """The queued rows, brought in line with the pack file's list: an address added (or mended)
    since the message was made is queued; one no longer listed and not yet served is dropped."""
    wanted = dict(settings.recipients)
    have = {r.recipient.casefold() for r in rows}
    stale = [r.recipient for r in rows if r.recipient not in wanted
             and r.status not in _served(settings) + UNSURE]
    added = [(address, kind) for address, kind in wanted.items() if address.casefold() not in have]
    if stale or added:
        history.change_recipients(pack_name, pack_date, rows[0].message_id, rows[0].eml, rows[0].run_key,
                                  added, stale)
        rows = history.outbox(pack_name, pack_date)
    return rows
