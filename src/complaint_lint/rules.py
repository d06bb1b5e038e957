"""The rule-pack schema (strict pydantic) and the loader that reads packs into a RuleSet."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from . import yamlcache
from .errors import RulePackError
from .models import Applicability, Severity

PACK_ENTRY_POINT_GROUP = "complaint_lint.packs"
SIGNALS_FOLDER = "signals"
LAYOUT_FILE = "layout.yml"
CATEGORY_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
RULE_ID_PATTERN = r"^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$"

TokenPattern = list[dict[str, Any]]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Patterns(_Strict):
    """Pattern lists shared by rules, signals and exceptions."""

    phrases: tuple[str, ...] = ()
    """Exact phrases, matched case-insensitively on token text (spaCy LOWER)."""
    tokens: tuple[TokenPattern, ...] = ()
    """spaCy Matcher patterns; a token may carry `capture: name` for fix templates."""
    dependencies: tuple[TokenPattern, ...] = ()
    """spaCy DependencyMatcher patterns; a node may carry `capture: name`."""
    regex: tuple[str, ...] = ()
    """Regular expressions (the `regex` module, case-insensitive, run with a timeout)."""

    def has_patterns(self) -> bool:
        """True when any pattern list is non-empty."""
        return bool(self.phrases or self.tokens or self.dependencies or self.regex)


class Unless(Patterns):
    """Suppress a match when these patterns or signals occur near it."""

    signals: tuple[str, ...] = ()
    """Signal names; any of them in scope suppresses the match."""
    scope: Literal["sentence", "document"] = "sentence"
    """Where to look: the match's sentence, or the whole body."""


class FixSpec(_Strict):
    """How to rewrite a finding: replace its span, or insert text somewhere."""

    description: str
    applicability: Applicability = "suggested"
    replace: str | None = None
    """Template replacing the finding's span; may use {match} and captured names."""
    insert: str | None = None
    """Template inserted at `at`."""
    at: Literal["after-greeting", "after-sentence", "before-match", "end-of-body", "before-signal"] | None = None
    signal: str | None = None
    """For `at: before-signal`: the signal (e.g. `remedy`) whose sentence the insertion goes before."""
    fallback: str | None = None
    """For `at: before-signal`: the template inserted after the matched sentence when the reply has
    no such signal at all (it can hold a placeholder for what the reply does not say)."""

    @model_validator(mode="after")
    def _one_action(self) -> FixSpec:
        if (self.replace is None) == (self.insert is None):
            raise ValueError("a fix needs exactly one of 'replace' or 'insert'")
        if self.insert is not None and self.at is None:
            raise ValueError("an 'insert' fix needs 'at'")
        if (self.at == "before-signal") != (self.signal is not None):
            raise ValueError("'at: before-signal' and 'signal' go together")
        if self.fallback is not None and self.at != "before-signal":
            raise ValueError("'fallback' is only for 'at: before-signal'")
        return self


class Examples(_Strict):
    """A rule's own examples: `flag` must be reported, `pass` must not."""

    flag: tuple[str, ...] = Field(min_length=2)
    pass_: tuple[str, ...] = Field(alias="pass", min_length=2)


class RuleSpec(Patterns):
    """One rule, read from `<pack>/<category>/<slug>.yml`."""

    id: str = Field(pattern=RULE_ID_PATTERN)
    category: str = Field(pattern=CATEGORY_PATTERN)
    severity: Severity = "warning"
    kind: Literal["match", "missing", "python"] = "match"
    summary: str
    why: str
    message: str
    fix: FixSpec
    examples: Examples
    unless: Unless | None = None
    requires: tuple[str, ...] = ()
    """`missing` rules: fire only when all of these signals are present."""
    absent: tuple[str, ...] = ()
    """`missing` rules: fire only when none of these signals is present."""
    anchor: str | None = None
    """`missing` rules: point at this signal's first occurrence instead of the body start."""
    complaint_only: bool = False
    """Only when the customer's message is a complaint."""
    apology_style: Literal["own-the-fault", "no-liability"] | None = None
    """Only under this `apology_style` setting."""
    default: bool = True
    """Enabled unless selected otherwise; off-by-default rules need `extend-select`."""
    checker: str | None = None
    """`python` rules: the registered checker's name."""
    options: dict[str, Any] = Field(default_factory=dict)
    """Parameters passed to the checker."""

    @property
    def slug(self) -> str:
        """The part of the id after the category."""
        return self.id.split(".", 1)[1]

    @model_validator(mode="after")
    def _consistent(self) -> RuleSpec:
        if self.id.split(".", 1)[0] != self.category:
            raise ValueError(f"id '{self.id}' must start with its category '{self.category}.'")
        if self.kind == "match" and not self.has_patterns():
            raise ValueError("a 'match' rule needs phrases, tokens, dependencies or regex")
        if self.kind == "python" and not self.checker:
            raise ValueError("a 'python' rule needs 'checker'")
        if self.kind == "missing" and not (self.requires or self.absent):
            raise ValueError("a 'missing' rule needs 'requires' or 'absent'")
        return self


class SignalSpec(Patterns):
    """A named kind of span that checks use (apology, remedy, time...)."""

    id: str = Field(pattern=CATEGORY_PATTERN)
    summary: str
    applies_to: Literal["reply", "customer"] = "reply"
    voided_by: tuple[str, ...] = ()
    """Signals that undo this one when they follow it in the same sentence ("sorry, but")."""
    cleared_by: tuple[str, ...] = ()
    """Signals that undo every earlier hit of this one, anywhere in the text ("... it works now")."""
    unless: Unless | None = None
    examples: Examples


class LayoutSpec(_Strict):
    """Words that locate a reply's greeting, sign-off and quoted mail."""

    greetings: tuple[str, ...]
    titles: tuple[str, ...] = ()
    sign_offs: tuple[str, ...]
    signature_marks: tuple[str, ...] = ()
    quote_headers: tuple[str, ...] = ()
    """Regexes for lines that start a quoted earlier message ("On ... wrote:")."""


@dataclass(frozen=True)
class RuleSet:
    """Every rule and signal from the loaded packs."""

    rules: tuple[RuleSpec, ...]
    signals: dict[str, SignalSpec]
    layout: LayoutSpec
    sources: dict[str, Path] = field(default_factory=dict)

    def rule(self, rule_id: str) -> RuleSpec:
        """The rule with this id; KeyError if none."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    @property
    def categories(self) -> tuple[str, ...]:
        """Categories in load order."""
        return tuple(dict.fromkeys(r.category for r in self.rules))


def _read_yaml(path: Path) -> Any:
    try:
        return yamlcache.read_yaml(path)
    except OSError as exc:
        raise RulePackError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except Exception as exc:  # srsly raises ruamel's many error types
        raise RulePackError(f"{path}: invalid YAML: {str(exc).splitlines()[0]}") from exc


def _validate(model: type[BaseModel], data: Any, path: Path) -> Any:
    if not isinstance(data, dict):
        raise RulePackError(f"{path}: expected a mapping of keys, got {type(data).__name__}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"]) or "(top level)"
        raise RulePackError(f"{path}: key '{key}': {err['msg']}") from exc


def read_rule(path: Path) -> RuleSpec:
    """Read one rule file; its path must match its id."""
    rule = _validate(RuleSpec, _read_yaml(path), path)
    expected = f"{path.parent.name}.{path.stem}"
    if rule.id != expected:
        raise RulePackError(f"{path}: key 'id': '{rule.id}' must match its path ('{expected}')")
    return rule


def read_signal(path: Path) -> SignalSpec:
    """Read one signal file; its file name must match its id."""
    signal = _validate(SignalSpec, _read_yaml(path), path)
    if signal.id != path.stem:
        raise RulePackError(f"{path}: key 'id': '{signal.id}' must match the file name")
    return signal


def pack_folders_from_entry_points() -> list[Path]:
    """Folders advertised under the `complaint_lint.packs` entry point group, core first."""
    found = sorted(entry_points(group=PACK_ENTRY_POINT_GROUP), key=lambda ep: ep.name != "core")
    folders = []
    for ep in found:
        try:
            target = ep.load()
            folders.append(Path(target() if callable(target) else target))
        except Exception as exc:  # a broken third-party pack must name itself
            raise RulePackError(f"rule pack entry point '{ep.name}' ({ep.value}) failed: {exc}") from exc
    return folders


def load_rules(extra_packs: tuple[str | Path, ...] | list[str | Path] = (), *,
               entry_point_packs: bool = True) -> RuleSet:
    """Load the core pack, installed packs and any extra pack folders into one RuleSet."""
    folders = pack_folders_from_entry_points() if entry_point_packs else []
    if not folders:
        from .packs import core_pack

        folders = [core_pack()]
    folders += [Path(p) for p in extra_packs]
    rules: dict[str, RuleSpec] = {}
    signals: dict[str, SignalSpec] = {}
    sources: dict[str, Path] = {}
    layout: LayoutSpec | None = None
    for folder in folders:
        if not folder.is_dir():
            raise RulePackError(f"{folder}: rule pack folder not found")
        for path in sorted(folder.glob("*/*.y*ml")):
            if path.parent.name == SIGNALS_FOLDER:
                signal = read_signal(path)
                signals[signal.id] = signal
                sources[f"signal:{signal.id}"] = path
                continue
            rule = read_rule(path)
            if rule.id in rules:
                raise RulePackError(f"{path}: rule '{rule.id}' is already defined in {sources[rule.id]}")
            rules[rule.id] = rule
            sources[rule.id] = path
        layout_path = folder / LAYOUT_FILE
        if layout_path.is_file():
            layout = _validate(LayoutSpec, _read_yaml(layout_path), layout_path)
    if layout is None:
        raise RulePackError(f"no {LAYOUT_FILE} found in any rule pack ({', '.join(map(str, folders))})")
    _check_references(rules, signals, sources)
    return RuleSet(tuple(rules.values()), signals, layout, sources)


def _check_references(rules: dict[str, RuleSpec], signals: dict[str, SignalSpec],
                      sources: dict[str, Path]) -> None:
    for rule in rules.values():
        names = list(rule.requires) + list(rule.absent) + ([rule.anchor] if rule.anchor else [])
        names += list(rule.unless.signals) if rule.unless else []
        names += [rule.fix.signal] if rule.fix and rule.fix.signal else []
        for name in names:
            if name not in signals:
                raise RulePackError(f"{sources[rule.id]}: unknown signal '{name}'")
    for signal in signals.values():
        names = [*signal.voided_by, *signal.cleared_by, *(signal.unless.signals if signal.unless else ())]
        for name in names:
            if name not in signals:
                raise RulePackError(f"{sources['signal:' + signal.id]}: unknown signal '{name}'")
