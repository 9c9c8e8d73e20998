"""How long `pipeline.stories.group` takes over a day's worth of synthetic articles.

    PYTHONPATH=. python benchmarks/stories_bench.py [--articles 1000] [--repeat 3]

Articles are made from varied paragraphs: each event has a pool of paragraphs drawn from a
seeded vocabulary of 6,000 made-up words with Zipf-like frequencies, the event's own topic
words, and its people, organisations and places (from small pools, so different events
often share a name or a place, as real ones do); its articles are wire copies,
near-copies (new headline, last paragraph trimmed) and rewrites (other paragraphs of the pool,
other headline), some 700 words long like a news article. Target: 1,000 articles in under 2 s. Also prints the pairwise precision and
recall of the grouping against the events the articles were made from.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.model import Brief, Organisation, Person, Source  # noqa: E402
from pipeline.stories import Item, group  # noqa: E402
from stories_eval import pairwise  # noqa: E402  (one pairwise score for every grouping benchmark)

_SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]


def _vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    words: dict[str, None] = {}
    while len(words) < size:
        words.setdefault("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))), None)
    return list(words)


FIRST = "Anna Ben Clara David Erik Fatima George Hana Ivan Julia Karl Lena Marco Nadia Omar Petra".split()
LAST = "Adams Berg Costa Dahl Evans Fischer Garcia Hughes Ito Jensen Kowalski Lopez Moreau Novak".split()
PLACES = "Paris Berlin Leeds York Madrid Oslo Warsaw Rome Lisbon Dublin Vienna Prague Kyiv Athens".split()
ORGS = ["Ministry of Defence", "Nato", "European Commission", "Red Cross", "Bank of England",
        "Environment Agency", "United Nations", "World Health Organization", "Met Office", "Network Rail"]
OUTLETS = [f"Outlet {n}" for n in range(40)]
WORDS = _vocabulary(random.Random(0))


def _word(rng: random.Random, vocabulary: list[str]) -> str:
    """A word with a Zipf-like frequency: a few very common, a long tail of rare ones."""
    return vocabulary[min(int(20 * (rng.paretovariate(1.0) - 1)), len(vocabulary) - 1)]


def _sentence(rng: random.Random, extra: list[str], topic: list[str]) -> str:
    words = [_word(rng, WORDS) for _ in range(rng.randint(10, 20))]
    words += rng.sample(topic, 3) + rng.sample(extra, min(2, len(extra)))
    rng.shuffle(words)
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random, extra: list[str], topic: list[str]) -> str:
    return " ".join(_sentence(rng, extra, topic) for _ in range(rng.randint(2, 5)))


def make_articles(n: int, seed: int = 1) -> tuple[list[Item], list[int]]:
    rng = random.Random(seed)
    start = dt.datetime(2026, 1, 6, tzinfo=dt.timezone.utc)
    items: list[Item] = []
    labels: list[int] = []
    event = 0
    while len(items) < n:
        people = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(rng.randint(1, 3))]
        orgs = rng.sample(ORGS, rng.randint(0, 2))
        places = rng.sample(PLACES, rng.randint(1, 2))
        extra = people + orgs + places
        topic = [rng.choice(WORDS[200:]) for _ in range(8)]   # what this event is about
        pool = [_paragraph(rng, extra, topic) for _ in range(16)]
        when = start + dt.timedelta(hours=rng.uniform(0, 48))
        date = when.date().isoformat()
        versions = rng.choice([1, 1, 1, 2, 3, 4, 6])
        base = pool[:8]
        for v in range(min(versions, n - len(items))):
            kind = "wire" if v == 0 else rng.choice(["copy", "rewrite"])
            if kind == "rewrite":
                paras = rng.sample(pool[5:], 7)
            elif kind == "copy":
                paras = base[:-1]
            else:
                paras = base
            title = " ".join(rng.sample(topic, 3) + [_word(rng, WORDS) for _ in range(4)]).capitalize()
            body = "\n\n".join(paras)
            outlet = rng.choice(OUTLETS)
            sha = hashlib.sha256(f"{event}/{v}/{title}".encode()).hexdigest()
            brief = Brief(title=title, event_date=date, locations=places,
                          people=[Person(p) for p in rng.sample(people, rng.randint(1, len(people)))],
                          organisations=[Organisation(o) for o in orgs],
                          source=Source(url=f"https://example.org/{sha[:12]}", publisher=outlet, sha256=sha))
            items.append(Item(brief, body, when + dt.timedelta(minutes=rng.randint(0, 600)), outlet))
            labels.append(event)
        event += 1
    return items, labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    items, labels = make_articles(args.articles)
    times, cpu = [], []
    for _ in range(args.repeat):
        began, began_cpu = time.perf_counter(), time.process_time()
        stories = group(items)
        times.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    best = min(times)
    p, r, f1, _ = pairwise(stories, items, labels)
    words = sum(len(i.text.split()) for i in items) / len(items)
    print(f"{len(items)} articles ({words:.0f} words on average), {len(set(labels))} events -> {len(stories)} stories")
    print(f"group(): best {best:.3f} s of {args.repeat}, {min(cpu):.3f} s of CPU (target < 2 s): "
          f"{'ok' if best < 2 else 'TOO SLOW'}")
    print(f"pairwise precision {p:.3f} recall {r:.3f} F1 {f1:.3f} (synthetic events)")


if __name__ == "__main__":
    main()
