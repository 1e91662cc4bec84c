"""What a test expects of an answer or a call, and its way out when a prerequisite is missing: a success
envelope's data, a port refusal's code, a skip (a failure in CI).

Helpers that the root ``conftest.py`` and the modules it reads both use live here, below them all, so that neither
imports the other back (``tests/conftest.py`` offers them too, as every test module has always imported them)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, NoReturn

import pytest

from engineering_api.backend.errors import EngineeringError

__all__ = ("data", "raises_code", "skip_or_fail")


def raises_code(error: type[EngineeringError], code: str, call: Callable[..., object], /, *args: Any,
                **kwargs: Any) -> EngineeringError:
    """``call(*args, **kwargs)`` raises ``error`` with ``code`` (a port refusal); returns it for further checks."""
    __tracebackhide__ = True
    with pytest.raises(error) as info:
        call(*args, **kwargs)
    assert info.value.code == code, info.value
    return info.value


def skip_or_fail(reason: str, suite: str) -> NoReturn:
    """Skip for a missing prerequisite, saying why; with ``CI=true`` fail instead, since CI must run ``suite``."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI must run {suite}; 'make test' installs what it needs as root)")
    pytest.skip(reason)


def data(response: Any, status: int = 200) -> Any:
    """``data`` of a success envelope, after checking status and ``success``."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is True, body
    return body["data"]
