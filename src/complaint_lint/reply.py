"""The reply as regions: greeting, body, sign-off, quoted mail and placeholders.

Regions are character spans of the original string; the text itself is never changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from .rules import LayoutSpec

# Template placeholders of the common helpdesks: Liquid/Handlebars, Python format,
# bracketed names and %NAME% macros.
PLACEHOLDER = regex.compile(
    r"\{\{.*?\}\}|\{%.*?%\}|\{[A-Za-z_][\w.]*\}|\[[A-Z][\w .'’-]{0,40}\]|%[A-Z][A-Z0-9_]*%",
    regex.DOTALL,
)
QUOTED_LINE = regex.compile(r"^[ \t]*>.*$", regex.MULTILINE)
LEADING_HANDLES = regex.compile(r"^\s*(?:@\w+[\s,:]*)+")
LINE = regex.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


@dataclass(frozen=True)
class Region:
    """A named character span of the reply."""

    kind: str
    start: int
    end: int

    def contains(self, start: int, end: int) -> bool:
        """True if [start, end) lies inside this region."""
        return self.start <= start and end <= self.end

    def overlaps(self, start: int, end: int) -> bool:
        """True if [start, end) shares a character with this region (or an empty span sits inside)."""
        if start == end:
            return self.start <= start < self.end
        return start < self.end and self.start < end


@dataclass(frozen=True)
class Layout:
    """Where each part of a reply is."""

    body: Region
    greeting: Region | None
    sign_off: Region | None
    quotes: tuple[Region, ...]
    placeholders: tuple[Region, ...]
    excluded: tuple[Region, ...] = ()
    """Code, URLs and markup: not prose."""

    def ignores(self, start: int, end: int) -> bool:
        """True if a span lies outside the body or touches a quote, placeholder or non-prose region."""
        if not self.body.contains(start, end):
            return True
        return any(r.overlaps(start, end) for r in (*self.quotes, *self.placeholders, *self.excluded))

    def quoted_text(self, text: str) -> str:
        """The quoted earlier mail with its `>` markers removed (used as the customer message)."""
        parts = []
        for region in self.quotes:
            block = text[region.start:region.end]
            parts.append("\n".join(line.lstrip(" \t>") for line in block.splitlines()))
        return "\n".join(parts).strip()


@lru_cache(maxsize=8)
def _compiled(spec: LayoutSpec) -> tuple[regex.Pattern, regex.Pattern, regex.Pattern | None, regex.Pattern | None]:
    def alternation(words: tuple[str, ...]) -> str:
        return "|".join(regex.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))

    title = rf"(?:{alternation(spec.titles)})\.?" if spec.titles else r"(?!)"
    name_word = rf"(?:{title}|{PLACEHOLDER.pattern}|[\w'’-]+)"
    # match() anchors these at the position it is given, so no '^'.
    greeting = regex.compile(
        rf"(?:{alternation(spec.greetings)})\b(?:[ \t]+{name_word}){{0,4}}?[ \t]*(?:[,!:.—–-]|(?=\r?\n)|$)",
        regex.IGNORECASE | regex.DOTALL,
    )
    sign_off = regex.compile(rf"[ \t]*(?:{alternation(spec.sign_offs)})[ \t]*[,.!]*[ \t]*$", regex.IGNORECASE)
    mark = None
    if spec.signature_marks:
        mark = regex.compile(rf"(?:^|\s)(?:{'|'.join(spec.signature_marks)})\s*$")
    header = None
    if spec.quote_headers:
        header = regex.compile("|".join(f"(?:{h})" for h in spec.quote_headers), regex.MULTILINE)
    return greeting, sign_off, mark, header


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each line in text[start:end], line breaks excluded."""
    spans = []
    for m in LINE.finditer(text, start, end):
        if m.start() == m.end():
            break
        content_end = m.start() + len(m.group().rstrip("\r\n"))
        spans.append((m.start(), content_end))
    return spans


def _quote_regions(text: str, header: regex.Pattern | None) -> tuple[list[Region], int]:
    """Quoted lines and, after an "On ... wrote:" header, everything that follows."""
    end_of_reply = len(text)
    if header is not None:
        found = header.search(text)
        if found:
            line_start = text.rfind("\n", 0, found.start()) + 1
            end_of_reply = line_start
    quotes = [Region("quote", m.start(), m.end()) for m in QUOTED_LINE.finditer(text, 0, end_of_reply)]
    if end_of_reply < len(text):
        quotes.append(Region("quote", end_of_reply, len(text)))
    return quotes, end_of_reply


def split_reply(text: str, spec: LayoutSpec, *, known_quotes: tuple[tuple[int, int], ...] = (),
                excluded: tuple[tuple[int, int], ...] = ()) -> Layout:
    """Locate the greeting, body, sign-off, quoted mail and placeholders of a reply.

    `known_quotes` and `excluded` add regions a format already knows (HTML blockquotes, code, URLs).
    """
    greeting_re, sign_off_re, mark_re, header_re = _compiled(spec)
    quotes, end_of_reply = _quote_regions(text, header_re)
    quotes = sorted([*quotes, *(Region("quote", s, e) for s, e in known_quotes)], key=lambda r: r.start)
    placeholders = tuple(Region("placeholder", m.start(), m.end()) for m in PLACEHOLDER.finditer(text))
    not_prose = tuple(Region("excluded", s, e) for s, e in excluded)

    # Quoted lines at the end of the reply (a bottom quote) end the body.
    body_end = end_of_reply
    for region in sorted(quotes, key=lambda r: r.start, reverse=True):
        if region.start < len(text[:body_end].rstrip()) <= region.end:
            body_end = region.start
    body_end = len(text[:body_end].rstrip())

    start = 0
    handles = LEADING_HANDLES.match(text, 0, body_end)
    if handles:
        start = handles.end()
    greeting = None
    lead = len(text[start:body_end]) - len(text[start:body_end].lstrip())
    found = greeting_re.match(text, start + lead, body_end)
    if found and found.end() > found.start():
        greeting = Region("greeting", start + lead, found.end())
        start = found.end()
    rest = text[start:body_end]
    body_start = start + len(rest) - len(rest.lstrip())

    sign_off = None
    lines = _lines(text, body_start, body_end)
    for line_start, line_end in lines[1:]:
        if sign_off_re.match(text, line_start, line_end):
            sign_off = Region("sign-off", line_start, body_end)
            body_end = len(text[:line_start].rstrip())
            break
    if sign_off is None and mark_re is not None:
        mark = mark_re.search(text, body_start, body_end)
        if mark and mark.start() > body_start:
            sign_off = Region("sign-off", mark.start(), body_end)
            body_end = len(text[:mark.start()].rstrip())
    body_end = max(body_end, body_start)
    return Layout(Region("body", body_start, body_end), greeting, sign_off, tuple(quotes), placeholders, not_prose)
