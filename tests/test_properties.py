"""Property tests: findings stay inside the text, match it, avoid quotes and placeholders; fixes are local."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from complaint_lint import apply_fixes
from complaint_lint.reply import split_reply

PIECES = [
    "Hi Sam,", "\n", "\r\n", " ", "That's not my department.", "You're wrong.", "We'll look into it.",
    "I'm sorry you feel that way.", "I've refunded the $20.", "Does that work for you?", "👍", "Cafe\u0301",
    "> you are wrong, not my department", "{{ticket.requester.first_name}}", "[Customer Name]", "%NAME%",
    "You should have read the manual.", "Kind regards,\nJo", "The courier lost your parcel.",
    "I understand how frustrating this is, but the fee stands.", "Calm down!", "\u200b", "ß", "日本語",
]

texts = st.lists(st.sampled_from(PIECES) | st.text(max_size=12), max_size=10).map(" ".join)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(texts)
def test_findings_are_inside_and_equal_the_text(linter, text):
    report = linter.lint(text)
    for f in report.findings:
        assert 0 <= f.start <= f.end <= len(text)
        assert f.text == text[f.start:f.end]
        for edit in f.fix.edits if f.fix else ():
            assert 0 <= edit.start <= edit.end <= len(text)


@SETTINGS
@given(texts)
def test_nothing_inside_quotes_or_placeholders_is_flagged(linter, text):
    layout = split_reply(text, linter.ruleset.layout)
    for f in linter.lint(text).findings:
        if f.scope == "span":
            assert not any(r.overlaps(f.start, f.end) for r in (*layout.quotes, *layout.placeholders))


@SETTINGS
@given(texts)
def test_fixes_never_corrupt_the_text_around_them(linter, text):
    report = linter.lint(text)
    for f in report.findings:
        if not f.fix:
            continue
        fixed = apply_fixes(text, [f], unsafe=True)
        edit = f.fix.edits[0]
        assert fixed[:edit.start] == text[:edit.start]
        assert fixed[edit.start + len(edit.replacement):] == text[edit.end:]
