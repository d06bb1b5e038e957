"""Rule documentation rendered from the rule data (ruff-style headings)."""

from __future__ import annotations

from .rules import RuleSet, RuleSpec


def rule_markdown(rule: RuleSpec) -> str:
    """One rule's documentation as Markdown."""
    fix = rule.fix
    lines = [f"## {rule.id}", "", rule.summary, "", _facts(rule), "", "### Why is this bad?", "", rule.why.strip(), "",
             "### Example (flagged)", "", *[f"- {text}" for text in rule.examples.flag], "",
             "### Use instead (not flagged)", "", *[f"- {text}" for text in rule.examples.pass_], "",
             "### Fix", "",
             f"{fix.description}: {_action(rule)}. Fix safety: `{fix.applicability}`"
             + (" (applied by `--fix`)." if fix.applicability == "safe" else " (needs `--unsafe-fixes`; review it)."),
             ""]
    return "\n".join(lines)


def _facts(rule: RuleSpec) -> str:
    return (f"Category: `{rule.category}` · severity: `{rule.severity}` · kind: `{rule.kind}`"
            + ("" if rule.default else " · off by default")
            + (" · only for complaints" if rule.complaint_only else "")
            + (f" · only with apology-style `{rule.apology_style}`" if rule.apology_style else ""))


def _action(rule: RuleSpec) -> str:
    fix = rule.fix
    if fix.replace is not None:
        return f"replaces the words with \"{fix.replace}\""
    if fix.at == "before-signal":
        where = f"inserts \"{fix.insert}\" before the reply's next sentence with a `{fix.signal}` signal"
        return where + (f"; with none, \"{fix.fallback}\" after the sentence" if fix.fallback else "")
    return f"inserts \"{fix.insert}\" ({fix.at})"


def rules_markdown(ruleset: RuleSet) -> str:
    """Every rule's documentation, grouped by category (docs/rules.md)."""
    parts = ["# Rules", "", "Generated from the rule files by `python -m complaint_lint.docs`; do not edit.", ""]
    for category in ruleset.categories:
        parts += [f"# `{category}`", ""]
        parts += [rule_markdown(r) for r in ruleset.rules if r.category == category]
    return "\n".join(parts).rstrip() + "\n"


if __name__ == "__main__":
    from pathlib import Path

    from .rules import load_rules

    Path("docs/rules.md").write_text(rules_markdown(load_rules(entry_point_packs=False)), encoding="utf-8")
