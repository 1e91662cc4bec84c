"""Block templates shipped with the product (``templates/*.json``).

A template file holds ``name``, ``title``, ``description``, ``parameters`` (each ``name``, ``type``,
``default``, ``description``) and ``spec``, a block spec in which ``"${param}"`` placeholders are
replaced. A string that is exactly one placeholder takes the parameter's value with its JSON type
(numbers stay numbers); placeholders inside longer strings are replaced by text.

Parameter types: ``blockName`` (checked like a block name), ``time`` (``T#…``), ``number``, ``bool``,
``string``.
"""

from __future__ import annotations

import copy
import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any

from .errors import SpecError
from .names import check_block_name
from .spec import parse_spec

__all__ = ("list_templates", "template_spec", "template_names")

_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_]\w*)\}")
_TIME = re.compile(r"T#(?:\d+(?:D|H|MS|M|S|US|NS)_?)+\Z", re.IGNORECASE)


@lru_cache(maxsize=1)
def _load() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    folder = resources.files(__package__).joinpath("templates")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            data = json.loads(entry.read_text(encoding="utf-8"))
            out[data["name"]] = data
    return out


def template_names() -> list[str]:
    """The names of the shipped templates, sorted."""
    return sorted(_load())


def list_templates() -> list[dict[str, Any]]:
    """``[{name, title, description, blockType, language, parameters}]`` for every template, by name."""
    out = []
    for name in template_names():
        data = _load()[name]
        out.append(
            {
                "name": name,
                "title": data["title"],
                "description": data["description"],
                "blockType": data["spec"]["blockType"],
                "language": data["spec"].get("language"),
                "parameters": copy.deepcopy(data["parameters"]),
            }
        )
    return out


def _check_value(param: dict[str, Any], value: object, field: str) -> object:
    kind = param["type"]
    if kind == "blockName":
        return check_block_name(value, field)
    if kind == "time":
        if not isinstance(value, str) or not _TIME.match(value):
            raise SpecError(field, "a TIME literal such as T#5s")
        return value
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise SpecError(field, "must be a number")
        return float(value)
    if kind == "bool":
        if not isinstance(value, bool):
            raise SpecError(field, "must be true or false")
        return value
    if not isinstance(value, str) or "\n" in value:
        raise SpecError(field, "must be a one-line string")
    return value


def _substitute(node: object, values: dict[str, object]) -> object:
    if isinstance(node, str):
        whole = _PLACEHOLDER.fullmatch(node)
        if whole:
            return values[whole.group(1)]
        return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), node)
    if isinstance(node, list):
        return [_substitute(v, values) for v in node]
    if isinstance(node, dict):
        return {k: _substitute(v, values) for k, v in node.items()}
    return node


def template_spec(name: str, parameters: dict[str, object] | None = None) -> dict[str, Any]:
    """The block spec of template ``name`` with ``parameters`` applied (defaults for the rest).

    Raises :class:`SpecError` at ``template`` for an unknown template and at ``parameters.<name>`` for an
    unknown or badly typed parameter.
    """
    templates = _load()
    if name not in templates:
        raise SpecError("template", f"unknown template {name!r}; available: {', '.join(sorted(templates))}")
    data = templates[name]
    declared = {p["name"]: p for p in data["parameters"]}
    given = parameters or {}
    if not isinstance(given, dict):
        raise SpecError("parameters", "must be an object of name -> value")
    for key in given:
        if key not in declared:
            raise SpecError(f"parameters.{key}", f"unknown parameter; {name} takes {', '.join(declared) or 'none'}")
    values = {}
    for key, param in declared.items():
        value = given.get(key, param["default"])
        values[key] = _check_value(param, value, f"parameters.{key}")
    spec = _substitute(copy.deepcopy(data["spec"]), values)
    assert isinstance(spec, dict)
    if spec.get("author") == "":
        spec.pop("author")
    try:
        parse_spec(spec)
    except SpecError as exc:
        # Name what the caller sent: a field filled from a parameter is that parameter.
        placeholder = _PLACEHOLDER.search(str(_at(data["spec"], exc.field)))
        if placeholder is None:
            raise
        raise SpecError(f"parameters.{placeholder.group(1)}", exc.reason) from None
    return spec


def _at(node: object, path: str) -> object:
    """The value at a spec field path such as ``interface.Input[2].startValue`` (None when absent)."""
    for key, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        if key and isinstance(node, dict):
            node = node.get(key)
        elif index and isinstance(node, list) and int(index) < len(node):
            node = node[int(index)]
        else:
            return None
    return node
