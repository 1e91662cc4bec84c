"""What a tool result says, for a client that forwards only text and for one that checks structure.

* :func:`headline`: the outcome in a sentence an assistant can act on ("Compile finished: 2 errors, 1 warning."
  plus the first diagnostics). An operation that ran and found errors is reported as such: neither a success
  nor an ``isError`` (that is for calls that could not run).
* :func:`text_body`: the headline, then the data itself as compact JSON, cut at :data:`TEXT_BUDGET` bytes with
  a ``tia://results/{id}`` link to the whole (kept by :class:`ResultStore`).
* :func:`output_schema`: the JSON schema of a tool's ``structuredContent`` (MCP's ``outputSchema``), from the
  operation's output type, so that clients (the SDK's among them) validate what they get.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

import msgspec

from engineering_api.jobs.preview import Preview

if TYPE_CHECKING:
    from engineering_api.services import Services

__all__ = (
    "ResultStore", "TEXT_BUDGET", "headline", "output_schema", "result_store", "result_uri", "text_body",
)

TEXT_BUDGET = 12 * 1024
"""Bytes of a result's JSON in the text content; the rest is behind a resource link. A catalog search of the default
25 hits fits (about 10 KB)."""
_SHOWN_DIAGNOSTICS = 5
_KEPT_RESULTS = 64
"""Cut results kept for their resource links (the oldest go first)."""

def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _diagnostic_line(item: dict[str, Any]) -> str:
    in_source = bool(item.get("file") and item.get("block"))  # a compile finding counted in the block's source
    where = [f"block {item['block']}" if item.get("block") else None,
             f"network {item['network']}" if item.get("network") and not in_source else None,
             f"line {item['line']} of {item['file']}" if in_source else f"line {item['line']}" if item.get("line")
             else None]
    place = ", ".join(part for part in where if part) or "project"
    code = f" [{item['code']}]" if item.get("code") else ""
    return f"- {item.get('severity', 'Error')} in {place}: {item.get('message', '')}{code}"


def _compile_headline(data: dict[str, Any]) -> str:
    errors, warnings = int(data.get("errorCount", 0)), int(data.get("warningCount", 0))
    text = f"Compile finished: {_plural(errors, 'error')}, {_plural(warnings, 'warning')}."
    if errors:
        text += " The software has errors and is not ready to download."
    findings = sorted(data.get("diagnostics") or [], key=lambda d: d.get("severity") != "Error")
    if findings:
        text += "\n" + "\n".join(_diagnostic_line(d) for d in findings[:_SHOWN_DIAGNOSTICS])
        if len(findings) > _SHOWN_DIAGNOSTICS:
            text += f"\n... and {len(findings) - _SHOWN_DIAGNOSTICS} more in diagnostics."
    elif errors or warnings:
        messages = [m.get("description") or m.get("message") for m in data.get("messages") or []]
        text += "".join(f"\n- {m}" for m in messages[:_SHOWN_DIAGNOSTICS] if m)
    return text


def _download_headline(data: dict[str, Any]) -> str:
    """What the download did: its outcome, what it loaded where and the CPU's state after it; then the findings."""
    state = str(data.get("operatingState", "")).upper()
    stopped = "; the CPU was stopped for it" if data.get("stoppedCpu") else ""
    after = "in RUN (started after the download)" if data.get("startedCpu") else f"in {state}"
    outcome = {"Warning": "done with warnings", "Error": "failed"}.get(str(data.get("state")), "done")
    text = (f"Download of {data.get('deviceName')} to the CPU '{data.get('instanceName')}' {outcome}: "
            f"{_plural(int(data.get('objectCount', 0)), 'object')} loaded{stopped}; the CPU is now {after}.")
    reset = data.get("reinitialisedDataBlocks") or []
    if reset:
        text += f" {_plural(len(reset), 'data block')} reset to start values: {', '.join(reset[:_SHOWN_DIAGNOSTICS])}."
    warnings = int(data.get("warningCount", 0))
    if warnings:
        text += f"\n{_plural(warnings, 'warning')}:" + "".join(f"\n- {w}" for w in (data.get("warnings") or [])[
            :_SHOWN_DIAGNOSTICS])
    return text


def _tests_headline(data: dict[str, Any]) -> str:
    text = (f"Test run {data.get('status', '').lower()}: {data.get('passed', 0)} of {data.get('total', 0)} "
            f"passed, {data.get('failures', 0)} failed an assertion, {_plural(int(data.get('errors', 0)), 'error')}.")
    bad = [case for case in data.get("results") or [] if not case.get("passed")]
    text += "".join(f"\n- {case.get('testName')}: {case.get('status')}"
                    + (f" ({case['error']})" if case.get("error") else "") for case in bad[:_SHOWN_DIAGNOSTICS])
    return text


def headline(name: str, data: Any) -> str:
    """The outcome of a call of tool ``name`` that ran, in a sentence (and the first findings)."""
    if isinstance(data, dict):
        if {"state", "objectCount", "operatingState"} <= data.keys():
            return _download_headline(data)  # it embeds its compile result: the download is the news
        if {"state", "errorCount", "warningCount"} <= data.keys():
            return _compile_headline(data)
        if {"passed", "failed", "total", "results"} <= data.keys():
            return _tests_headline(data)
        if data.get("diagnostics"):
            found = data["diagnostics"]
            return (f"{name} finished with {_plural(len(found), 'finding')}.\n"
                    + "\n".join(_diagnostic_line(d) for d in found[:_SHOWN_DIAGNOSTICS]))
        return f"{name} finished."
    if isinstance(data, list):
        failed = sum(1 for item in data if isinstance(item, dict) and item.get("error"))
        return f"{name} returned {_plural(len(data), 'item')}" + (f", {failed} with an error." if failed else ".")
    if data is None:
        return f"{name} finished."
    return f"{name} returned a {type(data).__name__}."


def result_uri(result_id: str) -> str:
    """The resource that holds a cut result whole."""
    return f"tia://results/{result_id}"


class ResultStore:
    """Whole results whose text was cut, for their resource links; each readable only by the key that made it."""

    def __init__(self, capacity: int = _KEPT_RESULTS) -> None:
        self._capacity = capacity
        self._lock = threading.Lock()
        self._kept: OrderedDict[str, tuple[str, bytes]] = OrderedDict()

    def keep(self, key_id: str, encoded: bytes) -> str:
        """Keep a result's JSON; returns its id."""
        result_id = uuid.uuid4().hex
        with self._lock:
            self._kept[result_id] = (key_id, encoded)
            while len(self._kept) > self._capacity:
                self._kept.popitem(last=False)
        return result_id

    def get(self, result_id: str, key_id: str) -> bytes | None:
        """The JSON kept under the id, when this key made it."""
        with self._lock:
            kept = self._kept.get(result_id)
        return kept[1] if kept is not None and kept[0] == key_id else None


def result_store(services: Services) -> ResultStore:
    """The store of cut results behind ``tia://results/{id}``, one per services."""
    store = services.notes.get("mcp.results")
    if store is None:
        store = services.notes["mcp.results"] = ResultStore()
    return store


def text_body(sentence: str, data: Any, keep: Any) -> tuple[str, str | None]:
    """The text content: the sentence, then the data as compact JSON, cut at the budget. ``keep(encoded)`` stores a
    cut result and returns its resource URI, which the text names and the caller links. Returns (text, uri)."""
    if data is None:
        return sentence, None
    encoded = msgspec.json.encode(data)
    if len(encoded) <= TEXT_BUDGET:
        return f"{sentence}\n{encoded.decode()}", None
    address = keep(encoded)
    cut = encoded[:TEXT_BUDGET].decode(errors="ignore")
    return (f"{sentence}\n{cut}\n[cut at {TEXT_BUDGET} of {len(encoded)} bytes; the whole result is the resource "
            f"{address}]"), address


def _loose(schema: dict[str, Any], defs: dict[str, Any], depth: int) -> dict[str, Any]:
    """``schema`` with what lies deeper than ``depth`` levels reduced to its JSON type."""
    ref = schema.get("$ref")
    if ref is not None:
        schema = defs.get(ref.rsplit("/", 1)[-1], {})
    if "anyOf" in schema:
        members = [_loose(member, defs, depth) for member in schema["anyOf"]]
        if depth > 0 or any("type" not in m for m in members):
            return {"anyOf": members} if all("type" in m or "anyOf" in m for m in members) else {}
        types_: list[str] = []
        for member in members:
            for name in member["type"] if isinstance(member["type"], list) else [member["type"]]:
                if name not in types_:
                    types_.append(name)
        return {"type": types_ if len(types_) > 1 else types_[0]}
    kind = schema.get("type")
    if kind is None:
        return {}
    loose: dict[str, Any] = {"type": kind}
    if "enum" in schema:
        loose["enum"] = schema["enum"]
    if depth <= 0:
        return loose
    if kind == "object" and "properties" in schema:
        loose["properties"] = {name: _loose(sub, defs, depth - 1) for name, sub in schema["properties"].items()}
        if schema.get("required"):
            loose["required"] = schema["required"]
    elif kind == "array" and depth > 1 and isinstance(schema.get("items"), dict):
        # Items only where their own fields are spelled out: an items schema that names just a type costs every
        # client that validates (the SDK's does, on every call, with jsonschema) ~13 us per element, 270 us of
        # a 20-block listing's ~1,300 us of client CPU, and tells a model nothing the array does not.
        loose["items"] = _loose(schema["items"], defs, depth - 1)
    return loose


_DEPTH = 1
"""Levels of an output schema spelled out: a result's fields (of a list result: the list). Deeper levels are
checked by type only, and a list's items only where their fields would be spelled out (not at this depth), which
keeps a whole profile's listing small (a full schema tripled it) and a client's check of each result cheap."""


def _schema_of(tp: Any) -> dict[str, Any]:
    full = msgspec.json.schema(tp)
    schema = _loose(full, full.get("$defs", {}), _DEPTH)
    if schema.get("type") == "object":
        return schema
    return {"type": "object", "properties": {"result": schema}, "required": ["result"]}


def output_schema(output: Any, destructive: bool) -> dict[str, Any] | None:
    """The outputSchema of a tool whose operation answers ``output`` (None when unknown); a destructive tool may
    answer a :class:`~engineering_api.jobs.preview.Preview` instead."""
    if output is None:
        return None
    try:
        schema = _schema_of(output)
    except (TypeError, ValueError):
        return {"type": "object"}  # a type msgspec cannot describe: still an object, as structuredContent is
    if not destructive:
        return schema
    return {"type": "object", "anyOf": [schema, _schema_of(Preview)]}
