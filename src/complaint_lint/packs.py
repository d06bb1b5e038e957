"""Where the built-in rule pack lives, installed or in a source checkout."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path


@cache  # resolving the package path is a file-system walk; checkers ask on every reply
def core_pack() -> Path:
    """The folder of the core rule pack (the entry point `complaint_lint.packs:core`)."""
    installed = Path(str(files("complaint_lint"))) / "_rules" / "core"
    if installed.is_dir():
        return installed
    # An editable install or a source checkout keeps the data at the repository's top level.
    return Path(__file__).resolve().parents[2] / "rules" / "core"
