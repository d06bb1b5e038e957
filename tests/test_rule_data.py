"""Rule data: every rule's own examples, and every case file, run through the shipped runner."""

from __future__ import annotations

from pathlib import Path

import pytest

from complaint_lint.rules import load_rules
from complaint_lint.testing import check_rule_examples, load_cases, run_case

CASES = Path(__file__).parent / "cases"
RULESET = load_rules()


@pytest.mark.parametrize("rule", RULESET.rules, ids=lambda r: r.id)
def test_rule_examples(rule):
    check_rule_examples(rule)


@pytest.mark.parametrize("case", load_cases(CASES), ids=str)
def test_case(case):
    run_case(case)


def test_every_rule_has_a_case_file():
    missing = [r.id for r in RULESET.rules if not (CASES / f"{r.id}.yml").is_file()]
    assert not missing, f"rules without tests/cases/<id>.yml: {missing}"


def test_every_core_category_has_three_rules():
    core = ["blame-shifting", "buck-passing", "missing-apology", "missing-empathy", "arguing",
            "unconfirmed-solution"]
    counts = {c: sum(r.category == c for r in RULESET.rules) for c in core}
    assert all(n >= 3 for n in counts.values()), counts


@pytest.mark.parametrize("signal", list(RULESET.signals.values()), ids=lambda s: s.id)
def test_signal_examples(linter, signal):
    for text in signal.examples.flag:
        assert linter.signals(text).get(signal.id), f"signal {signal.id} not found in {text!r}"
    for text in signal.examples.pass_:
        found = linter.signals(text).get(signal.id)
        assert not found, f"signal {signal.id} found in pass example {text!r}: {found}"
