"""Shared fixtures: one pipeline and one default Linter for the whole run."""

from __future__ import annotations

import pytest

from complaint_lint import Linter


@pytest.fixture(scope="session")
def linter() -> Linter:
    return Linter()


def pytest_configure(config):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))  # test helpers such as serving.py
    import os
    import tempfile

    # Parsed rule files are cached; keep the suite's cache out of the user's home.
    os.environ.setdefault("COMPLAINT_LINT_CACHE_DIR", tempfile.mkdtemp(prefix="complaint-lint-cache-"))
