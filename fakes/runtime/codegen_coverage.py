"""The code generator's coverage hooks: counters in the generated code while a coverage recording is active
(:mod:`engineering_api.rules.coverage`), nothing otherwise.

Each hook emits one line, ``_cov[i] += 1``, where ``_cov`` is the recording's hit list bound into the program's
namespace: at the start of each network, before each statement, at the start of each branch body of an ``IF`` or
``CASE``, and in an ``ELSE`` the generator adds when the source has none (so the path where no condition held is
counted too).
"""

from __future__ import annotations

from typing import Any

from engineering_api.rules.coverage import NETWORK, Point, active

__all__ = ("CoverageHooks",)


class CoverageHooks:
    """Mixed into :class:`.codegen.BlockGen` (which provides ``ctx``, ``block_name``, ``network``, ``emit`` and
    ``indent``)."""

    ctx: Any
    block_name: str
    network: int | None
    indent: int

    def emit(self, text: str) -> None:
        raise NotImplementedError

    def _counter(self, point: Point) -> None:
        recorder = active()
        if recorder is None:
            return
        if self.ctx.ns.get("_cov") is not recorder.hits:
            self.ctx.ns["_cov"] = recorder.hits
        self.emit(f"_cov[{recorder.add(point)}] += 1")

    def cover_network(self, index: int) -> None:
        """Count network ``index`` (a LAD/FBD network has no statement lines of its own: this says it ran)."""
        self._counter(Point(self.block_name, index, 0, None, NETWORK))

    def cover_statement(self, s: Any) -> None:
        """Count statement ``s`` (a REGION is not one: its statements are)."""
        if getattr(s, "line", None):
            self._counter(Point(self.block_name, self.network, s.line))

    def cover_branch(self, line: int, index: int, label: str) -> None:
        """Count branch ``index`` of the IF or CASE at ``line``; call it first in the branch's body."""
        self._counter(Point(self.block_name, self.network, line, index, label))

    def cover_implicit_else(self, line: int, index: int) -> None:
        """An ``ELSE`` that counts the path where no branch of the IF or CASE at ``line`` was taken."""
        if active() is None:
            return
        self.emit("else:")
        self.indent += 1
        self.cover_branch(line, index, "ELSE (none taken)")
        self.indent -= 1
