"""SCL sources for the download tests: a program that compiles and one that does not."""

from __future__ import annotations

from typing import Any

from tests.lib.outcomes import data


__all__ = ("BAD", "BASE", "import_scl")

BASE = "/api/devices/PLC_1"

BAD = 'FUNCTION "Bad" : Void\nBEGIN\n    "Nope".x := 1;\nEND_FUNCTION\n'


def import_scl(client: Any, headers: dict[str, str], text: str, name: str = "prog.scl") -> None:
    data(client.post(f"{BASE}/external-sources/import-and-generate", json={"SourceName": name, "SclContent": text},
                     headers=headers))
