"""``hmi compile``: compile an HMI device's software as TIA does (``HmiTarget.GetService<ICompilable>()``).

The answer is the PLC compile's shape: TIA's CompilerResult tree (``messages``: device > object > message) and
``diagnostics``, every finding in the project's one diagnostic shape (file = the project-tree folder: Screens,
HMI tags, Connections, Scripts; block = the object; line and column in a script). What the fake checks is in
:mod:`engineering_api.rules.hmi_compile` (a WinCC Unified panel: :mod:`engineering_api.rules.hmi_compile_unified`,
its JavaScript instead of VB scripts); over Openness the result is TIA's own. Like ``compile-software`` it is
a long operation: ``POST …/hmi/actions/compile`` answers 202 with a job, ``…/compile-sync`` waits.
"""

from __future__ import annotations

from typing import Any

from engineering_api.backend.models import CompileResult
from engineering_api.domain.hmi_tree import NEEDS_HMI, HMI, SECTION, HmiDeviceRef
from engineering_api.jobs.operations import Operation, RouteSpec

__all__ = ("OPERATIONS",)

OPERATIONS: tuple[Operation[Any, Any], ...] = (
    Operation(
        name="hmi.compile", summary="Compile an HMI device: TIA's nested results and every finding in diagnostics.",
        section=SECTION, handler=lambda ctx, d: ctx.backend.hmi.compile_hmi(d.device_name), input=HmiDeviceRef,
        output=CompileResult, route=RouteSpec("POST", f"{HMI}/actions/compile-sync"),
        async_route=RouteSpec("POST", f"{HMI}/actions/compile"), long_running=True,
        errors=NEEDS_HMI,
        description="Errors and warnings as TIA's HMI compile reports them: HMI tags bound to no PLC tag or to a "
                    "connection or PLC tag that does not exist (MISSING_TAG, CONNECTION_NOT_FOUND, PLC_TAG_NOT_SET), "
                    "connections to missing or non-matching PLCs (PARTNER_NOT_FOUND, PARTNER_NOT_A_PLC, "
                    "DRIVER_MISMATCH), screen items and VB scripts naming missing HMI tags or screens (MISSING_TAG, "
                    "MISSING_SCREEN). state is Error when any finding is an error; findings are results, not "
                    "HTTP errors.",
    ),
)
