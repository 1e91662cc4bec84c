"""Dry runs: what a destructive operation would do, said exactly, without doing it.

A destructive :class:`~engineering_api.jobs.operations.Operation` (deletes, close, restore, CPU stop, download,
overwrite) carries a ``preview`` callable. It runs on the TIA worker like the handler, only reads, raises the domain
errors the real call would raise for bad input (an unknown device or block is a ``NotFoundError`` in both), and
answers a :class:`Preview`: one sentence and the objects it would delete, stop, replace, overwrite or discard. REST
serves it as ``dryRun: true`` on the operation's own routes; the MCP layer answers a destructive tool call without
``confirm: true`` with it (both through :meth:`engineering_api.jobs.manager.JobManager.preview`).

Confirmation gates are not bad input: a preview of a CPU stop without ``confirm`` (or of a download to a CPU in RUN
without ``stopCpu``) shows the stop and says in ``warnings`` that the real call needs the confirmation, instead of
failing with the 409 the real call would answer; showing what a confirmation would do is what a preview is for.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from engineering_api.lib.schema import CamelStruct

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = (
    "DRY_RUN_MESSAGE", "PlannedChange", "Preview", "file_change", "kind_of", "names", "needs_confirmation",
    "object_detail", "plan", "plural",
)

DRY_RUN_MESSAGE = "dry run: nothing was changed"
"""The envelope message of a dry-run answer."""


class PlannedChange(CamelStruct):
    """One thing the call would do to one object."""

    action: str
    """``delete``, ``stop``, ``replace``, ``overwrite``, ``discard``, ``restore``, ``close``, ``force``, ``unforce``,
    ``reset``, ``load``, ``create`` (what an overwriting import adds besides what it replaces), ``run`` (a pipeline
    step)."""
    kind: str
    """``block``, ``udt``, ``tagTable``, ``tag``, ``constant``, ``member``, ``folder``, ``device``, ``cpu``,
    ``instance``, ``project``, ``portal``, ``snapshot``, ``watchTable``, ``forceTable``, ``entry``, ``force``,
    ``externalSource``, ``file``, ``testCase``, ``profile``, ``design``, ``pipeline``, ``pipelineStep``."""
    name: str
    device: str | None = None
    detail: str = ""
    """What the object is like now, e.g. ``CPU is RUN``, ``the project has unsaved changes``, ``block FB 10``."""


class Preview(CamelStruct, kw_only=True):
    """What a destructive call would do; nothing was changed to find out."""

    operation: str
    """The operation name (``blocks.delete``)."""
    dry_run: bool = True
    summary: str
    """One sentence, e.g. ``Would delete block 'FC_Scale' (FC 5) from PLC_1.``"""
    changes: list[PlannedChange]
    """Every object the call would change, in the order it would change them; empty when it would change nothing."""
    warnings: list[str] = []
    """What else to know: a confirmation the real call needs, users left with a missing type, a CPU left stopped."""


_KINDS = {
    "UDT": "udt", "PlcStruct": "udt", "PlcType": "udt", "TagTable": "tagTable", "PlcTagTable": "tagTable",
    "WatchTable": "watchTable", "PlcWatchTable": "watchTable",
    "ForceTable": "forceTable", "PlcForceTable": "forceTable",
}


def kind_of(object_kind: str) -> str:
    """The :attr:`PlannedChange.kind` of a program object kind (``FB`` → ``block``, ``UDT`` → ``udt``...)."""
    return _KINDS.get(object_kind, "block")


def object_detail(object_kind: str, number: int | None = None) -> str:
    """``FC 5``, ``GlobalDB 3``, ``UDT``: what a program object is."""
    return f"{object_kind} {number}" if number is not None else object_kind


def plan(summary: str, changes: Iterable[PlannedChange], warnings: Iterable[str] = ()) -> Preview:
    """A preview; :meth:`JobManager.preview <engineering_api.jobs.manager.JobManager.preview>` stamps the operation."""
    return Preview(operation="", summary=summary, changes=list(changes), warnings=list(warnings))


def names(items: Iterable[str], limit: int = 5) -> str:
    """``'a', 'b' and 'c'`` (at most ``limit`` names, then ``and N more``)."""
    quoted = [f"'{item}'" for item in items]
    if len(quoted) > limit:
        quoted = [*quoted[:limit], f"{len(quoted) - limit} more"]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 block``, ``3 blocks``; ``many`` for a plural that is not ``word + s`` (``entries``)."""
    return f"{count} {word}" if count == 1 else f"{count} {many or word + 's'}"


def needs_confirmation(state: str, confirmed: bool, field: str = "confirm") -> list[str]:
    """The warning for a CPU in RUN (``state`` ``Run``) when the call lacks its confirmation ``field``: the real
    call would answer 409 and change nothing (see the module docstring)."""
    if state == "Run" and not confirmed:
        return [f'The CPU is in RUN: the real call needs {{"{field}": true}} (without it: 409, nothing changes).']
    return []


def file_change(target: Path, overwrite: bool) -> tuple[PlannedChange | None, str]:
    """A file an export would write: the overwrite it would do (None for a new file) and a phrase for the summary.

    An existing file without ``overwrite`` is not handled here: the caller raises what its real call raises.
    """
    if target.exists() and overwrite:
        size = f"{target.stat().st_size} bytes"
        return PlannedChange(action="overwrite", kind="file", name=str(target), detail=size), \
            f"overwrite the file '{target.name}'"
    return None, f"write the new file '{target.name}'; nothing would be overwritten"
