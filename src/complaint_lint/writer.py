"""Apply fixes to files: only the changed text, byte-faithful, written atomically."""

from __future__ import annotations

import difflib
import os
import tempfile
from pathlib import Path

from .errors import ComplaintLintError
from .exports import READERS, encode_field
from .fixes import apply_fixes
from .models import Report
from .sources import BOM, Draft, SourceFile


def fixed_text(source: SourceFile, results: list[tuple[Draft, Report]], *, unsafe: bool) -> str | None:
    """The file's new text with fixes applied, None if nothing changes; refuses what it cannot write exactly."""
    changes: list[tuple[Draft, str]] = []
    for draft, report in results:
        new = apply_fixes(draft.text, report.findings, unsafe=unsafe)
        if new != draft.text:
            changes.append((draft, new))
    if not changes:
        return None
    where = source.display
    if source.kind == "eml":
        raise ComplaintLintError(f"{where}: fixes are not written into .eml files; use --diff and edit the draft")
    if source.kind == "draft":
        return changes[0][1]
    raw = source.raw
    for draft, new in sorted(changes, key=lambda item: item[0].field.start if item[0].field else -1, reverse=True):
        if draft.field is None:
            name = f" ({draft.name})" if draft.name else ""
            raise ComplaintLintError(f"{where}: cannot rewrite the text of this response{name} byte-faithfully; "
                                     "fix it by hand (see --diff)")
        raw = raw[:draft.field.start] + encode_field(draft.field, new) + raw[draft.field.end:]
    _verify(source, raw, dict((id(d), n) for d, n in changes))
    return raw


def _verify(source: SourceFile, raw: str, changed: dict[int, str]) -> None:
    """Re-read the rewritten export: every response must read back as intended."""
    reader = READERS[source.path.suffix.lower()] if source.path else None
    expected = [changed.get(id(d), d.text) for d in source.drafts]
    try:
        again = [r.text for r in reader(raw, source.display, None)] if reader else None
    except ComplaintLintError:
        again = None
    if again != expected:
        raise ComplaintLintError(f"{source.display}: the fixed export would not read back exactly; "
                                 "nothing was written (fix it by hand, see --diff)")


def unified_diff(source: SourceFile, new: str) -> str:
    """A unified diff of the file's text before and after."""
    name = source.display
    return "".join(difflib.unified_diff(source.raw.splitlines(keepends=True), new.splitlines(keepends=True),
                                        fromfile=f"a/{name}", tofile=f"b/{name}"))


def write_atomic(path: Path, text: str, *, bom: bool) -> None:
    """Write UTF-8 text (BOM kept) through a temporary file in the same folder and os.replace."""
    data = ((BOM if bom else "") + text).encode("utf-8")
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o7777)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        reason = exc.strerror or str(exc)
        raise ComplaintLintError(f"{path}: cannot write the file ({reason}); left unchanged") from None
