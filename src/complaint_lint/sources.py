"""Files the command line checks: drafts (.txt, .md, .html, .eml) and canned-response exports."""

from __future__ import annotations

import email
import email.policy
import fnmatch
import glob
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .engine import Locator
from .errors import ComplaintLintError
from .exports import READERS, Field
from .views import Format

DRAFT_FORMATS: dict[str, Format] = {
    ".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html",
}
SUFFIXES = frozenset({*DRAFT_FORMATS, ".eml", *READERS})
BOM = "\ufeff"


@dataclass(frozen=True)
class Draft:
    """One reply to lint: a whole file, an email body or one canned response of an export."""

    text: str
    format: Format
    name: str | None = None
    """The response's id or title inside an export."""
    field: Field | None = None
    """Where the text sits in an export file (None: the text is the whole file)."""
    customer_message: str | None = None
    ignore: tuple[str, ...] = ()
    writable: bool = True


@dataclass
class SourceFile:
    """A file read for checking: its decoded text and the drafts in it."""

    path: Path | None
    raw: str
    bom: bool
    newline: str
    drafts: list[Draft] = field(default_factory=list)
    kind: str = "draft"

    @property
    def display(self) -> str:
        """The path as shown in output ('-' for standard input)."""
        return "-" if self.path is None else str(self.path)

    def position(self, draft: Draft, offset: int) -> tuple[int, int]:
        """1-based line and column in the file of an offset into a draft's text."""
        if draft.field is not None:
            offsets = draft.field.offsets
            return Locator(self.raw).line_column(offsets[min(offset, len(offsets) - 1)])
        line, column = Locator(draft.text).line_column(offset)
        if self.kind != "export":
            return line, column
        # A response we could not locate exactly: anchor at where its first line appears.
        first = draft.text.lstrip().split("\n", 1)[0][:60]
        base = self.raw.find(first) if first else -1
        if base < 0:
            return line, column
        base_line, base_column = Locator(self.raw).line_column(base - (len(draft.text) - len(draft.text.lstrip())))
        return base_line + line - 1, base_column + column - 1 if line == 1 else column


def expand(paths: list[str], exclude: tuple[str, ...] = ()) -> list[Path | None]:
    """Files named, found in folders (recursively) or matched by globs; None stands for stdin."""
    found: list[Path | None] = []
    for raw in paths:
        if raw == "-":
            found.append(None)
            continue
        path = Path(raw)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
                            and not _excluded(p, path, exclude))
        elif any(c in raw for c in "*?[") and not path.exists():
            found += sorted(Path(p) for p in glob.glob(raw, recursive=True) if Path(p).is_file())
        else:
            found.append(path)
    return found


def _excluded(path: Path, root: Path, patterns: tuple[str, ...]) -> bool:
    relative = path.relative_to(root).as_posix()
    return any(fnmatch.fnmatch(relative, p) or fnmatch.fnmatch(path.as_posix(), p)
               or any(fnmatch.fnmatch(part, p) for part in path.relative_to(root).parts) for p in patterns)


def read_bytes(path: Path | None) -> bytes:
    """The file's bytes (stdin for None); errors are one line naming the file."""
    if path is None:
        return sys.stdin.buffer.read()
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ComplaintLintError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ComplaintLintError(f"{path}: is a folder") from None
    except OSError as exc:
        raise ComplaintLintError(f"{path}: cannot read ({exc.strerror})") from None


def decode(data: bytes, name: str) -> tuple[str, bool]:
    """UTF-8 text (BOM removed) and whether there was a BOM; binary and invalid UTF-8 are errors."""
    if b"\x00" in data[:8192]:
        raise ComplaintLintError(f"{name}: looks like a binary file, not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ComplaintLintError(f"{name}:{line}: not valid UTF-8 (byte {exc.start})") from None
    return (text[1:], True) if text.startswith(BOM) else (text, False)


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def read_source(path: Path | None, *, text_column: str | None = None, stdin_format: Format = "text") -> SourceFile:
    """Read and split one file into drafts."""
    data = read_bytes(path)
    name = "-" if path is None else str(path)
    suffix = "" if path is None else path.suffix.lower()
    if suffix == ".eml":
        return _read_eml(path, data)
    raw, bom = decode(data, name)
    source = SourceFile(path, raw, bom, _newline(raw))
    if suffix in READERS:
        source.kind = "export"
        for response in READERS[suffix](raw, name, text_column):
            source.drafts.append(Draft(response.text, "html" if response.html else "text", response.name,
                                       response.field, response.customer_message, response.ignore,
                                       writable=response.field is not None))
        return source
    fmt = DRAFT_FORMATS.get(suffix, stdin_format if path is None else "text")
    source.drafts.append(Draft(raw, fmt))
    return source


def _read_eml(path: Path | None, data: bytes) -> SourceFile:
    name = "-" if path is None else str(path)
    message = email.message_from_bytes(data, policy=email.policy.default)
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        raise ComplaintLintError(f"{name}: no text/plain or text/html part in this email")
    try:
        text = part.get_content()
    except (LookupError, UnicodeError) as exc:
        raise ComplaintLintError(f"{name}: cannot decode the email body ({exc})") from None
    fmt: Format = "html" if part.get_content_type() == "text/html" else "text"
    source = SourceFile(path, text, False, _newline(text), kind="eml")
    source.drafts.append(Draft(text, fmt, writable=False))
    return source
