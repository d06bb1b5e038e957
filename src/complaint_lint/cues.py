"""Sentence cues learned from the labeled replies: parse features and a linear model over them.

The rule files catch the phrasings someone wrote down; a writer who says the same thing in other
words slips past them. The cue model scores each sentence from features that carry across wording
(who is the grammatical subject of which verb, negation, modals, lemmas and their neighbours), and
`checkers.learned` reports a sentence only where no rule pattern already spoke about it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import srsly
from spacy.tokens import Doc, Span

FEATURES_VERSION = 1
"""Bump when `sentence_features` changes: a model trained on other features is refused."""

_FIRST = {"i", "we", "us", "our", "me", "my", "ourselves", "myself"}
_SECOND = {"you", "your", "yourself", "yourselves", "u", "ur", "yours"}
_THIRD = {"they", "he", "she", "them", "their", "his", "her", "someone", "somebody"}
_POINTING = {"it", "this", "that", "these", "those"}


def _party(token) -> str:
    """Who a subject is: the agent's side, the customer, a third party, a thing or a name."""
    word = token.lower_
    if word in _FIRST:
        return "1P"
    if word in _SECOND:
        return "2P"
    if word in _THIRD:
        return "3P"
    if word in _POINTING:
        return "IT"
    owner = next((c.lower_ for c in token.children if c.dep_ == "poss"), "")
    if owner in _FIRST:
        return "1N"  # "our driver"
    if owner in _SECOND:
        return "2N"  # "your bank"
    if token.pos_ == "PROPN":
        return "PN"
    return "N" if token.pos_ == "NOUN" else "O"


def sentence_features(sent: Span) -> list[str]:
    """The sentence's features, sorted and without repeats (lemmas, pairs, arcs, subject roles)."""
    found: set[str] = set()
    words = [t for t in sent if not (t.is_punct or t.is_space)]
    lemmas = ["#num" if t.like_num else t.lemma_.lower() for t in words]
    found.update("l:" + lemma for lemma in lemmas)
    found.update(f"b:{a}_{b}" for a, b in pairwise(lemmas))
    for token in words:
        lemma = token.lemma_.lower()
        if token.dep_ == "ROOT":
            found.add("root:" + lemma)
        head = token.head
        if head is not token and not head.is_punct:
            found.add(f"d:{head.lemma_.lower()}|{token.dep_}|{lemma}")
        if token.pos_ in ("VERB", "AUX"):
            negated = any(c.dep_ == "neg" for c in token.children)
            modals = [c.lemma_.lower() for c in token.children if c.dep_ == "aux" and c.tag_ == "MD"]
            for subject in (c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")):
                party = _party(subject)
                found.update((f"sv:{party}|{lemma}", f"sn:{party}|{negated}", f"sp:{party}|{subject.dep_}"))
                found.update(f"sm:{party}|{modal}" for modal in modals)
            if negated:
                found.add("neg:" + lemma)
        if token.dep_ == "pobj" and head.lower_ == "by":
            found.add("by:" + _party(token))
    found.add(f"len:{min(len(words) // 5, 6)}")
    return sorted(found)


@dataclass(frozen=True)
class CueModel:
    """One logistic model per category, with the probability above which a sentence is reported."""

    bias: dict[str, float]
    weights: dict[str, dict[str, float]]
    thresholds: dict[str, float]

    def probabilities(self, features: list[str]) -> dict[str, float]:
        """Each category's probability for one sentence's features."""
        out = {}
        for category, weights in self.weights.items():
            z = self.bias[category] + sum(weights.get(f, 0.0) for f in features)
            out[category] = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
        return out

    def category(self, features: list[str]) -> str | None:
        """The most likely category over its threshold, or None."""
        over = [(p, c) for c, p in self.probabilities(features).items() if p >= self.thresholds[c]]
        return max(over)[1] if over else None


_MODELS: dict[Path, CueModel] = {}


def load_model(path: Path) -> CueModel:
    """Read a model file written by scripts/train_cues.py (cached per path)."""
    if path not in _MODELS:
        data = srsly.read_json(path)
        if data.get("features_version") != FEATURES_VERSION:
            raise ValueError(f"{path}: trained on features version {data.get('features_version')}, "
                             f"this complaint-lint computes version {FEATURES_VERSION}; retrain it")
        _MODELS[path] = CueModel(
            bias={c: float(m["bias"]) for c, m in data["categories"].items()},
            weights={c: {f: float(w) for f, w in m["weights"].items()} for c, m in data["categories"].items()},
            thresholds={c: float(m["threshold"]) for c, m in data["categories"].items()},
        )
    return _MODELS[path]


def sentence_categories(doc: Doc, model: CueModel, key: str) -> list[tuple[Span, str | None]]:
    """Each sentence with the category the model gives it, computed once per doc and model."""
    cache = doc.user_data.setdefault("complaint_lint.cues", {})
    if key not in cache:
        cache[key] = [(sent, model.category(sentence_features(sent))) for sent in doc.sents]
    return cache[key]
