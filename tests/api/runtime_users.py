"""Runtime users for the runtime tests: the runtime route, a password, making a user and logging in."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from tests.conftest import Headers, data

if TYPE_CHECKING:
    from litestar.testing import TestClient

__all__ = ("PASSWORD", "RT", "login", "make_user")

RT = "/api/runtime"

PASSWORD = "correct horse battery"


def make_user(client: TestClient[Any], admin: Headers, name: str, roles: list[str],
              password: str = PASSWORD) -> dict[str, Any]:
    return data(client.post(f"{RT}/users", json={"username": name, "password": password, "roles": roles},
                            headers=admin), 201)


def login(client: httpx.Client, name: str, password: str = PASSWORD) -> Headers:
    answer = data(client.post(f"{RT}/auth/login", json={"username": name, "password": password}))
    return {"Authorization": f"Bearer {answer['token']}"}
