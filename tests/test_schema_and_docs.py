"""Committed artefacts generated from code or data must not drift."""

from __future__ import annotations

import json
from pathlib import Path

from complaint_lint import Report
from complaint_lint.docs import rules_markdown
from complaint_lint.rules import load_rules

ROOT = Path(__file__).resolve().parents[1]


def test_report_schema_is_committed_and_current():
    committed = json.loads((ROOT / "schema" / "report.schema.json").read_text(encoding="utf-8"))
    assert committed == Report.model_json_schema(), "run: complaint-lint schema > schema/report.schema.json"


def test_rules_doc_is_generated_from_the_rule_data():
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == rules_markdown(load_rules(entry_point_packs=False)), "run: python -m complaint_lint.docs"
