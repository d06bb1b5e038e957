"""The public result models: what a lint returns. Field docstrings become schema descriptions."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Severity = Literal["error", "warning", "info"]
Applicability = Literal["safe", "suggested"]
ComplaintSource = Literal["given", "detected", "assumed", "inferred"]
Verdict = Literal["pass", "warn", "fail"]

SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class Edit(_Frozen):
    """One text edit: replace `text[start:end]` with `replacement` (an insertion when start == end)."""

    start: int = Field(ge=0)
    """Character offset (Python string index, code points) where the edit starts."""
    end: int = Field(ge=0)
    """Character offset where the edit ends (exclusive)."""
    replacement: str
    """The text that replaces the range."""


class Fix(_Frozen):
    """A suggested rewrite for one finding."""

    description: str
    """What the fix does, in one line."""
    applicability: Applicability
    """`safe` fixes keep the reply's meaning and may be applied unattended;
    `suggested` fixes change wording and need a human to check them."""
    edits: tuple[Edit, ...]
    """The edits, each indexing the original text."""


class Finding(_Frozen):
    """One problem in the reply."""

    rule: str
    """Rule id, `<category>.<slug>`."""
    category: str
    """Finding category (see CATEGORIES.md); part of the public API."""
    severity: Severity
    """How serious the problem is."""
    message: str
    """What is wrong and what to do instead."""
    start: int = Field(ge=0)
    """Start offset in the reply (Python string index, code points)."""
    end: int = Field(ge=0)
    """End offset (exclusive). Equal to `start` for a document-level finding."""
    line: int = Field(ge=1)
    """1-based line of `start` (CRLF, LF and CR each end a line)."""
    column: int = Field(ge=1)
    """1-based column of `start`, counted in code points."""
    text: str
    """The offending text, `reply[start:end]` (empty for a document-level finding)."""
    scope: Literal["span", "document"]
    """`span`: the words that cause the problem; `document`: something the reply lacks,
    located where it should go."""
    fix: Fix | None = None
    """The suggested rewrite."""


class Suppression(_Frozen):
    """An inline suppression in the reply, and how many findings it silenced."""

    kind: Literal["disable", "disable-next-line"]
    """`disable`: the whole reply; `disable-next-line`: the next non-blank line."""
    selectors: tuple[str, ...]
    """Categories or rule-id prefixes it silences."""
    start: int = Field(ge=0)
    """Offset of the comment in the reply."""
    line: int = Field(ge=1)
    """1-based line of the comment."""
    used: int = Field(ge=0)
    """How many findings it silenced (0: an unused suppression)."""


class Report(_Frozen):
    """The result of linting one reply."""

    findings: tuple[Finding, ...]
    """Findings sorted by position, then rule id."""
    complaint: bool
    """Whether the customer's message is treated as a complaint."""
    complaint_source: ComplaintSource
    """How that was decided: `given` by the caller, `detected` from the customer's
    message (or the quoted mail), `assumed` from configuration, or `inferred` (not a
    complaint) from a reply that is itself a routine exchange, when no message is given."""
    verdict: Verdict
    """`fail` if any error, `warn` if any warning, else `pass`."""
    version: str
    """complaint-lint version that made the report."""
    pipeline: str
    """spaCy pipeline name and version used to parse the reply."""
    suppressions: tuple[Suppression, ...] = ()
    """Inline suppression comments found in the reply."""

    @property
    def ok(self) -> bool:
        """True when there are no findings at all."""
        return not self.findings


def verdict_for(findings: tuple[Finding, ...] | list[Finding]) -> Verdict:
    """Summarise findings into a verdict."""
    worst = max((SEVERITY_RANK[f.severity] for f in findings), default=-1)
    return "fail" if worst >= 2 else "warn" if worst == 1 else "pass"
