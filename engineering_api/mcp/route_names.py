"""Errors in an MCP client's words: a message that names a REST route names the tool and its arguments instead.

The domain's messages are written for REST callers, e.g. "enable it (POST /api/projects/actions/simulation-support
{"enabled": true}) and download again". A model talking MCP cannot call a route; it needs the tool and what to
send it: "enable it (tool projects_simulation-support with {"enabled": true}) and download again". Path parameters
become arguments (``/api/devices/PLC_1/...`` gives ``{"deviceName": "PLC_1"}``); a route no tool serves is left
as it is.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from engineering_api.mcp.tool_types import ToolOutcome, ToolSpec

__all__ = ("RouteNames",)

_MENTION = re.compile(
    r"\b(?P<method>GET|POST|PUT|PATCH|DELETE) (?P<path>/api/[^\s?\"'(),]*)(?:\?(?P<query>[^\s\"'(),]*))?"
    r"(?P<body> \{[^{}]*\})?"
)
"""A route as messages name it: method, path, optional query and optional JSON body (flat)."""
_PARAMETER = re.compile(r"\\\{(\w+)(?::\w+)?\\\}")
"""A ``{name}`` (or ``{name:type}``) segment of an escaped route template."""
_PLACEHOLDER = re.compile(r"\{\w+(?::\w+)?\}")
"""A path segment a message writes as its route template's parameter, for the reader to fill in."""


def _routes_of(spec: ToolSpec) -> Iterator[tuple[str, str]]:
    operation = spec.operation
    if operation is not None:
        for route in (operation.route, operation.async_route, *operation.client_routes,
                      *operation.client_async_routes):
            if route is not None:
                yield route.method, route.path


class RouteNames:
    """Which tool serves which route; rewrites the routes a text names."""

    def __init__(self, specs: Iterable[ToolSpec]) -> None:
        routes: list[tuple[int, str, re.Pattern[str], str]] = []
        for spec in specs:
            for method, path in _routes_of(spec):
                escaped = re.escape(path.split("?", 1)[0])
                pattern = re.compile("^" + _PARAMETER.sub(r"(?P<\1>[^/]+)", escaped) + "$")
                routes.append((pattern.groups, method, pattern, spec.name))
        routes.sort(key=lambda route: route[0])  # a literal route before a template that also matches it
        self._routes = [(method, pattern, name) for _, method, pattern, name in routes]

    def tool_for(self, method: str, path: str) -> tuple[str, dict[str, str]] | None:
        """The tool serving ``method path`` and the arguments its path carries, or None."""
        for route_method, pattern, name in self._routes:
            if route_method == method:
                match = pattern.match(path)
                if match:
                    return name, {key: unquote(value) for key, value in match.groupdict().items()}
        return None

    def rewrite(self, text: str) -> str:
        """``text`` with every route a tool serves named as that tool and its arguments."""
        return _MENTION.sub(self._named, text) if "/api/" in text else text

    def _named(self, mention: re.Match[str]) -> str:
        path, end = mention["path"], ""
        if path.endswith(".") and not mention["query"] and not mention["body"]:
            path, end = path[:-1], "."  # the sentence's full stop
        found = self.tool_for(mention["method"], path)
        if found is None:
            return mention[0]
        name, arguments = found
        # a segment written as its template ("/instances/{name}/network") names an argument, it gives no value
        wanted = [key for key, value in arguments.items() if _PLACEHOLDER.fullmatch(value)]
        for key in wanted:
            del arguments[key]
        for key, value in parse_qsl(mention["query"] or "", keep_blank_values=True):
            if value:
                arguments[key] = value
            else:
                wanted.append(key)  # "?path=": the caller fills it in
        extra = ""
        if mention["body"]:
            try:
                body: Any = json.loads(mention["body"])
            except ValueError:
                extra = mention["body"]  # not JSON after all: keep it as written
            else:
                if isinstance(body, dict):
                    arguments.update(body)
        said = f"tool {name}"
        if arguments:
            said += " with " + json.dumps(arguments, ensure_ascii=False)
        if wanted:
            said += f" ({'arguments' if len(wanted) > 1 else 'argument'} {', '.join(wanted)})"
        return said + extra + end

    def outcome(self, outcome: ToolOutcome) -> ToolOutcome:
        """An error outcome whose text and message name tools, not routes."""
        if not outcome.is_error:
            return outcome
        data = outcome.data
        if isinstance(data, dict) and isinstance(data.get("message"), str):
            data = {**data, "message": self.rewrite(data["message"])}
        return replace(outcome, text=self.rewrite(outcome.text), data=data)
