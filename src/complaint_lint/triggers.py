"""Trigger words: the literal a pattern cannot match without, so most patterns never run on a reply.

spaCy's Matcher tries every pattern at every token. Most rule patterns name at least one
word that any match must contain ("department", a lemma of "apologise"); grouping patterns
by that word and running a group only when the word is in the reply gives the same matches
for a fraction of the work. A pattern with no such word is always run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.attrs import LEMMA, LOWER, NORM
from spacy.strings import StringStore
from spacy.tokens import Doc

# Token attributes a trigger may use: the doc's value set for each is read in one array.
ATTRIBUTE_IDS = {"LOWER": LOWER, "NORM": NORM, "LEMMA": LEMMA}
_ARRAY_ATTRS = list(ATTRIBUTE_IDS.values())
# Case-sensitive text attributes gate through LOWER: a superset, so nothing is lost.
_AS_LOWER = {"ORTH", "TEXT", "LOWER"}
# Regex triggers rank after every word list: they are tried on each distinct word of a doc.
_REGEX_SCORE = (10**6, 10**6)
_MAX_ANSWERS = 200_000


@dataclass(frozen=True)
class Trigger:
    """A match needs a token whose `attr` value is one of `values` (string hashes) or matches `pattern`."""

    attr: str
    values: frozenset[int]
    pattern: str | None = None
    # Regex answers per string hash, kept across docs: a reply's words are mostly old words.
    _answers: dict[int, bool] = field(default_factory=dict, hash=False, compare=False, repr=False)

    def accepts(self, value: int, strings: StringStore) -> bool:
        """Whether a word (string hash) satisfies a regex trigger, as spaCy's REGEX predicate decides."""
        answer = self._answers.get(value)
        if answer is None:
            if len(self._answers) > _MAX_ANSWERS:
                self._answers.clear()
            answer = self._answers[value] = re.search(self.pattern, strings[value]) is not None
        return answer


@dataclass(frozen=True)
class Gate:
    """Every trigger a pattern needs (the first is the rarest: the anchor of its windows)."""

    triggers: tuple[Trigger, ...]


class Present:
    """Where each LOWER, NORM and LEMMA value (a string hash) occurs in a doc."""

    def __init__(self, doc: Doc) -> None:
        self.strings = doc.vocab.strings
        self.where: dict[str, dict[int, list[int]]] = {name: {} for name in ATTRIBUTE_IDS}
        self._positions: dict[int, list[int]] = {}  # many patterns share a trigger
        if len(doc):
            table = doc.to_array(_ARRAY_ATTRS)
            for column, name in enumerate(ATTRIBUTE_IDS):
                where = self.where[name]
                for position, value in enumerate(table[:, column].tolist()):
                    where.setdefault(value, []).append(position)

    def positions(self, trigger: Trigger) -> list[int]:
        """Token indices holding one of the trigger's values, in order."""
        found = self._positions.get(id(trigger))  # by identity: hashing a Trigger costs more than the lookup
        if found is None:
            where = self.where[trigger.attr]
            if trigger.pattern is not None:
                values = [v for v in where if trigger.accepts(v, self.strings)]
            else:
                values = where.keys() & trigger.values
            found = self._positions[id(trigger)] = sorted(p for v in values for p in where[v])
        return found


class GateIndex:
    """Finds the gates a doc opens by looking up its words, not by testing every gate.

    A word's lookup gives every trigger it satisfies and the gates it anchors; a gate opens
    when all of its triggers are held.
    """

    def __init__(self, gates: list[Gate]) -> None:
        ids: dict[Trigger, int] = {}
        self.needs = [tuple(ids.setdefault(t, len(ids)) for t in dict.fromkeys(g.triggers)) for g in gates]
        self.always = [i for i, g in enumerate(gates) if not g.triggers]
        anchored: dict[int, list[int]] = {}
        for i, g in enumerate(gates):
            if g.triggers:
                anchored.setdefault(ids[g.triggers[0]], []).append(i)
        # word -> (the triggers it satisfies, gates it opens alone, gates it anchors that need more words)
        self.by_value: dict[str, dict[int, tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]]] = {
            name: {} for name in ATTRIBUTE_IDS}
        for trigger, k in ids.items():
            alone = tuple(i for i in anchored.get(k, ()) if len(self.needs[i]) == 1)
            more = tuple(i for i in anchored.get(k, ()) if len(self.needs[i]) > 1)
            for value in trigger.values:
                held, opens, checks = self.by_value[trigger.attr].get(value, ((), (), ()))
                self.by_value[trigger.attr][value] = ((*held, k), opens + alone, checks + more)
        self.regex_triggers = {name: [(t, k, tuple(anchored.get(k, ()))) for t, k in ids.items()
                                      if t.pattern is not None and t.attr == name] for name in ATTRIBUTE_IDS}
        self._regex_answers: dict[str, dict[int, tuple[tuple[int, ...], tuple[int, ...]]]] = {
            name: {} for name in ATTRIBUTE_IDS}

    def opened(self, present: Present) -> list[int]:
        """Indices of the gates whose every trigger occurs in the doc, in order."""
        held: set[int] = set()
        opens: list[int] = []
        checks: list[int] = []
        for attr, where in present.where.items():
            by_value = self.by_value[attr]
            for value in where.keys() & by_value.keys():  # the doc's words that some trigger names
                found = by_value[value]
                held.update(found[0])
                opens += found[1]
                checks += found[2]
            if self.regex_triggers[attr]:
                for value in where:
                    triggers, gate_ids = self._regex_hits(attr, value, present.strings)
                    if triggers:
                        held.update(triggers)
                        checks += gate_ids
        needs = self.needs
        return sorted({*opens, *(i for i in checks if held.issuperset(needs[i])), *self.always})

    def _regex_hits(self, attr: str, value: int, strings: StringStore) -> tuple[tuple[int, ...], tuple[int, ...]]:
        answers = self._regex_answers[attr]
        hit = answers.get(value)
        if hit is None:
            if len(answers) > _MAX_ANSWERS:
                answers.clear()
            triggers: tuple[int, ...] = ()
            gate_ids: tuple[int, ...] = ()
            for trigger, k, anchored in self.regex_triggers[attr]:
                if trigger.accepts(value, strings):
                    triggers, gate_ids = (*triggers, k), gate_ids + anchored
            hit = answers[value] = (triggers, gate_ids)
        return hit


def token_gate(pattern: list[dict], strings: StringStore, stop_words: set[str]) -> tuple[Gate, int | None, int | None]:
    """The words a token pattern needs, and how far a match reaches before and after its anchor.

    A reach of None means unbounded (the whole doc is searched).
    """
    gate, before, after, _ = token_plan(pattern, strings, stop_words)
    return gate, before, after


def token_plan(pattern: list[dict], strings: StringStore, stop_words: set[str]
               ) -> tuple[Gate, int | None, int | None, list[int]]:
    """`token_gate`, plus the indices of the required specs its anchor trigger comes from."""
    found = [(i, t, score) for i, spec in enumerate(pattern) if required(spec)
             for t, score in _triggers(spec, strings, stop_words)]
    if not found:
        return Gate(()), None, None, []
    triggers = _ranked(found)
    anchor = triggers[0]
    before = after = 0
    anchors = []
    for i, trigger, _ in found:
        if trigger == anchor:
            before = _max_add(before, _reach(pattern[:i]))
            after = _max_add(after, _reach(pattern[i + 1:]))
            anchors.append(i)
    return Gate(triggers), before, after, sorted(set(anchors))


def node_trigger(attrs: dict, strings: StringStore, stop_words: set[str]) -> Trigger | None:
    """The rarest word a dependency node's token must be (None: any token may be)."""
    found = [(0, t, score) for t, score in _triggers(attrs, strings, stop_words)]
    return _ranked(found)[0] if found else None


def dependency_gate(pattern: list[dict], strings: StringStore, stop_words: set[str]) -> Gate:
    """The words a dependency pattern needs (every node must match)."""
    found = [(i, t, score) for i, node in enumerate(pattern)
             for t, score in _triggers(node.get("RIGHT_ATTRS", {}), strings, stop_words)]
    return Gate(_ranked(found)) if found else Gate(())


def _ranked(found: list[tuple[int, Trigger, tuple[int, int]]]) -> tuple[Trigger, ...]:
    # Fewer common words first, then fewer alternatives: the rarest trigger anchors.
    ordered = sorted(found, key=lambda f: (f[2], sorted(f[1].values), f[1].pattern or ""))
    return tuple(dict.fromkeys(t for _, t, _ in ordered))


def _triggers(spec: dict, strings: StringStore, stop_words: set[str]):
    for attr, value in spec.items():
        name = attr.upper()
        if name in ATTRIBUTE_IDS and isinstance(value, dict) and set(value) == {"REGEX"}:
            yield Trigger(name, frozenset(), str(value["REGEX"])), _REGEX_SCORE
            continue
        words = _literals(value)
        if words is None or not (name in _AS_LOWER or name in ATTRIBUTE_IDS):
            continue
        if name in _AS_LOWER:
            name, words = "LOWER", [w.lower() for w in words]
        score = (sum(w.lower() in stop_words for w in words), len(words))
        yield Trigger(name, frozenset(strings.add(w) for w in words)), score


def _reach(specs: list[dict]) -> int | None:
    """The most tokens a run of specs can consume (None: unbounded)."""
    total = 0
    for spec in specs:
        op = spec.get("OP")
        if op in (None, "1", "!", "?"):
            total += 1
        elif isinstance(op, str) and op.startswith("{") and op[1:-1].split(",")[-1].strip().isdigit():
            total += int(op[1:-1].split(",")[-1])
        else:
            return None
    return total


def _max_add(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else max(a, b)


def required(spec: dict) -> bool:
    """True if a token spec must match at least one token."""
    op = spec.get("OP")
    if op in (None, "1", "+"):
        return True
    if isinstance(op, str) and op.startswith("{"):
        low = op[1:-1].split(",")[0].strip()
        return low.isdigit() and int(low) >= 1
    return False


def _literals(value: object) -> list[str] | None:
    """The exact strings a predicate accepts, or None when it is not a plain equality / IN list."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict) and set(value) == {"IN"} and isinstance(value["IN"], list):
        words = value["IN"]
        if words and all(isinstance(w, str) for w in words):
            return list(words)
    return None
