"""Which rule patterns cost the most time: a profile of the matching engine by rule, for rule authors.

Usage: python scripts/rule_cost.py [--sample N] [--top K]
Parses N real replies from ../shared/corpora (the labeled dev set when it is absent) once, then
times every token-pattern group, dependency group and regex the staged engine runs on them and
prints the costliest, with the rules they belong to. Read docs/writing-rules.md (Speed) for fixes.
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter
from pathlib import Path

import srsly

from complaint_lint import Linter
from complaint_lint.matching import _annotated, _dependency_matches, _finditer, _token_matches
from complaint_lint.triggers import Present

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"


def replies(sample: int) -> list[str]:
    """Real replies when ../shared is there, otherwise the labeled set shipped with the repository."""
    paths = sorted(CORPORA.glob("*.jsonl")) or [ROOT / "spec" / "examples.jsonl"]
    texts = [row["reply"] for path in paths for row in srsly.read_jsonl(path)]
    random.Random(11).shuffle(texts)
    return texts[:sample]


def owners(keys: list[str]) -> str:
    """The rule and signal ids behind a list of pattern keys."""
    names = sorted({key.split("\x1f")[0].split(":", 1)[-1] for key in keys})
    return ", ".join(names[:4]) + (f" (+{len(names) - 4})" if len(names) > 4 else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=int, default=1000)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    linter = Linter()
    patterns, strings = linter.engine.patterns, linter.nlp.vocab.strings
    docs = list(linter.nlp.pipe(replies(args.sample)))
    cost: Counter[tuple[str, int]] = Counter()
    runs: Counter[tuple[str, int]] = Counter()
    start = time.perf_counter()
    for doc in docs:
        present, annotated, text = Present(doc), _annotated(doc), doc.text
        table = patterns.columns.table(doc) if annotated else None
        for i in patterns.token_index.opened(present):
            began = time.perf_counter()
            _token_matches(doc, [patterns.token_groups[i]], present, annotated, table)
            cost["token", i] += time.perf_counter() - began
            runs["token", i] += 1
        for i in patterns.dependency_index.opened(present):
            began = time.perf_counter()
            _dependency_matches(doc, [patterns.dependency_groups[i]], present, table)
            cost["dependency", i] += time.perf_counter() - began
            runs["dependency", i] += 1
        folded = text.casefold()
        for i, (_, pattern, sets) in enumerate(patterns.regexes):
            if sets is None or all(any(w in folded for w in words) for words in sets):
                began = time.perf_counter()
                _finditer(pattern, text)
                cost["regex", i] += time.perf_counter() - began
                runs["regex", i] += 1
    total = time.perf_counter() - start
    print(f"{len(docs)} replies, {total:.2f} s in token groups, dependency groups and regexes\n")
    print(f"{'share':>6} {'ms':>8} {'runs':>6}  kind        rules")
    for (kind, i), seconds in cost.most_common(args.top):
        if kind == "token":
            group = patterns.token_groups[i]
            keys = [key for key, _ in group.source]
            reach = f", reach {group.before},{group.after}" if group.uses_spacy else ""
            detail = f"{len(group.anchored)} anchored{reach}"
        elif kind == "dependency":
            dependency = patterns.dependency_groups[i]
            keys = [strings[k] for k in dependency.matcher._patterns] + [strings[p.key] for p, _ in dependency.anchored]
            detail = ""
        else:
            keys, detail = [patterns.regexes[i][0]], patterns.regexes[i][1].expression[:60]
        print(f"{seconds / total:6.1%} {seconds * 1000:8.1f} {runs[kind, i]:6d}  {kind:<10}  {owners(keys)}  {detail}")


if __name__ == "__main__":
    main()
