"""The role headers of the API test modules that share one app per module (a module-scoped ``keys`` fixture).

Such a module defines ``keys`` (role -> headers with a key of that role on its app); ``viewer`` and ``engineer``
pick from it.
"""

from __future__ import annotations

import pytest

Headers = dict[str, str]


@pytest.fixture
def viewer(keys: dict[str, Headers]) -> Headers:
    return keys["viewer"]


@pytest.fixture
def engineer(keys: dict[str, Headers]) -> Headers:
    return keys["engineer"]
