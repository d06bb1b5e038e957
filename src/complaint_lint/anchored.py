"""Token and dependency patterns matched from their anchor word, on a per-doc table of token attributes.

spaCy's Matcher starts every pattern at every token of the text it is given, and builds a Python
Token object at each position; the rule pack has some two thousand patterns, most needing one
rare word. Here a pattern starts only where its anchor word (see `triggers`) occurs: from there
the specs before the anchor are matched backwards and the rest forwards, tracking the positions
a run can reach rather than every path, against columns read once per doc with `Doc.to_array`.
The result is spaCy's: every distinct (start, end) for every pattern. A pattern that uses
something not understood here (a `!` operator, MORPH, custom extensions, fuzzy matching) is left
to spaCy's own matchers; `tests/test_staging.py` and `scripts/check_staging.py` compare the two.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass

from spacy.attrs import HEAD, IDS, SENT_START
from spacy.strings import StringStore
from spacy.tokens import Doc

# Attributes read from the doc table, by pattern key. TEXT is spaCy's alias of ORTH.
_STRING_ATTRS = {"ORTH", "TEXT", "LOWER", "NORM", "LEMMA", "TAG", "POS", "DEP", "SHAPE", "PREFIX", "SUFFIX",
                 "ENT_TYPE"}
_FLAG_ATTRS = {"IS_ALPHA", "IS_ASCII", "IS_DIGIT", "IS_LOWER", "IS_UPPER", "IS_TITLE", "IS_PUNCT", "IS_SPACE",
               "IS_STOP", "IS_CURRENCY", "IS_BRACKET", "IS_QUOTE", "IS_LEFT_PUNCT", "IS_RIGHT_PUNCT", "LIKE_NUM",
               "LIKE_URL", "LIKE_EMAIL", "IS_SENT_START"}
_INT_ATTRS = {"LENGTH"}
_COMPARE = {"==": operator.eq, "!=": operator.ne, ">=": operator.ge, "<=": operator.le, ">": operator.gt,
            "<": operator.lt}
EQ, IN, NOT_IN, REGEX, COMPARE = range(5)
_UNBOUNDED = 1 << 30


class Unsupported(ValueError):
    """A pattern feature this matcher leaves to spaCy."""


def _attr_id(name: str) -> int:
    if name == "TEXT":
        return IDS["ORTH"]
    if name == "IS_SENT_START":
        return SENT_START
    return IDS[name]


class Columns:
    """Which attributes the compiled patterns read: one column each in the per-doc table."""

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.index: dict[int, int] = {}

    def column(self, name: str) -> int:
        """The column of an attribute, added on first use."""
        attr = _attr_id(name)
        if attr not in self.index:
            self.index[attr] = len(self.ids)
            self.ids.append(attr)
        return self.index[attr]

    def table(self, doc: Doc) -> list[list[int]]:
        """The doc's value of each attribute, per column then per token."""
        ids = list(self.ids)  # patterns compiled meanwhile in another thread only add columns
        if not len(doc) or not ids:
            return [[] for _ in ids]
        columns = doc.to_array(ids).T.tolist() if len(ids) > 1 else [doc.to_array(ids).tolist()]
        sent = self.index.get(SENT_START)
        if sent is not None:  # the Matcher reads IS_SENT_START as "sent_start == 1"; to_array gives 1 / -1 / 0
            columns[sent] = [value == 1 for value in doc.to_array([SENT_START]).tolist()]
        return columns


Test = tuple  # (column, kind, argument)


@dataclass(frozen=True)
class Spec:
    """One token spec: the tests a token must pass, and how many tokens in a row (lo to hi)."""

    tests: tuple[Test, ...]
    lo: int
    hi: int


def compile_spec(spec: dict, columns: Columns, strings: StringStore, *, with_op: bool = True) -> Spec:
    """A spaCy token spec as tests on table columns; raises Unsupported for what is left to spaCy."""
    tests = []
    for key, value in spec.items():
        if key == "OP":
            continue
        name = key.upper() if isinstance(key, str) else key
        if name not in _STRING_ATTRS | _FLAG_ATTRS | _INT_ATTRS:
            raise Unsupported(f"attribute {key!r}")
        column = columns.column(name)
        if isinstance(value, dict):
            for predicate, argument in value.items():
                tests.append(_predicate_test(column, name, predicate, argument, strings))
        else:
            tests.append((column, EQ, _value(name, value, strings)))
    lo, hi = _quantifier(spec.get("OP")) if with_op else (1, 1)
    return Spec(tuple(tests), lo, hi)


def _value(name: str, value: object, strings: StringStore) -> int:
    if isinstance(value, bool) or (isinstance(value, int) and name not in _STRING_ATTRS):
        return int(value)
    if isinstance(value, str) and name in _STRING_ATTRS:
        return strings.add(value)
    raise Unsupported(f"value {value!r} for {name}")


def _predicate_test(column: int, name: str, predicate: str, argument: object, strings: StringStore) -> Test:
    if predicate in ("IN", "NOT_IN") and isinstance(argument, list):
        values = frozenset(_value(name, v, strings) for v in argument)
        return (column, IN if predicate == "IN" else NOT_IN, values)
    if predicate == "REGEX" and isinstance(argument, str) and name in _STRING_ATTRS:
        return (column, REGEX, (re.compile(argument), {}))
    if predicate in _COMPARE and isinstance(argument, int) and not isinstance(argument, bool) \
            and name in _INT_ATTRS:
        return (column, COMPARE, (_COMPARE[predicate], argument))
    raise Unsupported(f"predicate {predicate!r} on {name}")


def _quantifier(op: object) -> tuple[int, int]:
    if op in (None, "1"):
        return 1, 1
    if op == "?":
        return 0, 1
    if op == "*":
        return 0, _UNBOUNDED
    if op == "+":
        return 1, _UNBOUNDED
    if isinstance(op, str) and op.startswith("{") and op.endswith("}"):
        parts = op[1:-1].split(",")
        try:
            if len(parts) == 1:
                return int(parts[0]), int(parts[0])
            if len(parts) == 2:
                return int(parts[0] or 0), int(parts[1]) if parts[1].strip() else _UNBOUNDED
        except ValueError:
            pass
    raise Unsupported(f"operator {op!r}")


def passes(tests: tuple[Test, ...], table: list[list[int]], i: int, strings: StringStore) -> bool:
    """Whether token i passes every test."""
    for column, kind, argument in tests:
        value = table[column][i]
        if kind == IN:
            if value not in argument:
                return False
        elif kind == EQ:
            if value != argument:
                return False
        elif kind == NOT_IN:
            if value in argument:
                return False
        elif kind == REGEX:
            pattern, answers = argument
            answer = answers.get(value)
            if answer is None:
                answer = answers[value] = pattern.search(strings[value]) is not None
            if not answer:
                return False
        elif not argument[0](value, argument[1]):
            return False
    return True


@dataclass(frozen=True)
class TokenPattern:
    """A token pattern with the spec indices its anchor word may fill."""

    key: int
    specs: tuple[Spec, ...]
    anchors: tuple[int, ...]
    aligned: bool = False
    """Whether a spec captures: then spaCy's alignment of each match is asked for (see `matching`)."""

    def matches(self, table: list[list[int]], positions: list[int], length: int,
                strings: StringStore) -> set[tuple[int, int]]:
        """Every (start, end) in which an anchor spec's run starts at one of `positions`."""
        found: set[tuple[int, int]] = set()
        for k in self.anchors:
            for p in positions:
                ends = self._forward(k, p, table, length, strings)
                if not ends:
                    continue
                for start in self._backward(k, p, table, strings):
                    found.update((start, end) for end in ends)
        return found

    def _forward(self, k: int, p: int, table: list[list[int]], length: int, strings: StringStore) -> set[int]:
        reach = {p}
        for spec in self.specs[k:]:
            nxt: set[int] = set()
            for q in reach:
                if spec.lo == 0:
                    nxt.add(q)
                count = 0
                while count < spec.hi and q + count < length and passes(spec.tests, table, q + count, strings):
                    count += 1
                    if count >= spec.lo:
                        nxt.add(q + count)
            if not nxt:
                return nxt
            reach = nxt
        return reach

    def _backward(self, k: int, p: int, table: list[list[int]], strings: StringStore) -> set[int]:
        reach = {p}
        for spec in reversed(self.specs[:k]):
            nxt: set[int] = set()
            for q in reach:
                if spec.lo == 0:
                    nxt.add(q)
                count = 0
                while count < spec.hi and q - count > 0 and passes(spec.tests, table, q - count - 1, strings):
                    count += 1
                    if count >= spec.lo:
                        nxt.add(q - count)
            if not nxt:
                return nxt
            reach = nxt
        return reach


def compile_token_pattern(key: int, pattern: list[dict], anchors: list[int], columns: Columns,
                          strings: StringStore, *, aligned: bool = False) -> TokenPattern:
    """A spaCy token pattern for anchored matching; raises Unsupported when spaCy must run it."""
    if not all(isinstance(spec, dict) for spec in pattern):
        raise Unsupported("a spec that is not a mapping")
    specs = tuple(compile_spec(spec, columns, strings) for spec in pattern)
    if not anchors or any(specs[k].lo < 1 for k in anchors):
        raise Unsupported("no required anchor spec")
    return TokenPattern(key, specs, tuple(anchors), aligned)


# -- dependency patterns -------------------------------------------------------------------


class Tree:
    """Heads, sentence bounds and tree roots of a parsed doc, for dependency relations."""

    def __init__(self, doc: Doc) -> None:
        n = len(doc)
        self.heads = [i + offset for i, offset in enumerate(_signed(doc.to_array([HEAD]).tolist()))] if n else []
        starts = doc.to_array([SENT_START]).tolist() if n else []
        self.sent_start, self.sent_end = [0] * n, [n] * n
        begin = 0
        for i in range(n):
            if i and starts[i] == 1:
                for j in range(begin, i):
                    self.sent_end[j] = i
                begin = i
            self.sent_start[i] = begin
        self._children: list[list[int]] | None = None
        self.roots = []
        for i in range(n):
            j = i
            while self.heads[j] != j:
                j = self.heads[j]
            self.roots.append(j)

    def near(self, op: str, left: int) -> list[int] | range:
        """The tokens that may stand in relation `op` to `left` (every token for the wider relations)."""
        if op in (">", ">+", ">-", ">++", ">--"):
            if self._children is None:
                self._children = [[] for _ in self.heads]
                for i, head in enumerate(self.heads):
                    if head != i:
                        self._children[head].append(i)
            return self._children[left]
        if op in ("<", "<+", "<-", "<++", "<--"):
            return [self.heads[left]]
        return range(len(self.heads))

    def related(self, op: str, left: int, right: int) -> bool:
        """Whether `right` stands in relation `op` to `left`, as spaCy's DependencyMatcher reads it."""
        heads = self.heads
        if op == ">":
            return right != left and heads[right] == left
        if op == "<":
            return heads[left] != left and heads[left] == right
        if op == ">>":
            return right != left and self._ancestor(left, right)
        if op == "<<":
            return right != left and self._ancestor(right, left)
        same_sent = self.sent_start[left] <= right < self.sent_end[left]
        if op == ".":
            return right == left + 1 and same_sent
        if op == ";":
            return right == left - 1 and same_sent
        if op == ".*":
            return right > left and same_sent
        if op == ";*":
            return right < left and same_sent
        head = heads[left]
        sibling = heads[right] == head and right != head
        if op == "$+":
            return sibling and right == left + 1
        if op == "$-":
            return sibling and right == left - 1
        if op == "$++":
            return sibling and right > left
        if op == "$--":
            return sibling and right < left
        child = heads[right] == left and right != left
        if op == ">+":
            return child and right == left + 1
        if op == ">-":
            return child and right == left - 1
        if op == ">++":
            return child and right > left
        if op == ">--":
            return child and right < left
        if op == "<+":
            return head == left + 1 and right == head
        if op == "<-":
            return head == left - 1 and right == head
        if op == "<++":
            return head > left and right == head
        if op == "<--":
            return head < left and right == head
        raise Unsupported(f"relation {op!r}")

    def _ancestor(self, ancestor: int, token: int) -> bool:
        heads = self.heads
        while heads[token] != token:
            token = heads[token]
            if token == ancestor:
                return True
        return False


def _signed(values: list[int]) -> list[int]:
    # to_array returns uint64: a head before its token comes back as a huge positive number.
    return [v - (1 << 64) if v >= 1 << 63 else v for v in values]


RELATIONS = {">", "<", ">>", "<<", ".", ";", ".*", ";*", "$+", "$-", "$++", "$--", ">+", ">-", ">++", ">--",
             "<+", "<-", "<++", "<--"}


@dataclass(frozen=True)
class DependencyPattern:
    """A dependency pattern: node specs, and each later node's relation to an earlier one."""

    key: int
    nodes: tuple[tuple[Test, ...], ...]
    links: tuple[tuple[int, str], ...]
    """For nodes 1..n-1: (index of the node it relates to, relation operator)."""

    def matches(self, table: list[list[int]], tree: Tree, candidates: list[list[int] | None],
                strings: StringStore) -> list[list[int]]:
        """Every assignment of tokens to nodes that passes the specs and the relations, in one tree.

        `candidates[j]` lists the tokens that may fill node j (its trigger word's positions), or is
        None when any token may: such a node's tokens are then found from the node it relates to.
        """
        passing: list[list[int] | None] = [
            None if nodes is None else [i for i in nodes if passes(tests, table, i, strings)]
            for tests, nodes in zip(self.nodes, candidates, strict=True)]
        if any(p == [] for p in passing):
            return []
        if passing[0] is None:
            passing[0] = [i for i in range(len(tree.heads)) if passes(self.nodes[0], table, i, strings)]
        found: list[list[int]] = []
        assigned: list[int] = []

        def extend(j: int) -> None:
            if j == len(self.nodes):
                found.append(list(assigned))
                return
            left, op = self.links[j - 1]
            anchor = assigned[left]
            options = passing[j]
            if options is None:
                options = [i for i in tree.near(op, anchor) if passes(self.nodes[j], table, i, strings)]
            root = tree.roots[assigned[0]]
            for i in options:
                if tree.roots[i] == root and tree.related(op, anchor, i):
                    assigned.append(i)
                    extend(j + 1)
                    assigned.pop()

        for first in passing[0]:
            assigned.append(first)
            extend(1)
            assigned.pop()
        return found


def compile_dependency_pattern(key: int, pattern: list[dict], columns: Columns,
                               strings: StringStore) -> DependencyPattern:
    """A spaCy dependency pattern for our own matching; raises Unsupported when spaCy must run it."""
    if not all(isinstance(node, dict) and isinstance(node.get("RIGHT_ATTRS", {}), dict) for node in pattern):
        raise Unsupported("a node that is not a mapping")
    ids = [node.get("RIGHT_ID") for node in pattern]
    nodes, links = [], []
    for j, node in enumerate(pattern):
        nodes.append(compile_spec(node.get("RIGHT_ATTRS", {}), columns, strings, with_op=False).tests)
        if j == 0:
            continue
        op, left = node.get("REL_OP"), node.get("LEFT_ID")
        if op not in RELATIONS or left not in ids[:j]:
            raise Unsupported(f"relation {op!r} from {left!r}")
        links.append((ids.index(left), op))
    return DependencyPattern(key, tuple(nodes), tuple(links))
