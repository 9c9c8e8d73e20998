"""Extraction speed in process: a 1,000-word article, median of many runs.

    python benchmarks/extract_speed.py [--runs N]

Target: under 10 ms per 1,000-word article, so that a pack of 100 articles spends its time on
rendering, not reading. The article is built from the sample so the figure is reproducible.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.extract import extract  # noqa: E402
from pipeline.readers import read_bytes  # noqa: E402

TARGET_MS = 10.0


def thousand_word_article() -> bytes:
    """The sample's body repeated until the article has about 1,000 words; a new headline."""
    sample = (ROOT / "seeds" / "uk-france-ukraine-pact.txt").read_text(encoding="utf-8")
    body = sample.split("\n", 2)[2]
    paragraphs: list[str] = []
    while sum(len(p.split()) for p in paragraphs) < 1000:
        paragraphs.extend(p for p in body.split("\n\n") if p.strip())
    words, kept = 0, []
    for paragraph in paragraphs:
        if words >= 1000:
            break
        kept.append(paragraph)
        words += len(paragraph.split())
    return ("A thousand words on the pact\n\n" + "\n\n".join(kept) + "\n").encode("utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    article = read_bytes(thousand_word_article(), "thousand-words.txt")
    # The first call compiles regular expressions; not what a pack pays per article. (Each call
    # makes the article's sentences, and their words, afresh, as for new text.)
    extract(article)
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        extract(article)
        times.append((time.perf_counter() - start) * 1000)
    median = statistics.median(times)
    words = len(article.body.split()) + len(article.title.split())
    print(f"extract, {words}-word article: median {median:.1f} ms, min {min(times):.1f} ms, "
          f"max {max(times):.1f} ms over {args.runs} runs (target < {TARGET_MS:.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
