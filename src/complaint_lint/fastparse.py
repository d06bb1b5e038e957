"""Parse with spaCy, but set POS, morphology and lemmas from a memo instead of per token.

In the small English pipeline the attribute_ruler and the rule lemmatizer together cost
about as much as the parser: the ruler runs a Matcher with some 180 patterns over every
token and the lemmatizer works token by token in Python. Both outputs depend only on a
token's own attributes, so each distinct token is worked out once (by the real component)
and remembered. The annotations are identical, which `tests/test_fastparse.py` checks; a
pipeline this shortcut does not understand is run as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy
from spacy.attrs import IDS, LEMMA, MORPH, ORTH, POS
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler, Lemmatizer
from spacy.tokens import Doc

RULER, LEMMATIZER = "attribute_ruler", "lemmatizer"
# Token attributes a memoised ruler pattern may test: each is a property of the token alone.
_TOKEN_LOCAL = {"ORTH", "TEXT", "LOWER", "NORM", "TAG", "POS", "DEP", "IS_SPACE", "IS_PUNCT", "IS_ALPHA",
                "IS_DIGIT", "LENGTH", "SHAPE", "PREFIX", "SUFFIX"}
_MAX_MEMO = 500_000


class FastParser:
    """`nlp(text)` and `nlp.pipe(texts)` with the ruler and lemmatizer answered from a memo."""

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        names = nlp.pipe_names
        tail = [n for n in names if n in (RULER, LEMMATIZER)]
        self.ruler = _Ruler(nlp.get_pipe(RULER)) if RULER in tail else None
        self.lemmatizer = _Lemmas(nlp.get_pipe(LEMMATIZER)) if LEMMATIZER in tail else None
        # Only a ruler and lemmatizer that run last, in that order, are replaced; both must be understood.
        understood = (self.ruler is None or self.ruler.ok) and (self.lemmatizer is None or self.lemmatizer.ok)
        if not tail or names[-len(tail):] != tail or not understood:
            self.ruler = self.lemmatizer = None
            tail = []
        self.skipped = tuple(tail)

    def __call__(self, text: str) -> Doc:
        """One parsed doc."""
        return self._finish(self.nlp(text, disable=self.skipped))

    def pipe(self, texts: Iterable[str], *, batch_size: int = 64, n_process: int = 1) -> Iterator[Doc]:
        """Parsed docs, streamed in order."""
        for doc in self.nlp.pipe(texts, batch_size=batch_size, n_process=n_process, disable=self.skipped):
            yield self._finish(doc)

    def _finish(self, doc: Doc) -> Doc:
        if self.ruler is not None:
            self.ruler(doc)
        if self.lemmatizer is not None:
            self.lemmatizer(doc)
        return doc


class _Ruler:
    """The attribute_ruler's effect on each distinct token, worked out once by the ruler itself."""

    def __init__(self, ruler: object) -> None:
        self.ruler = ruler
        self.ok = isinstance(ruler, AttributeRuler)
        if not self.ok:
            return
        reads: set[str] = set()
        writes: set[str] = set()
        multi = []
        for entry in ruler.patterns:
            writes |= {k.upper() for k in entry["attrs"]}
            for pattern in entry["patterns"]:
                if not isinstance(pattern, list) or any("OP" in spec or "_" in spec for spec in pattern):
                    self.ok = False
                reads |= {k.upper() for spec in pattern for k in spec}
                if len(pattern) > 1:
                    multi.append(pattern)
        self.ok = self.ok and reads <= _TOKEN_LOCAL and "_" not in writes and writes <= set(IDS)
        if not self.ok:
            return
        self.written = sorted(IDS[w] for w in writes)
        self.key_attrs = sorted({IDS[r if r != "TEXT" else "ORTH"] for r in reads} | set(self.written))
        # Patterns over several tokens ("gon na") are rare: a doc that has one is run by the ruler itself.
        self.multi = Matcher(ruler.vocab)
        if multi:
            self.multi.add("multi", multi)
        self.memo: dict[tuple, tuple] = {}

    def __call__(self, doc: Doc) -> None:
        if not len(doc):
            return
        if len(self.multi) and self.multi(doc, allow_missing=True):
            self.ruler(doc)
            return
        keys = doc.to_array(self.key_attrs)
        values = numpy.zeros((len(doc), len(self.written)), dtype="uint64")
        for i, key in enumerate(map(tuple, keys.tolist())):
            found = self.memo.get(key)
            if found is None:
                found = self._work_out(doc, i, key)
            values[i] = found
        doc.from_array(self.written, values)

    def _work_out(self, doc: Doc, i: int, key: tuple) -> tuple:
        span = doc[i:i + 1]
        matches = [(attr_id, match_id, start + i, end + i) for attr_id, match_id, start, end in self.ruler.match(span)]
        self.ruler.set_annotations(doc, matches)
        found = tuple(doc[i:i + 1].to_array(self.written)[0].tolist())
        if len(self.memo) > _MAX_MEMO:
            self.memo.clear()
        self.memo[key] = found
        return found


class _Lemmas:
    """The rule lemmatizer's lemma for each distinct (word, POS, morphology), worked out once by it."""

    def __init__(self, lemmatizer: object) -> None:
        self.lemmatizer = lemmatizer
        self.ok = isinstance(lemmatizer, Lemmatizer) and lemmatizer.mode == "rule" and not lemmatizer.overwrite
        self.memo: dict[tuple[int, int, int], int] = {}

    def __call__(self, doc: Doc) -> None:
        if not len(doc):
            return
        if not self.lemmatizer._validated:
            self.lemmatizer(doc)  # the first doc validates the lookup tables, as spaCy does
            return
        table = doc.to_array([LEMMA, ORTH, POS, MORPH])
        strings = doc.vocab.strings
        changed = False
        for i, (lemma, orth, pos, morph) in enumerate(table.tolist()):
            if lemma:
                continue  # set by the ruler, which the lemmatizer never overrides
            key = (orth, pos, morph)
            found = self.memo.get(key)
            if found is None:
                found = strings.add(self.lemmatizer.lemmatize(doc[i])[0])
                if len(self.memo) > _MAX_MEMO:
                    self.memo.clear()
                self.memo[key] = found
            table[i, 0] = found
            changed = True
        if changed:
            doc.from_array([LEMMA], table[:, :1].copy())
