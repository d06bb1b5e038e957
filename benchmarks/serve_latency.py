"""Latency of POST /v1/lint against a real `complaint-lint serve` process: p50 / p99, 1 and 10 clients.

Usage: python benchmarks/serve_latency.py [--requests 300] [--json]
Drafts come from ../shared/corpora (IBM pairs) when present, else from examples/.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from serving import running_server  # noqa: E402


def drafts() -> list[dict]:
    corpus = ROOT.parent / "shared" / "corpora" / "ibm_cdp_pairs.jsonl"
    if corpus.is_file():
        rows = [json.loads(line) for line in corpus.open(encoding="utf-8")]
        return [{"reply": r["reply"], "customer_message": r["customer_message"]} for r in rows[:400]]
    return [{"reply": p.read_text(encoding="utf-8")} for p in sorted((ROOT / "examples").rglob("*.txt"))]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def measure(base: str, bodies: list[dict], clients: int, total: int) -> list[float]:
    latencies: list[float] = []
    queue = asyncio.Queue()
    for i in range(total):
        queue.put_nowait(bodies[i % len(bodies)])

    async def client() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            while not queue.empty():
                body = queue.get_nowait()
                start = time.perf_counter()
                response = await http.post("/v1/lint", json=body)
                latencies.append((time.perf_counter() - start) * 1000)
                response.raise_for_status()

    await asyncio.gather(*(client() for _ in range(clients)))
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    bodies = drafts()
    results = {}
    with running_server() as base:
        asyncio.run(measure(base, bodies, 1, 20))  # warm-up
        for clients in (1, 10):
            started = time.perf_counter()
            latencies = asyncio.run(measure(base, bodies, clients, args.requests))
            elapsed = time.perf_counter() - started
            results[clients] = {"p50_ms": statistics.median(latencies), "p99_ms": percentile(latencies, 0.99),
                                "requests_per_s": len(latencies) / elapsed}
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"POST /v1/lint, {args.requests} requests per row, {len(bodies)} distinct drafts")
    print(f"{'clients':>8} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>8}")
    for clients, r in results.items():
        print(f"{clients:>8} {r['p50_ms']:8.1f} {r['p99_ms']:8.1f} {r['requests_per_s']:8.1f}")


if __name__ == "__main__":
    main()
