"""Run compiled rules over a parsed reply: signals first, then span rules, then missing-part checks."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import regex
from spacy.language import Language
from spacy.tokens import Doc, Span

from .checkers import resolve_checker
from .config import Config
from .fixes import build_fix, render
from .matching import Hit, PatternCompiler
from .models import SEVERITY_RANK, Finding, Severity
from .reply import Layout
from .rules import FixSpec, RuleSet, RuleSpec, SignalSpec

LINE_BREAK = regex.compile(r"\r\n|\r|\n")
RULE, SIGNAL, RULE_UNLESS, SIGNAL_UNLESS = "rule:", "signal:", "unless:", "signal-unless:"
ROUTINE = "routine"
"""The reply signal of a routine exchange: with no customer message, no complaint is assumed."""


@dataclass
class Context:
    """What checkers see: the parsed reply, its layout and every signal and match."""

    text: str
    doc: Doc
    layout: Layout
    complaint: bool
    config: Config
    signals: dict[str, list[Hit]]
    matches: dict[str, list[Hit]]
    raw: dict[str, list[Hit]] = field(default_factory=dict)
    """Every pattern hit before layout, `unless` and voiding filters, keyed by owner label."""
    signals_spec: dict[str, SignalSpec] = field(default_factory=dict)
    """The signal definitions, by name."""

    def sentence(self, hit: Hit) -> Span:
        """The sentence that holds the start of a hit."""
        return sentence_of(self.doc, hit.start)

    def raw_signal(self, name: str) -> list[Hit]:
        """A signal's hits in the body before `voided_by` and `unless` were applied."""
        return [h for h in self.raw.get(SIGNAL + name, []) if not self.layout.ignores(h.start_char, h.end_char)]

    def signal_in(self, name: str, start_char: int, end_char: int) -> list[Hit]:
        """Hits of a signal that lie within [start_char, end_char)."""
        return [h for h in self.signals.get(name, []) if start_char <= h.start_char and h.end_char <= end_char]


Checker = Callable[[Context, RuleSpec], Iterable[Hit]]


class Engine:
    """The selected rules compiled for one pipeline; stateless between replies."""

    def __init__(self, ruleset: RuleSet, rules: tuple[RuleSpec, ...], nlp: Language, config: Config, *,
                 staged: bool = True) -> None:
        self.ruleset = ruleset
        self.rules = rules
        self.config = config
        compiler = PatternCompiler(nlp, staged=staged)
        for rule in rules:
            source = str(ruleset.sources.get(rule.id, rule.id))
            compiler.add(RULE + rule.id, rule, source)
            if rule.unless and rule.unless.has_patterns():
                compiler.add(RULE_UNLESS + rule.id, rule.unless, source)
        # Replies and customer messages need different signals: two pattern sets, each run once.
        customer = {s.id for s in ruleset.signals.values() if s.applies_to == "customer"}
        customer |= {name for s in customer.copy() for name in _referenced(ruleset.signals[s])}
        reply = {s.id for s in ruleset.signals.values() if s.applies_to == "reply"}
        reply |= {name for s in reply.copy() for name in _referenced(ruleset.signals[s])}
        reply |= {name for r in rules for name in (*r.requires, *r.absent, *(r.unless.signals if r.unless else ()))}
        reply |= {r.fix.signal for r in rules if r.fix.signal}
        self._add_signals(compiler, reply)
        self.patterns = compiler.build()
        customer_compiler = PatternCompiler(nlp, staged=staged)
        self._add_signals(customer_compiler, customer)
        self.customer_patterns = customer_compiler.build()
        self.checkers: dict[str, Checker] = {
            rule.id: resolve_checker(rule.checker, str(ruleset.sources.get(rule.id)))
            for rule in rules if rule.kind == "python" and rule.checker
        }

    def _add_signals(self, compiler: PatternCompiler, names: set[str]) -> None:
        for signal in self.ruleset.signals.values():
            if signal.id not in names:
                continue
            source = str(self.ruleset.sources.get("signal:" + signal.id, signal.id))
            compiler.add(SIGNAL + signal.id, signal, source)
            if signal.unless and signal.unless.has_patterns():
                compiler.add(SIGNAL_UNLESS + signal.id, signal.unless, source)

    # -- signals -------------------------------------------------------------------------

    def customer_signals(self, doc: Doc) -> dict[str, list[Hit]]:
        """Signals meant for the customer's message (e.g. `complaint`), found in its doc."""
        raw = self.customer_patterns.run(doc)
        found = {}
        for signal in self.ruleset.signals.values():
            if signal.applies_to == "customer":
                found[signal.id] = self._surviving(doc, signal, raw, lambda s, e: False)
        return found

    def _surviving(self, doc: Doc, signal: SignalSpec, raw: dict[str, list[Hit]],
                   excluded: Callable[[int, int], bool], *, clear: bool = True) -> list[Hit]:
        hits = [h for h in raw.get(SIGNAL + signal.id, []) if not excluded(h.start_char, h.end_char)]
        if signal.unless:
            blockers = raw.get(SIGNAL_UNLESS + signal.id, [])
            # A signal named in `unless` counts after its own filters ("said he fixed it" is no fix).
            named = {SIGNAL + name: self._surviving(doc, self.ruleset.signals[name], raw, excluded, clear=False)
                     for name in signal.unless.signals}
            hits = [h for h in hits if not _blocked(doc, h, blockers, signal.unless.signals, named,
                                                    signal.unless.scope)]
        if signal.voided_by:
            voiders = [v for name in signal.voided_by for v in raw.get(SIGNAL + name, [])]
            hits = [h for h in hits if not _voided(doc, h, voiders)]
        if clear and signal.cleared_by and hits:
            # The clearing signal's own `cleared_by` is not applied: no chains, no cycles.
            clearers = [c for name in signal.cleared_by
                        for c in self._surviving(doc, self.ruleset.signals[name], raw, excluded, clear=False)]
            if clearers:
                last = max(c.start_char for c in clearers)
                hits = [h for h in hits if h.end_char > last]
        return _longest_first(hits)

    # -- the run ---------------------------------------------------------------------------

    def reply_signals(self, doc: Doc, layout: Layout, raw: dict[str, list[Hit]] | None = None
                      ) -> dict[str, list[Hit]]:
        """Signals of the reply's body, after `unless` and `voided_by`."""
        raw = self.patterns.run(doc) if raw is None else raw
        raw = {**raw, **{k: _clipped(doc, layout, v) for k, v in raw.items() if k.startswith(SIGNAL)}}
        return {
            name: self._surviving(doc, spec, raw, layout.ignores)
            for name, spec in self.ruleset.signals.items() if spec.applies_to == "reply"
        }

    def findings(self, text: str, doc: Doc, layout: Layout, complaint: bool, *,
                 raw: dict[str, list[Hit]] | None = None, signals: dict[str, list[Hit]] | None = None
                 ) -> list[Finding]:
        """Every finding of the selected rules in one parsed reply (`raw`, `signals`: already found)."""
        raw = self.patterns.run(doc) if raw is None else raw
        signals = self.reply_signals(doc, layout, raw) if signals is None else signals
        ctx = Context(text, doc, layout, complaint, self.config, signals, {}, raw, self.ruleset.signals)
        located = Locator(text)
        findings: list[Finding] = []
        for rule in self.rules:
            if rule.complaint_only and not complaint:
                continue
            if rule.kind == "match":
                hits = self._match_hits(ctx, rule, raw)
            elif rule.kind == "python":
                hits = [h for h in self.checkers[rule.id](ctx, rule) if not layout.ignores(h.start_char, h.end_char)]
                hits = self._unless(ctx, rule, raw, hits)
            else:
                continue
            ctx.matches[rule.id] = hits
            findings += [self._finding(ctx, rule, hit, located) for hit in hits]
        flagged_categories = {f.category for f in findings}
        for rule in self.rules:
            if rule.kind != "missing" or (rule.complaint_only and not complaint):
                continue
            if rule.category in flagged_categories:
                continue  # the span finding of this category already says it
            if any(not signals.get(name) for name in rule.requires):
                continue
            if any(signals.get(name) for name in rule.absent):
                continue
            anchor = signals.get(rule.anchor or "", [])
            hit = anchor[0] if anchor else None
            findings.append(self._finding(ctx, rule, hit, located))
            flagged_categories.add(rule.category)
        return _deduplicate(findings)

    def _match_hits(self, ctx: Context, rule: RuleSpec, raw: dict[str, list[Hit]]) -> list[Hit]:
        found = raw.get(RULE + rule.id)
        if not found:
            return []  # most rules match nothing in most replies
        hits = [h for h in _clipped(ctx.doc, ctx.layout, found)
                if not ctx.layout.ignores(h.start_char, h.end_char)]
        return _longest_first(self._unless(ctx, rule, raw, hits))

    def _unless(self, ctx: Context, rule: RuleSpec, raw: dict[str, list[Hit]], hits: list[Hit]) -> list[Hit]:
        if not rule.unless:
            return hits
        blockers = raw.get(RULE_UNLESS + rule.id, [])
        return [h for h in hits if not _blocked(ctx.doc, h, blockers, rule.unless.signals, ctx.signals,
                                                rule.unless.scope, signal_prefix="")]

    def _finding(self, ctx: Context, rule: RuleSpec, hit: Hit | None, located: Locator) -> Finding:
        text = ctx.text
        if hit is None:
            start = end = ctx.layout.body.start
            scope = "document"
        else:
            start, end = hit.start_char, hit.end_char
            scope = "span"
        values = {"match": text[start:end]}
        if hit is not None:
            values |= {name: text[s:e] for name, (s, e) in hit.captures.items()}
        spec, insert_at = self._insert_point(ctx, rule, hit)
        fix = build_fix(spec, values, start=start, end=end, insert_at=insert_at, text=text)
        line, column = located.line_column(start)
        return Finding(
            rule=rule.id, category=rule.category, severity=self.severity(rule),
            message=render(rule.message, values), start=start, end=end, line=line, column=column,
            text=text[start:end], scope=scope, fix=fix,
        )

    def _insert_point(self, ctx: Context, rule: RuleSpec, hit: Hit | None) -> tuple[FixSpec, int]:
        """The fix to build and where its insertion goes."""
        spec = rule.fix
        where = spec.at
        if where == "before-signal" and spec.signal:
            return _before_signal(ctx, spec, spec.signal, hit)
        if where == "after-sentence" and hit is not None:
            return spec, text_end(ctx.sentence(hit))
        if where == "before-match" and hit is not None:
            return spec, hit.start_char
        if where == "end-of-body":
            return spec, ctx.layout.body.end
        return spec, ctx.layout.body.start

    def severity(self, rule: RuleSpec) -> Severity:
        """The rule's severity after config overrides (the longest matching prefix wins)."""
        best, chosen = -1, rule.severity
        for prefix, severity in self.config.severity.items():
            if rule.id.startswith(prefix) and len(prefix) > best:
                best, chosen = len(prefix), severity
        return chosen


class Locator:
    """Turns character offsets into 1-based line and column."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in LINE_BREAK.finditer(text)]

    def line_column(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of an offset."""
        i = bisect.bisect_right(self.starts, offset) - 1
        return i + 1, offset - self.starts[i] + 1


_SENTENCE_STARTS = "complaint_lint.sentence_starts"


def sentence_starts(doc: Doc) -> list[int]:
    """First token of each sentence, computed once per doc (`Token.sent` walks the whole doc each call)."""
    starts = doc.user_data.get(_SENTENCE_STARTS)
    if starts is None:
        starts = doc.user_data[_SENTENCE_STARTS] = [s.start for s in doc.sents]
    return starts


def sentence_of(doc: Doc, i: int) -> Span:
    """The sentence holding token i."""
    starts = sentence_starts(doc)
    k = bisect.bisect_right(starts, i) - 1
    end = starts[k + 1] if k + 1 < len(starts) else len(doc)
    return doc[starts[k]:end]


def text_end(sent: Span) -> int:
    """Where a sentence's words end: an insertion after it goes before the line breaks that follow."""
    words = [t for t in sent if not t.is_space]
    return words[-1].idx + len(words[-1]) if words else sent.end_char


def _before_signal(ctx: Context, spec: FixSpec, signal: str, hit: Hit | None) -> tuple[FixSpec, int]:
    """Insert before the first later sentence holding the signal ("That's on us." before the remedy).

    The signal only in the matched sentence or before it: insert after the matched sentence.
    The signal nowhere in the body: the `fallback` template (if any) after the matched sentence.
    """
    found = ctx.signals.get(signal, [])
    sentence = ctx.sentence(hit) if hit is not None else None
    after = text_end(sentence) if sentence is not None else ctx.layout.body.start
    later = [h for h in found if h.start_char >= after]
    if later:
        return spec, ctx.sentence(min(later, key=lambda h: h.start_char)).start_char
    if found or spec.fallback is None:
        return spec.model_copy(update={"at": "after-sentence"}), after
    return spec.model_copy(update={"insert": spec.fallback, "at": "after-sentence"}), after


def _clipped(doc: Doc, layout: Layout, hits: list[Hit]) -> list[Hit]:
    """Hits that start in the body but run on into an unpunctuated sign-off ("... all evening ^MB"),
    cut back to the body's last word; other hits unchanged."""
    end = layout.body.end
    out = []
    for h in hits:
        if layout.body.start <= h.start_char < end < h.end_char:
            last = h.start
            while last + 1 < h.end and doc[last + 1].idx + len(doc[last + 1]) <= end:
                last += 1
            if doc[last].idx + len(doc[last]) > end:
                continue
            captures = {k: (s, min(e, end)) for k, (s, e) in h.captures.items() if s < end}
            h = Hit(h.start, last + 1, h.start_char, doc[last].idx + len(doc[last]), captures)
        out.append(h)
    return out


def _referenced(signal: SignalSpec) -> tuple[str, ...]:
    return (*signal.voided_by, *signal.cleared_by, *(signal.unless.signals if signal.unless else ()))


def _scope_bounds(doc: Doc, hit: Hit, scope: str) -> tuple[int, int]:
    if scope == "document":
        return 0, doc[-1].idx + len(doc[-1].text_with_ws)  # len(doc.text) without joining every token
    sent = sentence_of(doc, hit.start)
    return sent.start_char, sent.end_char


def _blocked(doc: Doc, hit: Hit, blockers: list[Hit], signal_names: tuple[str, ...],
             signals: dict[str, list[Hit]], scope: str, signal_prefix: str = SIGNAL) -> bool:
    lo, hi = _scope_bounds(doc, hit, scope)
    if any(lo <= b.start_char and b.end_char <= hi for b in blockers):
        return True
    for name in signal_names:
        if any(lo <= s.start_char and s.end_char <= hi for s in signals.get(signal_prefix + name, [])):
            return True
    return False


def _voided(doc: Doc, hit: Hit, voiders: list[Hit]) -> bool:
    """A signal is undone by a voiding one later in its sentence or opening the next one."""
    sent = sentence_of(doc, hit.start)
    for v in voiders:
        if v.start_char < hit.end_char:
            continue
        if v.end_char <= sent.end_char:
            return True
        next_sent = sentence_of(doc, sent.end) if sent.end < len(doc) else None
        if next_sent is not None and v.start - next_sent.start <= 1 and v.start >= next_sent.start:
            return True
    return False


def _longest_first(hits: list[Hit]) -> list[Hit]:
    """Drop hits contained in a longer hit; order by position."""
    kept: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (h.start_char, -(h.end_char - h.start_char))):
        if kept and hit.start_char < kept[-1].end_char:
            continue
        kept.append(hit)
    return kept


def _deduplicate(findings: list[Finding]) -> list[Finding]:
    """One finding per category per span: the most severe (then the longest) wins overlaps."""
    ranked = sorted(findings, key=lambda f: (-SEVERITY_RANK[f.severity], -(f.end - f.start), f.rule))
    kept: list[Finding] = []
    for finding in ranked:
        clash = any(
            k.category == finding.category and k.scope == finding.scope == "span"
            and finding.start < k.end and k.start < finding.end
            for k in kept
        )
        if not clash:
            kept.append(finding)
    return sorted(kept, key=lambda f: (f.start, f.end, f.rule))
