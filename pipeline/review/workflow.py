"""The review gate: a pack with `review = "required"` is built, waits for a person, and goes to
its list only once approved (or, past `send_unreviewed_at`, marked "Not reviewed").

    run_pack_with_review   what `brief pack run` (and each scheduled run) does for such a pack
    approve                `brief pack approve` and the review page's Approve button
    shown_pack             the pack as the reviewer left it, for the review page and the documents
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable

from pipeline.errors import BriefError
from pipeline.model import Pack
from pipeline.review.edits import Edit, apply_to_pack
from pipeline.review.store import APPROVED, AWAITING, UNREVIEWED, ReviewStore

NOTICE_TEMPLATE = "review-notice.md.j2"
NOT_REVIEWED = "Not reviewed"


def review_note(config, by: str, at: str) -> str:
    local = dt.datetime.fromisoformat(at).astimezone(config.zone)
    return f"Reviewed by {by} at {local:%H:%M} on {local:%d %B %Y}"


def pack_edits(store: ReviewStore, pack: Pack) -> list[Edit]:
    """The pack's own edits for its date and every edit of its articles, oldest first."""
    edits = list(store.edits(pack_date=pack.date))
    for entry in pack.entries:
        edits.extend(store.edits(article=entry.brief.source.sha256))
    return sorted(edits, key=lambda e: e.id)


def shown_pack(store: ReviewStore, pack: Pack, note: str | None = None) -> tuple[Pack, list[Edit]]:
    """The pack with its edits made; and the edits that no longer found their item."""
    return apply_to_pack(pack, pack_edits(store, pack), note)


def transform_for(store_path: Path, name: str, note: str | None) -> Callable[[Pack], Pack]:
    def transform(pack: Pack) -> Pack:
        with ReviewStore(store_path, name) as store:
            return shown_pack(store, pack, note)[0]

    return transform


def _note_for(config, state) -> str | None:
    if state is None:
        return None
    if state.state == APPROVED:
        return review_note(config, state.by, state.at)
    if state.state == UNREVIEWED:
        return NOT_REVIEWED
    return None


def past_deadline(config, date: str, now: dt.datetime | None = None) -> bool:
    """Whether `date` is today's pack (in the pack's time zone) and its review deadline has passed.
    A run for another date never sends unreviewed: the deadline is a morning's, not a backlog's."""
    deadline = config.review.send_unreviewed_at
    if deadline is None:
        return False
    now = (now or dt.datetime.now(dt.timezone.utc)).astimezone(config.zone)
    if now.date().isoformat() != date:
        return False
    hour, minute = (int(part) for part in deadline.split(":"))
    return now >= dt.datetime.combine(now.date(), dt.time(hour, minute), config.zone)


def run_pack_with_review(config, date: str, options: dict, now: dt.datetime | None = None):
    """Build the pack with the edits made so far, then: send it if it is approved (as built),
    send it marked "Not reviewed" past the deadline, or else record it as awaiting review and
    tell the reviewers. Returns a Report."""
    from pipeline.results import Notice, pack_report
    from pipeline.packs.build import build_pack, built_pack, rerender, send_built

    email = options.pop("email", True)
    resend = options.pop("resend", False)
    log = options.get("log", lambda line: None)
    with ReviewStore(config.history_path, config.name) as store:
        before = store.state(date)
    note = _note_for(config, before)
    report = pack_report(build_pack(config, date=date, email=False,
                                    transform=transform_for(config.history_path, config.name, note), **options))
    if options.get("dry_run"):
        return report
    found = built_pack(config, date)
    if found is None:
        return report
    key = found[1]["run_key"]
    # Read again: an approval may have come while the pack was being built.
    with ReviewStore(config.history_path, config.name) as store:
        state = store.state(date)
    if state is not None and state.state in (APPROVED, UNREVIEWED) and state.run_key == key:
        shown = transform_for(config.history_path, config.name, _note_for(config, state))
        if _note_for(config, state) != note:
            report.written = _records(rerender(config, date, shown))
        report.extra["review"] = f"approved by {state.by}" if state.state == APPROVED else UNREVIEWED
        if email:
            _add_distribution(report, send_built(config, date, shown, resend=resend, log=log))
        return report
    if note is not None:  # built with a label that no longer holds: the articles changed since
        report.written = _records(rerender(config, date, transform_for(config.history_path, config.name, None)))
    if state is not None and state.state in (APPROVED, UNREVIEWED):
        report.messages.append("review: the pack changed after it was approved or sent; it waits for review again")
    if past_deadline(config, date, now):
        with ReviewStore(config.history_path, config.name) as store:
            store.set_state(date, UNREVIEWED, key)
        unreviewed = transform_for(config.history_path, config.name, NOT_REVIEWED)
        report.written = _records(rerender(config, date, unreviewed))
        report.messages.append(f"review: not approved by {config.review.send_unreviewed_at}; sent marked "
                               f"\"{NOT_REVIEWED}\"")
        report.extra["review"] = UNREVIEWED
        if email:
            _add_distribution(report, send_built(config, date, unreviewed, resend=resend, log=log))
        return report
    with ReviewStore(config.history_path, config.name) as store:
        if store.await_review(date, key):
            path, problems = notify(config, date, found[0])
            report.written.extend(_records([path]))
            report.warnings.extend(Notice("review notice", problem) for problem in problems)
    report.extra["review"] = AWAITING
    report.messages.append(f"review: {config.name} for {date} awaits review; nothing was sent to the list "
                           f"(brief review {config.path.resolve()} --date {date})")
    return report


def approve(config, date: str, by: str, log: Callable[[str], None] = lambda line: None, email: bool = True):
    """Approve the pack built for `date`: render it again with the edits and "Reviewed by", then
    send it, once. Approving again renders nothing and sends only to recipients not yet reached."""
    from pipeline.results import Report, UsageProblem
    from pipeline.packs.locking import PackLock
    from pipeline.packs.build import built_pack, rerender, send_built
    from pipeline.text import clean_line

    by = clean_line(str(by))
    if not by or len(by) > 120:
        raise UsageProblem("--by", "must name the reviewer in at most 120 characters", "e.g. --by 'A. Analyst'")
    report = Report("pack approve")
    with PackLock(config.lock_path, str(config.path)):
        found = built_pack(config, date)
        if found is None:
            raise BriefError(str(config.path), f"no pack was built for {date}", "run brief pack run first")
        key = found[1]["run_key"]
        with ReviewStore(config.history_path, config.name) as store:
            first = store.approve(date, key, by)
            state = store.state(date)
        transform = transform_for(config.history_path, config.name, review_note(config, state.by, state.at))
        report.extra["review"] = f"approved by {state.by}"
        if first:
            report.written = _records(rerender(config, date, transform, locked=True))
        else:
            report.messages.append(f"review: already approved by {state.by} ({state.at}); "
                                   "sent only to recipients not yet reached")
        if email:
            _add_distribution(report, send_built(config, date, transform, log=log, locked=True))
    return report


def _records(paths: list[Path]):
    from pipeline.results import pack_files

    return pack_files([p for p in paths if p.is_file()])


def _add_distribution(report, distribution) -> None:
    from pipeline.results import Delivery

    if distribution is None:
        return
    report.messages.extend(f"email: {note}" for note in distribution.notes)
    report.deliveries = ([Delivery(a, "sent") for a in distribution.sent]
                         + [Delivery(a, "failed", r) for a, r in distribution.failed]
                         + [Delivery(a, "pending", r) for a, r in distribution.pending]
                         + [Delivery(a, "unknown", r) for a, r in distribution.unknown])


def notify(config, date: str, pack: Pack) -> tuple[Path, list[str]]:
    """Tell the reviewers that the pack awaits them: the notice is written to the pack's outbox
    and, with [review] notify and SMTP settings, sent to them. Also what went wrong sending it."""
    from pipeline.deliver.message import compose, header_text
    from pipeline.deliver.outbox import outbox_folder
    from pipeline.files import atomic_write, ensure_folder, slugify
    from pipeline.compose.layout import render_template
    from pipeline.packs.build import pack_folder

    sender = (config.email.sender if config.email and config.email.sender else None) or "brief@localhost"
    command = f"brief review {config.path.resolve()} --date {date}"
    deadline = config.review.send_unreviewed_at
    body = render_template(NOTICE_TEMPLATE, config.templates, pack=pack, command=command, url=config.review.url,
                           deadline=deadline, sent_unreviewed=NOT_REVIEWED)
    subject = header_text(f"Review needed: {pack.name}, {date}")
    if pack.classification:
        subject = header_text(f"{pack.classification}: {subject}")
    recipients = list(config.review.notify) or [sender]
    message = compose(sender, recipients, [], subject, body, [],
                      f"<review-{slugify(config.name)[:40]}-{date}@{sender.rsplit('@', 1)[-1]}>")
    folder = outbox_folder(pack_folder(config, date))
    ensure_folder(folder)
    path = folder / f"{slugify(config.name)[:60]}-{date}.review-notice.eml"
    data = message.as_bytes()
    atomic_write(path, data)
    problems: list[str] = []
    if config.review.notify and config.email is not None and config.email.mode == "smtp":
        from pipeline.deliver.smtp import deliver

        try:
            outcomes = deliver(data, sender, list(config.review.notify), config.smtp_settings())
        except BriefError as exc:  # the notice is in the outbox either way
            problems.append(f"not sent ({exc}); it is in {path}")
        else:
            problems.extend(f"{address}: {outcome.status} ({outcome.reply}); the notice is in {path}"
                            for address, outcome in outcomes.items() if outcome.status != "sent")
    return path, problems
