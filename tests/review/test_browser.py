"""The review page in a real browser: Debian's chromium driven by Playwright (its own browser is
never downloaded). A pack of the sample and two written articles is built, reviewed, approved
and e-mailed to a real SMTP server on 127.0.0.1; the attachments are read back. A screenshot of
each page is kept in output/test-screenshots/."""

from __future__ import annotations

import email
import email.policy
import io
import subprocess
import threading

import pytest

from pipeline.review.session import review_pack
from pipeline.packs.settings import load_pack
from tests.conftest import ROOT, require_tool
from tests.review.helpers import DATE, pack_cli, pack_folder, write_review_pack

SHOTS = ROOT / "output" / "test-screenshots"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture()
def browser():
    chromium = require_tool("chromium")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture()
def reviewed_pack(tmp_path, smtp_server):
    path = write_review_pack(tmp_path, smtp_server, notify=())
    built = pack_cli(path, "run")
    assert built.returncode == 0, built.stderr.decode()
    session = review_pack(load_pack(path), DATE, "Kim Analyst")
    thread = threading.Thread(target=session.serve_forever, daemon=True)
    thread.start()
    yield path, session
    session.shutdown()
    thread.join(5)


def manifest_briefs(path) -> dict[str, dict]:
    from pipeline.packs.build import read_content

    return {e["brief"]["title"]: e["brief"] for e in read_content(pack_folder(path))["entries"]}


def attachment_texts(message) -> dict[str, str]:
    import docx

    texts = {}
    for part in message.iter_attachments():
        data = part.get_payload(decode=True)
        name = part.get_filename()
        if name.endswith(".pdf"):
            out = subprocess.run([require_tool("pdftotext"), "-", "-"], input=data, capture_output=True, check=True,
                                 timeout=60)
            texts["pdf"] = " ".join(out.stdout.decode().split())
        elif name.endswith(".docx"):
            document = docx.Document(io.BytesIO(data))
            cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
            texts["docx"] = " ".join(" ".join([p.text for p in document.paragraphs] + cells).split())
    return texts


def test_review_in_a_browser_then_approve_and_send(browser, reviewed_pack, smtp_server):
    path, session = reviewed_pack
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    page.goto(session.address)
    page.screenshot(path=str(SHOTS / "review-pack.png"), full_page=True)
    titles = page.locator("a.headline").all_inner_texts()
    assert "Water bills to rise" in titles and len(titles) == 4

    # Keyboard only: move the first article down with its Down button.
    first = titles[0]
    page.locator("li.article").first.get_by_role("button", name="Down").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("a.headline").all_inner_texts()[1] == first

    # The flagged items (confidence below 0.5) are highlighted, with why, and only they.
    briefs = manifest_briefs(path)
    fields = ("quotes", "commitments", "people")

    def flagged(brief: dict) -> dict[str, list[int]]:
        return {f: [i for i, item in enumerate(brief[f]) if (item.get("confidence") or 1) < 0.5] for f in fields}

    doubtful = [title for title, brief in briefs.items() if any(flagged(brief).values())]
    assert doubtful, "the extractor flags nothing in these articles"
    for title in doubtful:
        page.goto(session.address)
        with page.expect_navigation():
            page.get_by_role("link", name=title).click()
        for field, expected in flagged(briefs[title]).items():
            shown = [int(k.split("-")[1]) for k in page.locator(f"article.item.flagged[id^='{field}-']")
                     .evaluate_all("nodes => nodes.map(n => n.id)")]
            assert shown == expected, (title, field)
        assert page.locator("article.item.flagged .why").count() == sum(map(len, flagged(briefs[title]).values()))
    assert "Check this" in page.locator("article.item.flagged .why").first.inner_text()
    page.screenshot(path=str(SHOTS / "review-brief-flagged.png"), full_page=True)

    water = briefs["Water bills to rise"]
    page.goto(session.address)
    with page.expect_navigation():
        page.get_by_role("link", name="Water bills to rise").click()
    page.screenshot(path=str(SHOTS / "review-brief.png"), full_page=True)

    # Change a speaker.
    quote = next(i for i, q in enumerate(water["quotes"]) if q["text"].startswith("We will protect"))
    speaker = page.locator(f"#quotes-{quote}-speaker")
    speaker.fill("Priya Shah, chief executive")
    with page.expect_navigation():
        speaker.press("Enter")
    assert page.locator(f"#quotes-{quote}-speaker").input_value() == "Priya Shah, chief executive"

    # Delete a commitment.
    cap = next(i for i, c in enumerate(water["commitments"]) if "pensioners" in c["action"])
    deleted = f'| {water["commitments"][cap]["actor"] or "Not named"} | {water["commitments"][cap]["action"]} |'
    assert deleted in " ".join((pack_folder(path) / "review-daily-2026-03-04.md").read_text(encoding="utf-8")
                               .replace("*", "").split())  # as built, before the review
    with page.expect_navigation():
        page.locator(f"#commitments-{cap}").get_by_role("button", name="Delete this commitment").click()
    assert "pensioners" not in " ".join(page.locator("textarea[name=action]").evaluate_all("nodes => nodes.map(n => n.value)"))

    # Add a quote by selecting it in the article text.
    words = "water bills will rise by 5% from April"
    page.locator("details.add-quote summary").click()
    page.evaluate("""(words) => {
        const body = document.getElementById('article-body');
        const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
        let node;
        while ((node = walker.nextNode())) {
            const at = node.data.indexOf(words);
            if (at >= 0) {
                const range = document.createRange();
                range.setStart(node, at); range.setEnd(node, at + words.length);
                const selection = window.getSelection();
                selection.removeAllRanges(); selection.addRange(range);
                return;
            }
        }
        throw new Error('words not in the article text');
    }""", words)
    page.get_by_role("button", name="Use the selection").click()
    assert page.locator("#quote-text").input_value() == words
    page.locator("#quote-speaker").fill("The regulator")
    with page.expect_navigation():
        page.get_by_role("button", name="Add the quote").click()
    assert words in page.locator("article.item blockquote").all_inner_texts()[-1]

    # Lines to take.
    page.locator("#lines").fill("Bills are set by the independent regulator.\nHelp is there for pensioners.")
    page.locator("#comment").fill("Check the April date with the regulator.")
    with page.expect_navigation():
        page.locator("#lines").locator("xpath=ancestor::form").get_by_role("button", name="Save").click()
    page.screenshot(path=str(SHOTS / "review-brief-edited.png"), full_page=True)

    # Article text with markup is text in the page: nothing runs.
    hostile = next(t for t in titles if "Council publishes" in t)
    page.goto(session.address)
    with page.expect_navigation():
        page.get_by_role("link", name=hostile).click()
    assert dialogs == [] and page.evaluate("document.body.dataset.owned") is None
    assert "<script>document.body.dataset.owned" in page.locator("#article-body").inner_text()

    # Approve.
    page.goto(session.address)
    page.locator("#by").fill("Kim Analyst")
    with page.expect_navigation():
        page.get_by_role("button", name="Approve and send").click()
    assert "sent to a@example.org, b@example.org" in page.locator(".message").inner_text()
    page.screenshot(path=str(SHOTS / "review-approved.png"), full_page=True)

    messages = smtp_server.handler.messages
    assert [m.rcpt_tos for m in messages] == [("a@example.org", "b@example.org")]
    outbox = pack_folder(path) / "outbox" / "review-daily-2026-03-04.eml"
    assert outbox.read_bytes() == messages[0].content
    texts = attachment_texts(email.message_from_bytes(outbox.read_bytes(), policy=email.policy.default))
    assert set(texts) == {"pdf", "docx"}
    import docx

    attached = next(p for p in email.message_from_bytes(outbox.read_bytes(), policy=email.policy.default)
                    .iter_attachments() if p.get_filename().endswith(".docx"))
    cells = [c.text for t in docx.Document(io.BytesIO(attached.get_payload(decode=True))).tables
             for r in t.rows for c in r.cells]
    assert water["commitments"][cap]["action"] not in cells  # the deleted commitment's row is gone
    for text in texts.values():
        assert "Priya Shah, chief executive" in text
        assert "Bills are set by the independent regulator." in text and "Help is there for pensioners." in text
        assert words in text and "Reviewed by Kim Analyst" in text

    # Approving again sends nothing.
    page.goto(session.address)
    with page.expect_navigation():
        page.get_by_role("button", name="Approve and send").click()
    assert "already approved" in page.locator(".message").inner_text()
    assert len(smtp_server.handler.messages) == 1
