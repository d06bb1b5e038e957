"""Evaluation on the labeled development set: the floor later work may only raise."""

from __future__ import annotations

from pathlib import Path

import pytest

from complaint_lint import ComplaintLintError, evaluate
from complaint_lint.evaluate import format_evaluation

DEV_SET = Path(__file__).resolve().parents[1] / "spec" / "examples.jsonl"
# The detection-quality targets on the development set.
CATEGORY_F1_FLOOR = 0.90
MACRO_F1_FLOOR = 0.92
CLEAN_PASS_FLOOR = 0.95
SPAN_HIT_FLOOR = 0.95


@pytest.fixture(scope="module")
def result(linter):
    return evaluate(DEV_SET, linter)


def test_macro_f1_floor(result):
    assert result.rows == 450
    assert result.macro_f1 >= MACRO_F1_FLOOR, format_evaluation(result)


def test_every_category_f1_floor(result):
    weak = {s.category: round(s.f1, 3) for s in result.scores if s.f1 < CATEGORY_F1_FLOOR}
    assert not weak, format_evaluation(result)


def test_clean_replies_pass_and_spans_hit(result):
    assert result.clean_pass_rate >= CLEAN_PASS_FLOOR, format_evaluation(result)
    assert result.span_hit_rate >= SPAN_HIT_FLOOR, format_evaluation(result)


def test_no_apology_or_empathy_findings_on_non_complaints(result):
    assert result.context_violations == 0, format_evaluation(result)


def test_report_lists_every_figure(result):
    text = format_evaluation(result)
    for label in ("macro-F1", "span hit", "clean replies passing", "blame-shifting", "unconfirmed-solution"):
        assert label in text


def test_bad_jsonl_is_an_error_naming_the_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"reply": "x", "expected": []}\n{"nope": 1}\n', encoding="utf-8")
    with pytest.raises(ComplaintLintError, match=r"bad\.jsonl:2: each line needs 'reply' and 'expected'"):
        evaluate(path)
