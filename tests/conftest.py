"""Shared fixtures. Tools from Debian packages (qpdf, pdftotext, soffice) are needed by some
tests: on a developer's machine those tests skip when a tool is missing; under CI=true they fail."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.compose.blocks import (BlockQuote, CodeBlock, Document, Heading, ListBlock, Meta, Paragraph, Rule, Span,
                                     Table)
from pipeline.compose.theme import load_theme

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SAMPLE = SEEDS / "uk-france-ukraine-pact.txt"

HOSTILE = '<b>&amp; <img src="/etc/passwd"/> S&P **bold** # not a heading'
CYRILLIC = "Володимир Зеленський"


def pytest_configure(config):
    # Compiled templates go to a folder of the test run's, not the home folder's cache; every
    # `brief` the tests start inherits it.
    import tempfile

    if "BRIEF_CACHE_DIR" not in os.environ:
        config.brief_cache_dir = os.environ["BRIEF_CACHE_DIR"] = tempfile.mkdtemp(prefix="brief-test-cache-")


def pytest_unconfigure(config):
    folder = getattr(config, "brief_cache_dir", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        os.environ.pop("BRIEF_CACHE_DIR", None)


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite the golden files (tests/golden/) from the current code instead of comparing")


@pytest.fixture(scope="session")
def golden(request):
    from tests.golden_files import Golden

    return Golden(ROOT / "tests" / "golden", request.config.getoption("--update-golden"))


def require_tool(name: str) -> str:
    """The path of a command-line tool, or skip (fail under CI) when it is not installed."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (Debian package needed; see .ci/run)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def run_brief(*args: str, cwd: Path | None = None, input: bytes | None = None,
              env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the CLI as a user would: a separate process, bytes in, text out."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("BRIEF_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd or ROOT, input=input,
                          capture_output=True, timeout=timeout, env=full_env)


@pytest.fixture(scope="session")
def hostile_fixtures(tmp_path_factory) -> dict[str, Path]:
    """The hostile-input catalogue's files (sections A to G, see tests/hostile.py), written once
    per session into a temporary folder: catalogue id (e.g. "A07") -> path."""
    from tests.hostile import write_fixtures

    return write_fixtures(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="session")
def theme():
    return load_theme()


@pytest.fixture()
def sample_document() -> Document:
    """A document with every block kind, hostile text and non-Latin scripts."""
    return Document(
        meta=Meta(title="Sample & <Title>", subject="A subject", keywords=["one", "two"], language="en-GB"),
        blocks=[
            Heading(1, [Span("Sample & <Title>")]),
            Paragraph([Span("A standfirst in italics", emphasis=True)]),
            Heading(2, [Span("Key facts")]),
            Table(header=[[Span("Item")], [Span("Detail")]],
                  rows=[[[Span("Date")], [Span("6 January 2026")]],
                        [[Span("Source")], [Span("https://example.org/a", href="https://example.org/a")]]]),
            Heading(2, [Span("Context")]),
            Paragraph([Span("Plain "), Span("bold", strong=True), Span(" and "), Span("italic", emphasis=True),
                       Span(" and "), Span("code", code=True), Span("\n"), Span(HOSTILE)]),
            Paragraph([Span(CYRILLIC + " and Ελληνικά")]),
            Heading(3, [Span("A third-level heading")]),
            ListBlock(ordered=False, items=[[Paragraph([Span("First bullet")])],
                                            [Paragraph([Span("Second bullet "), Span("bold", strong=True)])]]),
            ListBlock(ordered=True, items=[[Paragraph([Span("First number")])],
                                           [Paragraph([Span("Second number")])]]),
            Heading(2, [Span("People")]),
            Table(header=[[Span("Name")], [Span("Role")]],
                  rows=[[[Span("Keir Starmer")], [Span("Prime Minister")]],
                        [[Span(CYRILLIC)], [Span("President")]]]),
            Heading(2, [Span("Quotes")]),
            BlockQuote([Paragraph([Span("\u201cA quotation that is verbatim.\u201d")])],
                       attribution=[Span("\u2014 Keir Starmer")]),
            CodeBlock('<font color="red">literal</font>\n  indented'),
            Rule(),
            Paragraph([Span("Unsafe link", href="javascript:alert(1)"), Span(" stays text.")]),
        ],
    )



WEB_FIXTURES = ROOT / "tests" / "readers" / "web_fixtures"


@pytest.fixture()
def web_server():
    """A real HTTP server on 127.0.0.1 serving the saved pages and feeds of web_fixtures/:
    /NAME.html, /news/item-N.html and /feed-*.xml (as application/rss+xml or atom+xml)."""
    from tests.web_server import Route, WebServer

    server = WebServer()
    for page in WEB_FIXTURES.glob("*.html"):
        server.routes["/" + page.name] = Route(body=page.read_bytes())
        if page.name.startswith("news-item-"):
            server.routes["/news/" + page.name[len("news-"):]] = Route(body=page.read_bytes())
    for feed in WEB_FIXTURES.glob("feed-*.xml"):
        kind = "application/atom+xml" if "atom" in feed.name else "application/rss+xml"
        server.routes["/" + feed.name] = Route(body=feed.read_bytes(), content_type=kind + "; charset=utf-8")
    yield server
    server.close()


def run_brief_on_a_terminal(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None
                            ) -> tuple[int, bytes]:
    """Run the CLI with standard error on a pseudo-terminal (as a person at a terminal has it);
    its exit status and what it wrote there."""
    import pty

    leader, follower = pty.openpty()
    try:
        process = subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd or ROOT, stderr=follower,
                                 stdout=subprocess.DEVNULL, env=env if env is not None else dict(os.environ),
                                 timeout=60)
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(leader)
    return process.returncode, b"".join(chunks)

