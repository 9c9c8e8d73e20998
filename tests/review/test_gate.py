"""The review gate with a real SMTP server (aiosmtpd on 127.0.0.1), real SQLite and real `brief`
processes: nothing reaches the list before approval, approval sends once, edits reach the
documents and survive a rebuild, and two reviewers never lose each other's work."""

from __future__ import annotations

import email
import email.policy
import json
import os
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request

from pipeline.packs.settings import load_pack
from pipeline.review.backends import PackBackend
from pipeline.review.server import ReviewApp
from tests.conftest import run_brief
from tests.review.helpers import DATE, pack_cli, pack_folder, pdf_text, docx_text, write_review_pack


def outbox_files(path):
    folder = pack_folder(path) / "outbox"
    return sorted(p.name for p in folder.glob("*.eml")) if folder.is_dir() else []


def test_required_review_holds_the_pack_until_it_is_approved_then_sends_once(tmp_path, smtp_server):
    path = write_review_pack(tmp_path, smtp_server)
    handler = smtp_server.handler

    built = pack_cli(path, "run", "--json")
    assert built.returncode == 0, built.stderr.decode()
    report = json.loads(built.stdout)
    assert report["review"] == "awaiting review" and report["email"] == []
    assert outbox_files(path) == ["review-daily-2026-03-04.review-notice.eml"]
    assert [m.rcpt_tos for m in handler.messages] == [("duty@example.org",)]   # the notice, to the reviewers only
    notice = email.message_from_bytes(handler.messages[0].content, policy=email.policy.default)
    assert str(notice["Subject"]) == f"OFFICIAL: Review needed: Review daily, {DATE}"
    assert f"brief review {path} --date {DATE}" in " ".join(notice.get_body(("plain",)).get_content().split())
    status = pack_cli(path, "status")
    assert status.stdout.decode().splitlines()[0] == f"Review daily for {DATE}: awaiting review"

    again = pack_cli(path, "run")
    assert again.returncode == 0 and len(handler.messages) == 1  # no second notice, nothing to the list

    approved = pack_cli(path, "approve", "--by", "Kim Analyst", "--json")
    assert approved.returncode == 0, approved.stderr.decode()
    report = json.loads(approved.stdout)
    assert report["review"] == "approved by Kim Analyst"
    assert sorted((e["recipient"], e["status"]) for e in report["email"]) == [("a@example.org", "sent"),
                                                                             ("b@example.org", "sent")]
    assert [m.rcpt_tos for m in handler.messages[1:]] == [("a@example.org", "b@example.org")]
    assert len(handler.received_by("a@example.org")) == 1 and len(handler.received_by("b@example.org")) == 1
    folder = pack_folder(path)
    assert "Reviewed by Kim Analyst at" in pdf_text(folder / "review-daily-2026-03-04.pdf")
    assert "Reviewed by Kim Analyst at" in docx_text(folder / "review-daily-2026-03-04.docx")

    twice = pack_cli(path, "approve", "--by", "Someone Else")
    assert twice.returncode == 0 and "already approved by Kim Analyst" in twice.stderr.decode()
    rerun = pack_cli(path, "run")
    assert rerun.returncode == 0 and len(handler.messages) == 2   # approving twice, or a rerun, sends nothing
    status = pack_cli(path, "status")
    assert status.stdout.decode().splitlines()[0] == f"Review daily for {DATE}: sent to 2 of 2"


def test_past_the_deadline_an_unapproved_pack_goes_out_marked_not_reviewed(tmp_path, smtp_server):
    import datetime as dt
    import zoneinfo

    path = write_review_pack(tmp_path, smtp_server, extra="", notify=())
    text = path.read_text(encoding="utf-8").replace("[review]\n", '[review]\nsend_unreviewed_at = "00:00"\n')
    path.write_text(text, encoding="utf-8")
    # A run for an earlier date never sends unreviewed: the deadline is that morning's.
    earlier = pack_cli(path, "run", "--json")
    assert earlier.returncode == 0 and json.loads(earlier.stdout)["review"] == "awaiting review"
    assert smtp_server.handler.messages == []

    today = dt.datetime.now(zoneinfo.ZoneInfo("Europe/London")).date().isoformat()
    result = run_brief("pack", "run", str(path), "--date", today, "--json", cwd=tmp_path, timeout=180)
    assert result.returncode == 0, result.stderr.decode()
    report = json.loads(result.stdout)
    assert report["review"] == "sent unreviewed"
    assert [m.rcpt_tos for m in smtp_server.handler.messages] == [("a@example.org", "b@example.org")]
    folder = path.parent / "out" / "review-daily" / today
    assert "Not reviewed" in pdf_text(folder / f"review-daily-{today}.pdf")
    again = run_brief("pack", "run", str(path), "--date", today, cwd=tmp_path, timeout=180)
    assert again.returncode == 0 and len(smtp_server.handler.messages) == 1   # sent once


def _form(app, route: str, **fields) -> tuple[int, str]:
    body = urllib.parse.urlencode(fields).encode()
    host = next(iter(app.allowed_hosts))
    response = app.handle("POST", f"/{app.secret}{route}", {"Host": host}, body)
    return response.status, response.body.decode()


def _app(path) -> ReviewApp:
    app = ReviewApp(PackBackend(load_pack(path), DATE), reviewer="Kim", allowed_hosts={"127.0.0.1:1"})
    return app


def test_edits_reach_the_documents_survive_a_rebuild_and_are_audited(tmp_path):
    path = write_review_pack(tmp_path, None)
    assert pack_cli(path, "run").returncode == 0
    app = _app(path)
    with app.backend.store() as store:
        views, _ = app.articles(store)
    water = next(v for v in views if v.raw.title == "Water bills to rise")
    quote = next(i for i, q in enumerate(water.shown.quotes) if q.text.startswith("We will protect"))
    status, _ = _form(app, f"/a/{water.sha}/set", version=water.version, field="quotes", index=quote,
                      speaker="Priya Shah (corrected)")
    assert status == 303
    with app.backend.store() as store:
        version = store.version(article=water.sha)
    status, _ = _form(app, f"/a/{water.sha}/notes", version=version, comment="Watch for the pensioners' cap.",
                      lines_to_take="We will monitor bills closely.\nThe regulator is independent.")
    assert status == 303

    # A second reviewer, on the page as it was before the first one's save, is refused, and loses nothing.
    status, page = _form(app, f"/a/{water.sha}/set", version=water.version, field="quotes", index=quote,
                         speaker="Somebody else")
    assert status == 409 and "changed by Kim" in page and "reload" in page
    with app.backend.store() as store:
        assert len(store.edits(article=water.sha)) == 2

    # Rebuilding the same articles (another run the same morning) applies the edits again.
    rebuilt = pack_cli(path, "run", "--force")
    assert rebuilt.returncode == 0, rebuilt.stderr.decode()
    text = " ".join((pack_folder(path) / "review-daily-2026-03-04.md").read_text(encoding="utf-8").split())
    assert "Priya Shah (corrected)" in text and "We will monitor bills closely." in text
    assert "Lines to take" in text and "Watch for the pensioners" in text

    trail = run_brief("pack", "history", str(path), "--edits", cwd=tmp_path)
    lines = trail.stdout.decode().splitlines()
    assert len(lines) == 2 and all(f"  {DATE}  Kim  " in line for line in lines)
    assert "set quote “We will protect" in lines[0] and "Priya Shah (corrected)" in lines[0]


def test_an_edit_that_no_longer_applies_is_listed(tmp_path):
    """An extractor upgrade may no longer find an item a reviewer edited: the edit is shown, not lost."""
    from pipeline.review.edits import Edit

    path = write_review_pack(tmp_path, None)
    assert pack_cli(path, "run").returncode == 0
    app = _app(path)
    with app.backend.store() as store:
        views, _ = app.articles(store)
        water = next(v for v in views if v.raw.title == "Water bills to rise")
        # what an older extractor found in this article, and a reviewer corrected
        store.save(DATE, Edit(water.sha, "quotes", "set", "An older sentence split.", "It is a scandal,",
                              {"speaker": "Tom Hale"}, by="Lee"), {}, 0)
    page = app.handle("GET", f"/{app.secret}/a/{water.sha}", {"Host": "127.0.0.1:1"}).body.decode()
    assert "Edits that no longer apply" in page and "set quote “It is a scandal,”" in page and "Lee" in page
    pack_page = app.handle("GET", f"/{app.secret}/", {"Host": "127.0.0.1:1"}).body.decode()
    assert "1 edit no longer applies" in pack_page


def test_a_server_killed_after_a_save_keeps_it(tmp_path):
    path = write_review_pack(tmp_path, None)
    assert pack_cli(path, "run").returncode == 0
    process = subprocess.Popen([sys.executable, "-m", "pipeline", "review", str(path), "--date", DATE, "--no-open",
                                "--by", "Kim"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        address = process.stdout.readline().decode().strip()
        assert address.startswith("http://127.0.0.1:")
        page = urllib.request.urlopen(address, timeout=10).read().decode()
        version = page.split('name="version" value="', 1)[1].split('"', 1)[0]
        data = urllib.parse.urlencode({"version": version, "summary": "Saved before the crash."}).encode()
        request = urllib.request.Request(address + "pack/summary", data=data, method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200   # followed the redirect to the pack page
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    trail = run_brief("pack", "history", str(path), "--edits", cwd=tmp_path)
    assert "Saved before the crash." in trail.stdout.decode()
    assert pack_cli(path, "approve", "--by", "Kim").returncode == 0
    assert "Saved before the crash." in (pack_folder(path) / "review-daily-2026-03-04.md").read_text(encoding="utf-8")


def test_the_scheduler_and_systemd_also_fire_at_the_review_deadline(tmp_path):
    from datetime import datetime, timezone

    from pipeline.api import systemd_units
    from pipeline.packs.schedule import Scheduler

    path = write_review_pack(tmp_path, None, sample=False, extra='schedule = "0 7 * * 1-5"')
    path.write_text(path.read_text(encoding="utf-8").replace("[review]\n", '[review]\nsend_unreviewed_at = "08:30"\n'),
                    encoding="utf-8")
    config = load_pack(path)
    monday = datetime(2026, 3, 2, 0, 0, tzinfo=timezone.utc)
    upcoming = Scheduler([config], run_pack=lambda *a: 0, clock=lambda: monday).upcoming(4)[config.name]
    assert [t.strftime("%a %H:%M") for t in upcoming] == ["Mon 07:00", "Mon 08:30", "Tue 07:00", "Tue 08:30"]
    _, timer = systemd_units(config, ["/usr/bin/brief", "pack", "run", str(path)], tmp_path)
    assert "OnCalendar=Mon,Tue,Wed,Thu,Fri *-*-* 07:00:00 Europe/London" in timer
    assert "OnCalendar=Mon,Tue,Wed,Thu,Fri *-*-* 08:30:00 Europe/London" in timer


def test_approving_again_retries_only_the_recipients_not_reached(tmp_path, smtp_server):
    path = write_review_pack(tmp_path, smtp_server, notify=())
    assert pack_cli(path, "run").returncode == 0
    smtp_server.handler.refuse = {"b@example.org"}
    first = pack_cli(path, "approve", "--by", "Kim \x1b[31mAnalyst\u202e")
    assert first.returncode == 3 and "b@example.org: refused" in first.stderr.decode()
    assert [m.rcpt_tos for m in smtp_server.handler.messages] == [("a@example.org",)]
    smtp_server.handler.refuse = set()
    second = pack_cli(path, "approve", "--by", "Lee")
    assert second.returncode == 0, second.stderr.decode()
    said = second.stderr.decode()
    assert "already approved by Kim [31mAnalyst (" in said and "\x1b" not in said and "\u202e" not in said
    assert [m.rcpt_tos for m in smtp_server.handler.messages] == [("a@example.org",), ("b@example.org",)]
    assert pack_cli(path, "approve", "--by", "Lee").returncode == 0 and len(smtp_server.handler.messages) == 2
    assert pack_cli(path, "approve", "--by", "   ").returncode == 2


def test_a_file_mode_pack_reads_as_done(tmp_path):
    path = write_review_pack(tmp_path, None, notify=())
    assert pack_cli(path, "run").returncode == 0
    assert pack_cli(path, "approve", "--by", "Kim").returncode == 0
    status = pack_cli(path, "status")
    assert status.returncode == 0
    assert status.stdout.decode().splitlines()[0] == f"Review daily for {DATE}: written for 2 of 2"
