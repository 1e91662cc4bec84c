"""The viewer's and the engineer's headers in an API test module that shares one app between its tests.

Such a module defines a module-scoped ``keys`` fixture (role -> headers with a key of that role on its app) and
imports these two fixtures: ``from tests.api.roles import engineer, viewer  # noqa: F401 - fixtures``.
"""

from __future__ import annotations

import pytest

__all__ = ("engineer", "viewer")

Headers = dict[str, str]


@pytest.fixture
def viewer(keys: dict[str, Headers]) -> Headers:
    return keys["viewer"]


@pytest.fixture
def engineer(keys: dict[str, Headers]) -> Headers:
    return keys["engineer"]
