"""complaint-lint: check a support agent's draft reply to an unhappy customer before it is sent."""

from .config import Config, discover_config, load_config
from .errors import (
    ComplaintLintError,
    ConfigError,
    InputTooLargeError,
    PipelineNotFoundError,
    RulePackError,
)
from .evaluate import evaluate
from .fixes import apply_fixes
from .linter import Linter, lint
from .models import Edit, Finding, Fix, Report
from .rules import RuleSet, RuleSpec, load_rules
from .version import __version__

__all__ = [
    "ComplaintLintError",
    "Config",
    "ConfigError",
    "Edit",
    "Finding",
    "Fix",
    "InputTooLargeError",
    "Linter",
    "PipelineNotFoundError",
    "Report",
    "RulePackError",
    "RuleSet",
    "RuleSpec",
    "__version__",
    "apply_fixes",
    "discover_config",
    "evaluate",
    "lint",
    "load_config",
    "load_rules",
]
