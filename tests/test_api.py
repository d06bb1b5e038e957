"""The public Python API: lint, Linter, reports, offsets, context and bad input."""

from __future__ import annotations

import pytest

import complaint_lint
from complaint_lint import Config, InputTooLargeError, Linter, Report, apply_fixes, lint


def test_not_my_department_is_buck_passing_with_a_rewrite():
    report = lint("That's not my department.")
    found = [f for f in report.findings if f.category == "buck-passing"]
    assert found, report.findings
    finding = found[0]
    assert "not my department" in finding.text
    assert finding.fix is not None and finding.fix.edits
    fixed = apply_fixes("That's not my department.", [finding], unsafe=True)
    assert "not my department" not in fixed


def test_report_carries_versions_and_verdict():
    report = lint("That's not my department.")
    assert isinstance(report, Report)
    assert report.version == complaint_lint.__version__
    assert report.pipeline.startswith("en_core_web_sm")
    assert report.verdict == "fail"


def test_models_are_frozen():
    report = lint("That's not my department.")
    with pytest.raises(Exception, match="frozen"):
        report.findings[0].start = 3


@pytest.mark.parametrize("bad", [None, 42, b"bytes", ["a list"]])
def test_non_string_is_a_type_error_naming_the_type(bad):
    with pytest.raises(TypeError, match=f"reply must be a str, not {type(bad).__name__}"):
        lint(bad)


def test_non_string_customer_message_is_a_type_error():
    with pytest.raises(TypeError, match="customer_message must be a str, not int"):
        lint("Hello", customer_message=3)


@pytest.mark.parametrize("blank", ["", "   ", "\n\r\n\t"])
def test_empty_text_gives_an_empty_report(blank):
    report = lint(blank)
    assert report.findings == () and report.verdict == "pass"


def test_too_long_text_names_size_and_limit():
    with pytest.raises(InputTooLargeError, match="reply is 31 characters; the limit \\(max_chars\\) is 30"):
        lint("x" * 31, config=Config(max_chars=30))


def test_complaint_source_given_detected_assumed():
    text = "Your parcel will arrive on Friday."
    assert lint(text).complaint_source == "assumed"
    assert lint(text, complaint=False).complaint_source == "given"
    detected = lint(text, customer_message="My parcel never arrived and nobody answers!")
    assert (detected.complaint, detected.complaint_source) == (True, "detected")


def test_assume_complaint_false_in_config():
    report = lint("Your parcel will arrive on Friday.", config=Config(assume_complaint=False))
    assert report.complaint is False
    assert not [f for f in report.findings if f.category in {"missing-apology", "missing-empathy"}]


def test_no_apology_or_empathy_findings_for_a_plain_question():
    report = lint("You can change it under Settings > Account.",
                  customer_message="How do I change my email address?")
    assert report.complaint is False
    assert not [f for f in report.findings if f.category in {"missing-apology", "missing-empathy"}]


def test_quoted_customer_mail_is_context_and_never_flagged():
    text = ("Hi Sam,\n\nYour parcel will arrive on Friday.\n\nBest,\nJo\n\n"
            "On Mon, 3 Mar 2025, Sam wrote:\n> You're wrong, that's not my department!\n> It never arrived.")
    report = lint(text)
    assert report.complaint_source == "detected"
    quote_start = text.index("On Mon")
    assert all(f.start < quote_start for f in report.findings)


def test_placeholders_are_never_flagged():
    text = "Hi {first_name}, [Not My Department] is where %NAME% works."
    report = lint(text)
    for f in report.findings:
        assert "{first_name}" not in f.text and "Not My Department" not in f.text


def test_document_level_finding_points_at_body_start_after_greeting():
    text = "Hi Sam,\n\nYour parcel will arrive on Friday."
    report = lint(text, complaint=True)
    apology = [f for f in report.findings if f.category == "missing-apology"]
    assert apology and apology[0].scope == "document"
    assert apology[0].start == apology[0].end == text.index("Your")
    assert (apology[0].line, apology[0].column) == (3, 1)


def test_offsets_index_the_original_string_with_crlf_emoji_and_combining_marks():
    text = "Hi Zoë 👋,\r\n\r\nCafe\u0301 🙂 note: that's not my department. 👍"
    report = lint(text)
    found = [f for f in report.findings if f.category == "buck-passing"]
    assert found
    f = found[0]
    assert text[f.start:f.end] == f.text
    assert f.line == 3
    line_start = text.rindex("\n", 0, f.start) + 1
    assert f.column == f.start - line_start + 1


def test_lint_many_matches_lint_one_at_a_time(linter: Linter):
    items = ["That's not my department.", ("We'll look into it.", "You charged me twice!"), "   ",
             ("Thanks for asking, it's under Settings.", "How do I change my email?")]
    many = list(linter.lint_many(items, batch_size=2))
    one = [linter.lint(i) if isinstance(i, str) else linter.lint(i[0], customer_message=i[1]) for i in items]
    assert many == one


def test_linter_exposes_its_rules(linter: Linter):
    ids = {r.id for r in linter.rules}
    assert "buck-passing.not-my-department" in ids
    assert all(r.default for r in linter.rules)


def test_select_ignore_and_severity_overrides():
    only = Linter(Config(select=("buck-passing",)))
    assert {r.category for r in only.rules} == {"buck-passing"}
    without = Linter(Config(ignore=("missing-", "unconfirmed-solution")))
    assert not {r.category for r in without.rules} & {"missing-apology", "missing-empathy", "unconfirmed-solution"}
    severe = Linter(Config(select=("buck-passing",), severity={"buck-passing": "info"}))
    report = severe.lint("That's not my department.")
    assert {f.severity for f in report.findings} == {"info"}
    assert report.verdict == "pass"


def test_unknown_selector_is_a_config_error():
    with pytest.raises(complaint_lint.ConfigError, match="unknown rule or category 'bogus' in select"):
        Linter(Config(select=("bogus",)))


def test_no_liability_style_reports_admissions_of_legal_fault():
    text = "We accept full liability for the damage to your sofa."
    default = lint(text, complaint=False)
    assert not [f for f in default.findings if f.category == "liability"]
    strict = lint(text, complaint=False, config=Config(apology_style="no-liability"))
    found = [f for f in strict.findings if f.category == "liability"]
    assert found and found[0].severity == "info"
    assert "sorry" in found[0].fix.edits[0].replacement


def test_clause_tail_stops_at_a_link_instead_of_losing_the_finding(linter):
    reply = "You can contact AT&T directly here using this link https://example.com/help for billing."
    report = linter.lint(reply, customer_message="You charged me twice, this is a disgrace!")
    spans = [f.text for f in report.findings if f.category == "buck-passing"]
    assert spans == ["You can contact AT&T directly here using this link"]
