"""Score the linter against a labeled JSONL set (the format of spec/FORMAT.md)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import srsly
from pydantic import BaseModel, ConfigDict

from .errors import ComplaintLintError
from .linter import Linter
from .models import Report

CORE_CATEGORIES = (
    "blame-shifting", "buck-passing", "missing-apology", "missing-empathy", "arguing", "unconfirmed-solution",
)
CONTEXT_CATEGORIES = ("missing-apology", "missing-empathy")


class CategoryScore(BaseModel):
    """Reply-level precision, recall and F1 for one category."""

    model_config = ConfigDict(frozen=True)
    category: str
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        """TP / (TP + FP); 1.0 when nothing was reported."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """TP / (TP + FN); 1.0 when nothing was expected."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


class Miss(BaseModel):
    """One wrong call, for the worst-misses list."""

    model_config = ConfigDict(frozen=True)
    id: str
    category: str
    kind: str  # "missed" or "false alarm"
    text: str


class Evaluation(BaseModel):
    """Every figure `complaint-lint evaluate` prints."""

    model_config = ConfigDict(frozen=True)
    rows: int
    scores: tuple[CategoryScore, ...]
    span_hits: int
    span_total: int
    clean_total: int
    clean_passed: int
    context_violations: int
    misses: tuple[Miss, ...]

    @property
    def macro_f1(self) -> float:
        """Mean F1 over the core categories."""
        return sum(s.f1 for s in self.scores) / len(self.scores)

    @property
    def span_hit_rate(self) -> float:
        """Share of detected span-level labels whose finding overlaps the evidence."""
        return self.span_hits / self.span_total if self.span_total else 1.0

    @property
    def clean_pass_rate(self) -> float:
        """Share of clean complaint replies with no finding at all."""
        return self.clean_passed / self.clean_total if self.clean_total else 1.0


def read_labeled(path: str | Path) -> list[dict]:
    """Rows of a labeled JSONL file; a bad line is a ComplaintLintError naming it."""
    rows = []
    try:
        for number, row in enumerate(srsly.read_jsonl(path), start=1):
            if not isinstance(row, dict) or "reply" not in row or "expected" not in row:
                raise ComplaintLintError(f"{path}:{number}: each line needs 'reply' and 'expected'")
            rows.append(row)
    except ValueError as exc:
        raise ComplaintLintError(f"{path}: invalid JSON Lines: {exc}") from exc
    return rows


def score(rows: list[dict], reports: list[Report]) -> Evaluation:
    """Compare reports with the labels."""
    counts = {c: Counter() for c in CORE_CATEGORIES}
    span_hits = span_total = clean_total = clean_passed = violations = 0
    misses: list[Miss] = []
    for row, report in zip(rows, reports, strict=True):
        expected = {e["category"] for e in row["expected"]}
        found = {f.category for f in report.findings}
        for category in CORE_CATEGORIES:
            if category in expected and category in found:
                counts[category]["tp"] += 1
            elif category in found:
                counts[category]["fp"] += 1
                text = next(f.text or "(document)" for f in report.findings if f.category == category)
                misses.append(Miss(id=row.get("id", "?"), category=category, kind="false alarm", text=text))
            elif category in expected:
                counts[category]["fn"] += 1
                evidence = next(e["evidence"] or "(document)" for e in row["expected"] if e["category"] == category)
                misses.append(Miss(id=row.get("id", "?"), category=category, kind="missed", text=evidence))
        for label in row["expected"]:
            evidence = label.get("evidence")
            if not evidence or label["category"] not in found:
                continue
            span_total += 1
            start = row["reply"].find(evidence)
            end = start + len(evidence)
            if any(f.category == label["category"] and f.start < end and start < f.end
                   for f in report.findings if f.scope == "span"):
                span_hits += 1
        if not row["expected"] and row.get("complaint", True):
            clean_total += 1
            clean_passed += not report.findings
        if row.get("complaint") is False:
            violations += sum(f.category in CONTEXT_CATEGORIES for f in report.findings)
    scores = tuple(CategoryScore(category=c, tp=counts[c]["tp"], fp=counts[c]["fp"], fn=counts[c]["fn"])
                   for c in CORE_CATEGORIES)
    return Evaluation(rows=len(rows), scores=scores, span_hits=span_hits, span_total=span_total,
                      clean_total=clean_total, clean_passed=clean_passed, context_violations=violations,
                      misses=tuple(misses))


def evaluate(path: str | Path, linter: Linter | None = None, *, use_customer_message: bool = True) -> Evaluation:
    """Lint every labeled reply (with its customer message) and score the result."""
    rows = read_labeled(path)
    linter = linter or Linter()
    items = [(r["reply"], r.get("customer_message") if use_customer_message else None) for r in rows]
    return score(rows, list(linter.lint_many(items)))


def format_evaluation(result: Evaluation, *, worst: int = 10) -> str:
    """The evaluation as plain text: the worst misses, then the table and the totals last."""
    lines = []
    if worst and result.misses:
        lines += [f"worst misses (first {min(worst, len(result.misses))} of {len(result.misses)}):"]
        lines += [f"  {m.id} {m.kind:<11} {m.category}: {m.text[:90]}" for m in result.misses[:worst]]
        lines.append("")
    lines.append(f"{'category':<22} {'prec':>6} {'recall':>7} {'f1':>6} {'tp':>5} {'fp':>5} {'fn':>5}")
    for s in result.scores:
        lines.append(f"{s.category:<22} {s.precision:6.3f} {s.recall:7.3f} {s.f1:6.3f} {s.tp:5d} {s.fp:5d} {s.fn:5d}")
    lines += [
        f"replies               {result.rows}",
        f"macro-F1              {result.macro_f1:.3f}",
        f"span hit              {result.span_hit_rate:.3f} ({result.span_hits}/{result.span_total})",
        f"clean replies passing {result.clean_pass_rate:.3f} ({result.clean_passed}/{result.clean_total})",
        f"context violations    {result.context_violations} (apology/empathy findings on non-complaints)",
    ]
    return "\n".join(lines)
