"""Payload templates of scheduled pushes: JSON or XML with placeholders for tag values and period aggregates.

Placeholders are ``${name}`` or ``${function(tag)}``, the tag as the runtime API spells it:

* ``${periodStart}``, ``${periodEnd}`` (ISO 8601 UTC), ``${pushName}``, ``${idempotencyKey}``;
* ``${value("Line_DB".Level)}``: the tag's value at the period's end (a released tag): the last value logged before
  the end when the tag is logged; otherwise its live value, which is the value at the end only while the period has
  just ended (a delivery rendered on time, a dry run). A delivery rendered later (a catch-up after an outage or a
  long retry) of a tag that is not logged cannot know that value: it fails with ``PUSH_VALUE_UNKNOWN`` instead of
  sending a later value;
* ``${avg(...)}``, ``${min(...)}``, ``${max(...)}``, ``${count(...)}``, ``${first(...)}``, ``${last(...)}``,
  ``${sum(...)}`` and ``${delta(...)}`` (max - min: a counter's production in the period) over the logged history of
  the period (the tag must be logged, ``PUT /api/runtime/history/settings``); null when nothing was logged.

In JSON a string that is exactly one placeholder becomes the typed value (a number, or null); inside a longer string
the value is written as text. XML placeholders are written as escaped text; the template must be well-formed (parsed
without DTDs by :func:`simatic_xml.safe.parse_untrusted`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from engineering_api.backend.errors import EngineeringError, NotFoundError, ValidationError
from engineering_api.errors import codes
from engineering_api.runtime.tag_logging import format_ms
from engineering_api.runtime.simulated import canonical_name
from engineering_api.runtime.sources import RuntimeFaultError, RuntimeNotRunningError
from simatic_xml.safe import UnsafeXmlError, XmlSyntaxError, parse_untrusted

if TYPE_CHECKING:
    from collections.abc import Callable

    from engineering_api.runtime.tag_logging import TagLoggingService
    from engineering_api.runtime.sources import TagSource

__all__ = ("AGGREGATE_FUNCTIONS", "Placeholder", "RenderError", "check_template", "placeholders", "render")

_PLACEHOLDER = re.compile(r"\$\{\s*([A-Za-z]+)\s*(?:\(\s*([^()]*?)\s*\))?\s*\}")
AGGREGATE_FUNCTIONS = ("avg", "min", "max", "count", "first", "last", "sum", "delta")
_VARIABLES = ("periodStart", "periodEnd", "pushName", "idempotencyKey")


class RenderError(Exception):
    """The payload cannot be rendered now (a tag value could not be read); the outbox tries again later.

    ``error`` is the same fault as an error of the exception tree, for a route to answer (404 unknown or unreleased
    tag, 503 runtime not running, 500 runtime fault).
    """

    def __init__(self, message: str, error: EngineeringError) -> None:
        super().__init__(message)
        self.error = error


@dataclass(frozen=True)
class Placeholder:
    """One ``${...}``: a variable (``tag`` None), ``value`` of a tag, or an aggregate of a tag."""

    function: str
    tag: str | None


def _invalid(message: str) -> ValidationError:
    return ValidationError(message, code=codes.PUSH_TEMPLATE_INVALID)


def placeholders(template: str) -> list[Placeholder]:
    """Every placeholder of ``template``. Raises ValidationError (``PUSH_TEMPLATE_INVALID``): unknown names."""
    found = []
    for match in _PLACEHOLDER.finditer(template):
        function, tag = match.group(1), match.group(2)
        if tag is None:
            if function not in _VARIABLES:
                raise _invalid(f"Unknown placeholder ${{{function}}} (variables: {', '.join(_VARIABLES)}).")
        elif function != "value" and function not in AGGREGATE_FUNCTIONS:
            raise _invalid(f"Unknown function {function}() in a placeholder (value, {', '.join(AGGREGATE_FUNCTIONS)}).")
        elif not tag:
            raise _invalid(f"{function}() needs a tag name.")
        found.append(Placeholder(function, tag))
    leftover = _PLACEHOLDER.sub("", template)
    if "${" in leftover:
        raise _invalid(f"Malformed placeholder near {leftover[leftover.index('${'):][:40]!r}.")
    return found


def check_template(template: str, fmt: str, logged: set[str]) -> list[Placeholder]:
    """Check syntax and placeholders; aggregated tags must be logged (``logged``: canonical names).

    Raises ValidationError: ``PUSH_TEMPLATE_INVALID`` (not JSON / well-formed XML, unknown placeholder),
    ``PUSH_TAG_UNKNOWN`` (an aggregate of a tag that is not logged).
    """
    found = [p for text in _texts(template, fmt) for p in placeholders(text)]
    for p in found:
        if p.tag is not None and p.function != "value" and canonical_name(p.tag) not in logged:
            raise ValidationError(f"Tag {p.tag} is not logged, so it has no history to aggregate; log it first "
                                  "(PUT /api/runtime/history/settings).", code=codes.PUSH_TAG_UNKNOWN)
    return found


def _texts(template: str, fmt: str) -> list[str]:
    """The text placeholders are looked for in: the XML as written, or every JSON string (decoded, so a tag's
    quotes need no backslashes here) and key."""
    if fmt == "xml":
        try:
            parse_untrusted(_PLACEHOLDER.sub("0", template))
        except (XmlSyntaxError, UnsafeXmlError) as exc:
            raise _invalid(f"The template is not well-formed XML: {exc}.") from None
        return [template]
    try:
        document = json.loads(template)
    except ValueError as exc:
        raise _invalid(f"The template is not JSON: {exc}.") from None
    texts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            texts.extend(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, str):
            texts.append(node)

    walk(document)
    return texts


def _aggregate(history: TagLoggingService, function: str, tag: str, start_ms: int, end_ms: int) -> float | int | None:
    key = canonical_name(tag)
    span = max(end_ms - start_ms, 1)

    def one(aggregation: str) -> tuple[float | None, int]:
        rows = history.store.aggregate(key, start_ms, end_ms, span, aggregation)
        return (rows[0][1], rows[0][2]) if rows else (None, 0)

    if function == "delta":
        high, low = one("max")[0], one("min")[0]
        return None if high is None or low is None else high - low
    if function == "sum":
        mean, count = one("avg")
        return None if mean is None else mean * count
    value, count = one(function)
    return count if function == "count" else value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def render(template: str, fmt: str, *, history: TagLoggingService, source: TagSource, variables: dict[str, str],
           start_ms: int, end_ms: int, live: bool) -> str:
    """The payload for the period [start, end); ``live``: the period has just ended, so a tag's live value is its
    value at the end.

    Raises ValidationError (the template, as :func:`check_template` without the logging check;
    ``PUSH_VALUE_UNKNOWN``: a tag that is not logged, rendered late), RenderError (a ``value()`` tag could not be
    read: runtime not running, unknown or unreleased tag).
    """
    found = [p for text in _texts(template, fmt) for p in placeholders(text)]
    current: dict[str, Any] = {}
    reads = []
    for tag in sorted({p.tag for p in found if p.function == "value" and p.tag is not None}):
        logged = history.value_at(tag, end_ms)
        if logged is not None:
            current[tag] = int(logged) if float(logged).is_integer() else logged
        elif live:
            reads.append(tag)
        else:
            raise ValidationError(f"value({tag}) at {format_ms(end_ms)}: the tag is not logged, so its value at the "
                                  "end of this past period is unknown (log it: PUT /api/runtime/history/settings).",
                                  code=codes.PUSH_VALUE_UNKNOWN)
    if reads:
        try:
            readings = source.read(reads)
        except EngineeringError as exc:  # RuntimeNotRunningError, a PLC that does not answer: try again later
            raise RenderError(f"tag values could not be read: {exc}", exc) from None
        for name, reading in zip(reads, readings, strict=True):
            item = reading.error
            if item is not None:
                kind = {404: NotFoundError, 503: RuntimeNotRunningError}.get(item.status, RuntimeFaultError)
                raise RenderError(f"tag {name}: {item.code} {item.description}",
                                  kind(f"value({name}): {item.description}", code=item.code))
            current[name] = reading.value
    variables = {**variables, "periodStart": format_ms(start_ms), "periodEnd": format_ms(end_ms)}

    def resolve(match: re.Match[str]) -> Any:
        function, tag = match.group(1), match.group(2)
        if tag is None:
            return variables[function]
        if function == "value":
            return current[tag]
        return _aggregate(history, function, tag, start_ms, end_ms)

    if fmt == "xml":
        return _PLACEHOLDER.sub(lambda m: escape(_text(resolve(m)), {'"': "&quot;"}), template)
    return json.dumps(_fill(json.loads(template), resolve), ensure_ascii=False)


def _fill(node: Any, resolve: Callable[[re.Match[str]], Any]) -> Any:
    if isinstance(node, dict):  # a key is text: ``"${pushName}": ...`` names a member after the push
        return {_PLACEHOLDER.sub(lambda m: _text(resolve(m)), key): _fill(value, resolve)
                for key, value in node.items()}
    if isinstance(node, list):
        return [_fill(item, resolve) for item in node]
    if isinstance(node, str):
        whole = _PLACEHOLDER.fullmatch(node)
        if whole is not None:
            return resolve(whole)
        return _PLACEHOLDER.sub(lambda m: _text(resolve(m)), node)
    return node
