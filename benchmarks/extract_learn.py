"""Learn the confidence weights (pipeline/extract/weights.json) from the dev gold.

    python benchmarks/extract_learn.py [--eval ../shared/eval] [--write]

For every commitment given and role given on the dev articles (and quote found, with --quotes), extraction records the
evidence it saw (`Extraction.features`); the gold says whether the item was right (the quote's
speaker, the commitment being one, the role holding the gold role's words). A logistic regression
per kind, with an L2 penalty, maps evidence to confidence. Errors weigh more than successes (COST)
so that 0.5 is the review line: an item scores below 0.5 when the chance that it is wrong is higher
than a reader should take unchecked (about 1 in COST+1), not only when it is more likely wrong
than right. Training is deterministic (plain gradient descent from zero), so the file is
reproducible. Without --write the weights are printed, not saved.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from extract_cv import load_scorer  # noqa: E402
from pipeline.extract import extract_with_trace  # noqa: E402
from pipeline.readers import read_path  # noqa: E402

WEIGHTS_FILE = ROOT / "pipeline" / "extract" / "weights.json"
# How much more an error weighs than a success, per kind: the review line at 0.5 then sits where the
# chance of an error is about 1 in (COST + 1).
COST = {"quote": 5.0, "commitment": 2.0, "role": 1.0}
L2 = {"quote": 0.05, "commitment": 0.01, "role": 0.05}


def examples(score, dev: Path, names: list[str]) -> dict[str, dict[str, list[tuple[dict, int]]]]:
    """Per article, per kind: (features, label) for every item the gold can judge."""
    out: dict[str, dict[str, list[tuple[dict, int]]]] = {}
    for name in names:
        gold = json.loads((dev / "gold" / f"{name}.json").read_text(encoding="utf-8"))
        result = extract_with_trace(read_path(dev / "articles" / f"{name}.txt"))
        pred = json.loads(result.brief.to_json())
        feats = result.features
        kinds: dict[str, list[tuple[dict, int]]] = {"quote": [], "commitment": [], "role": []}
        gq, pq = gold.get("quotes") or [], pred["quotes"]
        people = {g["name"]: g for g in gold.get("people") or []}
        for i, j in score.greedy_match(pq, gq, lambda p, g: score.similar(p["text"], g["text"]), 0.85):
            gs, ps = gq[j].get("speaker"), pq[i].get("speaker")
            ok = (not ps) if gs is None else bool(ps) and score.same_person(ps, people.get(gs, {"name": gs}))
            kinds["quote"].append((feats["quote"][i], int(ok)))
        gc, pc = gold.get("commitments") or [], pred["commitments"]
        matched = {i for i, _ in score.greedy_match(
            pc, gc, lambda p, g: score.jaccard(p.get("evidence") or "", g.get("evidence") or ""), 0.5)}
        kinds["commitment"] = [(feats["commitment"][i], int(i in matched)) for i in range(len(pc))]
        gp, pp = gold.get("people") or [], pred["people"]
        for i, j in score.greedy_match(pp, gp, lambda p, g: 1.0 if score.same_person(p["name"], g) else 0.0, 0.5):
            grole = gp[j].get("role")
            if not grole:
                continue
            prole = pp[i].get("role") or ""
            g_t, p_t = set(score.norm(grole).split()), set(score.norm(prole).split())
            ok = bool(g_t and (g_t <= p_t or score.similar(prole, grole) >= 0.8
                               or (p_t and p_t <= g_t and g_t - p_t <= score.NATIONAL)))
            kinds["role"].append((feats["role"][i], int(ok)))
        out[name] = kinds
    return out


def fit(data: list[tuple[dict, int]], cost: float, l2: float, steps: int = 3000, rate: float = 0.5) -> dict[str, float]:
    names = sorted({k for f, _ in data for k in f})
    w = {k: 0.0 for k in names}
    bias = 0.0
    total = sum(cost if y == 0 else 1.0 for _, y in data) or 1.0
    for _ in range(steps):
        grad = {k: 0.0 for k in names}
        gbias = 0.0
        for f, y in data:
            z = bias + sum(w[k] * v for k, v in f.items())
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            weight = cost if y == 0 else 1.0
            err = weight * (p - y)
            gbias += err
            for k, v in f.items():
                grad[k] += err * v
        bias -= rate * gbias / total
        for k in names:
            w[k] -= rate * (grad[k] / total + l2 * w[k])
    model = {"bias": round(bias, 3)}
    model.update({k: round(v, 3) for k, v in w.items() if abs(v) >= 0.0005})
    return model


# The quote model is hand-set in weights.json: the speaker rules were written while reading the dev
# articles, so the few attribution errors left on dev say little about the errors on new copy; the
# hand-set weights encode how strong each kind of evidence is (a reporting clause naming the speaker,
# a pronoun with a clear antecedent, a quote carried over from the previous paragraph...).
LEARNT = ("commitment", "role")


def learn(per_article: dict[str, dict[str, list[tuple[dict, int]]]], names: list[str],
          kinds: tuple[str, ...] = LEARNT) -> dict[str, dict[str, float]]:
    models = {}
    for kind in kinds:
        data = [ex for n in names for ex in per_article[n][kind]]
        models[kind] = fit(data, COST[kind], L2[kind])
    return models


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eval", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--write", action="store_true", help="save the weights to pipeline/extract/weights.json")
    parser.add_argument("--quotes", action="store_true", help="learn the quote model too (it is hand-set)")
    args = parser.parse_args()
    score = load_scorer(args.eval)
    dev = args.eval / "dev"
    names = sorted(p.stem for p in (dev / "gold").glob("*.json") if (dev / "articles" / f"{p.stem}.txt").exists())
    models = learn(examples(score, dev, names), names, LEARNT + (("quote",) if args.quotes else ()))
    current = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
    current.update(models)
    text = json.dumps(current, indent=2, sort_keys=True) + "\n"
    if args.write:
        WEIGHTS_FILE.write_text(text, encoding="utf-8")
        print(f"wrote {WEIGHTS_FILE.relative_to(ROOT)}")
    else:
        print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
