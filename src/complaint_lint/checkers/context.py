"""Pattern matches that the sentences just before them can cancel ("Can you DM us? We'll take a look")."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from spacy.matcher import Matcher

from ..matching import Hit

if TYPE_CHECKING:
    from ..engine import Context
    from ..rules import RuleSpec

_MATCHERS: dict[tuple[str, int], Matcher] = {}


def _context_matcher(ctx: Context, rule: RuleSpec, patterns: list) -> Matcher:
    key = (rule.id, id(ctx.doc.vocab))
    if key not in _MATCHERS:
        matcher = Matcher(ctx.doc.vocab, validate=True)
        for i, pattern in enumerate(patterns):
            matcher.add(f"{rule.id}:before:{i}", [pattern])
        _MATCHERS[key] = matcher
    return _MATCHERS[key]


def guarded_by_context(ctx: Context, rule: RuleSpec) -> Iterator[Hit]:
    """The rule's own pattern hits, filtered like a `match` rule, minus those that follow context.

    Options: `before_tokens` (spaCy token patterns), `window` (how many sentences before the
    hit's sentence to search, default 1; the words before the hit in its own sentence always count)
    and `window_after` (how many after it, default 0). A hit is dropped when a `before_tokens`
    match starts in that window: a promise that answers the agent's own request for details ("Can
    you send us a screenshot? We'll take a look", or "We'll take a look. Can you send us a
    screenshot?") is conditional on the customer and is not judged alone.
    """
    from ..engine import RULE, RULE_UNLESS, _blocked, _longest_first, sentence_starts

    hits = [h for h in ctx.raw.get(RULE + rule.id, []) if not ctx.layout.ignores(h.start_char, h.end_char)]
    if rule.unless:
        blockers = ctx.raw.get(RULE_UNLESS + rule.id, [])
        hits = [h for h in hits if not _blocked(ctx.doc, h, blockers, rule.unless.signals, ctx.signals,
                                                rule.unless.scope, signal_prefix="")]
    if not hits:
        return
    patterns = rule.options.get("before_tokens") or []
    window = int(rule.options.get("window", 1))
    window_after = int(rule.options.get("window_after", 0))
    starts: list[int] = []
    if patterns:
        starts = [start for _, start, _ in _context_matcher(ctx, rule, patterns)(ctx.doc)
                  if not ctx.layout.ignores(ctx.doc[start].idx, ctx.doc[start].idx + 1)]
    sentences = sentence_starts(ctx.doc)
    first_token = {start: i for i, start in enumerate(sentences)}
    for hit in _longest_first(hits):
        sent = ctx.sentence(hit)
        index = first_token.get(sent.start, 0)
        window_start = sentences[max(0, index - window)]
        window_end = sentences[index + 1 + window_after] if index + 1 + window_after < len(sentences) else len(ctx.doc)
        if any(window_start <= s < hit.start or sent.end <= s < window_end for s in starts):
            continue
        yield hit
