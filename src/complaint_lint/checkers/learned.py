"""Sentences the learned cue model puts in the rule's category, where no rule pattern spoke first."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..cues import CueModel, load_model, sentence_categories
from ..matching import Hit
from ..packs import core_pack

if TYPE_CHECKING:
    from ..engine import Context
    from ..rules import RuleSpec

_RULE_PREFIX = "rule:"


@lru_cache(maxsize=8)  # path handling costs more than the model lookup it leads to
def _model(name: str) -> CueModel:
    path = Path(name)
    return load_model(path if path.is_absolute() else core_pack() / path)


def learned_cue(ctx: Context, rule: RuleSpec) -> Iterator[Hit]:
    """Flag body sentences the model assigns to this rule's category (option `model`: the model file).

    A sentence that any rule pattern matched, even one its `unless` then cleared, is left to the
    rules: they know the exceptions, and one finding per sentence is enough. The model file path is
    relative to the core pack unless absolute.
    """
    name = rule.options.get("model", "models/cues.json")
    model = _model(name)
    spoken = [h for key, hits in ctx.raw.items() if key.startswith(_RULE_PREFIX) for h in hits]
    body = ctx.layout.body
    for sent, category in sentence_categories(ctx.doc, model, name):
        if category != rule.category:
            continue
        words = [t for t in sent if not t.is_space and body.start <= t.idx and t.idx + len(t) <= body.end]
        while words and words[-1].is_punct:
            words.pop()  # the fix may extend the sentence, so the span stops before its full stop
        if not words:
            continue
        start_char, end_char = words[0].idx, words[-1].idx + len(words[-1])
        if ctx.layout.ignores(start_char, end_char):
            continue
        if any(h.start_char < end_char and start_char < h.end_char for h in spoken):
            continue
        yield Hit(words[0].i, words[-1].i + 1, start_char, end_char)
