"""Errors complaint-lint raises; each message is one line a user can act on."""


class ComplaintLintError(Exception):
    """Base class of every error complaint-lint raises on purpose."""


class ConfigError(ComplaintLintError):
    """A configuration file or value is invalid."""


class RulePackError(ComplaintLintError):
    """A rule pack or rule file is invalid."""


class PipelineNotFoundError(ComplaintLintError):
    """No usable spaCy pipeline is installed."""


class InputTooLargeError(ComplaintLintError, ValueError):
    """The reply is longer than `max_chars`."""
