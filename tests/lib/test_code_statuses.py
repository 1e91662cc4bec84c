"""One error code, one HTTP status: a client that handles a code (``DEFAULT_TAG_TABLE``, ``CONNECTION_IN_USE``) must
not meet it as 409 from one route and 422 from another. Read from the source: every ``...Error(..., code="X")``
of the product, its class's status by :func:`engineering_api.lib.responses.status_for`.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from engineering_api.backend import errors
from engineering_api.lib.responses import status_for

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("engineering_api", "fakes", "openness_bridge", "simatic_xml")

TWO_STATUSES: dict[str, str] = {
    code: "404 when the URL names the missing object, 422 when a request body refers to it"
    for code in ("CONNECTION_NOT_FOUND", "FOLDER_NOT_FOUND", "GRAPHIC_NOT_FOUND", "PUSH_TAG_UNKNOWN", "TAG_NOT_FOUND")
}
"""Codes deliberately answered with two statuses, with the reason."""


def _statuses_by_code() -> dict[str, dict[int, list[str]]]:
    found: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                cls = getattr(errors, name, None)
                if not (isinstance(cls, type) and issubclass(cls, errors.EngineeringError)):
                    continue
                for keyword in node.keywords:
                    if keyword.arg == "code" and isinstance(keyword.value, ast.Constant):
                        status = status_for(cls("", code=str(keyword.value.value)))
                        found[str(keyword.value.value)][status].append(
                            f"{path.relative_to(ROOT)}:{node.lineno} {name}")
    return found


def test_every_code_has_one_status() -> None:
    found = _statuses_by_code()
    assert len(found) > 300  # the scan reads the raises
    mixed = {code: {status: places[:2] for status, places in statuses.items()}
             for code, statuses in found.items() if len(statuses) > 1 and code not in TWO_STATUSES}
    assert not mixed, ("a code answered with several statuses; raise one error class for it (ConflictError: the "
                       f"object's state refuses; ValidationError: the request's content), or say why in TWO_STATUSES: "
                       f"{mixed}")


def test_every_two_status_code_still_has_two() -> None:
    found = _statuses_by_code()
    single = [code for code in TWO_STATUSES if len(found.get(code, {})) < 2]
    assert not single, f"no longer answered with two statuses; remove them from TWO_STATUSES: {single}"
