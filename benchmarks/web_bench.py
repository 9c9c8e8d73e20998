"""Web sources: reading a saved news page, and a feed of five items fetched from a local server.

    python benchmarks/web_bench.py [--runs N]

Prints, as medians over N runs (in process, after one warm-up run):
- the time to read each saved page of tests/readers/web_fixtures (trafilatura and metadata);
- the time to load the five-item RSS feed from a server on 127.0.0.1: the feed and each item's
  page fetched (four at a time) and read once to check it is an article;
- the time to fail on a page that never finishes, with a 2 s deadline (the bound that matters).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.errors import BriefError  # noqa: E402
from pipeline.readers import read_bytes  # noqa: E402
from pipeline.readers import web  # noqa: E402
from pipeline.readers.url import FetchLimits, fetch  # noqa: E402
from tests.web_server import Route, WebServer, never_finishes  # noqa: E402

FIXTURES = ROOT / "tests" / "readers" / "web_fixtures"


def median_ms(action, runs: int) -> float:
    action()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    runs = parser.parse_args().runs

    for name in ("ministry-housing", "summit-water", "port-strike"):
        data = (FIXTURES / f"{name}.html").read_bytes()
        ms = median_ms(lambda: read_bytes(data, f"{name}.html"), runs)
        print(f"read saved page {name + '.html':24} {len(data) / 1000:6.1f} kB  {ms:7.1f} ms")

    server = WebServer()
    try:
        for page in FIXTURES.glob("news-item-*.html"):
            server.routes["/news/" + page.name[len("news-"):]] = Route(body=page.read_bytes())
        server.routes["/feed.xml"] = Route(body=(FIXTURES / "feed-rss2.xml").read_bytes(),
                                           content_type="application/rss+xml")
        server.routes["/never"] = Route(stream=never_finishes)
        limits = FetchLimits(timeout=2)
        ms = median_ms(lambda: web.load(server.url("/feed.xml"), limits), runs)
        print(f"load feed of 5 items (fetch + read)              {ms:7.1f} ms")

        def never() -> None:
            try:
                fetch(server.url("/never"), limits)
            except BriefError:
                return
            raise AssertionError("a page that never finishes was fetched")

        ms = median_ms(never, 3)
        print(f"page that never finishes, 2 s deadline           {ms:7.1f} ms")
    finally:
        server.close()


if __name__ == "__main__":
    main()
