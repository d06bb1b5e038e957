"""The example pack in examples/pack-skeleton tests itself with the shipped runner; so do we."""

from __future__ import annotations

from pathlib import Path

import pytest

from complaint_lint.rules import load_rules
from complaint_lint.testing import check_rule_examples, load_cases, run_case

SKELETON = Path(__file__).resolve().parents[1] / "examples" / "pack-skeleton"
PACK = str(SKELETON / "src" / "complaint_lint_pack_example" / "pack")


@pytest.mark.parametrize("case", load_cases(SKELETON / "tests" / "cases"), ids=str)
def test_skeleton_case(case):
    run_case(case, packs=[PACK])


def test_skeleton_rule_examples():
    rules = [r for r in load_rules([PACK]).rules if r.category == "politeness"]
    assert rules
    for rule in rules:
        check_rule_examples(rule, packs=[PACK])
