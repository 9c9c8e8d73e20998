"""Extraction time on one huge paragraph: sentence splitting (and everything after it) must stay
linear in the paragraph's length.

    python benchmarks/extract_long_paragraph.py [--sentences 8000]

Target: a paragraph of 8,000 sentences extracts in under 5 s, and its time is no more than about
8 times (with a generous allowance, 16 times) the time of a 1,000-sentence paragraph.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.extract import extract  # noqa: E402
from pipeline.extract.sentences import split_text  # noqa: E402
from pipeline.readers import read_bytes  # noqa: E402

TARGET_S = 5.0


def paragraph(sentences: int) -> str:
    unit = ("The council met on day {i} in the town hall. Mr. Hale said the plan would go ahead. "
            "Officials will publish the figures by March.")
    return " ".join(unit.format(i=i) for i in range(sentences // 3 + 1))


def timed(sentences: int) -> tuple[float, float, int]:
    text = paragraph(sentences)
    start = time.perf_counter()
    spans = split_text(text)
    split_s = time.perf_counter() - start
    article = read_bytes(("A long paragraph\n\n" + text + "\n").encode("utf-8"), "long.txt")
    start = time.perf_counter()
    extract(article)
    return split_s, time.perf_counter() - start, len(spans)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=8000)
    args = parser.parse_args()
    small = timed(1000)
    big = timed(args.sentences)
    ratio = big[1] / small[1] if small[1] else float("inf")
    print(f"1,000 sentences ({small[2]}): split {small[0]:.3f} s, extract {small[1]:.2f} s")
    print(f"{args.sentences:,} sentences ({big[2]}): split {big[0]:.3f} s, extract {big[1]:.2f} s "
          f"(target < {TARGET_S:.0f} s); ratio {ratio:.1f}")
    return 0 if big[1] < TARGET_S and ratio < 2 * args.sentences / 1000 else 1


if __name__ == "__main__":
    sys.exit(main())
