"""The command line, through typer's CliRunner and as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from complaint_lint import __version__
from complaint_lint.cli import app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
runner = CliRunner()


def run(*args: str, stdin: str | None = None):
    return runner.invoke(app, list(args), input=stdin)


def test_version():
    result = run("--version")
    assert result.exit_code == 0 and result.output.strip() == f"complaint-lint {__version__}"


def test_check_examples_reports_findings_and_exits_1():
    result = run("check", str(EXAMPLES))
    assert result.exit_code == 1, result.output
    assert "late-delivery-blame.txt:3:" in result.output
    assert "buck-passing" in result.output and "^" in result.output
    assert "late-delivery-good.txt" not in result.output


def test_clean_draft_exits_0():
    result = run("check", str(EXAMPLES / "drafts" / "late-delivery-good.txt"), "--isolated")
    assert result.exit_code == 0, result.output
    assert result.output == ""


def test_stdin_and_json_output():
    result = run("check", "-", "--isolated", "--format", "json", stdin="That's not my department.")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data[0]["path"] == "-"
    assert any(f["category"] == "buck-passing" for f in data[0]["report"]["findings"])


def test_select_limits_the_rules():
    result = run("check", "-", "--isolated", "--select", "arguing", stdin="That's not my department.")
    assert result.exit_code == 0, result.output


def test_customer_message_decides_complaint_context():
    draft = "You can change it under Settings, then Account."
    result = run("check", "-", "--isolated", "--customer-message", "How do I change my email?", stdin=draft)
    assert result.exit_code == 0, result.output


def test_missing_file_is_exit_2_with_one_line(tmp_path):
    result = runner.invoke(app, ["check", str(tmp_path / "nope.txt"), "--isolated"])
    assert result.exit_code == 2
    assert "nope.txt: no such file" in result.output


def test_binary_and_invalid_utf8_files_are_errors_and_others_still_checked(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "b.txt").write_bytes(b"caf\xe9 latin-1")
    (tmp_path / "c.txt").write_text("That's not my department.", encoding="utf-8")
    result = run("check", str(tmp_path), "--isolated")
    assert result.exit_code == 2
    assert "a.txt: looks like a binary file" in result.output
    assert "b.txt:1: not valid UTF-8" in result.output
    assert "c.txt:1:" in result.output


def test_unknown_selector_is_a_usage_error():
    result = run("check", "-", "--isolated", "--select", "bogus", stdin="Hello.")
    assert result.exit_code == 2
    assert "unknown rule or category 'bogus'" in result.output


def test_bad_config_file_is_exit_2(tmp_path):
    config = tmp_path / ".complaint-lint.toml"
    config.write_text("selekt = 1\n", encoding="utf-8")
    result = run("check", "-", "--config", str(config), stdin="Hello.")
    assert result.exit_code == 2
    assert "key 'selekt'" in result.output


def test_rules_rule_and_schema_commands():
    listed = run("rules")
    assert listed.exit_code == 0 and "buck-passing.not-my-department" in listed.output
    as_json = json.loads(run("rules", "--format", "json").output)
    assert {"id", "category", "severity", "fix", "examples"} <= set(as_json[0])
    doc = run("rule", "buck-passing.not-my-department")
    assert doc.exit_code == 0 and "### Why is this bad?" in doc.output
    unknown = run("rule", "nope.nope")
    assert unknown.exit_code == 2 and "unknown rule 'nope.nope'" in unknown.output
    schema = json.loads(run("schema").output)
    assert schema["title"] == "Report"


def test_real_subprocess_on_examples():
    proc = subprocess.run([sys.executable, "-m", "complaint_lint", "check", str(EXAMPLES / "drafts"), "--isolated"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 1, proc.stderr
    assert "billing-argument.txt" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_jobs_2_gives_the_same_findings_as_jobs_1(tmp_path):
    export = tmp_path / "many.jsonl"
    lines = [json.dumps({"id": f"r{i}", "text": t}) for i, t in enumerate(
        ["That's not my department.", "We'll look into it.", "Thanks, it is fixed. Does that work for you?"] * 4)]
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    outputs = []
    for jobs in ("1", "2"):
        proc = subprocess.run([sys.executable, "-m", "complaint_lint", "check", str(export), "--isolated",
                               "--format", "json", "--jobs", jobs], capture_output=True, text=True, check=False)
        assert proc.returncode == 1, proc.stderr
        outputs.append(json.loads(proc.stdout))
    assert outputs[0] == outputs[1]


def test_no_progress_bar_in_pipes(tmp_path):
    export = tmp_path / "many.jsonl"
    export.write_text("".join(json.dumps({"id": i, "text": "Thanks, all sorted."}) + "\n" for i in range(60)))
    proc = subprocess.run([sys.executable, "-m", "complaint_lint", "check", str(export), "--isolated", "-q"],
                          capture_output=True, text=True, check=False)
    assert proc.stderr == ""


def test_progress_bar_only_on_a_terminal_and_over_50(monkeypatch):
    from complaint_lint import cli

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    over = cli._progress(51)
    with over as advance:
        advance()
        assert over.bar is not None and over.bar.tasks[0].completed == 1
    under = cli._progress(50)
    with under:
        assert under.bar is None
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    piped = cli._progress(500)
    with piped:
        assert piped.bar is None
