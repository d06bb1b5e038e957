"""Compile every data pattern into one PhraseMatcher and token / dependency matchers grouped by trigger word."""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field

import regex
import spacy
import srsly
from spacy.attrs import IDX, LENGTH
from spacy.language import Language
from spacy.matcher import DependencyMatcher, Matcher, PhraseMatcher
from spacy.tokens import Doc

from . import yamlcache
from .anchored import (
    Columns,
    DependencyPattern,
    TokenPattern,
    Tree,
    Unsupported,
    compile_dependency_pattern,
    compile_token_pattern,
)
from .errors import RulePackError
from .regexgate import needle_sets
from .rules import Patterns
from .triggers import (
    Gate,
    GateIndex,
    Present,
    Trigger,
    dependency_gate,
    node_trigger,
    required,
    token_plan,
)

REGEX_TIMEOUT_SECONDS = 0.05
CAPTURE_KEY = "capture"
_SEP = "\x1f"
# Unbounded operators make spaCy's Matcher yield every prefix of every match, which is
# quadratic on long replies. A trailing "rest of the clause" wildcard is stripped and done
# in one linear pass instead; any other `*` or `+` is capped at this many tokens.
# A long `{0,n}` forks at every token it may skip, which is far slower than one looping `*`:
# when its tokens cannot be punctuation and a required token follows, it becomes a `*`
# that ends with the clause (the same matches, plus any whose run is longer than n).
MAX_REPEAT = 6
CLAUSE_TAIL = {"IS_PUNCT": False}
_PENDING_LOCK = threading.RLock()
# Cache key prefix for token patterns checked valid: another spaCy may judge them differently.
_TOKEN_PATTERN_KIND = f"token-pattern-spacy-{spacy.__version__}"
_DEPENDENCY_PATTERN_KIND = f"dependency-pattern-spacy-{spacy.__version__}"
# The annotations a Matcher checks on every call unless told they are there.
_ANNOTATIONS = ("TAG", "POS", "MORPH", "LEMMA", "DEP")


@dataclass(frozen=True)
class Hit:
    """One match: token and character span, plus named captures as character spans."""

    start: int
    end: int
    start_char: int
    end_char: int
    captures: dict[str, tuple[int, int]] = field(default_factory=dict, hash=False, compare=False)


@dataclass
class TokenGroup:
    """Token patterns that need the same words, with how far a match reaches around the anchor word.

    Patterns checked valid by an earlier run wait in `pending` and are compiled the first time
    the group's words are in a reply: most groups are never needed by the first few replies.
    """

    gate: Gate
    built: Matcher
    before: int | None
    after: int | None
    pending: list[tuple[str, list[dict]]] = field(default_factory=list)
    waiting: list[tuple[str, list[dict], list[int], bool]] = field(default_factory=list)
    """Patterns (key, pattern, anchor specs, captures?) compiled for anchored matching the first
    time the group's words are in a reply, like `pending`."""
    columns: Columns | None = None
    _anchored: list[TokenPattern] = field(default_factory=list)
    source: list[tuple[str, list[dict]]] = field(default_factory=list)
    """Every pattern of the group, by key."""
    _everything: Matcher | None = None
    _aligner: Matcher | None = None

    @property
    def matcher(self) -> Matcher:
        """The group's Matcher, with every pending pattern added."""
        if self.pending:
            with _PENDING_LOCK:  # two threads linting at once must not add a pattern twice
                for key, pattern in self.pending:
                    self.built.add(key, [pattern])
                self.pending.clear()
        return self.built

    @property
    def anchored(self) -> list[TokenPattern]:
        """Patterns matched from the anchor word (see `anchored`); the rest run in spaCy's Matcher."""
        if self.waiting:
            with _PENDING_LOCK:
                strings = self.built.vocab.strings
                for key, pattern, anchors, aligned in self.waiting:
                    try:
                        self._anchored.append(compile_token_pattern(
                            strings.add(key), pattern, anchors, self.columns, strings, aligned=aligned))
                    except Exception:  # Unsupported, or anything unforeseen: spaCy's Matcher runs it
                        self.pending.append((key, pattern))
                self.waiting.clear()
        return self._anchored

    @property
    def uses_spacy(self) -> bool:
        """Whether some pattern of the group runs in spaCy's Matcher."""
        self.anchored  # noqa: B018  (an anchored pattern found unsupported joins `pending`)
        return bool(self.pending) or len(self.built) > 0

    def everything(self) -> Matcher:
        """All the group's patterns in one spaCy Matcher: for docs without the annotations they read."""
        with _PENDING_LOCK:
            if self._everything is None:
                everything = Matcher(self.built.vocab)
                for key, pattern in self.source:
                    everything.add(key, [pattern])
                self._everything = everything
        return self._everything

    def alignment(self, doc: Doc, key: int, start: int, end: int) -> list[int]:
        """spaCy's alignment of an anchored match (which spec each token filled), for its captures.

        Asked of a Matcher over the match alone: only matches of capturing patterns, a few per reply.
        """
        with _PENDING_LOCK:
            if self._aligner is None:
                aligner = Matcher(self.built.vocab)
                keys = {p.key for p in self.anchored if p.aligned}
                for name, pattern in self.source:
                    if self.built.vocab.strings[name] in keys:
                        aligner.add(name, [pattern])
                self._aligner = aligner
        for found, first, last, align in self._aligner(doc[start:end], with_alignments=True, allow_missing=True):
            if found == key and first == 0 and last == end - start:
                return align
        return []

    def widen(self, before: int | None, after: int | None) -> None:
        """Make room for one more pattern's reach (None: unbounded)."""
        self.before = None if before is None or self.before is None else max(self.before, before)
        self.after = None if after is None or self.after is None else max(self.after, after)


@dataclass
class DependencyGroup:
    """Dependency patterns that need the same words: ours, and any left to spaCy's DependencyMatcher."""

    gate: Gate
    matcher: DependencyMatcher
    anchored: list[tuple[DependencyPattern, tuple[Trigger | None, ...]]] = field(default_factory=list)
    """Each pattern with the word each node must be, where it has one (its candidates)."""
    anchored_source: list[tuple[str, list[dict]]] = field(default_factory=list)
    fallback: DependencyMatcher | None = None


@dataclass
class CompiledPatterns:
    """The compiled matchers and regexes, keyed by owner labels."""

    phrase: PhraseMatcher
    token_groups: list[TokenGroup]
    """Token matchers, each run only where the words its patterns need are in the doc."""
    dependency_groups: list[DependencyGroup]
    regexes: list[tuple[str, LazyRegex, tuple[frozenset[str], ...] | None]]
    """Owner, compiled regex, and sets of case-folded words: a match holds one of each (None: always run)."""
    token_captures: dict[str, dict[int, str]]
    dependency_captures: dict[str, dict[int, str]]
    clause_tails: dict[str, str | None] = field(default_factory=dict)
    """Token-pattern keys whose match runs on to the end of the clause (value: the tail's capture)."""
    columns: Columns = field(default_factory=Columns)
    """The token attributes the anchored patterns read."""

    def __post_init__(self) -> None:
        self.token_index = GateIndex([g.gate for g in self.token_groups])
        self.dependency_index = GateIndex([g.gate for g in self.dependency_groups])
        self.needles = sorted({word for _, _, sets in self.regexes for words in sets or () for word in words})
        # Each gated regex is indexed by the words of its first set: a reply holding none of them
        # never looks at that regex at all.
        self.ungated = [i for i, (_, _, sets) in enumerate(self.regexes) if sets is None]
        self.by_needle: dict[str, list[int]] = defaultdict(list)
        for i, (_, _, sets) in enumerate(self.regexes):
            for word in sets[0] if sets else ():
                self.by_needle[word].append(i)

    def run(self, doc: Doc, text: str | None = None) -> dict[str, list[Hit]]:
        """Every match in the doc, grouped by owner label, longest first within a start.

        `text` is the doc's text when the caller has it (building it from the tokens costs more
        than most of the matching).
        """
        hits: dict[str, list[Hit]] = defaultdict(list)
        strings = doc.vocab.strings
        present = Present(doc)
        # Character offsets of every token, read once: a Span per match costs more than the match.
        begins, sizes = doc.to_array([IDX, LENGTH]).T.tolist() if len(doc) else ([], [])
        for key, start, end in self.phrase(doc):
            hits[strings[key].split(_SEP)[0]].append(
                Hit(start, end, begins[start], begins[end - 1] + sizes[end - 1]))
        opened = [self.token_groups[i] for i in self.token_index.opened(present)]
        for group in opened:
            group.anchored  # noqa: B018  (compiled now, so the table below has every column they read)
        annotated = _annotated(doc)
        table = self.columns.table(doc) if annotated else None
        for key, start, end, align in _token_matches(doc, opened, present, annotated, table):
            name = strings[key]
            wanted = self.token_captures.get(name)
            captures = _token_captures(doc, start, align, wanted) if wanted else {}
            if name in self.clause_tails:
                tail_start, end = end, _clause_end(doc, end)
                tail = self.clause_tails[name]
                if tail and end > tail_start:
                    captures[tail] = (begins[tail_start], begins[end - 1] + sizes[end - 1])
            hits[name.split(_SEP)[0]].append(
                Hit(start, end, begins[start], begins[end - 1] + sizes[end - 1], captures))
        if self.dependency_groups and doc.has_annotation("DEP"):
            opened_dependency = [self.dependency_groups[i] for i in self.dependency_index.opened(present)]
            for key, token_ids in _dependency_matches(doc, opened_dependency, present, table):
                name = strings[key]
                start, end = min(token_ids), max(token_ids) + 1
                captures = {
                    label: _noun_phrase(doc, token_ids[i])
                    for i, label in self.dependency_captures.get(name, {}).items()
                }
                hits[name.split(_SEP)[0]].append(
                    Hit(start, end, begins[start], begins[end - 1] + sizes[end - 1], captures))
        if text is None:
            text = doc.text if self.regexes else ""  # Doc.text joins every token: once per doc
        folded = text.casefold()
        held = {word for word in self.needles if word in folded}  # each word looked for once per doc
        candidates = {i for word in held for i in self.by_needle.get(word, ())}
        for i in sorted(candidates.union(self.ungated)):
            owner, pattern, sets = self.regexes[i]
            if sets is not None and not all(held.intersection(words) for words in sets[1:]):
                continue  # the regex needs a word of each set and the reply lacks one
            for m in _finditer(pattern, text):
                span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
                if span is not None and len(span):
                    captures = {k: (m.start(k), m.end(k)) for k, v in m.groupdict().items() if v}
                    hits[owner].append(Hit(span.start, span.end, m.start(), m.end(), captures))
        return hits


def _annotated(doc: Doc) -> bool:
    """Whether the doc has every annotation a pattern may test (checked once, not per Matcher call)."""
    return all(doc.has_annotation(attr) for attr in _ANNOTATIONS)


def _token_matches(doc: Doc, groups: list[TokenGroup], present: Present, annotated: bool,
                   table: list[list[int]] | None = None) -> list:
    found = []
    strings = doc.vocab.strings
    for group in groups:
        anchored = group.anchored
        if table is None and anchored:
            # A doc without the annotations the patterns read: spaCy's Matcher says so (or allows it).
            found += group.everything()(doc, with_alignments=True, allow_missing=annotated)
            continue
        if anchored:
            positions = present.positions(group.gate.triggers[0])
            for pattern in anchored:
                for start, end in pattern.matches(table, positions, len(doc), strings):
                    align = group.alignment(doc, pattern.key, start, end) if pattern.aligned else ()
                    found.append((pattern.key, start, end, align))
        if not group.pending and not len(group.built):
            continue  # no pattern of the group runs in spaCy's Matcher
        if group.before is None or group.after is None:
            found += group.matcher(doc, with_alignments=True, allow_missing=annotated)
            continue
        # Only the stretches around the anchor word can hold a match: search just those.
        for lo, hi in _windows(present.positions(group.gate.triggers[0]), group.before, group.after, len(doc)):
            found += [(key, lo + start, lo + end, align)
                      for key, start, end, align in group.matcher(doc[lo:hi], with_alignments=True,
                                                                   allow_missing=annotated)]
    # One order whatever the grouping: by position, then by pattern key.
    return sorted(found, key=lambda m: (m[1], m[2], m[0]))


def _windows(positions: list[int], before: int, after: int, length: int) -> list[tuple[int, int]]:
    """Token ranges [i - before, i + after] around each anchor position, overlapping ones merged."""
    merged: list[tuple[int, int]] = []
    for i in positions:
        lo, hi = max(0, i - before), min(length, i + after + 1)
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return merged


def _dependency_matches(doc: Doc, groups: list[DependencyGroup], present: Present | None = None,
                        table: list[list[int]] | None = None) -> list:
    found = []
    tree = None
    strings = doc.vocab.strings
    for group in groups:
        if len(group.matcher):
            found += group.matcher(doc)
        if not group.anchored:
            continue
        if table is None or present is None:
            found += _spacy_dependency(group)(doc)
            continue
        tree = tree or Tree(doc)
        for pattern, triggers in group.anchored:
            candidates = [None if t is None else present.positions(t) for t in triggers]
            found += [(pattern.key, ids) for ids in pattern.matches(table, tree, candidates, strings)]
    return sorted(found, key=lambda m: (m[1], m[0]))


def _spacy_dependency(group: DependencyGroup) -> DependencyMatcher:
    """The group's anchored patterns in a DependencyMatcher: for docs without every annotation."""
    with _PENDING_LOCK:
        if group.fallback is None:
            group.fallback = DependencyMatcher(group.matcher.vocab)
            for key, pattern in group.anchored_source:
                group.fallback.add(key, [pattern])
    return group.fallback


def _clause_end(doc: Doc, end: int) -> int:
    """Extend a match over the following tokens up to the next punctuation mark, link or address.

    A link or email address ends the clause: running into one would make the match overlap
    text that is never linted, and the whole finding would be dropped.
    """
    while end < len(doc) and not (doc[end].is_punct or doc[end].like_url or doc[end].like_email):
        end += 1
    return end


class LazyRegex:
    """A rule regex compiled on first use: most replies never hold the words most regexes need."""

    KIND = f"regex-{regex.__version__}-{int(regex.IGNORECASE | regex.V1)}"
    """Cache key prefix: a regex valid for one engine version may not be for another."""

    def __init__(self, expression: str) -> None:
        self.expression = expression
        self._compiled: regex.Pattern | None = None

    def compiled(self) -> regex.Pattern:
        """The compiled pattern (compiled once)."""
        if self._compiled is None:
            self._compiled = regex.compile(self.expression, regex.IGNORECASE | regex.V1)
        return self._compiled


def _finditer(pattern: LazyRegex, text: str) -> list[regex.Match]:
    try:
        return list(pattern.compiled().finditer(text, timeout=REGEX_TIMEOUT_SECONDS))
    except TimeoutError:
        # A runaway user regex must not hang a pre-send check; it simply finds nothing here.
        return []


def _token_captures(doc: Doc, start: int, align: list[int], names: dict[int, str]) -> dict[str, tuple[int, int]]:
    found: dict[str, list[int]] = defaultdict(list)
    for offset, pattern_index in enumerate(align):
        if pattern_index in names:
            found[names[pattern_index]].append(start + offset)
    return {
        label: (doc[min(ids)].idx, doc[max(ids)].idx + len(doc[max(ids)])) for label, ids in found.items()
    }


def _noun_phrase(doc: Doc, i: int) -> tuple[int, int]:
    """A captured token widened to its left modifiers ("the local courier" for "courier")."""
    token = doc[i]
    left = token.left_edge if token.pos_ in {"NOUN", "PROPN"} else token
    return left.idx, token.idx + len(token)


class PatternCompiler:
    """Collects pattern lists under owner labels, then builds the matchers once.

    `staged` groups token and dependency patterns by trigger word (see `triggers`); unstaged,
    every pattern runs on every doc. Both find the same matches.
    """

    def __init__(self, nlp: Language, *, staged: bool = True) -> None:
        self.nlp = nlp
        self.staged = staged
        self.stop_words = {w.lower() for w in nlp.Defaults.stop_words}
        self.phrase = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.token: dict[Gate, TokenGroup] = {}
        self.dependency: dict[Gate, DependencyGroup] = {}
        self.columns = Columns()
        self.regexes: list[tuple[str, LazyRegex, tuple[frozenset[str], ...] | None]] = []
        self.token_captures: dict[str, dict[int, str]] = {}
        self.dependency_captures: dict[str, dict[int, str]] = {}
        self.clause_tails: dict[str, str | None] = {}

    def add(self, owner: str, patterns: Patterns, source: str) -> None:
        """Add one owner's patterns; errors name the source file and the pattern."""
        strings = self.nlp.vocab.strings
        if patterns.phrases:
            self.phrase.add(owner, list(self.nlp.tokenizer.pipe(patterns.phrases)))
        for i, pattern in enumerate(patterns.tokens):
            key = f"{owner}{_SEP}t{i}"
            clean, captures = _strip_captures(pattern)
            clean, tail = _bounded(clean)
            if tail:
                self.clause_tails[key] = captures.pop(len(pattern) - 1, None)
            gate, before, after, anchors = (token_plan(clean, strings, self.stop_words) if self.staged
                                            else (Gate(()), None, None, []))
            group = self.token.get(gate) or TokenGroup(gate, Matcher(self.nlp.vocab, validate=True), 0, 0,
                                                       columns=self.columns)
            anchored = self.staged and bool(anchors)
            checked = srsly.json_dumps(clean, sort_keys=True)
            if not yamlcache.is_known_valid(_TOKEN_PATTERN_KIND, checked):
                try:  # spaCy's validation, so a broken pattern fails at load with spaCy's message
                    (Matcher(self.nlp.vocab, validate=True) if anchored else group.built).add(key, [clean])
                except Exception as exc:  # spaCy raises ValueError/MatchPatternError with a long table
                    message = f"invalid token pattern: {_first_line(exc)}"
                    raise RulePackError(f"{source}: key 'tokens.{i}': {message}") from exc
                yamlcache.remember_valid(_TOKEN_PATTERN_KIND, checked)
            elif not anchored:
                group.pending.append((key, clean))
            group.source.append((key, clean))
            if anchored:
                group.waiting.append((key, clean, anchors, bool(captures)))
            # Windows are only for the patterns spaCy runs; an anchored one may turn out to be one.
            group.widen(before, after)
            self.token[gate] = group
            self.token_captures[key] = captures
        for i, pattern in enumerate(patterns.dependencies):
            key = f"{owner}{_SEP}d{i}"
            clean, captures = _strip_captures(pattern)
            gate = dependency_gate(clean, strings, self.stop_words) if self.staged else Gate(())
            group = self.dependency.get(gate) or DependencyGroup(gate, DependencyMatcher(self.nlp.vocab, validate=True))
            anchored = self._anchored_dependency(key, clean) if self.staged else None
            checked = srsly.json_dumps(clean, sort_keys=True)
            if not anchored or not yamlcache.is_known_valid(_DEPENDENCY_PATTERN_KIND, checked):
                try:
                    (DependencyMatcher(self.nlp.vocab, validate=True) if anchored else group.matcher).add(key, [clean])
                except Exception as exc:
                    message = f"invalid dependency pattern: {_first_line(exc)}"
                    raise RulePackError(f"{source}: key 'dependencies.{i}': {message}") from exc
                yamlcache.remember_valid(_DEPENDENCY_PATTERN_KIND, checked)
            if anchored:
                group.anchored.append(anchored)
                group.anchored_source.append((key, clean))
            self.dependency[gate] = group
            self.dependency_captures[key] = captures
        for i, expression in enumerate(patterns.regex):
            compiled = LazyRegex(expression)
            if not yamlcache.is_known_valid(LazyRegex.KIND, expression):
                try:
                    compiled.compiled()  # checked now, so a broken pack fails at load and names the key
                except regex.error as exc:
                    raise RulePackError(f"{source}: key 'regex.{i}': invalid regular expression: {exc}") from exc
                yamlcache.remember_valid(LazyRegex.KIND, expression)
            sets = needle_sets(expression) if self.staged else None
            self.regexes.append((owner, compiled, tuple(map(frozenset, sets)) if sets else None))

    def _anchored_dependency(self, key: str, pattern: list[dict]
                             ) -> tuple[DependencyPattern, tuple[Trigger | None, ...]] | None:
        strings = self.nlp.vocab.strings
        try:
            compiled = compile_dependency_pattern(strings.add(key), pattern, self.columns, strings)
        except Unsupported:
            return None
        return compiled, tuple(node_trigger(node.get("RIGHT_ATTRS", {}), strings, self.stop_words)
                               for node in pattern)

    def build(self) -> CompiledPatterns:
        """The compiled matchers."""
        return CompiledPatterns(self.phrase, list(self.token.values()), list(self.dependency.values()), self.regexes,
                                self.token_captures, self.dependency_captures, dict(self.clause_tails),
                                self.columns)


def _bounded(pattern: list[dict]) -> tuple[list[dict], bool]:
    """Strip a trailing rest-of-clause wildcard (reported as True) and cap other `*` / `+`."""
    pattern = list(pattern)
    tail = False
    last = pattern[-1] if pattern else {}
    attrs = {k: v for k, v in last.items() if k != "OP"}
    if len(pattern) > 1 and attrs == CLAUSE_TAIL and last.get("OP") in ("*", "+"):
        pattern[-1] = dict(CLAUSE_TAIL) if last["OP"] == "+" else None
        pattern = [p for p in pattern if p is not None]
        tail = True
    capped = []
    for i, spec in enumerate(pattern):
        op = spec.get("OP")
        if op in ("*", "+"):
            spec = {**spec, "OP": f"{{{0 if op == '*' else 1},{MAX_REPEAT}}}"}
        elif _long_optional_run(op) and _stops_at_punctuation(spec) and any(map(required, pattern[i + 1:])):
            spec = {**spec, "OP": "*"}
        capped.append(spec)
    return capped, tail


def _long_optional_run(op: object) -> bool:
    """`{0,n}` with n above the cap for `*`."""
    bounds = op[1:-1].split(",") if isinstance(op, str) and op.startswith("{") else []
    return len(bounds) == 2 and bounds[0].strip() == "0" and bounds[1].strip().isdigit() \
        and int(bounds[1]) > MAX_REPEAT


def _stops_at_punctuation(spec: dict) -> bool:
    """Whether a token spec rejects sentence punctuation, so a run of it ends with the clause."""
    if spec.get("IS_PUNCT") is False:
        return True
    return any(isinstance(value, dict) and {".", "!", "?"} <= set(value.get("NOT_IN", ()))
               for attr, value in spec.items() if attr.upper() in ("ORTH", "TEXT", "LOWER", "NORM"))


def _strip_captures(pattern: list[dict]) -> tuple[list[dict], dict[int, str]]:
    clean, captures = [], {}
    for i, spec in enumerate(pattern):
        spec = dict(spec)  # only the top-level `capture` key is removed
        name = spec.pop(CAPTURE_KEY, None)
        if name:
            captures[i] = name
        clean.append(spec)
    return clean, captures


def _first_line(exc: Exception) -> str:
    """The useful part of spaCy's multi-line pattern error: the first problem it lists."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    problems = [line.lstrip("- ") for line in lines if line.startswith("- [")]
    return (problems or lines or [type(exc).__name__])[0][:300]
