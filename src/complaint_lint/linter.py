"""The public entry points: `Linter` and `lint`."""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import islice

from spacy.language import Language
from spacy.tokens import Doc

from .config import Config
from .engine import ROUTINE, Engine, Locator
from .errors import ConfigError, InputTooLargeError
from .fastparse import FastParser
from .models import ComplaintSource, Edit, Finding, Report, Suppression, verdict_for
from .nlp import load_pipeline, pipeline_label
from .reply import Layout, split_reply
from .rules import RuleSet, RuleSpec, load_rules
from .version import __version__
from .views import APOSTROPHES, Format, View, prepare

Item = str | tuple[str, str | None]


def _matches(rule: RuleSpec, selectors: tuple[str, ...]) -> bool:
    return any(rule.id.startswith(s) or rule.category == s for s in selectors)


def select_rules(ruleset: RuleSet, config: Config) -> tuple[RuleSpec, ...]:
    """The rules the config turns on; an unknown selector is a ConfigError."""
    for key in ("select", "extend_select", "ignore", "severity"):
        for selector in getattr(config, key):
            if not any(_matches(r, (selector,)) for r in ruleset.rules):
                raise ConfigError(f"unknown rule or category '{selector}' in {key.replace('_', '-')}")
    chosen = []
    for rule in ruleset.rules:
        on = _matches(rule, config.select) if config.select else rule.default
        on = on or _matches(rule, config.extend_select)
        if rule.apology_style and rule.apology_style != config.apology_style:
            on = False
        if on and not _matches(rule, config.ignore):
            chosen.append(rule)
    return tuple(chosen)


def _check_text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    return value


class Linter:
    """Lints replies with one loaded pipeline and one compiled rule set; reuse it.

    `staged=False` runs every pattern on every reply instead of only those whose trigger words
    occur: slower, same findings; it is the reference the staging tests compare against.
    """

    def __init__(self, config: Config | None = None, nlp: Language | None = None, *,
                 ruleset: RuleSet | None = None, staged: bool = True) -> None:
        self.config = config or Config()
        self.nlp = nlp if nlp is not None else load_pipeline(self.config.pipeline)
        self.ruleset = ruleset if ruleset is not None else load_rules(self.config.packs)
        self.rules: tuple[RuleSpec, ...] = select_rules(self.ruleset, self.config)
        self.engine = Engine(self.ruleset, self.rules, self.nlp, self.config, staged=staged)
        self.pipeline = pipeline_label(self.nlp)
        self.parse = FastParser(self.nlp)
        """Parses like `nlp`, with the same annotations, faster (see `fastparse`)."""

    def lint(self, text: str, *, customer_message: str | None = None,
             complaint: bool | None = None, format: Format = "text") -> Report:
        """Lint one reply (`format`: text, markdown or html); `complaint` overrides detection."""
        view = self._view(text, customer_message, format)
        reply_doc = self.parse(view.text) if view.text.strip() else None
        ctext = None if complaint is not None else self._customer_text(view, customer_message)
        customer_doc = self.parse(ctext) if ctext else None
        return self._report(view, reply_doc, customer_doc, complaint)

    def lint_many(self, items: Iterable[Item], *, batch_size: int = 64, n_process: int = 1,
                  format: Format = "text") -> Iterator[Report]:
        """Lint many replies (strings or (reply, customer_message) pairs), streaming through nlp.pipe."""
        iterator = iter(items)
        while chunk := list(islice(iterator, batch_size * max(n_process, 1))):
            pairs = [(item, None) if isinstance(item, str) else tuple(item) for item in chunk]
            views = [self._view(reply, customer, format) for reply, customer in pairs]
            customers = [self._customer_text(view, customer) for view, (_, customer) in zip(views, pairs, strict=True)]
            reply_docs = self.parse.pipe((v.text for v in views), batch_size=batch_size, n_process=n_process)
            customer_docs = iter(self.parse.pipe((c for c in customers if c), batch_size=batch_size,
                                               n_process=n_process))
            for view, doc, ctext in zip(views, reply_docs, customers, strict=True):
                cdoc = next(customer_docs) if ctext else None
                yield self._report(view, doc if view.text.strip() else None, cdoc, None)

    def signals(self, text: str) -> dict[str, list[str]]:
        """The signals found in a reply (or, for `applies_to: customer`, in it as a customer message)."""
        view = self._view(text, None, "text")
        doc = self.parse(view.text)
        found = dict(self.engine.reply_signals(doc, self._layout(view)))
        found |= self.engine.customer_signals(doc)
        return {name: [view.text[h.start_char:h.end_char] for h in hits] for name, hits in found.items()}

    # -- helpers -----------------------------------------------------------------------------

    def _view(self, text: object, customer_message: object, fmt: Format) -> View:
        text = _check_text(text, "reply")
        if customer_message is not None:
            _check_text(customer_message, "customer_message")
        if len(text) > self.config.max_chars:
            raise InputTooLargeError(
                f"reply is {len(text):,} characters; the limit (max_chars) is {self.config.max_chars:,}"
            )
        return prepare(text, fmt)

    def _layout(self, view: View) -> Layout:
        return split_reply(view.text, self.ruleset.layout, known_quotes=view.quotes, excluded=view.excluded)

    def _customer_text(self, view: View, customer_message: str | None) -> str | None:
        if customer_message is not None:
            return customer_message.translate(APOSTROPHES)
        if not view.text.strip():
            return None
        return self._layout(view).quoted_text(view.text) or None

    def _decide_complaint(self, customer_doc: Doc | None, complaint: bool | None) -> tuple[bool, ComplaintSource]:
        if complaint is not None:
            return complaint, "given"
        if customer_doc is not None and customer_doc.text.strip():
            found = self.engine.customer_signals(customer_doc)
            return bool(found.get("complaint")), "detected"
        return self.config.assume_complaint, "assumed"

    def _report(self, view: View, doc: Doc | None, customer_doc: Doc | None, complaint: bool | None) -> Report:
        is_complaint, source = self._decide_complaint(customer_doc, complaint)
        findings: tuple[Finding, ...] = ()
        if doc is not None:
            layout = self._layout(view)
            raw = self.engine.patterns.run(doc, view.text)
            signals = self.engine.reply_signals(doc, layout, raw)
            if source == "assumed" and is_complaint and signals.get(ROUTINE):
                # No customer message, and the reply itself is a routine exchange (thanks for an
                # order, a booking confirmed): no complaint is assumed.
                is_complaint, source = False, "inferred"
            found = self.engine.findings(view.text, doc, layout, is_complaint, raw=raw, signals=signals)
            if not view.identity:
                findings = tuple(map_to_original(found, view))
            elif view.text != view.original:  # same offsets, some characters normalised for parsing
                findings = tuple(f.model_copy(update={"text": view.original[f.start:f.end]}) for f in found)
            else:
                findings = tuple(found)
        findings, suppressions = apply_suppressions(view, findings)
        return Report(findings=findings, complaint=is_complaint, complaint_source=source,
                      verdict=verdict_for(findings), version=__version__, pipeline=self.pipeline,
                      suppressions=suppressions)


@lru_cache(maxsize=8)
def _cached_linter(config_json: str) -> Linter:
    return Linter(Config.model_validate_json(config_json))


def lint(text: str, *, customer_message: str | None = None, config: Config | None = None,
         complaint: bool | None = None, format: Format = "text") -> Report:
    """Lint one reply with a cached default Linter (one per distinct config)."""
    key = (config or Config()).model_dump_json()
    return _cached_linter(key).lint(text, customer_message=customer_message, complaint=complaint, format=format)


def matches_selector(finding: Finding, selectors: Iterable[str]) -> bool:
    """True if a finding's rule id starts with, or its category equals, any selector."""
    return any(finding.rule.startswith(s) or finding.category == s for s in selectors)


def apply_suppressions(view: View, findings: tuple[Finding, ...]
                       ) -> tuple[tuple[Finding, ...], tuple[Suppression, ...]]:
    """Drop findings silenced by inline comments; count what each comment silenced."""
    if not view.directives:
        return findings, ()
    locate = Locator(view.original)
    targets = []
    for d in view.directives:
        if d.kind == "disable":
            targets.append(None)
            continue
        rest = view.original[d.end:]
        skipped = len(rest) - len(rest.lstrip())
        targets.append(locate.line_column(min(d.end + skipped, len(view.original)))[0])
    used = [0] * len(view.directives)
    kept = []
    for f in findings:
        silenced = False
        for i, (d, line) in enumerate(zip(view.directives, targets, strict=True)):
            if (line is None or f.line == line) and matches_selector(f, d.selectors):
                used[i] += 1
                silenced = True
        if not silenced:
            kept.append(f)
    suppressions = tuple(
        Suppression(kind=d.kind, selectors=d.selectors, start=d.start, line=locate.line_column(d.start)[0], used=n)
        for d, n in zip(view.directives, used, strict=True)
    )
    return tuple(kept), suppressions


def map_to_original(findings: Iterable[Finding], view: View) -> Iterator[Finding]:
    """Findings located in a derived view (HTML text), moved onto the original markup."""
    locate = Locator(view.original)
    for f in findings:
        start, end = view.span(f.start, f.end)
        line, column = locate.line_column(start)
        fix = f.fix
        if fix is not None:
            edits = []
            for e in fix.edits:
                s, t = view.span(e.start, e.end) if e.end > e.start else (view.point(e.start),) * 2
                edits.append(Edit(start=s, end=t, replacement=html.escape(e.replacement, quote=False)))
            fix = fix.model_copy(update={"edits": tuple(edits)})
        yield f.model_copy(update={"start": start, "end": end, "line": line, "column": column,
                                   "text": view.original[start:end], "fix": fix})
