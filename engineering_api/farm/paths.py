"""Where the API node and its agents see the shared storage: a prefix on each side (``--farm-path-map``).

A request's path is confined to the API node's roots and opened by an agent. When the agents mount the share
elsewhere (Windows agents reach ``\\\\filer\\tia`` while a Linux API node mounts it at ``/mnt/tia``), every path an
agent is sent is rewritten from the node's prefix to the agent's, and every path in an answer back. The rewrite
works on the call's JSON (:mod:`engineering_api.farm.codec`), so it reaches paths in arguments, in models and in
error details alike; only text that starts with a mapped prefix changes. Separators follow the side: an agent
prefix with a backslash or a drive letter is Windows, so the rest of the path gets backslashes there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = ("PathMap",)

_WINDOWS = re.compile(r"^(?:[A-Za-z]:|\\\\)")


@dataclass(frozen=True)
class PathMap:
    """Prefix pairs ``(node, agent)``; the longest matching prefix wins."""

    pairs: tuple[tuple[str, str], ...] = ()

    @classmethod
    def parse(cls, specs: tuple[str, ...] | list[str]) -> PathMap:
        """From ``NODE=AGENT`` strings.

        Raises:
            ValueError: a spec without ``=`` or with an empty side.
        """
        pairs = []
        for spec in specs:
            node, sep, agent = spec.partition("=")
            if not sep or not node.strip() or not agent.strip():
                raise ValueError(f"farm path map {spec!r} is not NODE_PREFIX=AGENT_PREFIX")
            pairs.append((node.strip().rstrip("/\\"), agent.strip().rstrip("/\\")))
        return cls(tuple(sorted(pairs, key=lambda p: -max(len(p[0]), len(p[1])))))

    def to_agent(self, data: Any) -> Any:
        """``data`` (a call's JSON) with the node's paths as the agents see them."""
        return self._walk(data, outward=True) if self.pairs else data

    def to_node(self, data: Any) -> Any:
        """``data`` (an answer's JSON) with the agents' paths as the node sees them."""
        return self._walk(data, outward=False) if self.pairs else data

    def _walk(self, data: Any, *, outward: bool) -> Any:
        if isinstance(data, str):
            return self._one(data, outward)
        if isinstance(data, list):
            return [self._walk(v, outward=outward) for v in data]
        if isinstance(data, dict):
            return {k: self._walk(v, outward=outward) for k, v in data.items()}
        return data

    def _one(self, text: str, outward: bool) -> str:
        for node, agent in self.pairs:
            source, target = (node, agent) if outward else (agent, node)
            windows_source, windows_target = bool(_WINDOWS.match(source)), bool(_WINDOWS.match(target))
            head = text[:len(source)]
            matches = head.lower() == source.lower() if windows_source else head == source
            rest = text[len(source):]
            if matches and (not rest or rest[0] in "/\\"):
                if windows_target:
                    rest = rest.replace("/", "\\")
                elif windows_source:
                    rest = rest.replace("\\", "/")
                return target + rest
        return text
