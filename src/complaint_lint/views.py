"""What the linter parses for each input format, and where its characters came from.

Plain text and Markdown are parsed as written (code, URLs and link targets are marked as
not prose). HTML is parsed as its text content, with a map from every character back to
the original markup, so findings and edits still index the string the caller passed.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Literal

import regex

Format = Literal["text", "markdown", "html"]
FORMATS: tuple[str, ...] = ("text", "markdown", "html")

# Inline suppression: an HTML comment (HTML, Markdown, any export field) or, in plain text and
# Markdown, a line of its own starting with '#'. Neither is sent to the customer.
DIRECTIVE_COMMENT = regex.compile(
    r"<!--[ \t]*complaint-lint:[ \t]*(?P<kind>disable-next-line|disable)[ \t]*=[ \t]*(?P<selectors>[^>]*?)[ \t]*-->"
    r"(?P<eol>[ \t]*(?:\r\n|\r|\n))?"
)
DIRECTIVE_LINE = regex.compile(
    r"^[ \t]*\#[ \t]*complaint-lint:[ \t]*(?P<kind>disable-next-line|disable)[ \t]*=[ \t]*(?P<selectors>[^\r\n]*?)"
    r"[ \t]*(?P<eol>\r\n|\r|\n|$)",
    regex.MULTILINE,
)
URL = regex.compile(r"\b(?:https?://|www\.)[^\s<>\"')\]]+|\b[\w.+-]+@[\w-]+\.[\w.-]+")
MARKDOWN_CODE = regex.compile(
    r"^[ \t]*(```|~~~)[^\n]*\n.*?(?:^[ \t]*\1[ \t]*$|\Z)|`[^`\n]+`", regex.MULTILINE | regex.DOTALL
)
MARKDOWN_LINK_TARGET = regex.compile(r"\]\([^)\n]*\)|^[ \t]*\[[^\]\n]+\]:[^\n]*$|<(?:https?://|mailto:)[^>\n]*>",
                                     regex.MULTILINE)
# The small English pipeline was trained on straight apostrophes: "That’s" gets neither the
# lemma "be" nor the right tag. The parsed copy swaps them one for one, so offsets do not move.
APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'", "\uff07": "'"})
HTML_COMMENT = regex.compile(r"<!--.*?-->", regex.DOTALL)
HTML_TAG = regex.compile(r"</?[A-Za-z][^>\n]*>")
REFERENCE = regex.compile(r"&#?\w+;?")

BLOCK_TAGS = frozenset({
    "p", "div", "br", "li", "ul", "ol", "tr", "td", "th", "table", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "hr", "section", "article", "header", "footer", "address",
})
SKIPPED_TAGS = frozenset({"script", "style", "head", "title", "template"})
QUOTE_CLASSES = ("gmail_quote", "moz-cite-prefix", "yahoo_quoted", "OutlookMessageHeader")


@dataclass(frozen=True)
class Directive:
    """An inline suppression comment, located in the original string."""

    kind: Literal["disable", "disable-next-line"]
    selectors: tuple[str, ...]
    start: int
    end: int


@dataclass(frozen=True)
class View:
    """The text to parse, its map back to the original, and regions that are never flagged."""

    original: str
    text: str
    starts: tuple[int, ...] | None = None
    """Original offset where each parsed character's source begins (None: the same string)."""
    ends: tuple[int, ...] | None = None
    """Original offset where each parsed character's source ends."""
    quotes: tuple[tuple[int, int], ...] = ()
    """Quoted earlier mail, in parsed coordinates."""
    excluded: tuple[tuple[int, int], ...] = ()
    """Code, URLs, markup: never flagged, in parsed coordinates."""
    directives: tuple[Directive, ...] = ()
    """Inline suppressions found in the original."""

    @property
    def identity(self) -> bool:
        """True when parsed offsets are original offsets."""
        return self.starts is None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a parsed span to the original string."""
        if self.starts is None or self.ends is None:
            return start, end
        if start >= end:
            point = self.point(start)
            return point, point
        return self.starts[start], self.ends[end - 1]

    def point(self, offset: int) -> int:
        """Map a parsed insertion point to the original string."""
        if self.starts is None or self.ends is None:
            return offset
        if offset < len(self.starts):
            return self.starts[offset]
        return self.ends[-1] if self.ends else 0


def find_directives(text: str, fmt: Format) -> list[tuple[Directive, tuple[int, int]]]:
    """Inline suppressions, each with the span to cut from the parsed text (its line break included)."""
    patterns = [DIRECTIVE_COMMENT] + ([DIRECTIVE_LINE] if fmt in ("text", "markdown") else [])
    found = []
    for pattern in patterns:
        for m in pattern.finditer(text):
            selectors = tuple(s.strip() for s in regex.split(r"[,\s]+", m.group("selectors")) if s.strip())
            directive = Directive(m.group("kind"), selectors, m.start(), m.start("eol") if m.group("eol") else m.end())
            line_start = text.rfind("\n", 0, m.start()) + 1
            alone = not text[line_start:m.start()].strip()
            found.append((directive, (line_start if alone else m.start(), m.end() if alone else directive.end)))
    return sorted(found, key=lambda item: item[0].start)


def _cut(text: str, spans: list[tuple[int, int]]) -> tuple[str, tuple[int, ...], tuple[int, ...]]:
    """Text without the spans, with each kept character's original offset."""
    keep = [True] * len(text)
    for start, end in spans:
        keep[start:end] = [False] * (end - start)
    offsets = tuple(i for i, kept in enumerate(keep) if kept)
    return "".join(text[i] for i in offsets), offsets, tuple(i + 1 for i in offsets)


def prepare(text: str, fmt: Format = "text") -> View:
    """The View of a reply in one of the supported formats."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if fmt == "html":
        view = html_view(text)
        directives = tuple(d for d, _ in find_directives(text, fmt))
        return View(view.original, view.text, view.starts, view.ends, view.quotes, view.excluded, directives)
    found = find_directives(text, fmt)
    parsed, starts, ends = (text, None, None)
    if found:
        parsed, starts, ends = _cut(text, [span for _, span in found])
    excluded = [m.span() for m in URL.finditer(parsed)]
    if fmt == "markdown":
        excluded += [m.span() for pattern in (MARKDOWN_CODE, MARKDOWN_LINK_TARGET, HTML_COMMENT, HTML_TAG)
                     for m in pattern.finditer(parsed)]
    return View(text, parsed.translate(APOSTROPHES), starts, ends, excluded=tuple(sorted(excluded)),
                directives=tuple(d for d, _ in found))


class _TextExtractor(HTMLParser):
    """Collects text content with the original offset of every character."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0] + [m.end() for m in regex.finditer(r"\r\n|\r|\n", source)]
        self.chars: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.skip_depth = 0
        self.quote_stack: list[tuple[str, int]] = []
        self.quotes: list[tuple[int, int]] = []
        self.excluded: list[tuple[int, int]] = []
        self.depth_by_tag: dict[str, int] = {}

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def _emit(self, text: str, start: int, end: int, *, identity: bool) -> None:
        for i, char in enumerate(text):
            self.chars.append(char)
            self.starts.append(start + i if identity else start)
            self.ends.append(start + i + 1 if identity else end)

    def _break(self) -> None:
        start = self._offset()
        end = self.source.find(">", start) + 1 or len(self.source)
        if self.chars and self.chars[-1] != "\n":
            self._emit("\n", start, end, identity=False)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED_TAGS:
            self.skip_depth += 1
        if tag in BLOCK_TAGS:
            self._break()
        classes = " ".join(v or "" for k, v in attrs if k in ("class", "id"))
        if tag == "blockquote" or any(c in classes for c in QUOTE_CLASSES):
            self.quote_stack.append((tag, len(self.chars)))
        self.depth_by_tag[tag] = self.depth_by_tag.get(tag, 0) + 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCK_TAGS:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED_TAGS and self.skip_depth:
            self.skip_depth -= 1
        if tag in BLOCK_TAGS:
            self._break()
        if self.quote_stack and self.quote_stack[-1][0] == tag:
            _, start = self.quote_stack.pop()
            if not self.quote_stack:
                self.quotes.append((start, len(self.chars)))

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        self._emit(data, self._offset(), 0, identity=True)

    def _reference(self, raw: str) -> None:
        if self.skip_depth:
            return
        start = self._offset()
        self._emit(html.unescape(raw), start, start + len(raw), identity=False)

    def handle_entityref(self, name: str) -> None:
        self._reference(self._raw_reference())

    def handle_charref(self, name: str) -> None:
        self._reference(self._raw_reference())

    def _raw_reference(self) -> str:
        found = REFERENCE.match(self.source, self._offset())
        return found.group() if found else "&"


def html_view(source: str) -> View:
    """Text content of an HTML reply, mapped back to the markup."""
    parser = _TextExtractor(source)
    parser.feed(source)
    parser.close()
    if parser.quote_stack:  # an unclosed quote runs to the end
        parser.quotes.append((parser.quote_stack[0][1], len(parser.chars)))
    text = "".join(parser.chars).translate(APOSTROPHES)
    excluded = tuple(m.span() for m in URL.finditer(text))
    return View(source, text, tuple(parser.starts), tuple(parser.ends), tuple(parser.quotes), excluded)
