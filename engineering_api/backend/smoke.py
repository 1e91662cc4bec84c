"""The smoke walk of ``engineering-api doctor --smoke``: the calls a pipeline makes first, through the backend port.

It works against a scratch project it creates in a fresh folder and deletes afterwards: portal, project
create/open/info, device add, block import/compile/export, online status, PLCSIM instances. It touches no project of
the user's (it launches its own portal and shuts it down) and prints what worked and what did not, with the TIA
version, as a block a user can paste into a bug report. It runs the same against the fake and the Openness bridge.
"""

from __future__ import annotations

import platform
import shutil
import sys
import tempfile
import traceback
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engineering_api.lib.doctor import Check

if TYPE_CHECKING:
    from collections.abc import Callable

    from engineering_api.backend.port import EngineeringBackend

__all__ = ("SMOKE_CPU", "SmokeReport", "smoke")

SMOKE_CPU = "6ES7 516-3AN02-0AB0"
"""The article of the scratch project's CPU (S7-1500, CPU 1516-3 PN/DP), in every catalog TIA ships."""
_DEVICE = "SmokePLC"
_BLOCK = {"blockType": "FC", "name": "Smoke_FC", "language": "SCL", "returnType": "Int",
          "interface": {"Input": [{"name": "x", "dataType": "Int"}]}, "networks": [{"scl": "#Smoke_FC := #x + 1;"}]}
"""A block every TIA version compiles."""


@dataclass
class SmokeReport:
    """The smoke walk's steps, in order, with what the machine is."""

    backend: str
    tia_version: str = "unknown"
    steps: list[Check] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return sum(1 for step in self.steps if not step.ok)

    def lines(self) -> list[str]:
        """The report as printed: a header naming versions and platform, one line per step, a summary."""
        try:
            version = metadata.version("engineering-api")
        except metadata.PackageNotFoundError:
            version = "unknown"
        out = [
            "engineering-api doctor --smoke",
            f"engineering-api {version}, Python {sys.version.split()[0]}, {platform.platform()}",
            f"backend: {self.backend}, TIA Portal {self.tia_version}",
        ]
        for step in self.steps:
            out.append(f"[{'ok  ' if step.ok else 'FAIL'}] {step.name}: {step.detail}")
        passed = len(self.steps) - self.failed
        out.append(f"{passed} of {len(self.steps)} steps worked"
                   + ("" if not self.failed else f", {self.failed} failed"))
        return out


def _step(report: SmokeReport, name: str, call: Callable[[], str]) -> bool:
    """Run one step; a failure is recorded with the error's type, code and message (never a crash)."""
    try:
        detail = call()
    except Exception as exc:  # the smoke walk reports every failure and goes on
        code = getattr(exc, "code", None)
        where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
        origin = f" (at {Path(where.filename).name}:{where.lineno})" if where else ""
        report.steps.append(Check(name, False, f"{type(exc).__name__}{f' {code}' if code else ''}: {exc}{origin}"))
        return False
    report.steps.append(Check(name, True, detail))
    return True


def smoke(backend: EngineeringBackend, backend_name: str, *, scratch_root: Path | None = None) -> SmokeReport:
    """Walk the common calls against a scratch project in a fresh folder under ``scratch_root`` (the system's
    temporary folder by default); the project, its folder and the launched portal are removed afterwards."""
    from simatic_xml.generate import generate_xml, parse_spec  # only the smoke walk needs it

    from engineering_api.backend.models import ProgramDocument

    report = SmokeReport(backend=backend_name)
    if scratch_root is not None:
        scratch_root.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="engineering-api-smoke-", dir=scratch_root))
    state: dict[str, Any] = {}

    def portal() -> str:
        info = backend.launch_portal(with_ui=False, version=None)
        report.tia_version = info.version
        state["portal"] = True
        return f"launched TIA Portal {info.version} without user interface (pid {info.pid})"

    def create() -> str:
        info = backend.create_project(folder, "SmokeTest", author="", comment="")
        state["path"] = Path(info.path)
        return f"created {info.name} ({Path(info.path).name})"

    def reopen() -> str:
        backend.close_project()
        info = backend.open_project(state["path"])
        return f"closed and opened {info.name} again ({info.version})"

    def info() -> str:
        (project,) = backend.open_projects()
        return (f"{project.name}: version {project.version}, created {project.created_at}, "
                f"unsaved={project.has_unsaved_changes}")

    def device() -> str:
        added = backend.devices.add_device(SMOKE_CPU, None, _DEVICE)
        return f"added {added.name} ({SMOKE_CPU})"

    def import_block() -> str:
        document = ProgramDocument(source="Smoke_FC.xml", data=generate_xml(parse_spec(_BLOCK), report.tia_version))
        backend.program.import_program_documents(_DEVICE, [document], overwrite=False)
        return "imported Smoke_FC (SCL) from SimaticML"

    def compile_software() -> str:
        result = backend.compile.compile_software(_DEVICE)
        if result.error_count:
            raise RuntimeError(f"{result.error_count} compile error(s): {[m.description for m in result.messages][:3]}")
        return f"{result.state}, {result.warning_count} warning(s)"

    def export() -> str:
        data = backend.program.export_program_object(_DEVICE, "Smoke_FC")
        if b"Smoke_FC" not in data:
            raise RuntimeError("the exported SimaticML does not name the block")
        return f"exported Smoke_FC ({len(data)} bytes of SimaticML)"

    def online() -> str:
        status = backend.online.online_status(_DEVICE)
        return f"{_DEVICE} is {'online' if status.online else 'offline'}"

    def instances() -> str:
        found = backend.simulation.list_instances()
        return f"{len(found)} instance(s)" + (f": {', '.join(i.name for i in found[:5])}" if found else "")

    try:
        if _step(report, "portal", portal):
            if _step(report, "project create", create):
                _step(report, "project open", reopen)
                _step(report, "project info", info)
                if _step(report, "device add", device):
                    if _step(report, "block import", import_block):
                        _step(report, "block compile", compile_software)
                        _step(report, "block export", export)
                    _step(report, "online status", online)
            _step(report, "PLCSIM instances", instances)
    finally:
        _cleanup(report, backend, state, folder)
    return report


def _cleanup(report: SmokeReport, backend: EngineeringBackend, state: dict[str, Any], folder: Path) -> None:
    """Close the scratch project without saving, shut the launched portal down, delete the scratch folder."""

    def clean() -> str:
        if state.get("portal"):
            if backend.open_projects():
                backend.close_project()
            backend.shutdown_portal()
        shutil.rmtree(folder)
        return f"closed the scratch project, shut the portal down, deleted {folder}"

    _step(report, "cleanup", clean)
