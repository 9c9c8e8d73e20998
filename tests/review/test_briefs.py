"""`brief review BRIEF.json|SOURCE...`: single briefs reviewed without a pack; approving writes
their documents."""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path

from pipeline import api
from pipeline.review.backends import BriefsBackend
from pipeline.review.server import ReviewApp
from tests.conftest import run_brief
from tests.review.helpers import ARTICLES


def test_review_briefs_then_approve_writes_their_documents(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "water.txt").write_text(ARTICLES["water.txt"], encoding="utf-8")
    extracted = run_brief("extract", "water.txt", cwd=tmp_path)
    (tmp_path / "water.json").write_bytes(extracted.stdout)
    (tmp_path / "hostile.txt").write_text(ARTICLES["hostile.txt"], encoding="utf-8")
    settings = api.GenerateSettings(formats=("md", "json"), output=tmp_path / "out")
    app = ReviewApp(BriefsBackend(["water.json", "hostile.txt"], settings), reviewer="Kim",
                    allowed_hosts={"127.0.0.1:1"})
    headers = {"Host": "127.0.0.1:1"}
    page = app.handle("GET", f"/{app.secret}/", headers).body.decode()
    assert "Water bills to rise" in page and "Approve and write the documents" in page
    with app.backend.store() as store:
        views, _ = app.articles(store)
    water = views[0]
    index = next(i for i, q in enumerate(water.raw.quotes) if q.text.startswith("It is a scandal"))
    body = urllib.parse.urlencode({"version": 0, "field": "quotes", "index": index, "speaker": "Tom Hale, campaigner"})
    assert app.handle("POST", f"/{app.secret}/a/{water.sha}/set", headers, body.encode()).status == 303
    body = urllib.parse.urlencode({"version": 0, "article": views[1].sha})
    assert app.handle("POST", f"/{app.secret}/pack/drop", headers, body.encode()).status == 303

    page = app.handle("GET", f"/{app.secret}/", headers).body.decode()
    version = page.split('id="approve-form">', 1)[1].split('name="version" value="', 1)[1].split('"', 1)[0]
    stale = app.handle("POST", f"/{app.secret}/pack/approve", headers, b"by=Kim&version=0")
    assert stale.status == 409 and b"changed since you opened this page" in stale.body
    approved = app.handle("POST", f"/{app.secret}/pack/approve", headers, f"by=Kim&version={version}".encode())
    assert approved.status == 303 and "approved+by+Kim" in approved.headers["Location"]
    written = sorted(p.name for p in (tmp_path / "out").iterdir() if p.suffix in (".md", ".json"))
    assert written == ["water-bills-to-rise.json", "water-bills-to-rise.md"]   # the dropped one is not written
    brief = json.loads((tmp_path / "out" / "water-bills-to-rise.json").read_text(encoding="utf-8"))
    assert brief["quotes"][index]["speaker"] == "Tom Hale, campaigner"
    assert Path(tmp_path / "out" / "review.sqlite").is_file()

    # Approved: no more changes, and approving again writes nothing.
    refused = app.handle("POST", f"/{app.secret}/pack/summary", headers, b"version=0&summary=late")
    assert refused.status == 409 and b"can no longer be changed" in refused.body
    again = app.handle("POST", f"/{app.secret}/pack/approve", headers, b"by=Kim")
    assert again.status == 303 and "already+approved" in again.headers["Location"]
