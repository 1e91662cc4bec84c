"""Compile operations for PLC software (blocks, a device's software).

The answer is TIA's CompilerResult tree (``messages``) plus ``diagnostics``: every finding as data in the one
shape the CLI's ``--format json`` writes (file, block, network, line, column, severity, code, message), counted in
the SCL source a block was generated from when the PLC holds it (:mod:`engineering_api.domain.source_lines`).
"""

from __future__ import annotations

from typing import Any

from engineering_api.backend import errors as e
from engineering_api.backend.models import CompileResult
from engineering_api.domain.blocks.schemas import BlockRef
from engineering_api.domain.common import DeviceRef
from engineering_api.jobs.operations import Operation, OperationContext, RouteSpec

__all__ = ("OPERATIONS",)

SECTION = "Blocks"
_NEEDS_PROJECT = (e.NoProjectOpenError, e.PortalUnavailableError)


def _in_source_lines(ctx: OperationContext, device_name: str, result: CompileResult) -> CompileResult:
    # the source lines' module loads with the first compile through these routes, not at the server's start
    from engineering_api.domain.source_lines import in_source_lines

    return in_source_lines(ctx.backend, device_name, result)


OPERATIONS: tuple[Operation[Any, Any], ...] = (
    Operation(
        name="blocks.compile",
        summary="Compile one block of a PLC: TIA's nested results and every finding in diagnostics.",
        section=SECTION, handler=lambda ctx, d: _in_source_lines(
            ctx, d.device_name, ctx.backend.compile.compile_block(d.device_name, d.block_name)),
        input=BlockRef, output=CompileResult,
        route=RouteSpec("POST", "/api/devices/{deviceName}/blocks/{blockName}/actions/compile"),
        errors=(e.NotFoundError, e.ValidationError, *_NEEDS_PROJECT),
    ),
    Operation(
        name="devices.compile-software",
        summary="Compile a PLC's software in dependency order: nested results and every finding in diagnostics.",
        section=SECTION, handler=lambda ctx, d: _in_source_lines(
            ctx, d.device_name, ctx.backend.compile.compile_software(d.device_name)), input=DeviceRef,
        output=CompileResult, route=RouteSpec("POST", "/api/devices/{deviceName}/actions/compile-software-sync"),
        async_route=RouteSpec("POST", "/api/devices/{deviceName}/actions/compile-software"), long_running=True,
        errors=(e.NotFoundError, e.ValidationError, *_NEEDS_PROJECT),
    ),
)
