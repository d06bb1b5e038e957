"""The memoised ruler and lemmatizer must leave every annotation exactly as spaCy's own components do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from spacy.attrs import DEP, HEAD, LEMMA, MORPH, ORTH, POS, SENT_START, TAG

from complaint_lint.fastparse import FastParser
from complaint_lint.nlp import EXCLUDED_COMPONENTS, resolve_pipeline_name

ROOT = Path(__file__).resolve().parents[1]
LABELED = [ROOT / "spec" / "examples.jsonl", ROOT / "benchmarks" / "blind-3.jsonl"]
ATTRS = [ORTH, TAG, POS, MORPH, LEMMA, DEP, HEAD, SENT_START]
# Words the ruler handles with patterns over two tokens, and a few the lemmatizer finds odd.
AWKWARD = [
    "Let's be honest, we're gonna fix it and I ain't leaving till it's done. Gotta say sorry!!",
    "I'd've called u back but the ppl at the depot said it was n't there \u2014 smh \U0001F621",
    "   \n\n  ",
    "",
    "DONT SHOUT. I AM SORRY. Refunds: 3 x £4.99 on 12/03, 14:30 GMT.",
]


def _texts() -> list[str]:
    texts = list(AWKWARD)
    for path in LABELED:
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            texts += [row["reply"]] + ([row["customer_message"]] if row.get("customer_message") else [])
    return texts


def _annotations(doc) -> tuple:
    return (doc.to_array(ATTRS).tolist(), [str(t.morph) for t in doc], [s.start for s in doc.sents] if
            doc.has_annotation("SENT_START") else None,
            {a: doc.has_annotation(a) for a in ("TAG", "POS", "MORPH", "LEMMA", "DEP")})


@pytest.fixture(scope="module")
def fresh_pipeline():
    # Loaded here, not shared: the first doc must also validate the lemmatizer's tables.
    return spacy.load(resolve_pipeline_name(), exclude=list(EXCLUDED_COMPONENTS))


def test_fast_parse_matches_the_stock_components(fresh_pipeline):
    fast = FastParser(fresh_pipeline)
    assert fast.skipped == ("attribute_ruler", "lemmatizer")
    texts = _texts()
    assert len(texts) > 1000
    fast_docs = list(fast.pipe(texts))
    stock_docs = list(fresh_pipeline.pipe(texts))
    differ = [t for t, a, b in zip(texts, stock_docs, fast_docs, strict=True) if _annotations(a) != _annotations(b)]
    assert differ == []
    # One at a time, with the memo now warm, gives the same again.
    assert all(_annotations(fast(t)) == _annotations(d) for t, d in zip(AWKWARD, stock_docs, strict=False))


def test_an_unfamiliar_pipeline_is_run_as_it_is():
    blank = spacy.blank("en")
    assert FastParser(blank).skipped == ()
    assert [t.text for t in FastParser(blank)("Sorry about that.")] == ["Sorry", "about", "that", "."]
    ruler = blank.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "sorry", "OP": "+"}]], {"POS": "ADJ"})  # a repeat operator spans tokens
    assert FastParser(blank).skipped == ()
    assert FastParser(blank)("sorry sorry")[0].pos_ == "ADJ"


def test_a_local_ruler_is_memoised_and_agrees():
    blank = spacy.blank("en")
    ruler = blank.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "sorry"}]], {"POS": "ADJ", "LEMMA": "sorry"})
    ruler.add([[{"LOWER": "so"}, {"LOWER": "sorry"}]], {"POS": "INTJ"}, index=1)
    fast = FastParser(blank)
    assert fast.skipped == ("attribute_ruler",)
    for text in ("Sorry, sorry again.", "so sorry", "Not sorry at all"):
        assert [(t.pos_, t.lemma_) for t in fast(text)] == [(t.pos_, t.lemma_) for t in blank(text)]
