"""The pack tests itself with complaint-lint's own case runner."""

from pathlib import Path

import pytest

from complaint_lint.rules import load_rules
from complaint_lint.testing import check_rule_examples, load_cases, run_case

PACK = str(Path(__file__).resolve().parents[1] / "src" / "complaint_lint_pack_example" / "pack")


@pytest.mark.parametrize("case", load_cases(Path(__file__).parent / "cases"), ids=str)
def test_case(case):
    run_case(case, packs=[PACK])


@pytest.mark.parametrize("rule", [r for r in load_rules([PACK]).rules if r.category == "politeness"],
                         ids=lambda r: r.id)
def test_rule_examples(rule):
    check_rule_examples(rule, packs=[PACK])
