"""Branches in the source-control tests: a started repository, a clean one and a source."""

from __future__ import annotations

import re
from typing import Any

from litestar.testing import TestClient

from tests.api.source_control_support import SC, commit, put_block
from tests.conftest import Headers, data

__all__ = ("FC_PATH", "clean", "source", "started")

FC_PATH = "PLC_1/Program blocks/FC_New.xml"


def source(client: TestClient[Any], h: Headers, block: str) -> str | None:
    response = client.get(f"/api/devices/PLC_1/blocks/{block}/source", headers=h)
    if response.status_code == 404:
        return None
    text = data(response)["sourceText"]
    body = re.search(r"BEGIN\s*(.*?)\s*END_FUNCTION", text, re.S)
    return body.group(1).strip() if body else text


def started(client: TestClient[Any], h: Headers, statement: str = "#Speed := 1;") -> dict[str, Any]:
    data(client.post(f"{SC}/init", headers=h))
    put_block(client, h, "FB_Motor", statement)
    return commit(client, h, "one")


def clean(client: TestClient[Any], h: Headers) -> bool:
    return data(client.get(f"{SC}/status", headers=h))["changedFilesCount"] == 0
