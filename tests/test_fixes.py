"""apply_fixes: right to left, safe unless asked, overlaps skipped, text around untouched."""

from __future__ import annotations

from complaint_lint import Edit, Finding, Fix, apply_fixes


def finding(start: int, end: int, replacement: str, applicability: str = "safe") -> Finding:
    return Finding(rule="x.y", category="x", severity="warning", message="m", start=start, end=end,
                   line=1, column=start + 1, text="", scope="span",
                   fix=Fix(description="d", applicability=applicability,
                           edits=(Edit(start=start, end=end, replacement=replacement),)))


def test_edits_apply_right_to_left():
    text = "aaa bbb ccc"
    assert apply_fixes(text, [finding(0, 3, "A"), finding(8, 11, "CCCC")]) == "A bbb CCCC"


def test_suggested_fixes_need_unsafe():
    text = "aaa bbb"
    fixes = [finding(0, 3, "A", "suggested")]
    assert apply_fixes(text, fixes) == text
    assert apply_fixes(text, fixes, unsafe=True) == "A bbb"


def test_overlapping_edits_are_skipped():
    text = "abcdefgh"
    result = apply_fixes(text, [finding(0, 4, "X"), finding(2, 6, "Y")])
    assert result in {"Xefgh", "abYgh"}
    assert result == "abYgh"  # the rightmost wins; the one reaching into it is skipped


def test_insertions_at_one_point_keep_finding_order():
    text = "Body."
    assert apply_fixes(text, [finding(0, 0, "One. "), finding(0, 0, "Two. ")]) == "One. Two. Body."


def test_no_findings_returns_the_same_text():
    assert apply_fixes("unchanged", []) == "unchanged"
