"""The compile half of the fake backend: blocks and a device's PLC software, through the SCL compiler
of :mod:`fakes.compiler`. A compile that succeeds records, per object, the interface digests it was
compiled against (in the project transaction), so later interface changes show as inconsistencies."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from engineering_api.backend.errors import NotFoundError
from fakes.compiler.project import compile_software

if TYPE_CHECKING:
    from engineering_api.backend.models import CompileResult
    from fakes.compiler.project import CompileRun
    from fakes.program import PlcSoftware

__all__ = ("CompileOperations",)


def _record(software: PlcSoftware, run: CompileRun) -> None:
    for name, digests in run.compiled.items():
        for table in (software.blocks, software.types):
            obj = table.get(name)
            if obj is not None and obj.compiled_against != digests:
                table[name] = replace(obj, compiled_against=dict(digests))


class CompileOperations:
    """Mixed into :class:`fakes.backend.FakeBackend`; relies on its ``_project``/``_change``/``_software``."""

    def compile_block(self, device: str, name: str) -> CompileResult:
        with self._change() as project:  # type: ignore[attr-defined]
            _, software = self._software(project, device)  # type: ignore[attr-defined]
            obj = software.blocks.get(name) or software.types.get(name)
            if obj is None:
                obj = next((o for o in [*software.blocks.values(), *software.types.values()]
                            if o.name.lower() == name.lower()), None)
            if obj is None:
                raise NotFoundError(f"The block '{name}' was not found.", code="BLOCK_NOT_FOUND")
            run = compile_software(software, device, only=obj.name)
            _record(software, run)
        return run.result

    def compile_software(self, device: str) -> CompileResult:
        return self._compile_run(device).result

    def _compile_run(self, device: str) -> CompileRun:
        """Compile a PLC's software and record the result; the whole run, for callers that build on it (a
        download turns the same run into a program image instead of compiling twice)."""
        with self._change() as project:  # type: ignore[attr-defined]
            _, software = self._software(project, device)  # type: ignore[attr-defined]
            run = compile_software(software, device)
            _record(software, run)
        return run
