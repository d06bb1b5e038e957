"""Configuration: a pydantic model, read from pyproject.toml or .complaint-lint.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import ConfigError
from .models import Severity

CONFIG_FILES = (".complaint-lint.toml", "complaint-lint.toml", "pyproject.toml")


def _kebab(name: str) -> str:
    return name.replace("_", "-")


class Config(BaseModel):
    """Linter settings. In TOML, keys may be written kebab-case or snake_case."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        alias_generator=_kebab,
        populate_by_name=True,
        use_attribute_docstrings=True,
    )

    select: tuple[str, ...] = ()
    """Only run rules whose category or id starts with one of these (empty: the default set)."""
    extend_select: tuple[str, ...] = ()
    """Add these to the default set (e.g. rules that are off by default)."""
    ignore: tuple[str, ...] = ()
    """Never run rules whose category or id starts with one of these."""
    severity: dict[str, Severity] = Field(default_factory=dict)
    """Severity overrides, keyed by category or rule id prefix."""
    apology_style: Literal["own-the-fault", "no-liability"] = "own-the-fault"
    """`own-the-fault`: admitting the company's mistake is encouraged. `no-liability`:
    an explicit admission of legal fault is reported (info) with an apology suggested instead."""
    assume_complaint: bool = True
    """Without a customer message, treat the reply as answering a complaint."""
    max_chars: int = Field(default=20_000, gt=0)
    """Longest reply accepted, in characters."""
    pipeline: str | None = None
    """spaCy pipeline to load (package name or path); default: en_core_web_sm, then the bundled copy."""
    packs: tuple[str, ...] = ()
    """Extra rule-pack folders (relative paths resolve against the config file)."""
    exclude: tuple[str, ...] = ()
    """Glob patterns of files the command line skips."""
    per_file_ignores: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    """Glob pattern -> categories or rule ids ignored in matching files."""


def _table_from(path: Path) -> dict | None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config ({exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    if path.name == "pyproject.toml":
        return data.get("tool", {}).get("complaint-lint")
    return data.get("tool", {}).get("complaint-lint", data)


def load_config(path: str | Path) -> Config:
    """Read a config file; raises ConfigError naming the file and the bad key."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: config file not found")
    table = _table_from(path) or {}
    try:
        config = Config.model_validate(table)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"]) or "(top level)"
        raise ConfigError(f"{path}: key '{key}': {err['msg']}") from exc
    base = path.parent
    packs = tuple(str((base / p).resolve()) if not Path(p).is_absolute() else p for p in config.packs)
    return config.model_copy(update={"packs": packs})


def find_config(start: str | Path = ".") -> Path | None:
    """Find the nearest config file from `start` upwards, as ruff does."""
    here = Path(start).resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        for name in CONFIG_FILES:
            candidate = folder / name
            if not candidate.is_file():
                continue
            if name != "pyproject.toml" or _table_from(candidate) is not None:
                return candidate
    return None


def discover_config(start: str | Path = ".") -> Config:
    """The config that applies at `start`, or the defaults."""
    found = find_config(start)
    return load_config(found) if found else Config()
