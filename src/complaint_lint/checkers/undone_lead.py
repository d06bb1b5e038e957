"""Signals undone by what follows them, with the words before the turn captured for the fix."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..matching import Hit
from .contrast import undone_signal

if TYPE_CHECKING:
    from ..engine import Context
    from ..rules import RuleSpec

TRIM = " \t\r\n,.;:!-\u2013\u2014"


def undone_signal_lead(ctx: Context, rule: RuleSpec) -> Iterator[Hit]:
    """Like `undone-signal`, plus a `lead` capture: everything from the signal up to the undoing word.

    "I can see why you're upset. However, ..." gives the hit "see why you're upset. However,"
    with `lead` = "see why you're upset", so a fix such as "{lead}, and" keeps the
    acknowledgement whole and drops only the turn. Options are those of `undone-signal`.
    """
    spec = ctx.signals_spec.get(rule.options.get("signal", ""))
    if spec is None:
        return
    voiders = [v for other in spec.voided_by for v in ctx.raw_signal(other)]
    for hit in undone_signal(ctx, rule):
        turn = next((v for v in voiders if v.end_char == hit.end_char), None)
        if turn is None:
            yield hit
            continue
        lead_end = hit.start_char + len(ctx.text[hit.start_char:turn.start_char].rstrip(TRIM))
        captures = dict(hit.captures)
        if lead_end > hit.start_char:
            captures["lead"] = (hit.start_char, lead_end)
        yield Hit(hit.start, hit.end, hit.start_char, hit.end_char, captures)
