"""Shared fixtures: one pipeline and one default Linter for the whole run."""

from __future__ import annotations

import pytest

from complaint_lint import Linter


@pytest.fixture(scope="session")
def linter() -> Linter:
    return Linter()
