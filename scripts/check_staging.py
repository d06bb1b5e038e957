"""Lint every real reply both ways (staged matching and every pattern on every reply) and compare.

Usage: python scripts/check_staging.py [--sample N] [--files a.jsonl,b.jsonl]
Each reply (and its customer message) is parsed once and both engines read the same parse, so
any difference comes from staging alone. Prints the count compared and every difference; exit 1
if there is one.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import srsly

from complaint_lint import Linter

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"
FILES = "ibm_cdp_pairs.jsonl,twcs_pairs.jsonl,twcs_replies_only.jsonl"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=int, default=0, help="only the first N replies (0: all)")
    parser.add_argument("--files", default=FILES)
    args = parser.parse_args()
    rows = [row for name in args.files.split(",") for row in srsly.read_jsonl(CORPORA / name)]
    rows = rows[: args.sample] if args.sample else rows
    staged = Linter()
    reference = Linter(staged.config, staged.nlp, ruleset=staged.ruleset, staged=False)
    views = [staged._view(r["reply"], r.get("customer_message"), "text") for r in rows]
    customers = [r.get("customer_message") or "" for r in rows]
    started, differing = time.perf_counter(), 0
    docs = staged.nlp.pipe(v.text for v in views)
    cdocs = staged.nlp.pipe(customers)
    for row, view, doc, cdoc in zip(rows, views, docs, cdocs, strict=True):
        cdoc = cdoc if row.get("customer_message") else None
        a = staged._report(view, doc, cdoc, None).model_dump()
        b = reference._report(view, doc, cdoc, None).model_dump()
        if a != b:
            differing += 1
            print(f"DIFFERS {row['id']}: staged {[f['rule'] for f in a['findings']]} "
                  f"reference {[f['rule'] for f in b['findings']]}")
    print(f"{len(rows)} replies compared in {time.perf_counter() - started:.0f} s; {differing} differ")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
