"""Pairwise precision, recall and F1 of `pipeline.stories.group` against event labels.

    PYTHONPATH=. python benchmarks/stories_eval_events.py [--git DIR] [--half tune|held-out|all]

Data: ECB+ (Cybulska and Vossen 2014, "Using a sledgehammer to crack a nut? Lexical diversity
and event coreference resolution", LREC): 982 English news articles from many outlets, found
through Google search, in 43 topics. Each topic holds two events of the same kind (an actress
checks into rehab: one in 2008, another in 2013; an earthquake: one in one country, one in
another), and each article is about one of them: its event is its topic and its part (ECB,
`N_Mecb.xml`, or ECB+, `N_Mecbplus.xml`). So the set is hard in the right way: every article has
about ten write-ups of its own event by other outlets, and about ten of a look-alike event that
must stay apart. The annotation is CC BY 3.0; the texts belong to their publishers, so none is
kept in this project. A tokenised copy ships in the public repository cltl/ECB-parser
(ECB+/<topic>/*.xml); clone it (`git clone https://github.com/cltl/ECB-parser`) and pass its git
directory with --git. Briefs are made with this project's own extractor.

Tuning and checking are kept apart: the odd topics are the tuning half, the even ones are held
out. Each half is grouped as one pack (about 490 articles, 43 events), and so are all of them.
The articles carry no publication times (some give a date in their text, which the extractor
may read as the event date), so the time window plays no part: every pair is a candidate,
which makes this harder than a day's pack.

Measures: same-event pairwise P/R/F1; how many stories mix the two events of one topic (the
look-alikes) or two topics; near-copies (each article plus a copy under a new headline with its
last paragraph trimmed, near-copy link only: an article and its copy should be joined, articles
of different events never; outlets do run one wire copy, so two articles of one event joined
count neither way).
"""

from __future__ import annotations

import argparse
import dataclasses
import html
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline import api  # noqa: E402
from pipeline.stories import GroupSettings, Item, group  # noqa: E402
from stories_eval import near_copy, pairwise  # noqa: E402  (one copy rule and one score for every grouping benchmark)

DEFAULT_GIT = "/work/.mirror/cltl+ECB-parser/repo"
FOLDER = "ECB+"
_TOKEN = re.compile(r'<token [^>]*sentence="(\d+)"[^>]*>([^<]*)</token>')
_NAME = re.compile(r"(\d+)_(\d+)(ecb|ecbplus)\.xml$")


def detokenise(tokens: list[str]) -> str:
    """Tokens back to running text, near enough for the extractor: no space before closing
    punctuation or after an opening one, quotes as plain double quotes."""
    text = " ".join(html.unescape(t) for t in tokens)
    text = text.replace("``", '"').replace("''", '"')
    text = re.sub(r" ([,.;:!?%)\]}])", r"\1", text)
    text = re.sub(r"([(\[{$£]) ", r"\1", text)
    text = re.sub(r" (n't|'s|'re|'ve|'ll|'d|'m|’s)\b", r"\1", text)
    text = re.sub(r'" (.*?) "', r'"\1"', text)
    return text.strip()


def parse(xml: str) -> tuple[str | None, str, list[str]]:
    """The address (ECB+ articles start with it), the headline and the body's sentences."""
    sentences: dict[int, list[str]] = {}
    for number, token in _TOKEN.findall(xml):
        sentences.setdefault(int(number), []).append(token)
    lines = [detokenise(sentences[k]) for k in sorted(sentences)]
    url = None
    if lines and lines[0].startswith("http"):
        url = re.sub(r"\s+", "", lines.pop(0))
    # A dateline ("May 2, 2013, 1: 12 PM") before the headline stays in the body.
    first = next((n for n, line in enumerate(lines) if not is_dateline(line)), None)
    title = lines.pop(first) if first is not None else "Untitled"
    return url, title, lines


_DATE_WORDS = frozenset("""jan feb mar apr may jun jul aug sep sept oct nov dec january february march
    april june july august september october november december monday tuesday wednesday thursday
    friday saturday sunday mon tue wed thu fri sat sun am pm a m p et est edt gmt bst pst pdt cst
    cdt utc updated posted published first originally last at on by""".split())


def is_dateline(line: str) -> bool:
    words = re.findall(r"[^\W\d_]+", line.casefold())
    return any(c.isdigit() for c in line) and all(w in _DATE_WORDS for w in words)


def _git(git: str, *args: str) -> bytes:
    return subprocess.run(["git", f"--git-dir={git}", *args], check=True, capture_output=True).stdout


def load(git: str) -> tuple[list[Item], list[str]]:
    """Every article as an Item, with its event label ("12b": topic 12, ECB+ part)."""
    if (Path(git) / ".git").is_dir():
        git = str(Path(git) / ".git")
    names = [n for n in _git(git, "ls-tree", "-r", "--name-only", "HEAD", FOLDER + "/").decode().splitlines()
             if _NAME.search(n)]
    names.sort(key=lambda n: tuple(int(x) if x.isdigit() else x for x in _NAME.search(n).groups()))
    items, labels = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            topic, number, part = _NAME.search(name).groups()
            url, title, body = parse(_git(git, "show", f"HEAD:{name}").decode("utf-8", "replace"))
            path = Path(tmp) / f"{topic}_{number}{part}.md"
            path.write_text(f"# {title}\n\n" + "\n\n".join(body) + "\n", encoding="utf-8")
            brief = api.extract(str(path))
            article = api.read_article(str(path))
            host = re.sub(r"^https?://(www\.)?", "", url or "").split("/", 1)[0]
            outlet = host or f"source-{len(items)}"
            brief.source.publisher = outlet
            brief.source.url = url
            items.append(Item(brief, article.body, None, outlet))
            labels.append(topic + ("b" if part == "ecbplus" else "a"))
    return items, labels


def mixes(stories, items, labels) -> tuple[int, int]:
    """Stories holding both events of one topic, and stories holding two topics."""
    label_of = {id(i): l for i, l in zip(items, labels)}
    look_alike = topics = 0
    for s in stories:
        events = {label_of[id(i)] for i in s.items}
        kinds = {e[:-1] for e in events}
        topics += len(kinds) > 1
        look_alike += any(k + "a" in events and k + "b" in events for k in kinds)
    return look_alike, topics


def half(items, labels, which: str):
    if which == "all":
        return items, labels
    keep = 1 if which == "tune" else 0
    chosen = [(i, l) for i, l in zip(items, labels) if int(l[:-1]) % 2 == keep]
    return [i for i, _ in chosen], [l for _, l in chosen]


def report(name: str, items, labels, settings: GroupSettings) -> tuple[float, float, float]:
    began = time.process_time()
    stories = group(items, settings)
    took = time.process_time() - began
    p, r, f1, positives = pairwise(stories, items, labels)
    look_alike, topics = mixes(stories, items, labels)
    print(f"{name:<26} {len(items):>4} articles, {len(set(labels)):>2} events -> {len(stories):>3} stories "
          f"in {took:.2f} s of CPU: P {p:.3f} R {r:.3f} F1 {f1:.3f} ({positives} true pairs); "
          f"stories mixing look-alike events {look_alike}, topics {topics}")
    return p, r, f1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--git", default=DEFAULT_GIT, help="git directory of the fetched cltl/ECB-parser")
    parser.add_argument("--half", choices=("tune", "held-out", "all"), help="only this part (default: each)")
    args = parser.parse_args()
    began = time.perf_counter()
    items, labels = load(args.git)
    print(f"{len(items)} articles, {len(set(labels))} events in {len({l[:-1] for l in labels})} topics, "
          f"extracted in {time.perf_counter() - began:.1f} s")
    settings = GroupSettings()
    for which in ([args.half] if args.half else ["tune", "held-out", "all"]):
        report(f"same event, {which}", *half(items, labels, which), settings)

    for which in ([args.half] if args.half else ["tune", "held-out"]):
        part, part_labels = half(items, labels, which)
        p, r, f1 = copies(part, part_labels, dataclasses.replace(settings, strong_cosine=9.0, event_cosine=9.0))
        print(f"near-copies, {which}, near-copy link only: P {p:.3f} R {r:.3f} F1 {f1:.3f} ({len(part)} true pairs)")


def copies(items, labels, settings: GroupSettings) -> tuple[float, float, float]:
    """Each article and its copy should be joined; articles of different events never. Two
    articles of one event joined are not counted either way: outlets do run one wire copy."""
    both = items + [near_copy(i) for i in items]
    story_of = {id(i): n for n, s in enumerate(group(both, settings)) for i in s.items}
    got = [story_of[id(i)] for i in both]
    n = len(items)
    tp = sum(got[k] == got[k + n] for k in range(n))
    fp = sum(got[a] == got[b] and labels[a % n] != labels[b % n]
             for a in range(2 * n) for b in range(a + 1, 2 * n))
    p, r = tp / (tp + fp) if tp + fp else 1.0, tp / n if n else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


if __name__ == "__main__":
    main()
