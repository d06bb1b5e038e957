"""complaint-lint benchmark: throughput, latency, cold start, memory, floors and peers, in one run.

Usage:  python benchmarks/bench.py [--sample 3000] [--json] [--write]
Needs:  pip install -e '.[bench]'   (proselint, the peer it is compared with)
Reads the real replies in ../shared/corpora and ../shared/spec/examples.jsonl when they are
there (spec/examples.jsonl in the repository otherwise). `--write` regenerates RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPORA = ("twcs_pairs.jsonl", "twcs_replies_only.jsonl", "ibm_cdp_pairs.jsonl")


def load_texts(sample: int, seed: int = 13) -> tuple[list[str], list[str | None], list[str]]:
    """Corpus replies (sampled), their customer messages, and the labeled dev-set replies."""
    rows = []
    for name in CORPORA:
        path = SHARED / "corpora" / name
        if path.is_file():
            rows += [json.loads(line) for line in path.open(encoding="utf-8")]
    random.Random(seed).shuffle(rows)
    rows = rows[:sample]
    spec = SHARED / "spec" / "examples.jsonl"
    spec = spec if spec.is_file() else ROOT / "spec" / "examples.jsonl"
    dev = [json.loads(line)["reply"] for line in spec.open(encoding="utf-8")]
    return [r["reply"] for r in rows], [r.get("customer_message") for r in rows], dev


def words(texts: list[str]) -> int:
    return sum(len(t.split()) for t in texts)


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def cold_start(rule_cache: str | None = None) -> dict:
    """Import, pipeline load and first lint in a fresh interpreter (`rule_cache`: an empty cache folder)."""
    code = (
        "import time, resource, json\n"
        "t0 = time.perf_counter()\n"
        "import complaint_lint\n"
        "t1 = time.perf_counter()\n"
        "linter = complaint_lint.Linter()\n"
        "t2 = time.perf_counter()\n"
        "linter.lint(\"Hi Sam, that's not my department.\")\n"
        "t3 = time.perf_counter()\n"
        "print(json.dumps({'import_s': t1 - t0, 'load_s': t2 - t1, 'first_lint_s': t3 - t2, 'total_s': t3 - t0}))\n"
    )
    env = dict(os.environ, COMPLAINT_LINT_CACHE_DIR=rule_cache) if rule_cache else None
    runs = [json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                                      check=True).stdout) for _ in range(1 if rule_cache else 3)]
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def peak_rss(texts: list[str]) -> float:
    """Peak resident memory (MB) of a fresh process that lints the texts.

    Linux keeps a process's ru_maxrss across exec, so a child started by this (large) process
    would report this process's size: the child's own high-water mark (VmHWM) is read instead.
    """
    code = (
        "import json, sys, resource\n"
        "import complaint_lint\n"
        "texts = json.load(sys.stdin)\n"
        "for _ in complaint_lint.Linter().lint_many(texts): pass\n"
        "try:\n"
        "    status = open('/proc/self/status').read().split('VmHWM:')[1]\n"
        "    print(int(status.split()[0]) / 1024)\n"
        "except (OSError, IndexError):\n"
        "    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], input=json.dumps(texts), capture_output=True, text=True,
                         check=True).stdout
    return float(out)


def proselint_runner():
    try:
        from proselint import checks
        from proselint.tools import CheckRegistry, LintFile
    except ImportError:
        return None
    CheckRegistry().register_many(checks.__register__)
    return lambda texts: [LintFile("reply", content=t).lint() for t in texts]


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import spacy

    from complaint_lint import __version__

    return (f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}), Python "
            f"{platform.python_version()}, spaCy {spacy.__version__}, complaint-lint {__version__}")


def run(sample: int) -> dict:
    from complaint_lint import Linter

    replies, customers, dev = load_texts(sample)
    texts = replies + dev
    linter = Linter()
    nlp = linter.nlp
    n_words = words(texts)
    # Warm-up over every text: the first pass grows the vocabulary, which would otherwise be
    # charged to whichever measurement runs first.
    list(nlp.pipe(texts, batch_size=64))
    list(linter.lint_many(texts[:200]))
    results: dict = {"machine": machine(), "replies": len(texts), "words": n_words,
                     "pipeline": linter.pipeline, "components": nlp.pipe_names}

    def rate(seconds: float, count: int = len(texts), n: int = n_words) -> dict:
        return {"seconds": seconds, "replies_per_s": count / seconds, "words_per_s": n / seconds}

    results["lint_many"] = rate(timed(lambda: list(linter.lint_many(texts, batch_size=64))))
    pairs = list(zip(replies, customers, strict=True))
    results["lint_many_with_customer"] = rate(timed(lambda: list(linter.lint_many(pairs))), len(pairs),
                                              words(replies))
    latencies: list[tuple[int, float]] = []

    def one_at_a_time() -> None:
        for t in texts:
            start = time.perf_counter()
            linter.lint(t)
            latencies.append((len(t.split()), (time.perf_counter() - start) * 1000))

    results["lint_one_at_a_time"] = rate(timed(one_at_a_time))
    buckets = {"<40 words": (0, 40), "40-99 words": (40, 100), "100-199 words": (100, 200), "200+ words": (200, 10**9)}
    results["latency_ms"] = {}
    for label, (lo, hi) in buckets.items():
        values = [ms for n, ms in latencies if lo <= n < hi]
        if values:
            results["latency_ms"][label] = {"n": len(values), "p50": statistics.median(values),
                                            "p95": percentile(values, 0.95), "p99": percentile(values, 0.99)}
    email = " ".join(dev[i % len(dev)] for i in range(40)).split()[:120]
    email_text = "Hi Sam,\n\n" + " ".join(email) + "\n\nKind regards,\nJo"
    email_ms = []
    for _ in range(200):
        start = time.perf_counter()
        linter.lint(email_text)
        email_ms.append((time.perf_counter() - start) * 1000)
    results["email_120_words_ms"] = {"p50": statistics.median(email_ms), "p99": percentile(email_ms, 0.99)}

    unstaged = Linter(linter.config, nlp, ruleset=linter.ruleset, staged=False)
    few = texts[:1000]
    results["staged_vs_every_pattern"] = {
        "staged_s": timed(lambda: list(linter.lint_many(few))),
        "every_pattern_s": timed(lambda: list(unstaged.lint_many(few))),
        "replies": len(few),
    }
    results["floor_spacy_pipe"] = rate(timed(lambda: list(nlp.pipe(texts, batch_size=64))))
    # What lint_many actually runs: the same components, ruler and lemmatizer memoised (same annotations).
    results["floor_linter_parse"] = rate(timed(lambda: list(linter.parse.pipe(texts, batch_size=64))))
    results["floor_tokenizer"] = rate(timed(lambda: list(nlp.tokenizer.pipe(texts, batch_size=64))))
    prose = proselint_runner()
    if prose is not None:
        results["peer_proselint"] = rate(timed(lambda: prose(texts)))
    ours = results["lint_many"]["seconds"]
    results["ratios"] = {
        "lint_many / bare spaCy pipe (time)": ours / results["floor_spacy_pipe"]["seconds"],
        "lint_many / the parse it runs (time)": ours / results["floor_linter_parse"]["seconds"],
        "lint_many / tokenizer only (time)": ours / results["floor_tokenizer"]["seconds"],
        "lint one-at-a-time / lint_many (time)": results["lint_one_at_a_time"]["seconds"] / ours,
    }
    if prose is not None:
        results["ratios"]["words/s: complaint-lint / proselint"] = (
            results["lint_many"]["words_per_s"] / results["peer_proselint"]["words_per_s"])

    base = texts[:500]
    growth = {}
    for factor in (1, 4, 16):
        batch = base * factor
        seconds = timed(lambda batch=batch: list(linter.lint_many(batch)))
        growth[f"{factor}x ({len(batch)} replies)"] = {"seconds": seconds, "ms_per_reply": 1000 * seconds / len(batch)}
    results["growth"] = growth
    chunk = texts[:2000]
    results["n_process"] = {
        str(n): rate(timed(lambda n=n: list(linter.lint_many(chunk, n_process=n, batch_size=128))), len(chunk),
                     words(chunk))
        for n in (1, 2)
    }
    results["cold_start_s"] = cold_start()
    with tempfile.TemporaryDirectory() as empty:
        results["cold_start_empty_rule_cache_s"] = cold_start(empty)
    results["peak_rss_mb"] = peak_rss(texts[:2000])
    return results


def table(r: dict) -> str:
    lines = [f"Machine: {r['machine']}", f"Pipeline: {r['pipeline']} (components: {', '.join(r['components'])})",
             f"Texts: {r['replies']} replies, {r['words']} words", "",
             "| measure | replies/s | words/s | seconds |", "| --- | ---: | ---: | ---: |"]
    for key in ("lint_many", "lint_many_with_customer", "lint_one_at_a_time", "floor_spacy_pipe",
                "floor_linter_parse", "floor_tokenizer", "peer_proselint"):
        if key in r:
            v = r[key]
            lines.append(f"| {key} | {v['replies_per_s']:.0f} | {v['words_per_s']:.0f} | {v['seconds']:.2f} |")
    lines += ["", "| ratio | value |", "| --- | ---: |"]
    lines += [f"| {k} | {v:.2f} |" for k, v in r["ratios"].items()]
    lines += ["", "| latency, one reply at a time | n | p50 ms | p95 ms | p99 ms |",
              "| --- | ---: | ---: | ---: | ---: |"]
    lines += [f"| {k} | {v['n']} | {v['p50']:.1f} | {v['p95']:.1f} | {v['p99']:.1f} |"
              for k, v in r["latency_ms"].items()]
    e = r["email_120_words_ms"]
    lines += [f"| 120-word email (200 runs) | 200 | {e['p50']:.1f} | | {e['p99']:.1f} |", "",
              "| growth | seconds | ms/reply |", "| --- | ---: | ---: |"]
    lines += [f"| {k} | {v['seconds']:.2f} | {v['ms_per_reply']:.2f} |" for k, v in r["growth"].items()]
    lines += ["", "| n_process | replies/s | words/s |", "| --- | ---: | ---: |"]
    lines += [f"| {k} | {v['replies_per_s']:.0f} | {v['words_per_s']:.0f} |" for k, v in r["n_process"].items()]
    sv = r["staged_vs_every_pattern"]
    lines += ["", f"Staged matching vs every pattern on every reply ({sv['replies']} replies, same findings): "
                  f"{sv['staged_s']:.2f} s vs {sv['every_pattern_s']:.2f} s "
                  f"({sv['every_pattern_s'] / sv['staged_s']:.2f}x faster)."]
    c, e = r["cold_start_s"], r["cold_start_empty_rule_cache_s"]
    lines += ["", f"Cold start (fresh process, median of 3): import {c['import_s']:.2f} s, pipeline and rules "
                  f"{c['load_s']:.2f} s, first lint {c['first_lint_s']:.3f} s, total {c['total_s']:.2f} s.",
              f"The very first run, before rule files are cached: total {e['total_s']:.2f} s "
              f"(pipeline and rules {e['load_s']:.2f} s).",
              f"Peak RSS linting 2000 replies in a fresh process: {r['peak_rss_mb']:.0f} MB."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=int, default=3000, help="corpus replies to use")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--write", action="store_true", help="regenerate benchmarks/RESULTS.md")
    args = parser.parse_args()
    results = run(args.sample)
    print(json.dumps(results, indent=2) if args.json else table(results))
    if args.write:
        text = ("# Benchmark results\n\nGenerated by `python benchmarks/bench.py --write`; do not edit.\n\n"
                + table(results) + "\n")
        (ROOT / "benchmarks" / "RESULTS.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
