"""The public entry points: `Linter` and `lint`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import islice

from spacy.language import Language
from spacy.tokens import Doc

from .config import Config
from .engine import Engine
from .errors import ConfigError, InputTooLargeError
from .models import ComplaintSource, Report, verdict_for
from .nlp import load_pipeline, pipeline_label
from .reply import split_reply
from .rules import RuleSet, RuleSpec, load_rules
from .version import __version__

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
    """Lints replies with one loaded pipeline and one compiled rule set; reuse it."""

    def __init__(self, config: Config | None = None, nlp: Language | None = None, *,
                 ruleset: RuleSet | None = None) -> None:
        self.config = config or Config()
        self.nlp = nlp if nlp is not None else load_pipeline(self.config.pipeline)
        self.ruleset = ruleset if ruleset is not None else load_rules(self.config.packs)
        self.rules: tuple[RuleSpec, ...] = select_rules(self.ruleset, self.config)
        self.engine = Engine(self.ruleset, self.rules, self.nlp, self.config)
        self.pipeline = pipeline_label(self.nlp)

    def lint(self, text: str, *, customer_message: str | None = None,
             complaint: bool | None = None) -> Report:
        """Lint one reply; `complaint` overrides detection from the customer's message."""
        text = self._validate(text, customer_message)
        reply_doc = self.nlp(text) if text.strip() else None
        customer_doc = self._customer_doc(text, customer_message, complaint)
        return self._report(text, reply_doc, customer_doc, customer_message, complaint)

    def lint_many(self, items: Iterable[Item], *, batch_size: int = 64,
                  n_process: int = 1) -> Iterator[Report]:
        """Lint many replies (strings or (reply, customer_message) pairs), streaming through nlp.pipe."""
        iterator = iter(items)
        while chunk := list(islice(iterator, batch_size * max(n_process, 1))):
            pairs = [(item, None) if isinstance(item, str) else tuple(item) for item in chunk]
            pairs = [(self._validate(r, c), c) for r, c in pairs]
            replies = self.nlp.pipe((r for r, _ in pairs), batch_size=batch_size, n_process=n_process)
            customers = [self._customer_text(r, c) for r, c in pairs]
            customer_docs = iter(self.nlp.pipe((c for c in customers if c), batch_size=batch_size,
                                               n_process=n_process))
            for (reply, customer), doc, ctext in zip(pairs, replies, customers, strict=True):
                cdoc = next(customer_docs) if ctext else None
                yield self._report(reply, doc if reply.strip() else None, cdoc, customer, None)

    # -- helpers -----------------------------------------------------------------------------

    def _validate(self, text: object, customer_message: object) -> str:
        text = _check_text(text, "reply")
        if customer_message is not None:
            _check_text(customer_message, "customer_message")
        if len(text) > self.config.max_chars:
            raise InputTooLargeError(
                f"reply is {len(text):,} characters; the limit (max_chars) is {self.config.max_chars:,}"
            )
        return text

    def _customer_text(self, text: str, customer_message: str | None) -> str | None:
        if customer_message is not None:
            return customer_message
        if not text.strip():
            return None
        quoted = split_reply(text, self.ruleset.layout).quoted_text(text)
        return quoted or None

    def _customer_doc(self, text: str, customer_message: str | None, complaint: bool | None) -> Doc | None:
        if complaint is not None:
            return None
        ctext = self._customer_text(text, customer_message)
        return self.nlp(ctext) if ctext else None

    def _decide_complaint(self, customer_doc: Doc | None, complaint: bool | None) -> tuple[bool, ComplaintSource]:
        if complaint is not None:
            return complaint, "given"
        if customer_doc is not None and customer_doc.text.strip():
            found = self.engine.customer_signals(customer_doc)
            return bool(found.get("complaint")), "detected"
        return self.config.assume_complaint, "assumed"

    def _report(self, text: str, doc: Doc | None, customer_doc: Doc | None,
                customer_message: str | None, complaint: bool | None) -> Report:
        is_complaint, source = self._decide_complaint(customer_doc, complaint)
        findings = ()
        if doc is not None:
            layout = split_reply(text, self.ruleset.layout)
            findings = tuple(self.engine.findings(text, doc, layout, is_complaint))
        return Report(findings=findings, complaint=is_complaint, complaint_source=source,
                      verdict=verdict_for(findings), version=__version__, pipeline=self.pipeline)


@lru_cache(maxsize=8)
def _cached_linter(config_json: str) -> Linter:
    return Linter(Config.model_validate_json(config_json))


def lint(text: str, *, customer_message: str | None = None, config: Config | None = None,
         complaint: bool | None = None) -> Report:
    """Lint one reply with a cached default Linter (one per distinct config)."""
    key = (config or Config()).model_dump_json()
    return _cached_linter(key).lint(text, customer_message=customer_message, complaint=complaint)
