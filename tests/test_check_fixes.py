"""`check --fix / --unsafe-fixes / --diff`: only the changed text changes, atomically, or nothing does."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from complaint_lint.cli import app

DATA = Path(__file__).parent / "data"
SAFE_PACK = DATA / "safe-pack"
runner = CliRunner()


def check(*args: str, stdin: str | None = None):
    return runner.invoke(app, ["check", "--isolated", *args], input=stdin)


@pytest.fixture
def work(tmp_path):
    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copy(DATA / name, target)
        return target
    return copy


def test_fix_applies_only_safe_fixes_and_keeps_bom_and_crlf(tmp_path):
    path = tmp_path / "draft.txt"
    path.write_bytes(b"\xef\xbb\xbfHi Sam,\r\n\r\nObviously the fee applies. That is not my department.\r\n")
    (tmp_path / ".complaint-lint.toml").write_text(f'packs = ["{SAFE_PACK.as_posix()}"]\nextend-select = ["wording"]\n')
    result = runner.invoke(app, ["check", str(path), "--fix", "--format", "jsonl"])
    assert path.read_bytes() == b"\xef\xbb\xbfHi Sam,\r\n\r\nthe fee applies. That is not my department.\r\n"
    remaining = [f["rule"] for f in json.loads(result.stdout)["report"]["findings"]]
    assert "wording.needless-obviously" not in remaining and "buck-passing.not-my-department" in remaining
    assert result.exit_code == 1
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_fix_without_safe_fixes_leaves_the_file_untouched(work):
    path = work("bom-crlf.txt")
    before, stamp = path.read_bytes(), path.stat().st_mtime_ns
    result = check(str(path), "--fix")
    assert result.exit_code == 1
    assert path.read_bytes() == before and path.stat().st_mtime_ns == stamp


def test_unsafe_fixes_rewrite_the_text(work):
    path = work("bom-crlf.txt")
    result = check(str(path), "--unsafe-fixes", "--select", "buck-passing")
    assert result.exit_code in (0, 1), result.output
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data and b"not my department" not in data


def test_diff_prints_and_writes_nothing(work):
    path = work("bom-crlf.txt")
    before = path.read_bytes()
    result = check(str(path), "--diff", "--unsafe-fixes", "--select", "buck-passing")
    assert path.read_bytes() == before
    assert result.stdout.startswith(f"--- a/{path}") and "-That is not my department." in result.stdout


def test_export_fix_changes_only_that_field(work):
    path = work("zendesk.json")
    before = path.read_text(encoding="utf-8")
    result = check(str(path), "--unsafe-fixes", "--select", "buck-passing")
    assert result.exit_code in (0, 1), result.output
    after = path.read_text(encoding="utf-8")
    old_lines, new_lines = before.splitlines(), after.splitlines()
    changed = [i for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=True)) if a != b]
    assert changed == [5]
    data = json.loads(after)
    assert "not my department" not in data["macros"][0]["actions"][0]["value"]
    assert data["macros"][1] == json.loads(before)["macros"][1]


def test_csv_and_yaml_block_fields_are_fixed_in_place(work):
    csv_path, yaml_path = work("responses.csv"), work("responses.yaml")
    csv_before = csv_path.read_text(encoding="utf-8")
    check(str(csv_path), "--unsafe-fixes", "--select", "buck-passing")
    csv_after = csv_path.read_text(encoding="utf-8")
    assert csv_after.splitlines()[0] == csv_before.splitlines()[0]
    assert csv_after.splitlines()[-1] == csv_before.splitlines()[-1]
    assert "not my department" not in csv_after
    result = check(str(yaml_path), "--unsafe-fixes", "--select", "buck-passing")
    # The quoted scalar (y2) cannot be rewritten byte-faithfully: the whole file is refused.
    assert result.exit_code == 2
    assert "cannot rewrite the text of this response (y2) byte-faithfully" in result.stderr
    assert yaml_path.read_text(encoding="utf-8") == (DATA / "responses.yaml").read_text(encoding="utf-8")


def test_eml_fix_is_refused(work):
    path = work("draft.eml")
    before = path.read_bytes()
    result = check(str(path), "--unsafe-fixes")
    assert result.exit_code == 2 and "fixes are not written into .eml files" in result.stderr
    assert path.read_bytes() == before


def test_failed_write_leaves_the_file_byte_identical(work, monkeypatch):
    path = work("bom-crlf.txt")
    before = path.read_bytes()

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    result = check(str(path), "--unsafe-fixes")
    assert result.exit_code == 2
    assert "cannot write the file (No space left on device); left unchanged" in result.stderr
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_fix_on_stdin_prints_the_fixed_text():
    result = check("-", "--unsafe-fixes", "--select", "buck-passing", "-q", stdin="That is not my department.")
    assert "not my department." not in result.stdout.splitlines()[0]
