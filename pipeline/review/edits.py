"""A reviewer's edits and how they apply to a brief and a pack: pure functions, no I/O.

An edit names its item the way a rebuild can find it again: the field, the sentence the item
came from, and what the item is (a quote's text, a commitment's action as extracted, a person's
or organisation's name). A rebuild of the same article, even by a newer extractor, meets the
same sentences, so the edits apply again; an edit whose item is gone is reported, never dropped.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any

from pipeline.model import Brief, Pack, PackFailure, Quote, ReviewNotes
from pipeline.text import clean_line

FIELDS = ("quotes", "commitments", "people", "organisations")
# What may be changed in an item of each field; everything else stays as extracted.
EDITABLE = {
    "quotes": ("speaker",),
    "commitments": ("actor", "action", "deadline"),
    "people": ("role", "affiliation"),
    "organisations": (),
}
REMOVED_BY_REVIEWER = "removed by the reviewer"
MAX_TEXT = 2000  # characters in one edited value: a reviewer's field, not a document


class EditError(ValueError):
    """An edit that cannot be made: `where` is the field's path, as the brief's schema names it."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")
        self.where, self.problem = where, problem


@dataclass(frozen=True)
class Edit:
    """One change a reviewer made. `op` is set, delete or add (an item); notes (the article's
    comment, lines to take, reviewed); or, for the pack, order, drop, restore and summary."""

    article: str            # the article's SHA-256 ("" for the pack)
    field: str              # quotes, commitments, people, organisations, notes, pack
    op: str
    evidence: str = ""      # the item's sentence
    identity: str = ""      # the quote text, the commitment's action, the name
    values: dict[str, Any] = dataclasses.field(default_factory=dict)
    by: str = ""
    at: str = ""
    id: int = 0

    def describe(self) -> str:
        what = {"quotes": "quote", "commitments": "commitment", "people": "person",
                "organisations": "organisation"}.get(self.field, self.field)
        target = f" “{_short(self.identity)}”" if self.identity else ""
        return f"{self.op} {what}{target}"


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def identity_of(field_name: str, item: Any) -> str:
    if field_name == "quotes":
        return item.text
    if field_name == "commitments":
        return item.action
    return item.name


def evidence_of(item: Any) -> str:
    return getattr(item, "evidence", None) or ""


def check_values(field_name: str, values: dict[str, Any], index: int | None = None) -> dict[str, Any]:
    """The values of a set edit, checked against the brief's schema: strings or null, short."""
    allowed = EDITABLE.get(field_name, ())
    checked = {}
    for key, value in values.items():
        where = f"{field_name}[{index if index is not None else ''}].{key}"
        if key not in allowed:
            raise EditError(where, f"cannot be changed here (changeable: {', '.join(allowed) or 'nothing'})")
        if value is not None and not isinstance(value, str):
            raise EditError(where, f"expected a string or null, got {type(value).__name__}")
        value = clean_line(value) if isinstance(value, str) else None
        if value is not None and len(value) > MAX_TEXT:
            raise EditError(where, f"is {len(value)} characters; at most {MAX_TEXT}")
        if key == "action" and not value:
            raise EditError(where, "must not be empty")
        checked[key] = value if key == "action" else (value or None)
    return checked


@dataclass
class Applied:
    """A brief with its edits made, and the edits that no longer found their item."""

    brief: Brief
    stale: list[Edit] = field(default_factory=list)
    reviewed_by: str | None = None
    # The key each item of each field was extracted with (sentence, identity), in the brief's
    # order: an edited item is still found by it.
    keys: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


def apply_edits(brief: Brief, edits: list[Edit]) -> Applied:
    """The brief with `edits` (in the order they were made) applied to a copy of it."""
    result = copy.deepcopy(brief)
    stale: list[Edit] = []
    # Each item keeps the key it was extracted with, so a second edit of one item finds it.
    keyed = {name: [[(evidence_of(item), identity_of(name, item)), item] for item in getattr(result, name)]
             for name in FIELDS}
    notes = copy.deepcopy(result.review) if result.review else ReviewNotes()
    reviewed_by = None
    for edit in edits:
        if edit.field == "notes":
            if "comment" in edit.values:
                notes.comment = edit.values["comment"] or None
            if "lines_to_take" in edit.values:
                notes.lines_to_take = list(edit.values["lines_to_take"])
            if "reviewed" in edit.values:
                reviewed_by = edit.by if edit.values["reviewed"] else None
            continue
        rows = keyed.get(edit.field)
        if rows is None:
            continue
        key = (edit.evidence, edit.identity)
        if edit.op == "add":
            if any(k == key for k, _ in rows):
                continue  # the extractor found it too, since
            rows.append([key, Quote(**edit.values)])
            continue
        match = next((row for row in rows if row[0] == key), None)
        if match is None:
            stale.append(edit)
        elif edit.op == "delete":
            rows.remove(match)
        elif edit.op == "set":
            match[1] = dataclasses.replace(match[1], **{k: v for k, v in edit.values.items()
                                                        if hasattr(match[1], k)})
    for name in FIELDS:
        setattr(result, name, [item for _, item in keyed[name]])
    notes.reviewed_by = reviewed_by
    if notes.comment or notes.lines_to_take or notes.reviewed_by:
        result.review = notes
    return Applied(result, stale, reviewed_by, {name: [key for key, _ in keyed[name]] for name in FIELDS})


def quote_addition(article_text: str, sentences: list[str], text: str, speaker: str | None) -> Edit:
    """An added quote, checked: its text must be a verbatim part of the article; its evidence is
    the sentence that holds it (or the text itself when it spans sentences)."""
    text = text.strip()
    if not text:
        raise EditError("quotes[].text", "must not be empty")
    if len(text) > MAX_TEXT:
        raise EditError("quotes[].text", f"is {len(text)} characters; at most {MAX_TEXT}")
    if text not in article_text:
        raise EditError("quotes[].text", "is not a verbatim part of the article; select the words in the article text")
    evidence = next((s for s in sentences if text in s), text)
    speaker = clean_line(speaker) if speaker else None
    if speaker is not None and len(speaker) > MAX_TEXT:
        raise EditError("quotes[].speaker", f"is {len(speaker)} characters; at most {MAX_TEXT}")
    return Edit("", "quotes", "add", evidence, text, {"text": text, "speaker": speaker or None, "evidence": evidence})


# --------------------------------------------------------------------------- the pack


@dataclass
class PackReview:
    """The pack-level decisions: the order of the articles (by SHA-256), the ones dropped, and the
    analyst's summary."""

    order: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    summary: str | None = None


def pack_decisions(edits: list[Edit]) -> PackReview:
    review = PackReview()
    for edit in edits:
        if edit.field != "pack":
            continue
        if edit.op == "order":
            review.order = list(edit.values["order"])
        elif edit.op == "drop" and edit.values["article"] not in review.dropped:
            review.dropped.append(edit.values["article"])
        elif edit.op == "restore" and edit.values["article"] in review.dropped:
            review.dropped.remove(edit.values["article"])
        elif edit.op == "summary":
            review.summary = edit.values["summary"] or None
    return review


def apply_to_pack(pack: Pack, edits: list[Edit], review_note: str | None = None) -> tuple[Pack, list[Edit]]:
    """The pack as the reviewer left it: entries reordered and edited, the dropped ones listed
    as left out by the reviewer, the summary on top. Also the edits that no longer apply."""
    decisions = pack_decisions(edits)
    by_article: dict[str, list[Edit]] = {}
    for edit in edits:
        if edit.field != "pack":
            by_article.setdefault(edit.article, []).append(edit)
    entries, failures, stale = [], list(pack.failures), []
    rank = {sha: i for i, sha in enumerate(decisions.order)}
    ordered = sorted(enumerate(pack.entries), key=lambda pair: (rank.get(pair[1].brief.source.sha256, len(rank)),
                                                                 pair[0]))
    for _, entry in ordered:
        sha = entry.brief.source.sha256
        if sha in decisions.dropped:
            failures.append(PackFailure(entry.brief.source.url or entry.brief.source.path or entry.brief.title,
                                        REMOVED_BY_REVIEWER))
            continue
        applied = apply_edits(entry.brief, by_article.get(sha, []))
        stale.extend(applied.stale)
        entries.append(dataclasses.replace(entry, brief=applied.brief))
    result = dataclasses.replace(pack, entries=entries, failures=failures, summary=decisions.summary,
                                 review_note=review_note)
    return result, stale


def check_brief(brief: Brief) -> None:
    """An edited brief still fits its schema (raises ModelError with the field's path)."""
    Brief.from_dict(json.loads(brief.to_json()))

