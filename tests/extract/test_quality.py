"""Extraction quality gate: the articles in tests/extract/heldout (written for these tests, with
hand-made gold annotations) must keep their scores above pinned floors.

The scoring follows the usual conventions: people match by name or alias with honorifics aside,
a role is right when it holds the gold role's words, quotes match by normalised text
similarity, commitments by the words of their evidence sentence, dates exactly.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from pathlib import Path

import pytest

from pipeline.extract import extract
from pipeline.readers import read_path

HELDOUT = Path(__file__).resolve().parent / "heldout"
FLOORS = {"people_f1": 0.95, "role_acc": 0.75, "quote_f1": 0.95, "quote_attr": 0.95, "commit_f1": 0.80,
          "date_acc": 0.85}
HONORIFICS = {"sir", "dame", "lord", "lady", "mr", "mrs", "ms", "miss", "dr", "prof", "professor", "baroness"}


def norm(text: str | None) -> str:
    text = unicodedata.normalize("NFKC", text or "").lower().replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"[^\w\s']", " ", text)
    text = re.sub(r"'s\b", "", text).replace("'", "")
    return " ".join(text.split())


def name_key(name: str | None) -> str:
    return " ".join(w for w in norm(name).split() if w not in HONORIFICS)


def same_person(predicted: dict, gold: dict) -> bool:
    keys = {name_key(gold["name"])} | {name_key(a) for a in gold.get("aliases") or []}
    return name_key(predicted["name"]) in keys


def similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, norm(a), norm(b), autojunk=False).ratio()


def overlap(a: str, b: str) -> float:
    sa, sb = set(norm(a).split()), set(norm(b).split())
    return len(sa & sb) / len(sa | sb) if sa and sb else 0.0


def match(preds: list, golds: list, score, threshold: float) -> list[tuple[int, int]]:
    pairs = sorted(((score(p, g), i, j) for i, p in enumerate(preds) for j, g in enumerate(golds)), reverse=True)
    used_p, used_g, out = set(), set(), []
    for s, i, j in pairs:
        if s >= threshold and i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            out.append((i, j))
    return out


def f1(tp: int, predicted: int, gold: int) -> float:
    p = tp / predicted if predicted else 1.0
    r = tp / gold if gold else 1.0
    return 2 * p * r / (p + r) if p + r else 0.0


@pytest.fixture(scope="module")
def figures() -> dict[str, float]:
    t: dict[str, int] = {}

    def add(key: str, n: int = 1) -> None:
        t[key] = t.get(key, 0) + n

    for gold_file in sorted((HELDOUT / "gold").glob("*.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        pred = json.loads(extract(read_path(HELDOUT / "articles" / f"{gold_file.stem}.txt")).to_json())
        people = match(pred["people"], gold["people"], lambda p, g: float(same_person(p, g)), 1.0)
        add("people_tp", len(people)), add("people_pred", len(pred["people"])), add("people_gold", len(gold["people"]))
        for i, j in people:
            if gold["people"][j].get("role"):
                add("role_gold")
                g_words, p_words = set(norm(gold["people"][j]["role"]).split()), set(norm(pred["people"][i]["role"]).split())
                add("role_ok", int(g_words <= p_words))
        optional = {j for j, q in enumerate(gold["quotes"]) if q["speaker"] is None and len(norm(q["text"]).split()) <= 3}
        quotes = match(pred["quotes"], gold["quotes"], lambda p, g: similar(p["text"], g["text"]), 0.85)
        add("quote_tp", len(quotes)), add("quote_pred", len(pred["quotes"]))
        add("quote_gold", len(gold["quotes"]) - len(optional - {j for _, j in quotes}))
        by_name = {p["name"]: p for p in gold["people"]}
        for i, j in quotes:
            add("attr_gold")
            g_speaker, p_speaker = gold["quotes"][j]["speaker"], pred["quotes"][i]["speaker"]
            ok = (not p_speaker) if g_speaker is None else bool(p_speaker) and same_person(
                {"name": p_speaker}, by_name.get(g_speaker, {"name": g_speaker}))
            add("attr_ok", int(ok))
        commitments = match(pred["commitments"], gold["commitments"],
                            lambda p, g: overlap(p["evidence"], g["evidence"]), 0.5)
        add("commit_tp", len(commitments)), add("commit_pred", len(pred["commitments"]))
        add("commit_gold", len(gold["commitments"]))
        if gold.get("event_date"):
            add("date_gold"), add("date_ok", int(pred["event_date"] == gold["event_date"]))
        elif pred["event_date"]:
            add("date_spurious")
    g = t.get
    return {
        "people_f1": f1(g("people_tp", 0), g("people_pred", 0), g("people_gold", 0)),
        "role_acc": g("role_ok", 0) / g("role_gold", 1),
        "quote_f1": f1(g("quote_tp", 0), g("quote_pred", 0), g("quote_gold", 0)),
        "quote_attr": g("attr_ok", 0) / g("attr_gold", 1),
        "commit_f1": f1(g("commit_tp", 0), g("commit_pred", 0), g("commit_gold", 0)),
        "date_acc": g("date_ok", 0) / g("date_gold", 1),
        "date_spurious": g("date_spurious", 0),
    }


@pytest.mark.parametrize("figure", sorted(FLOORS))
def test_figure_stays_above_its_floor(figures, figure):
    assert figures[figure] >= FLOORS[figure], f"{figure} = {figures[figure]:.3f}"


def test_no_invented_dates(figures):
    assert figures["date_spurious"] == 0


def test_gold_quotes_and_evidence_are_in_the_articles():
    for gold_file in sorted((HELDOUT / "gold").glob("*.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        text = (HELDOUT / "articles" / f"{gold_file.stem}.txt").read_text(encoding="utf-8")
        for q in gold["quotes"]:
            assert q["text"] in text, (gold_file.stem, q["text"])
