"""Anchored matching must find exactly what spaCy's Matcher and DependencyMatcher find."""

from __future__ import annotations

import pytest
from spacy.matcher import DependencyMatcher, Matcher

from complaint_lint.anchored import (
    RELATIONS,
    Columns,
    Tree,
    Unsupported,
    compile_dependency_pattern,
    compile_token_pattern,
)
from complaint_lint.matching import PatternCompiler
from complaint_lint.rules import Patterns
from complaint_lint.triggers import Present, token_plan

TEXTS = [
    "Sorry, the courier lost your parcel and I am really sorry about that.",
    "Our team never, ever got back to you? That is not OK. We are sorry!!",
    "I can't see any record of the call at 10:30 on 3 May, and the driver left it outside.",
    "Please contact the bank. The bank will refund you within 5 days, sorry sorry sorry.",
    "It was the warehouse team's mistake, not yours: we sent the wrong size twice.",
]
PATTERNS = [
    [{"LOWER": "sorry"}],
    [{"LOWER": "sorry", "OP": "+"}],
    [{"LOWER": "sorry"}, {"LOWER": "sorry", "OP": "*"}],
    [{"IS_PUNCT": True, "OP": "?"}, {"LOWER": "sorry"}, {"IS_PUNCT": True, "OP": "?"}],
    [{"LOWER": "the"}, {"POS": {"IN": ["NOUN", "ADJ"]}, "OP": "{1,3}"}, {"LEMMA": {"IN": ["lose", "leave"]}}],
    [{"POS": "DET", "OP": "?"}, {"LOWER": {"IN": ["courier", "driver", "bank"]}}, {"IS_PUNCT": False, "OP": "{0,4}"}],
    [{"LOWER": {"NOT_IN": ["the"]}, "OP": "{,2}"}, {"LEMMA": "refund"}, {"LOWER": "you", "OP": "?"}],
    [{"LOWER": {"REGEX": "^(nev|ev)er$"}}, {"IS_PUNCT": True, "OP": "?"}, {"IS_ALPHA": True, "OP": "{0,2}"}],
    [{"LIKE_NUM": True}, {"LOWER": {"IN": ["days", "may"]}}],
    [{"IS_SENT_START": True}, {"IS_ALPHA": True, "OP": "*"}, {"LOWER": "sorry"}],
    [{"LOWER": "not"}, {"LENGTH": {"<=": 4}, "OP": "{1,2}"}],
    [{"TEXT": "OK"}, {"ORTH": "."}],
    [{"TAG": "POS"}, {"LOWER": "mistake"}],
    [{"LOWER": "wrong"}, {"OP": "?"}, {"OP": "?"}],
]


@pytest.fixture(scope="module")
def docs(linter):
    return [linter.nlp(text) for text in TEXTS]


def _anchored(nlp, pattern, columns):
    strings = nlp.vocab.strings
    stop = set(nlp.Defaults.stop_words)
    gate, _, _, anchors = token_plan(pattern, strings, stop)
    return compile_token_pattern(strings.add("p"), pattern, anchors, columns, strings), gate


@pytest.mark.parametrize("pattern", PATTERNS, ids=range(len(PATTERNS)))
def test_token_pattern_finds_what_the_matcher_finds(linter, docs, pattern):
    nlp = linter.nlp
    matcher = Matcher(nlp.vocab)
    matcher.add("p", [pattern])
    columns = Columns()
    compiled, gate = _anchored(nlp, pattern, columns)
    for doc in docs:
        expected = {(start, end) for _, start, end in matcher(doc)}
        positions = Present(doc).positions(gate.triggers[0])
        found = compiled.matches(columns.table(doc), positions, len(doc), nlp.vocab.strings)
        assert found == expected, doc.text


DEPENDENCY = [
    [{"RIGHT_ID": "v", "RIGHT_ATTRS": {"POS": {"IN": ["VERB", "AUX"]}}},
     {"LEFT_ID": "v", "REL_OP": op, "RIGHT_ID": "w", "RIGHT_ATTRS": {"IS_ALPHA": True}}]
    for op in sorted(RELATIONS)
] + [
    [{"RIGHT_ID": "v", "RIGHT_ATTRS": {"LEMMA": {"IN": ["lose", "leave", "send", "refund"]}}},
     {"LEFT_ID": "v", "REL_OP": ">", "RIGHT_ID": "s", "RIGHT_ATTRS": {"DEP": "nsubj"}},
     {"LEFT_ID": "s", "REL_OP": ">>", "RIGHT_ID": "d", "RIGHT_ATTRS": {"POS": "DET"}}],
]


@pytest.mark.parametrize("pattern", DEPENDENCY, ids=[p[1]["REL_OP"] for p in DEPENDENCY])
def test_dependency_pattern_finds_what_the_dependency_matcher_finds(linter, docs, pattern):
    nlp = linter.nlp
    matcher = DependencyMatcher(nlp.vocab)
    matcher.add("d", [pattern])
    columns = Columns()
    compiled = compile_dependency_pattern(nlp.vocab.strings.add("d"), pattern, columns, nlp.vocab.strings)
    for doc in docs:
        expected = sorted(ids for _, ids in matcher(doc))
        table, tree = columns.table(doc), Tree(doc)
        every = [list(range(len(doc)))] * len(pattern)
        assert sorted(compiled.matches(table, tree, every, nlp.vocab.strings)) == expected, doc.text
        # no candidate list: a node's tokens are found from the node it relates to
        assert sorted(compiled.matches(table, tree, [None] * len(pattern), nlp.vocab.strings)) == expected


@pytest.mark.parametrize("pattern", [
    [{"LOWER": "sorry"}, {"LOWER": "about", "OP": "!"}],
    [{"LOWER": "sorry"}, {"MORPH": {"IS_SUPERSET": ["Number=Sing"]}}],
    [{"LOWER": "sorry"}, {"_": {"custom": True}}],
])
def test_what_anchored_matching_does_not_know_is_left_to_spacy(linter, pattern):
    with pytest.raises(Unsupported):
        _anchored(linter.nlp, pattern, Columns())


def _compiled(nlp, patterns: Patterns):
    compiler = PatternCompiler(nlp)
    compiler.add("owner", patterns, "test")
    return compiler.build()


def test_unsupported_patterns_still_match_through_spacy(linter):
    compiled = _compiled(linter.nlp, Patterns(tokens=[[{"LOWER": "sorry"}, {"LOWER": "about", "OP": "!"}]]))
    (group,) = compiled.token_groups
    assert not group.anchored and group.uses_spacy
    hits = compiled.run(linter.nlp("I am sorry for that."))["owner"]
    assert [(h.start, h.end) for h in hits] == [(2, 4)]


def test_a_doc_without_annotations_is_matched_by_spacy(linter):
    compiled = _compiled(linter.nlp, Patterns(tokens=[[{"LOWER": "sorry"}, {"POS": "ADP"}]]))
    assert compiled.token_groups[0].anchored
    bare = linter.nlp.make_doc("so sorry about it")
    with pytest.raises(ValueError, match="POS"):
        compiled.run(bare)  # spaCy says which annotation is missing rather than matching nothing
    assert [(h.start, h.end) for h in compiled.run(linter.nlp("so sorry about it"))["owner"]] == [(1, 3)]
