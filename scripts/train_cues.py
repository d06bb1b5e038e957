"""Train the sentence cue model (rules/core/models/cues.json) from the labeled sets.

Usage: python scripts/train_cues.py [--exclude blind-4] [--out PATH] [--real 8000] [--threshold 0.5]
Needs the `train` extra (scikit-learn). Real replies from ../shared/corpora, when present, are
added as negatives (a few of them are real problems, hence their lower weight).
Use --exclude to hold a labeled set out, then `complaint-lint evaluate` it with a config whose
rule options point at the --out file, to see what the model adds on wording it never saw.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import srsly
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from complaint_lint import Linter
from complaint_lint.cues import FEATURES_VERSION, sentence_features
from complaint_lint.evaluate import read_labeled

ROOT = Path(__file__).resolve().parents[1]
LABELED = [ROOT / "spec" / "examples.jsonl", *sorted((ROOT / "benchmarks").glob("*.jsonl"))]
CORPORA = ROOT.parent / "shared" / "corpora"
CATEGORIES = ("blame-shifting", "buck-passing", "arguing")


def _evidence(row: dict, category: str) -> list[tuple[int, int]]:
    spans = []
    for label in row["expected"]:
        if label["category"] == category and label.get("evidence"):
            start = row["reply"].find(label["evidence"])
            if start >= 0:
                spans.append((start, start + len(label["evidence"])))
    return spans


def _sentences(linter: Linter, rows: list[dict]) -> list[tuple[list[str], dict[str, bool]]]:
    out = []
    for row, doc in zip(rows, linter.parse.pipe([r["reply"] for r in rows]), strict=True):
        for sent in doc.sents:
            if all(t.is_punct or t.is_space for t in sent):
                continue
            labels = {c: any(a < sent.end_char and sent.start_char < b for a, b in _evidence(row, c))
                      for c in CATEGORIES}
            out.append((sentence_features(sent), labels))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--exclude", action="append", default=[], help="labeled set name to hold out")
    parser.add_argument("--out", type=Path, default=ROOT / "rules" / "core" / "models" / "cues.json")
    parser.add_argument("--real", type=int, default=8000, help="real replies used as negatives")
    parser.add_argument("--real-weight", type=float, default=0.2)
    parser.add_argument("--C", type=float, default=2.0, help="inverse regularisation strength")
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--prune", type=float, default=0.02, help="drop weights smaller than this")
    args = parser.parse_args()
    linter = Linter()
    used = [p for p in LABELED if p.stem not in args.exclude]
    rows = [row for path in used for row in read_labeled(path)]
    data = _sentences(linter, rows)
    weights = [1.0] * len(data)
    real = []
    if args.real and CORPORA.is_dir():
        real = [r for name in ("ibm_cdp_pairs.jsonl", "twcs_pairs.jsonl") for r in srsly.read_jsonl(CORPORA / name)]
        random.Random(11).shuffle(real)
        real = [{"reply": r["reply"], "expected": []} for r in real[: args.real]]
        negatives = _sentences(linter, real)
        data += negatives
        weights += [args.real_weight] * len(negatives)
    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform([dict.fromkeys(features, 1) for features, _ in data])
    names = vectorizer.get_feature_names_out()
    categories = {}
    for category in CATEGORIES:
        y = [labels[category] for _, labels in data]
        model = LogisticRegression(C=args.C, max_iter=5000).fit(x, y, sample_weight=weights)
        kept = {names[i]: round(float(w), 4) for i, w in enumerate(model.coef_[0]) if abs(w) >= args.prune}
        categories[category] = {"bias": round(float(model.intercept_[0]), 4), "threshold": args.threshold,
                                "positives": int(sum(y)), "weights": dict(sorted(kept.items()))}
        print(f"{category}: {sum(y)} positive sentences, {len(kept)} weights kept")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    srsly.write_json(args.out, {
        "features_version": FEATURES_VERSION,
        "trained_on": {"labeled": [p.name for p in used], "labeled_replies": len(rows), "real_replies": len(real),
                       "sentences": len(data), "C": args.C, "real_weight": args.real_weight},
        "categories": categories,
    })
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
