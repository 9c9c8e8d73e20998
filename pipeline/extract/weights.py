"""Weights the extraction rules read: hand-set evidence weights for ranking the people a pronoun
may mean, and the confidence models (a logistic regression per item kind, learnt from the dev gold
by benchmarks/extract_learn.py). Data only, in `weights.json` beside this module."""

from __future__ import annotations

import json
import math
from pathlib import Path

WEIGHTS: dict[str, dict[str, float]] = json.loads(Path(__file__).with_name("weights.json").read_text(encoding="utf-8"))


def confidence(kind: str, features: dict[str, float]) -> float:
    """A logistic model's score for an item of `kind` ("quote", "commitment", "role"), rounded to
    two decimals so that briefs stay byte-identical across runs. Below 0.5 a person should check it."""
    model = WEIGHTS.get(kind)
    if not model:
        return 1.0
    z = model.get("bias", 0.0) + sum(model.get(name, 0.0) * value for name, value in features.items())
    z = max(-30.0, min(30.0, z))
    return round(1.0 / (1.0 + math.exp(-z)), 2)
