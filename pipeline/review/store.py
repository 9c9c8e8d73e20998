"""Review edits and decisions, kept in the pack's run history (SQLite): who changed what, when,
before and after; and where each pack date stands (awaiting review, approved).

Every save is one committed statement, so a server killed mid-save loses nothing already saved.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from pipeline.review.edits import Edit
from pipeline.packs.history import History

SCHEMA = """
CREATE TABLE IF NOT EXISTS review_edits (
    id INTEGER PRIMARY KEY,
    pack TEXT NOT NULL,
    pack_date TEXT NOT NULL,
    article TEXT NOT NULL,
    field TEXT NOT NULL,
    op TEXT NOT NULL,
    evidence TEXT NOT NULL,
    identity TEXT NOT NULL,
    before TEXT NOT NULL,
    after TEXT NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS review_edits_by_article ON review_edits (pack, article);
CREATE TABLE IF NOT EXISTS review_state (
    pack TEXT NOT NULL,
    pack_date TEXT NOT NULL,
    state TEXT NOT NULL,
    run_key TEXT NOT NULL,
    by TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL,
    PRIMARY KEY (pack, pack_date)
);
"""

AWAITING, APPROVED, UNREVIEWED = "awaiting review", "approved", "sent unreviewed"


class StaleVersion(Exception):
    """A save made on a version of the brief (or pack) that someone has changed since."""

    def __init__(self, edit: Edit | None) -> None:
        self.edit = edit
        who = f" by {edit.by} at {edit.at[11:16]} UTC ({edit.describe()})" if edit else ""
        super().__init__(f"this was changed{who} since you opened it; reload the page to see the change, "
                         "then make yours again")


@dataclass(frozen=True)
class State:
    state: str
    run_key: str
    by: str
    at: str


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class ReviewStore:
    """The review tables of one pack's history file."""

    def __init__(self, path: Path | None, pack: str) -> None:
        self.history = History(path)
        self.db = self.history.db
        self.db.executescript(SCHEMA)
        self.pack = pack

    def close(self) -> None:
        self.history.close()

    def __enter__(self) -> "ReviewStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- edits -----------------------------------------------------------------------------------

    def edits(self, article: str | None = None, pack_date: str | None = None) -> list[Edit]:
        """An article's edits (whatever the date), or the pack's own for a date, oldest first."""
        if article is not None:
            rows = self.db.execute("SELECT * FROM review_edits WHERE pack = ? AND article = ? ORDER BY id",
                                   (self.pack, article)).fetchall()
        else:
            rows = self.db.execute("SELECT * FROM review_edits WHERE pack = ? AND article = '' AND pack_date = ? "
                                   "ORDER BY id", (self.pack, pack_date)).fetchall()
        return [_edit(row) for row in rows]

    def all_edits(self) -> list[tuple[str, Edit, dict, dict]]:
        """Every edit of the pack with its date, before and after: the audit trail."""
        rows = self.db.execute("SELECT * FROM review_edits WHERE pack = ? ORDER BY id", (self.pack,)).fetchall()
        return [(row[2], _edit(row), json.loads(row[8]), json.loads(row[9])) for row in rows]

    def version(self, article: str | None = None, pack_date: str | None = None) -> int:
        edits = self.edits(article, pack_date)
        return edits[-1].id if edits else 0

    def save(self, pack_date: str, edit: Edit, before: dict, expected_version: int | None) -> Edit:
        """Record one edit, unless the item's brief (or the pack) changed since `expected_version`."""
        scope = (edit.article, None) if edit.article else (None, pack_date)
        self.db.execute("BEGIN IMMEDIATE")
        try:
            current = self.edits(*scope)
            if expected_version is not None and (current[-1].id if current else 0) != expected_version:
                raise StaleVersion(current[-1] if current else None)
            at = now()
            cursor = self.db.execute(
                "INSERT INTO review_edits (pack, pack_date, article, field, op, evidence, identity, before, after, "
                "by, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (self.pack, pack_date, edit.article, edit.field, edit.op, edit.evidence, edit.identity,
                 json.dumps(before, ensure_ascii=False, sort_keys=True),
                 json.dumps(edit.values, ensure_ascii=False, sort_keys=True), edit.by, at))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return Edit(edit.article, edit.field, edit.op, edit.evidence, edit.identity, edit.values, edit.by, at,
                    cursor.lastrowid)

    # -- where a pack date stands ------------------------------------------------------------------

    def state(self, pack_date: str) -> State | None:
        row = self.db.execute("SELECT state, run_key, by, at FROM review_state WHERE pack = ? AND pack_date = ?",
                              (self.pack, pack_date)).fetchone()
        return State(*row) if row else None

    def set_state(self, pack_date: str, state: str, run_key: str, by: str = "") -> None:
        self.db.execute("INSERT INTO review_state (pack, pack_date, state, run_key, by, at) VALUES (?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT (pack, pack_date) DO UPDATE SET state = excluded.state, "
                        "run_key = excluded.run_key, by = excluded.by, at = excluded.at",
                        (self.pack, pack_date, state, run_key, by, now()))

    def await_review(self, pack_date: str, run_key: str) -> bool:
        """Record the pack as awaiting review, unless it already is (for this build) or was
        approved or sent meanwhile for this build; True when the reviewers are to be told."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            current = self.state(pack_date)
            if current is not None and current.run_key == run_key:
                self.db.execute("COMMIT")
                return False
            self.set_state(pack_date, AWAITING, run_key)
            self.db.execute("COMMIT")
            return True
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def approve(self, pack_date: str, run_key: str, by: str) -> bool:
        """Mark the pack date approved; False when it already was (for this build)."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            current = self.state(pack_date)
            if current is not None and current.state == APPROVED and current.run_key == run_key:
                self.db.execute("COMMIT")
                return False
            self.set_state(pack_date, APPROVED, run_key, by)
            self.db.execute("COMMIT")
            return True
        except BaseException:
            self.db.execute("ROLLBACK")
            raise


def _edit(row) -> Edit:
    (id_, _pack, _date, article, field, op, evidence, identity, _before, after, by, at) = row
    return Edit(article, field, op, evidence, identity, json.loads(after), by, at, id_)
