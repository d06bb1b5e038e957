"""Regex gates: the words read off a pattern must be in every text it matches."""

import pytest
import regex

from complaint_lint.regexgate import needles
from complaint_lint.triggers import Present, Trigger, token_gate


@pytest.mark.parametrize(("expression", "expected"), [
    (r"\bfor\s+the\s+(?:second|third)\s+time", ("second", "third")),
    (r"\bnot\s+(?:exactly\s+)?rocket\s+science\b", ("science",)),
    (r"(?<=\b(?:label|manual)\b[^.]{0,40})\bwas\s+ignored", ("ignored",)),
    (r"\b(?:on|with) us\b", (" us",)),
    (r"(?:very\s+)?soon\b", ("soon",)),
    (r"\bWHENEVER\b", ("whenever",)),
])
def test_needles_are_the_most_selective_required_words(expression, expected):
    assert needles(expression) == expected


@pytest.mark.parametrize("expression", [
    r"\b\w+ly\b",                 # no literal at all
    r"\b(?:a|an)\s+\w+",          # only short words
    r"(?:sorry|\d+)",             # one alternative has no literal
    r"(?:fingers\s+crossed)?",    # optional: nothing is required
    r"\p{Lu}{3,}",                # syntax only the regex module knows
])
def test_no_gate_when_nothing_reliable_is_required(expression):
    assert needles(expression) is None


TEXTS = [
    "For the SECOND time, please read the manual; it was ignored.",
    "I'll sort it out with us on your side soon, STRASSE and straße.",
    "That one is on us, not on you. Whenever you're ready.",
    "Honestly, not exactly rocket science, is it?",
]


@pytest.mark.parametrize("expression", [
    r"\bfor\s+the\s+(?:second|third)\s+time",
    r"(?<=\b(?:label|manual)\b[^.]{0,40})\bwas\s+ignored",
    r"\b(?:on|with) us\b",
    r"stra(?:ss|ß)e",
    r"\bnot\s+(?:exactly\s+)?rocket\s+science\b",
    r"whenever\s+you",
])
def test_a_text_the_regex_matches_always_holds_a_needle(expression):
    compiled = regex.compile(expression, regex.IGNORECASE | regex.V1)
    words = needles(expression)
    for text in TEXTS:
        if compiled.search(text) and words is not None:
            assert any(w in text.casefold() for w in words), (expression, text)


def test_regex_token_specs_gate_by_the_words_they_accept(linter):
    nlp = linter.nlp
    gate, before, after = token_gate(
        [{"LIKE_NUM": True}, {"LOWER": {"REGEX": r"^(days?|weeks?)$"}}], nlp.vocab.strings, set())
    (trigger,) = gate.triggers
    assert trigger.pattern is not None and (before, after) == (1, 0)
    doc = nlp("We'll have it back to you in 3 days.")
    assert Present(doc).positions(trigger) == [9]  # "days"
    assert Present(nlp("We'll have it back to you soon.")).positions(trigger) == []
    assert Trigger("LOWER", frozenset(), r"^\d+$").accepts(nlp.vocab.strings.add("42"), nlp.vocab.strings)
