"""Parsed rule files are cached by content; a broken or missing cache never changes what loads."""

from __future__ import annotations

import shutil

import pytest
import srsly

from complaint_lint import yamlcache
from complaint_lint.packs import core_pack

RULE_TEXT = "id: demo\nwords: [late, 'no', yes]\n"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(yamlcache.CACHE_DIR_ENV, str(folder))
    monkeypatch.delenv(yamlcache.NO_CACHE_ENV, raising=False)
    return folder


def _yaml(tmp_path, text=RULE_TEXT):
    path = tmp_path / "demo.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_second_read_comes_from_the_cache(tmp_path, cache, monkeypatch):
    path = _yaml(tmp_path)
    first = yamlcache.read_yaml(path)
    assert len(list(cache.glob("*.json"))) == 1

    def no_parsing(_):
        raise AssertionError("YAML parsed again")

    monkeypatch.setattr(srsly, "yaml_loads", no_parsing)
    assert yamlcache.read_yaml(path) == first == {"id": "demo", "words": ["late", "no", "yes"]}


def test_changed_content_is_parsed_again(tmp_path, cache):
    path = _yaml(tmp_path)
    yamlcache.read_yaml(path)
    path.write_text("id: demo\nwords: [early]\n", encoding="utf-8")
    assert yamlcache.read_yaml(path)["words"] == ["early"]


def test_corrupt_entry_falls_back_to_parsing(tmp_path, cache):
    path = _yaml(tmp_path)
    expected = yamlcache.read_yaml(path)
    for entry in cache.glob("*.json"):
        entry.write_text("{not json", encoding="utf-8")
    assert yamlcache.read_yaml(path) == expected


def test_unwritable_cache_is_not_an_error(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv(yamlcache.CACHE_DIR_ENV, str(blocker / "cache"))
    assert yamlcache.read_yaml(_yaml(tmp_path))["id"] == "demo"


def test_cache_can_be_turned_off(tmp_path, cache, monkeypatch):
    monkeypatch.setenv(yamlcache.NO_CACHE_ENV, "1")
    yamlcache.read_yaml(_yaml(tmp_path))
    assert not cache.exists()


def test_data_json_cannot_hold_is_never_cached(tmp_path, cache):
    assert yamlcache.read_yaml(_yaml(tmp_path, "1: one\n")) == {1: "one"}
    assert not list(cache.glob("*.json"))


def test_every_core_rule_file_reads_back_identically(tmp_path, cache):
    pack = tmp_path / "pack"
    shutil.copytree(core_pack(), pack)  # a snapshot: the working tree may change under a long test run
    files = sorted(pack.rglob("*.yml"))
    assert len(files) > 40
    for path in files:
        yamlcache.read_yaml(path)  # cold: parse and store
    assert len(list(cache.glob("*.json"))) == len({p.read_bytes() for p in files})
    for path in files:
        assert yamlcache.read_yaml(path) == srsly.yaml_loads(path.read_text(encoding="utf-8")), path


def test_patterns_checked_once_are_compiled_only_when_a_reply_needs_them(tmp_path, cache):
    from complaint_lint import Config, Linter, RulePackError

    pack = tmp_path / "pack" / "politeness"
    pack.mkdir(parents=True)
    (pack / "no-please.yml").write_text(
        "id: politeness.no-please\ncategory: politeness\nsummary: Curt.\nwhy: Courtesy.\n"
        "message: \"'{match}' sounds curt.\"\nregex: ['do\\s+it\\s+now']\n"
        "tokens: [[{LOWER: hurry}, {LOWER: slowly, OP: '!'}], [{LOWER: right}, {LOWER: away}]]\n"
        "fix: {description: Ask politely, replace: could you please do it}\n"
        "examples: {flag: [Do it now., You must do it now.], pass: [Could you please?, Later.]}\n",
        encoding="utf-8")
    config = Config(packs=(str(tmp_path / "pack"),), select=("politeness",))

    def ours(linter):
        return [p for owner, p, _ in linter.engine.patterns.regexes if owner.endswith("politeness.no-please")]

    def waiting(linter):  # not compiled yet, for spaCy's Matcher or for anchored matching
        return [entry[0] for g in linter.engine.patterns.token_groups for entry in (*g.pending, *g.waiting)
                if "no-please" in entry[0]]

    def anchored(linter):
        return [p for g in linter.engine.patterns.token_groups for p in g._anchored
                if "no-please" in linter.nlp.vocab.strings[p.key]]

    first = Linter(config)
    assert [p._compiled is not None for p in ours(first)] == [True]  # checked at load, then remembered
    second = Linter(config)
    assert [p._compiled is not None for p in ours(second)] == [False]
    assert len(waiting(second)) == 2
    assert [f.text for f in second.lint("Please wait.").findings] == []
    assert [p._compiled is not None for p in ours(second)] == [False]  # no "now" in the reply: never compiled
    assert len(waiting(second)) == 2  # no "hurry" or "right" either
    assert [f.text for f in second.lint("Do it now. Hurry up.").findings] == ["Do it now", "Hurry up"]
    assert len(waiting(second)) == 1  # "right away" still waits
    # a `!` operator is left to spaCy's Matcher; a pattern anchored matching understands needs none
    assert [f.text for f in second.lint("Do that right away.").findings] == ["right away"]
    assert waiting(second) == [] and len(anchored(second)) == 1

    (pack / "no-please.yml").write_text((pack / "no-please.yml").read_text().replace("now']", "now(']"))
    with pytest.raises(RulePackError, match=r"no-please\.yml: key 'regex\.0': invalid regular expression"):
        Linter(config)
