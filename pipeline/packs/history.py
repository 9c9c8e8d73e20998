"""Run history in SQLite: which pack ran for which date, from which inputs, with which outputs,
how long it took and how it ended. One file per pack history; the standard library only.

A run is recorded as "running" when it starts and finished as "ok", "partial" (some article
left out) or "failed". A killed run stays "running" until the next run of the pack starts
(holding the pack's lock, so no other run can be in progress), which marks it "interrupted";
it never counts as done, so the next run does the work again.

The file carries its schema version (PRAGMA user_version): an older one is migrated when opened,
a newer one is refused.

A history another process keeps locked is reported within LOCK_WAIT_SECONDS, with the
process that holds it when the system says (Linux's /proc/locks).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import BriefError, SettingsError

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    pack TEXT NOT NULL,
    pack_date TEXT NOT NULL,
    run_key TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    outcome TEXT NOT NULL DEFAULT 'running',
    template_hash TEXT NOT NULL,
    theme_hash TEXT NOT NULL,
    seconds REAL,
    detail TEXT
);
CREATE INDEX IF NOT EXISTS runs_by_pack ON runs (pack, pack_date);
CREATE TABLE IF NOT EXISTS inputs (
    run_id INTEGER NOT NULL REFERENCES runs (id),
    position INTEGER NOT NULL,
    source TEXT NOT NULL,
    sha256 TEXT,
    title TEXT,
    status TEXT NOT NULL,
    error TEXT,
    is_new INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS outbox (
    pack TEXT NOT NULL,
    pack_date TEXT NOT NULL,
    message_id TEXT NOT NULL,
    eml TEXT NOT NULL,
    run_key TEXT NOT NULL,
    recipient TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    reply TEXT NOT NULL DEFAULT '',
    attempts INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (pack, pack_date, recipient)
);
CREATE TABLE IF NOT EXISTS feed_items (
    pack TEXT NOT NULL,
    item TEXT NOT NULL,
    pack_date TEXT NOT NULL,
    run_id INTEGER NOT NULL REFERENCES runs (id),
    PRIMARY KEY (pack, item)
);
CREATE TABLE IF NOT EXISTS outputs (
    run_id INTEGER NOT NULL REFERENCES runs (id),
    format TEXT NOT NULL,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL
);
"""
# How the layout above changed: step i takes a file from version i + 1 to i + 2, each a list of
# statements run in the one transaction that opens the file. Version 1 is the layout above as
# first numbered; a file without a number (0) was made by code of that layout.
MIGRATIONS: list[tuple[str, ...]] = []
SCHEMA_VERSION = 1 + len(MIGRATIONS)

DONE = ("ok", "partial")
LOCK_WAIT_SECONDS = 4.0  # SQLite's busy timeout; the whole wait, retries included, stays under 5 s


def _lock_holder(path: Path) -> int | None:
    """The id of another process holding a lock on the database (or its -wal or -shm file),
    from /proc/locks; None when it cannot be told."""
    import os

    inodes = set()
    for suffix in ("", "-wal", "-shm"):
        try:
            info = os.stat(f"{path}{suffix}")
        except OSError:
            continue
        inodes.add((os.major(info.st_dev), os.minor(info.st_dev), info.st_ino))
    try:
        with open("/proc/locks", encoding="ascii", errors="replace") as handle:
            lines = handle.read(1 << 20).splitlines()
    except OSError:
        return None
    for line in lines:
        fields = line.split()
        try:
            at = fields.index("->") + 1 if "->" in fields else 1
            pid, device = int(fields[at + 3]), fields[at + 4]
            major, minor, inode = device.split(":")
            key = (int(major, 16), int(minor, 16), int(inode))
        except (ValueError, IndexError):
            continue
        if key in inodes and pid != os.getpid():
            return pid
    return None


def locked_error(path: Path) -> BriefError:
    pid = _lock_holder(path)
    holder = f"pid {pid}?" if pid else "pid unknown"
    return BriefError(str(path), f"{path.name} is locked by another process ({holder})",
                      "wait for it to finish, or stop that process to remove the lock")


def _is_locked(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


class _Guarded:
    """The connection, with "database is locked" turned into a message about who holds it."""

    def __init__(self, db: sqlite3.Connection, path: Path) -> None:
        self._db = db
        self._path = path

    def execute(self, *args):
        return self._guard(self._db.execute, args)

    def executemany(self, *args):
        return self._guard(self._db.executemany, args)

    def executescript(self, *args):
        return self._guard(self._db.executescript, args)

    def _guard(self, call, args):
        try:
            return call(*args)
        except sqlite3.OperationalError as exc:
            if _is_locked(exc):
                raise locked_error(self._path) from None
            raise

    def __enter__(self):
        self._db.__enter__()
        return self

    def __exit__(self, *exc):
        try:
            return self._db.__exit__(*exc)
        except sqlite3.OperationalError as error:
            if _is_locked(error):
                raise locked_error(self._path) from None
            raise

    def __getattr__(self, name):
        return getattr(self._db, name)


@dataclass(frozen=True)
class InputRecord:
    source: str
    sha256: str | None
    title: str | None
    status: str            # "ok" or "failed"
    error: str | None = None
    is_new: bool = False


@dataclass(frozen=True)
class OutputRecord:
    format: str
    path: str
    sha256: str
    size: int


@dataclass(frozen=True)
class RunRecord:
    id: int
    pack: str
    pack_date: str
    run_key: str
    started_at: str
    finished_at: str | None
    outcome: str
    seconds: float | None


def _statements(script: str) -> list[str]:
    return [statement.strip() for statement in script.split(";") if statement.strip()]


def _refuse_newer(db: sqlite3.Connection, path: Path) -> int:
    """The file's schema version; a SettingsError when a newer brief made it."""
    (version,) = db.execute("PRAGMA user_version").fetchone()
    if version > SCHEMA_VERSION:
        raise SettingsError(str(path), f"history made by a newer brief (schema {version})",
                            "upgrade brief or choose another output folder")
    return version


def _bring_up_to_date(db: sqlite3.Connection, path: Path) -> None:
    """Create the tables of a new file, or migrate an older one, and stamp the schema version, in
    one transaction: a file is never left half migrated, and two processes opening it at once
    migrate it once. A file from a newer brief is refused before anything is written to it."""
    if _refuse_newer(db, path) == SCHEMA_VERSION:
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        # Read again under the write lock: another process may have migrated it meanwhile.
        version = _refuse_newer(db, path)
        fresh = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'runs'").fetchone() is None
        if version < SCHEMA_VERSION:
            for step in [] if fresh else MIGRATIONS[max(version, 1) - 1:]:
                for statement in step:
                    db.execute(statement)
            for statement in _statements(SCHEMA):
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class History:
    """The run history of packs, in one SQLite file."""

    def __init__(self, path: Path | None) -> None:
        """The history in the file at `path`; with None, an empty one in memory (a dry run)."""
        self.path = path
        if path is None:
            self.db = sqlite3.connect(":memory:", isolation_level=None)
            _bring_up_to_date(self.db, Path(":memory:"))
            return
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        attempt = 0
        while True:
            attempt += 1
            db = None
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                remaining = max(deadline - time.monotonic(), 0.05)
                db = sqlite3.connect(str(path), timeout=remaining, isolation_level=None)
                _refuse_newer(db, path)  # before switching to WAL, which writes to the file
                db.execute("PRAGMA journal_mode=WAL")
                db.execute(f"PRAGMA busy_timeout = {int(remaining * 1000)}")
                _bring_up_to_date(db, path)
                db.execute(f"PRAGMA busy_timeout = {int(LOCK_WAIT_SECONDS * 1000)}")
                self.db = _Guarded(db, path)
                return
            except sqlite3.OperationalError as exc:
                if db is not None:
                    db.close()
                # Two processes creating a new history at once: switching to WAL is not covered by
                # the busy timeout, so the second one tries again, until the deadline.
                if not _is_locked(exc):
                    raise BriefError(str(path), f"cannot open the run history ({exc})",
                                     "check the history path in the pack file and its permissions") from None
                if time.monotonic() >= deadline:
                    raise locked_error(path) from None
                time.sleep(min(0.05 * attempt, max(deadline - time.monotonic(), 0)))
            except BriefError:
                if db is not None:
                    db.close()
                raise
            except (OSError, sqlite3.Error) as exc:
                if db is not None:
                    db.close()
                raise BriefError(str(path), f"cannot open the run history ({exc})",
                                 "check the history path in the pack file and its permissions") from None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "History":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- runs ------------------------------------------------------------------------------------

    def mark_interrupted(self, pack: str) -> int:
        """Mark the pack's runs still "running" as "interrupted": called by a run that holds the
        pack's lock, so none of them can still be in progress. Returns how many."""
        cursor = self.db.execute(
            "UPDATE runs SET outcome = 'interrupted', finished_at = ?, "
            "detail = 'interrupted: the process stopped before the run finished' "
            "WHERE pack = ? AND outcome = 'running'", (_now(), pack))
        return cursor.rowcount

    def start_run(self, pack: str, pack_date: str, run_key: str, template_hash: str, theme_hash: str) -> int:
        cursor = self.db.execute(
            "INSERT INTO runs (pack, pack_date, run_key, started_at, template_hash, theme_hash) "
            "VALUES (?, ?, ?, ?, ?, ?)", (pack, pack_date, run_key, _now(), template_hash, theme_hash))
        return int(cursor.lastrowid)

    def fail_run(self, run_id: int, seconds: float, detail: str) -> None:
        self.db.execute("UPDATE runs SET outcome = 'failed', finished_at = ?, seconds = ?, detail = ? WHERE id = ?",
                        (_now(), seconds, detail, run_id))

    def finish_run(self, run_id: int, outcome: str, inputs: list[InputRecord], outputs: list[OutputRecord],
                   seconds: float, detail: str = "", feed_items: list[str] = ()) -> None:
        """Record a finished run, with the keys (GUID or link) of the feed items it held; an
        item keeps the date of the first pack it was in."""
        with self.db:
            self.db.execute("BEGIN")
            pack, pack_date = self.db.execute("SELECT pack, pack_date FROM runs WHERE id = ?", (run_id,)).fetchone()
            self.db.executemany("INSERT OR IGNORE INTO feed_items (pack, item, pack_date, run_id) VALUES (?, ?, ?, ?)",
                                [(pack, key, pack_date, run_id) for key in feed_items])
            self.db.executemany(
                "INSERT INTO inputs (run_id, position, source, sha256, title, status, error, is_new) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(run_id, i, r.source, r.sha256, r.title, r.status, r.error, int(r.is_new))
                 for i, r in enumerate(inputs)])
            self.db.executemany("INSERT INTO outputs (run_id, format, path, sha256, size) VALUES (?, ?, ?, ?, ?)",
                                [(run_id, o.format, o.path, o.sha256, o.size) for o in outputs])
            self.db.execute("UPDATE runs SET outcome = ?, finished_at = ?, seconds = ?, detail = ? WHERE id = ?",
                            (outcome, _now(), seconds, detail, run_id))

    def completed(self, pack: str, run_key: str) -> RunRecord | None:
        """The latest finished run with this key: the same pack, date and inputs."""
        return self._latest_finished("pack = ? AND run_key = ?", (pack, run_key))

    def completed_for_date(self, pack: str, pack_date: str) -> RunRecord | None:
        return self._latest_finished("pack = ? AND pack_date = ?", (pack, pack_date))

    def previous(self, pack: str, before_date: str) -> RunRecord | None:
        """The latest finished run of the pack for an earlier date: what "new" is measured from."""
        return self._latest_finished("pack = ? AND pack_date < ?", (pack, before_date))

    def _latest_finished(self, where: str, values: tuple) -> RunRecord | None:
        row = self.db.execute(f"SELECT {_RUN_COLUMNS} FROM runs WHERE {where} AND outcome IN (?, ?) "
                              "ORDER BY pack_date DESC, id DESC LIMIT 1", (*values, *DONE)).fetchone()
        return RunRecord(*row) if row else None

    def seen_inputs(self, run: RunRecord | None) -> set[str]:
        """The SHA-256 of every article a run held."""
        if run is None:
            return set()
        return {sha for (sha,) in self.db.execute("SELECT sha256 FROM inputs WHERE run_id = ? AND sha256 IS NOT NULL",
                                                   (run.id,))}

    def feed_items_before(self, pack: str, pack_date: str) -> set[str]:
        """The feed items already in a pack of an earlier date: not news any more. Items first
        in today's pack stay in it when it is built again."""
        return {key for (key,) in self.db.execute("SELECT item FROM feed_items WHERE pack = ? AND pack_date < ?",
                                                   (pack, pack_date))}

    def runs(self, pack: str) -> list[RunRecord]:
        rows = self.db.execute(f"SELECT {_RUN_COLUMNS} FROM runs WHERE pack = ? ORDER BY id", (pack,)).fetchall()
        return [RunRecord(*row) for row in rows]

    def inputs(self, run_id: int) -> list[InputRecord]:
        rows = self.db.execute("SELECT source, sha256, title, status, error, is_new FROM inputs WHERE run_id = ? "
                               "ORDER BY position", (run_id,)).fetchall()
        return [InputRecord(s, h, t, st, e, bool(n)) for s, h, t, st, e, n in rows]

    def outputs(self, run_id: int) -> list[OutputRecord]:
        rows = self.db.execute("SELECT format, path, sha256, size FROM outputs WHERE run_id = ? ORDER BY rowid",
                               (run_id,)).fetchall()
        return [OutputRecord(*row) for row in rows]


    # -- outbox: one row per message and recipient -----------------------------------------------

    def outbox(self, pack: str, pack_date: str) -> list["OutboxRow"]:
        rows = self.db.execute("SELECT message_id, eml, run_key, recipient, status, reply FROM outbox "
                               "WHERE pack = ? AND pack_date = ? ORDER BY rowid", (pack, pack_date)).fetchall()
        return [OutboxRow(*row) for row in rows]

    def new_message(self, pack: str, pack_date: str, message_id: str, eml: str, run_key: str,
                    recipients: list[tuple[str, str]]) -> None:
        """Queue a message for each recipient, replacing what was queued for the date."""
        with self.db:
            self.db.execute("BEGIN")
            self.db.execute("DELETE FROM outbox WHERE pack = ? AND pack_date = ?", (pack, pack_date))
            self._queue(pack, pack_date, message_id, eml, run_key, recipients)

    def change_recipients(self, pack: str, pack_date: str, message_id: str, eml: str, run_key: str,
                          added: list[tuple[str, str]], dropped: list[str]) -> None:
        with self.db:
            self.db.execute("BEGIN")
            self.db.executemany("DELETE FROM outbox WHERE pack = ? AND pack_date = ? AND recipient = ?",
                                [(pack, pack_date, address) for address in dropped])
            self._queue(pack, pack_date, message_id, eml, run_key, added)

    def _queue(self, pack: str, pack_date: str, message_id: str, eml: str, run_key: str,
               recipients: list[tuple[str, str]]) -> None:
        self.db.executemany(
            "INSERT INTO outbox (pack, pack_date, message_id, eml, run_key, recipient, kind, status, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?)",
            [(pack, pack_date, message_id, eml, run_key, address, kind, _now()) for address, kind in recipients])

    def mark(self, pack: str, pack_date: str, recipient: str, status: str, reply: str = "") -> None:
        self.db.execute("UPDATE outbox SET status = ?, reply = ?, attempts = attempts + (? = 'sending'), "
                        "updated_at = ? "
                        "WHERE pack = ? AND pack_date = ? AND recipient = ?",
                        (status, reply, status, _now(), pack, pack_date, recipient))


@dataclass(frozen=True)
class OutboxRow:
    message_id: str
    eml: str
    run_key: str         # the pack run the message was made from
    recipient: str
    status: str          # pending, sending, sent, failed, unknown, written
    reply: str


_RUN_COLUMNS = "id, pack, pack_date, run_key, started_at, finished_at, outcome, seconds"
