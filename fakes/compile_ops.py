"""The fake backend's compile area (``FakeBackend.compile``): blocks and a device's PLC software, through the SCL
compiler of :mod:`engineering_api.rules.compiler`. A compile that succeeds records, per object, the interface digests it
was compiled against (in the project transaction), so later interface changes show as inconsistencies; a compile with
errors leaves the object (and, through ``calls``, its callers) inconsistent until it compiles
(:func:`fakes.types_ops.is_consistent`)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from engineering_api.backend.areas.compile import CompilePort
from engineering_api.rules.compiler.plc_compile import compile_software
from engineering_api.rules.compiler.signatures import cpu_family
from engineering_api.rules.program_objects import block_not_found

if TYPE_CHECKING:
    from collections.abc import Iterable

    from engineering_api.backend.models import CompileResult
    from engineering_api.rules.compiler.plc_compile import CompileRun
    from fakes.program import PlcSoftware
    from fakes.session import FakeSession

__all__ = ("FakeCompile",)


def _record(software: PlcSoftware, run: CompileRun) -> None:
    """What the compile leaves on each object: the digests it compiled against (success), whether it needs a
    compile still (errors; also clears the mark of a generated block that now compiles) and what it calls."""
    for table in (software.blocks, software.types):
        for name, obj in list(table.items()):
            changes: dict[str, Any] = {}
            digests = run.compiled.get(name)
            if digests is not None and obj.compiled_against != digests:
                changes["compiled_against"] = dict(digests)
            if name in run.diagnostics and obj.needs_compile != (name in run.failed):
                changes["needs_compile"] = name in run.failed
            calls = run.calls.get(name)
            if calls is not None and obj.calls != calls:
                changes["calls"] = calls
            if changes:
                table[name] = replace(obj, **changes)


class FakeCompile(CompilePort):
    """Compiling the fake's PLC software; ``session`` is the open project, changed in transactions (a compile records
    its result on the objects)."""

    def __init__(self, session: FakeSession) -> None:
        self._session = session

    def compile_block(self, device: str, name: str) -> CompileResult:
        with self._session.change() as project:
            dev, software = self._session.software(project, device)
            obj = software.blocks.get(name) or software.types.get(name)
            if obj is None:
                obj = next((o for o in [*software.blocks.values(), *software.types.values()]
                            if o.name.lower() == name.lower()), None)
            if obj is None:
                raise block_not_found(name, [*software.blocks, *software.types])
            run = compile_software(software, device, only=obj.name, cpu_family=cpu_family(dev.family))
            _record(software, run)
        return run.result

    def mark_needs_compile(self, device: str, names: Iterable[str]) -> list[str]:
        """Mark blocks (or UDTs) inconsistent until a compile of them succeeds, as TIA leaves the blocks that
        "generate blocks from source" made when the source refers to user objects the PLC does not have.
        Returns the names marked; names that are not in the PLC are skipped.

        Raises:
            NotFoundError: no such device.
            ValidationError: ``NOT_A_PLC``.
        """
        wanted = {n.lower() for n in names}
        marked: list[str] = []
        with self._session.change() as project:
            _, software = self._session.software(project, device)
            for table in (software.blocks, software.types):
                for name, obj in list(table.items()):
                    if name.lower() in wanted:
                        table[name] = replace(obj, needs_compile=True)
                        marked.append(name)
        return marked

    def compile_software(self, device: str) -> CompileResult:
        return self.compile_run(device).result

    def compile_run(self, device: str) -> CompileRun:
        """Compile a PLC's software and record the result; the whole run, for callers that build on it (the online
        area's download turns the same run into a program image instead of compiling twice). Not a port method."""
        with self._session.change() as project:
            dev, software = self._session.software(project, device)
            run = compile_software(software, device, cpu_family=cpu_family(dev.family))
            _record(software, run)
        return run
