"""Optional request fields stay optional in clients generated with their tools' default settings.

openapi-typescript (7.x, ``defaultNonNullable: true`` by default) types a property that has a ``default`` as
always present, whatever ``required`` says, except in schemas written inline under a ``requestBody`` (its
``transform/schema-object`` code; issues openapi-ts/openapi-typescript#1741, #2012). Litestar puts every request
body in ``components/schemas``, so ``{"name": "Line1"}``, the README's own project body, did not type-check:
``author`` and ``comment`` (default ``""``) were required. In a schema only request bodies use, a property that is
not required has its ``default`` moved into its description (``Default: ""``): the server fills it in when it is
left out, every generator then makes it optional (openapi-python-client leaves it unset and does not send it), and
schemas answers also use keep theirs (there the server always writes the field).
"""

from __future__ import annotations

import json
from typing import Any, Iterator

__all__ = ("optional_request_defaults",)

_PREFIX = "#/components/schemas/"


def _refs(node: Any) -> Iterator[str]:
    """The component schema names ``node`` refers to, at any depth."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_PREFIX):
            yield ref[len(_PREFIX):]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _closure(names: set[str], schemas: dict[str, Any]) -> set[str]:
    found, pending = set(), list(names)
    while pending:
        name = pending.pop()
        if name in found or name not in schemas:
            continue
        found.add(name)
        pending += _refs(schemas[name])
    return found


def optional_request_defaults(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` (changed in place, and returned) with the defaults of optional request-only properties moved
    into their descriptions."""
    schemas: dict[str, Any] = document.get("components", {}).get("schemas", {})
    requests: set[str] = set()
    answers: set[str] = set()
    for path in document.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            requests.update(_refs(operation.get("requestBody")))
            answers.update(_refs(operation.get("responses")))
            answers.update(_refs(operation.get("parameters")))  # a parameter's default is its own, and fine
    only = _closure(requests, schemas) - _closure(answers, schemas)
    for name in sorted(only):
        schema = schemas[name]
        required = set(schema.get("required") or ())
        for key, prop in (schema.get("properties") or {}).items():
            if key in required or not isinstance(prop, dict) or "default" not in prop:
                continue
            default = prop.pop("default")
            said = f"Default: {json.dumps(default)} (the server's, when the field is left out)."
            prop["description"] = f"{prop['description'].rstrip()} {said}" if prop.get("description") else said
    return document
