"""An example complaint-lint rule pack: data only, advertised through an entry point."""

from importlib.resources import files
from pathlib import Path


def pack_folder() -> Path:
    """The folder holding this pack's rule files."""
    return Path(str(files(__name__) / "pack"))
