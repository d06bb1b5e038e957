"""Signals undone by what follows them ("I'm sorry, but ...", "I understand; however ...")."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..matching import Hit

if TYPE_CHECKING:
    from ..engine import Context
    from ..rules import RuleSpec


def undone_signal(ctx: Context, rule: RuleSpec) -> Iterator[Hit]:
    """Flag each `signal` hit undone by a following `voided_by` signal, through the undoing word.

    The hit runs from the signal to the end of the word that undoes it ("sorry, but"), so the
    fix can replace both; `signal` is captured for templates.
    """
    name = rule.options.get("signal", "")
    spec = ctx.signals_spec.get(name)
    if spec is None:
        return
    surviving = ctx.signals.get(name, [])
    voiders = sorted((v for other in spec.voided_by for v in ctx.raw_signal(other)), key=lambda v: v.start_char)
    for hit in ctx.raw_signal(name):
        if any(s.start_char < hit.end_char and hit.start_char < s.end_char for s in surviving):
            continue  # it stands, or a longer hit over the same words does
        after = next((v for v in voiders if v.start_char >= hit.end_char), None)
        if after is None or ctx.sentence(after).start > ctx.sentence(hit).end:
            continue
        captures = {"signal": (hit.start_char, hit.end_char)}
        yield Hit(hit.start, after.end, hit.start_char, after.end_char, captures)
