"""What an operation did, as typed results every front end reads the same way: the files
written, the inputs left out and why, the warnings, each e-mail recipient's outcome, and the
exit status they add up to (one table for every command)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from pipeline.errors import BriefError

# One table of exit statuses for every command (README, "Exit status and messages").
EXIT_OK = 0           # everything asked for was done
EXIT_LEFT_OUT = 1     # some input was left out; the rest was written
EXIT_USAGE = 2        # a usage or settings error (a bad option, pack file, theme or template)
EXIT_UNDELIVERED = 3  # an e-mail was refused, is pending, or its outcome is unknown
EXIT_LOCKED = 4       # another run of the same pack holds its lock
EXIT_INTERRUPTED = 130

REPORT_SCHEMA = "report.schema.json"  # beside this module; describes Report.to_dict()
DELIVERED = ("sent", "written")  # an e-mail outcome that needs nothing more ("written": mode "file")


@dataclass(frozen=True)
class Written:
    """A file a run wrote."""

    path: Path
    format: str
    bytes: int
    sha256: str
    source: str = ""  # the input it was made from ("" for a pack's own files)


@dataclass(frozen=True)
class LeftOut:
    """An input that gave no document, and why."""

    source: str
    reason: str


@dataclass(frozen=True)
class Notice:
    """A warning about one input (or the run, when `source` is empty)."""

    source: str
    message: str


@dataclass(frozen=True)
class Delivery:
    """What happened to the e-mail for one recipient."""

    recipient: str
    status: str  # sent | failed | pending | unknown
    reply: str = ""


@dataclass
class Report:
    """What a run did: the files written, the inputs left out, the warnings, the e-mail."""

    command: str
    written: list[Written] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)  # what the run has to say as a whole
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        if self.left_out:
            return EXIT_LEFT_OUT
        if any(d.status not in DELIVERED for d in self.deliveries):
            return EXIT_UNDELIVERED
        return EXIT_OK

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "command": self.command,
            "exit_code": self.exit_code,
            "written": [{"path": str(w.path), "format": w.format, "bytes": w.bytes, "sha256": w.sha256,
                         "source": w.source} for w in self.written],
            "left_out": [{"source": f.source, "reason": f.reason} for f in self.left_out],
            "warnings": [{"source": n.source, "message": n.message} for n in self.warnings],
            "email": [{"recipient": d.recipient, "status": d.status, "reply": d.reply} for d in self.deliveries],
            "messages": list(self.messages),
        }
        data.update(self.extra)
        return data


@dataclass(frozen=True)
class Stage:
    """One stage of one input done, and how long it took (for -v)."""

    source: str
    name: str  # read, extract, render, write
    seconds: float


Listener = Callable[[Any], None]  # called with each Written, LeftOut, Notice and Stage as it happens


class UsageProblem(BriefError):
    """A mistake in how brief was called, found by the library: exit status 2."""

    exit_code = EXIT_USAGE


def written_files(paths: Iterable[Path], outputs: dict[str, bytes], source: str = "") -> list[Written]:
    """The records of files just written from `outputs` (format to bytes, in the paths' order)."""
    return [Written(path, fmt, len(data), hashlib.sha256(data).hexdigest(), source)
            for path, (fmt, data) in zip(paths, outputs.items())]


def pack_files(paths: list[Path]) -> list[Written]:
    records = []
    for path in paths:
        data = Path(path).read_bytes()
        records.append(Written(Path(path), Path(path).suffix.lstrip("."), len(data), hashlib.sha256(data).hexdigest()))
    return records


def pack_report(result) -> Report:
    """A pack run's result as a Report."""
    report = Report("pack run")
    report.warnings = [Notice(source, message) for source, message in result.warnings]
    report.left_out = [LeftOut(f.source, f.reason) for f in result.failures]
    report.written = pack_files(result.paths)
    if result.message:
        report.messages.append(result.message)
    report.extra["skipped"] = result.skipped
    distribution = result.distribution
    if distribution is not None:
        report.messages.extend(f"email: {note}" for note in distribution.notes)
        report.deliveries = ([Delivery(a, "sent") for a in distribution.sent]
                             + [Delivery(a, "failed", r) for a, r in distribution.failed]
                             + [Delivery(a, "pending", r) for a, r in distribution.pending]
                             + [Delivery(a, "unknown", r) for a, r in distribution.unknown])
    return report
