"""How long finding what today's stories follow takes, against a week of earlier packs.

    PYTHONPATH=. python benchmarks/days_bench.py [--today 100] [--days 7] [--per-day 100] [--repeat 3]

Articles are the synthetic ones of stories_bench.py; each earlier day's articles are stories of
their own, recorded as a run records them (`story_records`), then read back as the next pack
reads them. Prints the seconds `follows` takes and the bytes the history keeps per story.
Target: a 100-article pack against 7 days of 100 stories in under 2 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.stories_bench import make_articles  # noqa: E402
from pipeline.stories import GroupSettings  # noqa: E402
from pipeline.stories.tracking import Earlier, follows, story_records  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--today", type=int, default=100)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--per-day", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    items, _ = make_articles(args.today + args.days * args.per_day)
    earlier_items, today = items[args.today:], items[:args.today]
    pack_date = dt.date(2026, 1, 8)
    earlier = []
    for day in range(args.days):
        date = (pack_date - dt.timedelta(days=args.days - day)).isoformat()
        chunk = earlier_items[day * args.per_day:(day + 1) * args.per_day]
        earlier.extend(Earlier(date, r.lead, r.title, r.features) for r in story_records([[i] for i in chunk]))
    size = sum(len(e.features.encode()) + len(e.title.encode()) + 64 for e in earlier) / max(len(earlier), 1)
    best = float("inf")
    found = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        found = follows([[item] for item in today], earlier, GroupSettings(), args.days)
        best = min(best, time.perf_counter() - started)
    print(f"follows: {args.today} articles against {len(earlier)} earlier stories: {best:.2f} s (best of "
          f"{args.repeat}); {sum(f is not None for f in found)} follow one; {size:,.0f} bytes kept per story")


if __name__ == "__main__":
    main()
