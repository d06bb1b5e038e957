"""Build suggested rewrites from a rule's fix template, and apply edits to a text."""

from __future__ import annotations

from collections.abc import Iterable

import regex

from .models import Edit, Finding, Fix
from .rules import FixSpec

TEMPLATE_FIELD = regex.compile(r"\{(\w+)(?::(lower|upper|capitalize))?(?:\|([^{}]*))?\}")


def render(template: str, values: dict[str, str]) -> str:
    """Fill `{name}`, `{name:lower}` and `{name|default}` fields; unknown names take their default."""
    def field(m: regex.Match) -> str:
        value = values.get(m.group(1)) or (m.group(3) or "")
        return getattr(value, m.group(2))() if m.group(2) else value

    return TEMPLATE_FIELD.sub(field, template)


def match_case(replacement: str, original: str) -> str:
    """Capitalise the replacement when the words it replaces started a sentence (and vice versa)."""
    shouted = len(original) > 1 and original.isupper()
    if original[:1].isupper() and replacement[:1].islower() and not shouted:
        return replacement[0].upper() + replacement[1:]
    starts_with_i = regex.match(r"I\b", replacement) is not None
    if original[:1].islower() and replacement[:1].isupper() and not starts_with_i:
        return replacement[0].lower() + replacement[1:]
    return replacement


def build_fix(spec: FixSpec, values: dict[str, str], *, start: int, end: int,
              insert_at: int, text: str) -> Fix:
    """A Fix for one finding: replace [start, end) or insert at `insert_at`."""
    description = render(spec.description, values)
    if spec.replace is not None:
        replacement = match_case(render(spec.replace, values), text[start:end])
        return Fix(description=description, applicability=spec.applicability,
                   edits=(Edit(start=start, end=end, replacement=replacement),))
    insertion = render(spec.insert or "", values).strip()
    before = text[:insert_at]
    after = text[insert_at:]
    if spec.at in ("after-sentence", "end-of-body") and before and not before[-1].isspace():
        insertion = " " + insertion
    if spec.at in ("after-greeting", "before-match", "before-signal") and after and not after[0].isspace():
        insertion = insertion + " "
    return Fix(description=description, applicability=spec.applicability,
               edits=(Edit(start=insert_at, end=insert_at, replacement=insertion),))


def apply_fixes(text: str, findings: Iterable[Finding], *, unsafe: bool = False) -> str:
    """Apply the findings' fixes right to left; `suggested` fixes only if `unsafe`; overlaps skipped."""
    edits: list[tuple[int, Edit]] = []
    for finding in findings:
        fix = finding.fix
        if fix is None or (fix.applicability != "safe" and not unsafe):
            continue
        edits.extend((len(edits), edit) for edit in fix.edits)
    result = text
    applied_start = len(text)
    # Right to left keeps earlier offsets valid. Insertions at one point keep the findings'
    # order; an edit reaching into text an applied edit replaced is skipped.
    for _, edit in sorted(edits, key=lambda item: (item[1].start, item[1].end, item[0]), reverse=True):
        if edit.end > applied_start or edit.end > len(text):
            continue
        result = result[:edit.start] + edit.replacement + result[edit.end:]
        applied_start = edit.start
    return result
