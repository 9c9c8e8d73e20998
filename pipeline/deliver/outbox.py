"""Sending a pack exactly once: the message is made once per pack and date, kept as an .eml file
in the pack's outbox folder, and queued in the run history with one row per recipient.

A rerun sends only to recipients not yet served: "pending" ones (a temporary failure) and
"failed" ones (refused: perhaps the address was mended). "sent" ones are never sent again, and
"unknown" ones (handed over, no answer) or "sending" ones (the process died mid-send) wait for a
person: `--resend` sends everything again, from a new message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from pipeline.deliver.config import EmailSettings, SmtpSettings
from pipeline.deliver.message import attachment_files, build_message, message_id
from pipeline.deliver.smtp import deliver
from pipeline.errors import BriefError
from pipeline.model import Pack
from pipeline.store import History, OutboxRow

RETRY = ("pending", "failed")
SERVED = ("sent", "written")
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


def distribute(settings: EmailSettings, smtp: SmtpSettings, history: History, pack_name: str, pack_date: str,
               pack: Callable[[], Pack], outputs: dict[str, Path], pack_folder: Path, resend: bool = False,
               dry_run: bool = False, sleep=None, log: Callable[[str], None] = lambda line: None) -> Distribution:
    """Send the pack of `pack_date` to its recipients, or write it as an .eml (mode "file" or
    `dry_run`). `pack` gives the pack's model when a new message must be made."""
    from pipeline.files import atomic_write, ensure_folder, slugify

    result = Distribution()
    sender = settings.sender or smtp.sender
    rows = history.outbox(pack_name, pack_date)
    served = [r for r in rows if r.status in SERVED + UNSURE]
    folder = outbox_folder(pack_folder)
    eml = folder / f"{slugify(pack_name)[:60]}-{pack_date}.eml"
    if rows and served and not resend:
        eml = Path(rows[0].eml)
        if not eml.is_file():
            raise BriefError(str(eml), "the queued message is missing", "run again with --resend")
        data = eml.read_bytes()
        rows = _follow_the_list(history, pack_name, pack_date, rows, settings)
    else:
        message = build_message(settings, sender, pack(), attachment_files(settings, outputs))
        data = message.as_bytes()
        ensure_folder(folder)
        atomic_write(eml, data)
        if not dry_run:
            history.new_message(pack_name, pack_date, message_id(pack_name, pack_date, sender), str(eml),
                                settings.recipients)
            rows = history.outbox(pack_name, pack_date)
    result.eml = eml
    if dry_run:
        result.notes.append(f"dry run: the message is in {eml}; nothing was sent")
        return result
    _report_previous(rows, result)
    todo = [r for r in rows if r.status in RETRY]
    if not todo:
        return result
    if settings.mode == "file":
        for row in todo:
            history.mark(pack_name, pack_date, row.recipient, "written", str(eml))
        result.notes.append(f"mode \"file\": the message is in {eml}")
        return result
    for row in todo:
        history.mark(pack_name, pack_date, row.recipient, "sending")
    kwargs = {"sleep": sleep} if sleep else {}
    try:
        outcomes = deliver(data, sender, [r.recipient for r in todo], smtp, settings.retries,
                           settings.backoff_seconds, log=log, **kwargs)
    except Exception as exc:
        # Raised before anything was handed over (settings, certificate): the rows wait for the
        # next run. An interrupt leaves them "sending": it may have come after the hand-over.
        for row in todo:
            history.mark(pack_name, pack_date, row.recipient, "pending", str(exc))
        raise
    for recipient, outcome in outcomes.items():
        history.mark(pack_name, pack_date, recipient, outcome.status, outcome.reply)
        {"sent": result.sent, "failed": result.failed, "unknown": result.unknown,
         "pending": result.pending}[outcome.status].append(recipient if outcome.status == "sent"
                                                           else (recipient, outcome.reply))
    return result


def _follow_the_list(history: History, pack_name: str, pack_date: str, rows: list[OutboxRow],
                     settings: EmailSettings) -> list[OutboxRow]:
    """The queued rows, brought in line with the pack file's list: an address added (or mended)
    since the message was made is queued; one no longer listed and not yet served is dropped."""
    wanted = dict(settings.recipients)
    have = {r.recipient for r in rows}
    stale = [r.recipient for r in rows if r.recipient not in wanted and r.status in RETRY]
    added = [(address, kind) for address, kind in wanted.items() if address not in have]
    if stale or added:
        history.change_recipients(pack_name, pack_date, rows[0].message_id, rows[0].eml, added, stale)
        rows = history.outbox(pack_name, pack_date)
    return rows


def _report_previous(rows: list[OutboxRow], result: Distribution) -> None:
    for row in rows:
        if row.status in UNSURE:
            result.unknown.append((row.recipient, row.reply or "the sending process stopped before it knew"))
