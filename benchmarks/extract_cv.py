"""Extraction quality on the dev set, whole and by folds, in process (no subprocess per article).

    python benchmarks/extract_cv.py [--eval ../shared/eval] [--folds 4] [--show NAME] [--json]

The scorer is the evaluation's own `score.py` (imported from the --eval folder). Articles are put
in folds by their position in the sorted list (article k goes to fold k mod N), so every fold holds
old BBC copy and modern copy. The pronoun-ranking weights are hand-set
(`pipeline/extract/weights.json`): no fold is trained on, so each fold's figures show whether the
rules fit articles they were not written from. The confidence weights are learnt from the dev gold
(benchmarks/extract_learn.py); with `--learn` each fold's confidences come from weights learnt on the
other folds only, so the review-flag figures are cross-validated.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.extract import extract_with_trace  # noqa: E402
from pipeline.extract.weights import confidence  # noqa: E402
from pipeline.readers import read_path  # noqa: E402

KEYS = ("people_f1", "role_acc", "quote_f1", "quote_attr", "commit_f1", "commit_p", "commit_r", "date_acc",
        "date_spurious", "loc_recall", "attr_err_flagged", "attr_unflagged_acc", "commit_fa_flagged",
        "flag_load", "attend_f1")


def load_scorer(eval_dir: Path):
    spec = importlib.util.spec_from_file_location("score", eval_dir / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def predictions(dev: Path) -> tuple[dict[str, dict], dict[str, dict]]:
    """Per article: the brief as JSON, and the evidence behind each confidence."""
    out, features = {}, {}
    for article in sorted((dev / "articles").glob("*.txt")):
        if article.name.endswith(".summary.txt"):
            continue
        result = extract_with_trace(read_path(article))
        out[article.stem] = json.loads(result.brief.to_json())
        features[article.stem] = result.features
    return out, features


def rescore(pred: dict, features: dict, models: dict) -> dict:
    """The brief with its confidences recomputed under other weights (features do not change)."""
    import pipeline.extract.weights as weights
    saved = dict(weights.WEIGHTS)
    weights.WEIGHTS.update(models)
    try:
        pred = json.loads(json.dumps(pred))
        for key, kind in (("quotes", "quote"), ("commitments", "commitment"), ("people", "role")):
            for item, f in zip(pred[key], features[kind]):
                item["confidence"] = confidence(kind, f)
    finally:
        weights.WEIGHTS.clear()
        weights.WEIGHTS.update(saved)
    return pred


def score_names(score, dev: Path, names: list[str], preds: dict[str, dict], show: str | None = None) -> dict:
    attendees_file = dev / "attendees.json"
    attendees = json.loads(attendees_file.read_text(encoding="utf-8")) if attendees_file.exists() else {}
    total = score.Tally()
    for name in names:
        gold = json.loads((dev / "gold" / f"{name}.json").read_text(encoding="utf-8"))
        if name in attendees and "attendees" not in gold:
            gold["attendees"] = attendees[name]
        summary_file = dev / "articles" / f"{name}.summary.txt"
        summary = summary_file.read_text(encoding="utf-8") if summary_file.exists() else None
        misses: list[str] = []
        score.score_article(preds.get(name, {}), gold, summary, total, misses)
        if show and show in name:
            print(f"== {name}")
            for m in misses:
                print("   " + m)
    return score.figures(total)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eval", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--folds", type=int, default=4)
    parser.add_argument("--show", metavar="NAME")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--learn", action="store_true",
                        help="score each fold with confidence weights learnt on the other folds only")
    args = parser.parse_args()
    score = load_scorer(args.eval)
    dev = args.eval / "dev"
    names = sorted(p.stem for p in (dev / "gold").glob("*.json") if (dev / "articles" / f"{p.stem}.txt").exists())
    preds, features = predictions(dev)
    whole = score_names(score, dev, names, preds, args.show)
    if args.learn:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from extract_learn import examples, learn
        per_article = examples(score, dev, names)
        held_out: dict[str, dict] = {}
        for k in range(args.folds):
            train = [n for i, n in enumerate(names) if i % args.folds != k]
            models = learn(per_article, train)
            for n in names[k::args.folds]:
                held_out[n] = rescore(preds[n], features[n], models)
        preds = held_out
        # Whole-dev figures with every article scored by weights that never saw it.
        print("cross-validated (each fold's confidences from weights learnt on the other folds):")
        cv = score_names(score, dev, names, preds)
        for key in ("attr_err_flagged", "attr_unflagged_acc", "commit_fa_flagged", "flag_load"):
            print(f"  {key:20} whole-dev weights {whole[key]:.3f}   cross-validated {cv[key]:.3f}")
    folds = [score_names(score, dev, names[k::args.folds], preds) for k in range(args.folds)]
    if args.json:
        means = {key: sum(f.get(key, 0.0) for f in folds) / len(folds) for key in whole}
        print(json.dumps({"whole": whole, "folds": folds, "fold_mean": means}, indent=2, sort_keys=True))
        return 0
    print(f"{'figure':20} {'whole':>6} " + " ".join(f"{'fold' + str(k):>6}" for k in range(args.folds))
          + f" {'mean':>6} {'spread':>6}")
    for key in KEYS:
        if key not in whole:
            continue
        vals = [f.get(key, float('nan')) for f in folds]
        print(f"{key:20} {whole[key]:6.3f} " + " ".join(f"{v:6.3f}" for v in vals)
              + f" {sum(vals) / len(vals):6.3f} {max(vals) - min(vals):6.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
