"""Parse-aware checks that data cannot express, looked up by name from rule files.

Core checkers are listed here; third-party packs register theirs in the catalogue
registry `checkers` (entry point group `complaint_lint_checkers`).
"""

from __future__ import annotations

from collections.abc import Callable

import catalogue

from ..errors import RulePackError
from .context import guarded_by_context
from .contrast import undone_signal
from .learned import learned_cue
from .undone_lead import undone_signal_lead

checkers = catalogue.create("complaint_lint", "checkers", entry_points=True)

CORE_CHECKERS: dict[str, Callable] = {
    "undone-signal": undone_signal,
    "undone-signal-lead": undone_signal_lead,
    "guarded-by-context": guarded_by_context,
    "learned-cue": learned_cue,
}


def resolve_checker(name: str | None, source: str) -> Callable:
    """The checker function for a rule's `checker` name."""
    if name in CORE_CHECKERS:
        return CORE_CHECKERS[name]
    try:
        return checkers.get(name)
    except catalogue.RegistryError as exc:
        known = ", ".join(sorted(CORE_CHECKERS) + sorted(checkers.get_all()))
        raise RulePackError(f"{source}: key 'checker': unknown checker '{name}' (known: {known})") from exc
