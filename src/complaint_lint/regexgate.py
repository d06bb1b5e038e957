"""Literal strings a regex cannot match without, so most rule regexes never run on a reply.

A rule regex like `\\bfor\\s+the\\s+(?:second|third)\\s+time` can only match a text that
contains "for" and one of "second" / "third". Reading that off the pattern and checking it
with a plain substring test costs far less than running the regex, and the answer is the
same: the test only skips texts the regex cannot match.
"""

from __future__ import annotations

try:  # the standard library's regex parser: private, so any surprise means "no gate"
    from re import _constants as sre
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - a Python without it simply gates nothing
    sre = sre_parse = None

# Shorter needles ("a", "we") are in nearly every reply and would not save a run.
MIN_NEEDLE = 3
Needles = frozenset[str]


def needles(expression: str) -> tuple[str, ...] | None:
    """Case-folded strings of which every match contains at least one, or None when unknown."""
    sets = needle_sets(expression)
    return sets[0] if sets else None


def needle_sets(expression: str) -> tuple[tuple[str, ...], ...] | None:
    """Every set of case-folded strings a match must contain one of, most selective first.

    "the|our|your" is in most replies; "website|terms|policy" later in the same pattern is
    not: requiring one of each skips far more texts than the best set alone.
    """
    if sre_parse is None:
        return None
    try:
        tree = sre_parse.parse(expression)
    except Exception:  # the `regex` module accepts syntax `re` does not: no gate, same results
        return None
    found = [c for c in _candidates(list(tree)) if min(len(n) for n in c) >= MIN_NEEDLE]
    if not found:
        return None
    return tuple(tuple(sorted(c)) for c in sorted(set(found), key=_selectivity, reverse=True))


def _selectivity(candidate: Needles) -> tuple[int, int, tuple[str, ...]]:
    # The best gate is the one whose shortest alternative is longest, then with fewest alternatives.
    return min(len(n) for n in candidate), -len(candidate), tuple(sorted(candidate))


def _required(items: list) -> Needles | None:
    """The most selective set of alternatives that some part of a sequence requires."""
    candidates = _candidates(items)
    return max(candidates, key=_selectivity) if candidates else None


def _candidates(items: list) -> list[Needles]:
    """The sets of alternatives that the parts of a sequence require, one set per part."""
    candidates: list[Needles] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            candidates.append(frozenset({"".join(run).casefold()}))
            run.clear()

    for op, value in items:
        if op is sre.LITERAL:
            run.append(chr(value))
            continue
        flush()
        needed = _required_of(op, value)
        if needed:
            candidates.append(needed)
    flush()
    return candidates


def _required_of(op, value) -> Needles | None:
    if op is sre.SUBPATTERN:
        return _required(list(value[-1]))
    if op is sre.ATOMIC_GROUP:
        return _required(list(value))
    if op is sre.BRANCH:
        alternatives = [_required(list(branch)) for branch in value[1]]
        if any(a is None for a in alternatives):
            return None
        return frozenset().union(*alternatives)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, _, item = value
        return _required(list(item)) if low >= 1 else None
    if op is sre.ASSERT:  # a positive lookaround must match too
        return _required(list(value[1]))
    return None
