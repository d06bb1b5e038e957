"""Staged matching (patterns grouped by trigger word, searched only near it) must find exactly what
running every pattern on every reply finds: compared on every labeled and case text we ship."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import srsly

from complaint_lint import Linter
from complaint_lint.triggers import GateIndex, Present, token_gate

ROOT = Path(__file__).resolve().parents[1]
LABELED = [ROOT / "spec" / "examples.jsonl", *sorted((ROOT / "benchmarks").glob("heldout*.jsonl"))]


def _texts() -> list[tuple[str, str | None]]:
    pairs = []
    for path in LABELED:
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            pairs.append((row["reply"], row.get("customer_message")))
    for path in sorted((ROOT / "tests" / "cases").glob("*.yml")):
        for case in srsly.read_yaml(path)["cases"]:
            pairs.append((case["text"], case.get("customer_message")))
    return pairs


@pytest.fixture(scope="module")
def both(linter):
    return linter, Linter(linter.config, linter.nlp, ruleset=linter.ruleset, staged=False)


def test_staged_and_unstaged_find_the_same(both):
    staged, reference = both
    pairs = _texts()
    assert len(pairs) > 1000
    views = [staged._view(reply, customer, "text") for reply, customer in pairs]
    docs = list(staged.nlp.pipe(v.text for v in views))
    customers = list(staged.nlp.pipe(c or "" for _, c in pairs))
    differing = []
    for (reply, customer), view, doc, cdoc in zip(pairs, views, docs, customers, strict=True):
        cdoc = cdoc if customer else None
        a = staged._report(view, doc, cdoc, None).model_dump()
        b = reference._report(view, doc, cdoc, None).model_dump()
        if a != b:
            differing.append(reply[:80])
    assert not differing, f"{len(differing)} replies differ, e.g. {differing[:3]}"


def test_staging_really_skips_patterns(linter):
    patterns = linter.engine.patterns
    doc = linter.nlp("Thanks for getting in touch.")
    opened = patterns.token_index.opened(Present(doc))
    assert len(opened) < len(patterns.token_groups) / 4


def test_gate_needs_every_required_word(linter):
    strings = linter.nlp.vocab.strings
    pattern = [{"LOWER": "not"}, {"LOWER": "my", "OP": "?"}, {"LEMMA": {"IN": ["department", "team"]}}]
    gate, before, after = token_gate(pattern, strings, set(linter.nlp.Defaults.stop_words))
    assert [sorted(strings[v] for v in t.values) for t in gate.triggers] == [["department", "team"], ["not"]]
    assert (before, after) == (2, 0)
    index = GateIndex([gate])
    assert index.opened(Present(linter.nlp("That team is not mine."))) == [0]
    assert index.opened(Present(linter.nlp("That team is mine."))) == []


def test_unbounded_or_optional_words_do_not_gate(linter):
    strings = linter.nlp.vocab.strings
    gate, before, after = token_gate([{"LOWER": "sorry", "OP": "?"}, {"POS": "VERB", "OP": "{1,}"}],
                                     strings, set())
    assert gate.triggers == ()
    assert before is None and after is None


def test_long_optional_run_inside_a_clause_becomes_one_loop():
    from complaint_lint.matching import _bounded

    run = {"ORTH": {"NOT_IN": [".", "!", "?", ","]}, "OP": "{0,14}"}
    pattern, tail = _bounded([{"LOWER": "does"}, run, {"ORTH": "?"}])
    assert pattern[1]["OP"] == "*" and not tail
    # not followed by a required token, or able to cross punctuation: left as written
    assert _bounded([{"LOWER": "does"}, run])[0][1]["OP"] == "{0,14}"
    loose = {"IS_ALPHA": True, "OP": "{0,14}"}
    assert _bounded([{"LOWER": "does"}, loose, {"ORTH": "?"}])[0][1]["OP"] == "{0,14}"
