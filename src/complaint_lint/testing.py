"""The YAML case runner, shared with third-party rule packs.

A pack tests itself in a few lines::

    import pytest
    from complaint_lint.testing import load_cases, run_case

    @pytest.mark.parametrize("case", load_cases("tests/cases"), ids=str)
    def test_case(case):
        run_case(case, packs=["my_pack"])
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import srsly
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .config import Config
from .errors import RulePackError
from .fixes import apply_fixes
from .linter import Linter
from .models import Report
from .nlp import load_pipeline
from .rules import RuleSet, RuleSpec, load_rules


class Case(BaseModel):
    """One case: a reply that the rule must flag (at `spans`) or pass, and optionally its fixed text."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    text: str
    expect: Literal["flag", "pass"]
    spans: tuple[str, ...] | None = None
    """Expected finding texts for this rule, in order ("" for a document-level finding)."""
    fixed: str | None = None
    """The text after applying this rule's fixes (suggested ones included)."""
    customer_message: str | None = None
    complaint: bool | None = None
    config: dict[str, Any] = Field(default_factory=dict)
    source: str | None = None
    """Where the text comes from, with its licence, for cases taken from real replies."""


class CaseFile(BaseModel):
    """`tests/cases/<rule-id>.yml`."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    rule: str
    cases: tuple[Case, ...] = Field(min_length=1)


@dataclass(frozen=True)
class RuleCase:
    """A case bound to its rule, as pytest parameters."""

    rule: str
    case: Case
    path: Path

    def __str__(self) -> str:
        return f"{self.rule}::{self.case.name}"


def load_case_file(path: str | Path) -> CaseFile:
    """Read one case file; its name must be the rule id."""
    path = Path(path)
    try:
        parsed = CaseFile.model_validate(srsly.read_yaml(path))
    except ValidationError as exc:
        err = exc.errors()[0]
        raise RulePackError(f"{path}: key '{'.'.join(map(str, err['loc']))}': {err['msg']}") from exc
    if parsed.rule != path.stem:
        raise RulePackError(f"{path}: key 'rule': '{parsed.rule}' must match the file name")
    return parsed


def load_cases(folder: str | Path) -> list[RuleCase]:
    """Every case of every `*.yml` file in a folder."""
    found = []
    for path in sorted(Path(folder).glob("*.y*ml")):
        parsed = load_case_file(path)
        found += [RuleCase(parsed.rule, case, path) for case in parsed.cases]
    return found


@lru_cache(maxsize=4)
def _ruleset(packs: tuple[str, ...]) -> RuleSet:
    return load_rules(packs)


@lru_cache(maxsize=512)
def rule_linter(rule_id: str, packs: tuple[str, ...] = (), config_json: str = "{}") -> Linter:
    """A Linter that runs only one rule (with the style the rule needs), cached."""
    ruleset = _ruleset(packs)
    rule = ruleset.rule(rule_id)
    settings = {"packs": packs, **srsly.json_loads(config_json), "select": [rule_id]}
    if rule.apology_style:
        settings["apology_style"] = rule.apology_style
    return Linter(Config.model_validate(settings), nlp=load_pipeline(), ruleset=ruleset)


def _own(report: Report, rule_id: str) -> list:
    return [f for f in report.findings if f.rule == rule_id]


def run_case(case: RuleCase, *, packs: tuple[str, ...] | list[str] = ()) -> None:
    """Assert one case: flagged at its spans or passed, and fixed as written."""
    c = case.case
    linter = rule_linter(case.rule, tuple(packs), srsly.json_dumps(c.config, sort_keys=True))
    report = linter.lint(c.text, customer_message=c.customer_message, complaint=c.complaint)
    found = _own(report, case.rule)
    if c.expect == "pass":
        assert not found, f"{case}: expected no finding, got {[f.text for f in found]} in {c.text!r}"
        return
    assert found, f"{case}: expected a finding in {c.text!r}"
    if c.spans is not None:
        assert [f.text for f in found] == list(c.spans), f"{case}: spans {[f.text for f in found]} != {list(c.spans)}"
    if c.fixed is not None:
        fixed = apply_fixes(c.text, found, unsafe=True)
        assert fixed == c.fixed, f"{case}: fixed text\n  {fixed!r}\n!=\n  {c.fixed!r}"


def check_rule_examples(rule: RuleSpec, *, packs: tuple[str, ...] | list[str] = ()) -> None:
    """A rule's own examples: each `flag` is flagged and resolved by its fix; each `pass` passes."""
    linter = rule_linter(rule.id, tuple(packs))
    for text in rule.examples.flag:
        found = _own(linter.lint(text, complaint=True), rule.id)
        assert found, f"{rule.id}: flag example not flagged: {text!r}"
        assert all(f.fix is not None for f in found), f"{rule.id}: a finding has no fix"
        fixed = apply_fixes(text, found, unsafe=True)
        again = _own(linter.lint(fixed, complaint=True), rule.id)
        assert not again, f"{rule.id}: still flagged after its fix: {fixed!r} -> {[f.text for f in again]}"
    for text in rule.examples.pass_:
        found = _own(linter.lint(text, complaint=True), rule.id)
        assert not found, f"{rule.id}: pass example flagged: {text!r} -> {[f.text for f in found]}"
