"""Pairwise precision, recall and F1 of `pipeline.stories.group` on real news articles.

    PYTHONPATH=. python benchmarks/stories_eval.py [--git DIR]

Data: the WikiRef220 set (Gialampoukidis, Vrochidis and Kompatsiaris 2016, "A Hybrid Framework
for News Clustering Based on the DBSCAN-Martingale and LDA"): 220 English news articles from
many outlets, cited by Wikipedia and labelled by topic. A copy ships in the public repository
dpacassi/dynamic-event-detection-in-data-streams (app/data_processing/test_data/wikiref/);
the articles belong to their publishers, so none is kept in this project. Fetch that repository
(`git clone https://github.com/dpacassi/dynamic-event-detection-in-data-streams`) and pass its
git directory with --git. Briefs are made with this project's own extractor.

Two measures:

* near-copies: every article plus a copy under a new headline (the first words of its body)
  with its last paragraph trimmed; a pair is positive when it is an article and its copy.
  Measured with only the near-copy link switched on, then with everything on (recall only:
  same-topic articles are rightly joined too, so precision means nothing there). Two of the
  220 articles share most of their text (shingle Jaccard 0.59): they and their copies are the
  "false" near-copy pairs.
* same-event write-ups: the 220 originals grouped as a pack would be, against the labels.
  The labels are topics, not events: "Paris attacks November 2015" and "Malaysia Airlines
  Flight 370" are one event each, covered over weeks; "Michelle Obama", "Premier League" and
  "Samsung Galaxy S5" hold many events each. So precision (no two topics merged) is the
  figure to trust; recall is shown for all labels and for the two single-event topics.
  The articles carry no dates, so the time window plays no part.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline import api  # noqa: E402
from pipeline.stories import GroupSettings, Item, group  # noqa: E402

FOLDER = "app/data_processing/test_data/wikiref/WikiRef220/"
DEFAULT_GIT = "/work/.mirror/dpacassi+dynamic-event-detection-in-data-streams/repo"
EVENTS = ("ParisAttacks2015", "malaysia.airlines.flight")


def label_of(name: str) -> str:
    return re.sub(r"[ .(]*\d+\)?\.txt$", "", name)


def load(git: str) -> tuple[list[Item], list[str]]:
    if (Path(git) / ".git").is_dir():
        git = str(Path(git) / ".git")
    names = subprocess.run(["git", f"--git-dir={git}", "ls-tree", "--name-only", "HEAD", FOLDER],
                           check=True, capture_output=True, text=True).stdout.splitlines()
    items, labels = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for name in sorted(names):
            data = subprocess.run(["git", f"--git-dir={git}", "show", f"HEAD:{name}"], check=True,
                                  capture_output=True).stdout
            path = Path(tmp) / Path(name).name
            path.write_bytes(data)
            brief = api.extract(str(path), encoding="cp1252")
            article = api.read_article(str(path), encoding="cp1252")
            outlet = f"source-{len(items)}"
            brief.source.publisher = outlet
            items.append(Item(brief, article.body, None, outlet))
            labels.append(label_of(Path(name).name))
    return items, labels


def near_copy(item: Item) -> Item:
    paragraphs = [p for p in item.text.split("\n\n") if p.strip()]
    body = "\n\n".join(paragraphs[:-1] if len(paragraphs) > 2 else paragraphs)
    headline = " ".join(re.findall(r"\w+", item.text)[:10]) or "Untitled"
    source = dataclasses.replace(item.brief.source, sha256=(item.brief.source.sha256[:-4] + "copy"),
                                 publisher=item.source_name + "-copy")
    brief = dataclasses.replace(item.brief, title=headline, source=source)
    return Item(brief, body, None, item.source_name + "-copy")


def pairwise(stories, items, labels, only=None) -> tuple[float, float, float, int]:
    story_of = {id(i): n for n, s in enumerate(stories) for i in s.items}
    got = [story_of[id(i)] for i in items]
    tp = fp = fn = 0
    for a in range(len(items)):
        for b in range(a + 1, len(items)):
            if only is not None and not (labels[a] in only or labels[b] in only):
                continue
            pred, true = got[a] == got[b], labels[a] == labels[b]
            tp += pred and true
            fp += pred and not true
            fn += true and not pred
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0), tp + fn


def show(name: str, scores) -> None:
    p, r, f1, positives = scores
    print(f"{name:<48} P {p:.3f}  R {r:.3f}  F1 {f1:.3f}  ({positives} true pairs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--git", default=DEFAULT_GIT, help="git directory of the fetched repository")
    args = parser.parse_args()
    began = time.perf_counter()
    items, labels = load(args.git)
    print(f"{len(items)} articles, {len(set(labels))} labels, extracted in {time.perf_counter() - began:.1f} s")

    settings = GroupSettings()
    copies = [near_copy(i) for i in items]
    both = items + copies
    pair_labels = [f"a{n}" for n in range(len(items))] * 2
    only_copies = dataclasses.replace(settings, strong_cosine=9.0, event_cosine=9.0)
    show("near-copies, near-copy link only", pairwise(group(both, only_copies), both, pair_labels))
    recall = pairwise(group(both, settings), both, pair_labels)[1]
    print(f"{'near-copies, all links: recall only':<48}             R {recall:.3f}")

    began, began_cpu = time.perf_counter(), time.process_time()
    stories = group(items, settings)
    took, cpu = time.perf_counter() - began, time.process_time() - began_cpu
    words = sum(len(i.text.split()) for i in items) / len(items)
    print(f"same event: {len(stories)} stories from {len(items)} articles ({words:.0f} words on average) "
          f"in {took:.3f} s, {cpu:.3f} s of CPU")
    show("same event vs topic labels, all", pairwise(stories, items, labels))
    show("same event, single-event topics (Paris, MH370)", pairwise(stories, items, labels, only=EVENTS))
    print("same event, other thresholds (all / single-event topics):")
    for change in ({"event_cosine": 0.2, "strong_cosine": 0.5}, {"event_cosine": 0.12, "strong_cosine": 0.3},
                   {"event_cosine": 0.12, "strong_cosine": 0.25, "lead_words": 400}):
        other = group(items, dataclasses.replace(settings, **change))
        p, r, f1, _ = pairwise(other, items, labels)
        p2, r2, f2, _ = pairwise(other, items, labels, only=EVENTS)
        print(f"  {change}: P {p:.3f} R {r:.3f} F1 {f1:.3f} / P {p2:.3f} R {r2:.3f} F1 {f2:.3f}")
    wrong = Counter()
    for s in stories:
        kinds = Counter(labels[items.index(i)] for i in s.items)
        if len(kinds) > 1:
            wrong[" + ".join(f"{k}×{v}" for k, v in kinds.most_common())] += 1
    for mix, n in wrong.most_common(8):
        print(f"  mixed story: {mix}" + (f" ({n})" if n > 1 else ""))


if __name__ == "__main__":
    main()
