"""Rule files parsed once: the parsed YAML is kept as JSON in the user's cache, keyed by file content.

srsly's YAML parser is pure Python and takes seconds over a rule pack; reading the same data
back as JSON takes milliseconds. Likewise a rule regex that compiled once is marked valid, so
later processes can compile it only when a reply needs it. A cache that cannot be read or
written is simply not used.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

import srsly

CACHE_DIR_ENV = "COMPLAINT_LINT_CACHE_DIR"
NO_CACHE_ENV = "COMPLAINT_LINT_NO_CACHE"
# Entries from another parser version may differ: the version is part of every key.
_KEY_PREFIX = f"complaint-lint-yaml-1|srsly-{getattr(srsly, '__version__', '?')}|".encode()


def cache_dir() -> Path | None:
    """Where parsed rule files are kept, or None when caching is turned off."""
    env = os.environ
    return _cache_dir(env.get(NO_CACHE_ENV), env.get(CACHE_DIR_ENV), env.get("XDG_CACHE_HOME"), env.get("HOME"))


@functools.lru_cache(maxsize=16)  # asked once per pattern at load: the answer only changes with the environment
def _cache_dir(off: str | None, chosen: str | None, xdg: str | None, home: str | None) -> Path | None:
    if off:
        return None
    if chosen:
        return Path(chosen)
    base = xdg or Path.home() / ".cache"
    return Path(base) / "complaint-lint" / "rules"


def read_yaml(path: Path) -> Any:
    """The parsed content of a YAML file, from the cache when this exact content was parsed before."""
    raw = path.read_bytes()
    folder = cache_dir()
    entry = folder / f"{hashlib.sha256(_KEY_PREFIX + raw).hexdigest()[:40]}.json" if folder else None
    if entry is not None:
        try:
            return srsly.read_json(entry)
        except (OSError, ValueError):
            pass  # not cached yet, or unreadable: parse the YAML
    data = srsly.yaml_loads(raw.decode("utf-8-sig"))
    if entry is not None:
        _store(entry, data)
    return data


def _store(entry: Path, data: Any) -> None:
    text = srsly.json_dumps(data)
    if srsly.json_loads(text) != data:
        return  # YAML that JSON cannot hold exactly (e.g. non-string keys) is never cached
    tmp = None
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, entry)  # atomic: a concurrent reader sees the old state or the whole entry
    except OSError:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _marker_name(kind: str, key: str) -> str:
    return f"{hashlib.sha256(f'{kind}|{key}'.encode()).hexdigest()[:40]}.ok"


def _marker(kind: str, key: str) -> Path | None:
    folder = cache_dir()
    return folder / _marker_name(kind, key) if folder else None


# The markers in each cache folder, listed once per process: one directory scan instead of a
# file-system call per pattern. A marker another process adds meanwhile is only a re-check.
_MARKERS: dict[Path, set[str]] = {}


def _markers(folder: Path) -> set[str]:
    names = _MARKERS.get(folder)
    if names is None:
        try:
            with os.scandir(folder) as entries:
                names = {entry.name for entry in entries if entry.name.endswith(".ok")}
        except OSError:
            names = set()
        _MARKERS[folder] = names
    return names


def is_known_valid(kind: str, key: str) -> bool:
    """Whether `key` (e.g. a regex with its engine version) was checked valid by an earlier run."""
    folder = cache_dir()
    return folder is not None and _marker_name(kind, key) in _markers(folder)


def remember_valid(kind: str, key: str) -> None:
    """Mark `key` as checked valid (best effort)."""
    marker = _marker(kind, key)
    if marker is None:
        return
    with contextlib.suppress(OSError):
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
        _markers(marker.parent).add(marker.name)
