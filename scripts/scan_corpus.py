"""Lint real replies from ../shared/corpora and print the flagged ones (false-alarm hunting).

Usage: python scripts/scan_corpus.py [--category CAT] [--rule ID] [--limit N] [--sample N] [--seed S]
       [--files ibm_cdp_pairs.jsonl,twcs_pairs.jsonl] [--unflagged]
Prints per-category flag rates over the sample, then flagged replies of the chosen category.
"""

from __future__ import annotations

import argparse
import random
from collections import Counter
from pathlib import Path

import srsly

from complaint_lint import Config, Linter

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--category")
    parser.add_argument("--rule")
    parser.add_argument("--limit", type=int, default=40)
    parser.add_argument("--sample", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--files", default="ibm_cdp_pairs.jsonl,twcs_pairs.jsonl")
    parser.add_argument("--unflagged", action="store_true", help="print unflagged replies instead")
    parser.add_argument("--extend-select", default="", help="comma-separated off-by-default categories to run")
    args = parser.parse_args()
    rows = [row for name in args.files.split(",") for row in srsly.read_jsonl(CORPORA / name)]
    random.Random(args.seed).shuffle(rows)
    rows = rows[: args.sample]
    extra = tuple(s for s in args.extend_select.split(",") if s)
    linter = Linter(Config(extend_select=extra))
    reports = list(linter.lint_many([(r["reply"], r["customer_message"]) for r in rows]))
    rates = Counter(c for rep in reports for c in {f.category for f in rep.findings})
    print(f"{len(rows)} replies; share flagged per category:")
    for category, n in rates.most_common():
        print(f"  {category:<24} {n / len(rows):6.1%}  ({n})")
    shown = 0
    for row, report in zip(rows, reports, strict=True):
        own = [f for f in report.findings
               if (not args.category or f.category == args.category) and (not args.rule or f.rule == args.rule)]
        if bool(own) == args.unflagged:
            continue
        print("-" * 80)
        print(f"{row['id']}  complaint={report.complaint}")
        print(f"CUSTOMER: {(row['customer_message'] or '')[:300]!r}")
        print(f"REPLY:    {row['reply']!r}")
        for f in own:
            print(f"  -> {f.rule}: {f.text!r}")
        shown += 1
        if shown >= args.limit:
            break


if __name__ == "__main__":
    main()
