"""Packs for the review tests: the sample article and articles written for them, e-mailed through
a real SMTP server on 127.0.0.1 (or written to the outbox), with `review = "required"`."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.conftest import SAMPLE, run_brief

DATE = "2026-03-04"
SENDER = "briefing-unit@example.org"
ARTICLES = {
    "water.txt": "Water bills to rise\n\nThe regulator said on Monday that water bills will rise by 5% from April. "
                 "Chief executive Priya Shah said: \"We will protect the poorest households.\" "
                 "The company agreed to cap bills for pensioners.\n\nCritics said the rise was too steep. "
                 "\"It is a scandal,\" said Tom Hale, who leads a consumer group.\n",
    "club.txt": "Club sale talks end\n\nTalks between Ben Cole and Dan Fry ended on Monday. "
                "\"We will not sell the club cheaply,\" he said.\n",   # whose "he"? a speaker to check
    "hostile.txt": "Council publishes <script>alert(1)</script> plan\n\nThe council said the "
                   "<script>document.body.dataset.owned = 'yes'</script> plan would go ahead. "
                   "Leader Sam Wu said: \"We will <b>not</b> delay.\"\n",
}


def write_review_pack(folder: Path, smtp=None, *, to=("a@example.org", "b@example.org"), extra: str = "",
                      notify=("duty@example.org",), formats=("docx", "pdf", "md"), sample: bool = True) -> Path:
    articles = folder / "articles"
    articles.mkdir(parents=True, exist_ok=True)
    if sample:
        (articles / "sample.txt").write_bytes(SAMPLE.read_bytes())
    for name, text in ARTICLES.items():
        (articles / name).write_text(text, encoding="utf-8")
    lines = ['name = "Review daily"', f'sources = ["{articles}/"]', f"formats = {json.dumps(list(formats))}",
             f'output = "{folder / "out"}"', 'timezone = "Europe/London"', 'classification = "OFFICIAL"', extra,
             "[review]", f"notify = {json.dumps(list(notify))}",
             "[email]", f"to = {json.dumps(list(to))}", f'from = "{SENDER}"', "backoff_seconds = 0",
             'attach = ["pdf", "docx"]' if "docx" in formats else 'attach = ["md"]',
             'mode = "smtp"' if smtp else 'mode = "file"',
             "[smtp]", 'host = "127.0.0.1"', f"port = {smtp.port if smtp else 1}", 'security = "none"', "timeout = 5"]
    path = folder / "pack.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def pack_cli(path: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return run_brief("pack", *args[:1], str(path), "--date", DATE, *args[1:], cwd=path.parent, env=env, timeout=180)


def pack_folder(path: Path) -> Path:
    return path.parent / "out" / "review-daily" / DATE


def pdf_text(path: Path) -> str:
    from tests.conftest import require_tool

    out = subprocess.run([require_tool("pdftotext"), str(path), "-"], capture_output=True, check=True, timeout=60)
    return " ".join(out.stdout.decode().split())


def docx_text(path: Path) -> str:
    import docx

    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return " ".join(" ".join(parts).split())
