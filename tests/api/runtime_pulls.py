"""The runtime pulls' routes, a setpoint tag and reading it."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from tests.conftest import Headers, data


__all__ = ("PULLS", "RT", "SETPOINT", "TOKEN", "read")

RT = "/api/runtime"

PULLS = f"{RT}/pulls"

TOKEN = "erp-secret-token-1234"

SETPOINT = '"Line_DB".Setpoint'


def read(client: Any, headers: Headers, name: str) -> Any:
    return data(client.get(f"{RT}/tags/{quote(name, safe='')}/value", headers=headers))["value"]
