"""A folder of PLC sources as a running simulated PLC, for ``engineering-api test run FOLDER``.

The files go into a scratch project through the backend port, as the server's routes put them there: SimaticML
documents as ``POST /api/devices/{d}/program/import`` imports them (``import_program_documents``) and SCL sources
as ``.../external-sources/import-and-generate`` generates their blocks (``generate_blocks_from_source``). Files may
depend on each other in any order (a source's OB calls an FB exported as SimaticML, an instance DB's FB comes from
another source), so they are loaded in rounds: what cannot be loaded yet is tried again after the others, until a
round loads nothing. The PLC is then compiled and downloaded to a simulated S7-1500 in operating mode SingleStep,
so a test's ``cycles``, ``advanceMs`` and ``waitMs`` run in virtual time, never the wall clock's.

Everything that goes wrong on the way is a :class:`~simatic_xml.diagnostics.Diagnostic` on the file it concerns
(``TEST_SETUP_FAILED``), never an exception: the command reports it as a finding and exits 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from simatic_xml.diagnostics import Diagnostic
from simatic_xml.tag_editor import is_tag_editor_root, read_tag_editor_xml, root_name

from engineering_api.backend.areas.tags import ConstantImportRow, TagImportRow
from engineering_api.backend.errors import EngineeringError
from engineering_api.backend.models import ProgramDocument
from engineering_api.backend.smoke import SMOKE_CPU

from .paths import SCL_SUFFIXES
from .testrun_settings import MAX_CYCLE_TIME_FIELD, RETENTIVE_MEMORY_FIELD

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from engineering_api.backend.port import EngineeringBackend

__all__ = ("CycleSetting", "RetainSetting", "SimulatedPlc", "load_plc")

_SIM_CPU = "CPU1516"
"""The simulated CPU of the device's article (:data:`SMOKE_CPU`, a CPU 1516-3 PN/DP, in every catalog TIA ships)."""
STEPPED = "SingleStep"
"""The instance's operating mode: it only cycles when a step asks, so every case runs in virtual time."""


@runtime_checkable
class RetainSetting(Protocol):
    """A backend that sets a PLC's retentive bit memory (TIA's "Retain" setting of the PLC tags: bytes from MB0).

    Openness exposes no member for it and no export carries it, so the port has none; the in-process TIA model
    offers this for ``test run``'s ``retentiveMemoryBytes``."""

    def set_retentive_memory_bytes(self, device: str, count: int) -> None: ...


@runtime_checkable
class CycleSetting(Protocol):
    """A backend that sets a CPU's maximum cycle time (its "Cycle" setting in the device configuration): the port has
    no member for it; the in-process TIA model offers this for ``test run``'s ``maxCycleTimeMs``."""

    def set_max_cycle_time(self, device: str, milliseconds: float) -> None: ...


@dataclass
class SimulatedPlc:
    """The folder's program, loaded, compiled and downloaded (when ``diagnostics`` holds no error)."""

    device: str
    instance: str
    block_files: dict[str, str] = field(default_factory=dict)
    """Which file each block came from (lower-case block name -> path), to place a compile message."""
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not any(d.severity == "Error" for d in self.diagnostics)


def _failed(file: str | None, step: str, exc: EngineeringError, block: str | None = None) -> Diagnostic:
    """A step that did not work, with the backend's message (it says what to do) and code."""
    message = " ".join(exc.message.split())
    return Diagnostic(message=f"{step}: {message} ({exc.code})", file=file, block=block, code="TEST_SETUP_FAILED")


def _import_tag_editor_tables(backend: EngineeringBackend, device: str, data: bytes) -> None:
    """A tag table as the tag editor exports it (``<Tagtable name=…>``, not SimaticML), through the tag import: its
    tags and user constants into the tables it names, created when missing."""
    for number, table in enumerate(read_tag_editor_xml(data), 1):
        tags = [TagImportRow(row=row, table_name=table.name, name=t.name, data_type=t.data_type,
                             logical_address=t.address, comment=t.comment) for row, t in enumerate(table.tags, 1)]
        constants = [ConstantImportRow(row=row, table_name=table.name, name=c.name, data_type=c.data_type,
                                       value=c.value, comment=c.comment) for row, c in enumerate(table.constants, 1)]
        backend.tag_import.import_tags(device, tags, constants, table=table.name or f"Tag table_{number}",
                                       follow_path=True, overwrite=False)


def _load_one(backend: EngineeringBackend, plc: SimulatedPlc, path: str, version: str) -> None:
    """Load one file; raises what the backend raises (the caller retries it in a later round)."""
    data = Path(path).read_bytes()
    if is_tag_editor_root(root_name(data)):
        _import_tag_editor_tables(backend, plc.device, data)
        return
    if Path(path).suffix.lower() in SCL_SUFFIXES:
        generated = backend.blocks.generate_blocks_from_source(
            plc.device, Path(path).name, data.decode("utf-8-sig"), version=version, overwrite=False)
        names = generated.blocks
    else:
        reports = backend.program.import_program_documents(
            plc.device, [ProgramDocument(source=Path(path).name, data=data)], overwrite=False)
        names = [r.name for r in reports if r.name]
    for name in names:
        plc.block_files.setdefault(name.lower(), path)


def _load_files(backend: EngineeringBackend, plc: SimulatedPlc, files: Sequence[str], version: str) -> None:
    """Every file in rounds, until a round loads nothing; what never loaded is a finding with its last error."""
    pending = list(files)
    while pending:
        errors: dict[str, EngineeringError] = {}
        for path in pending:
            try:
                _load_one(backend, plc, path, version)
            except EngineeringError as exc:
                errors[path] = exc
        if len(errors) == len(pending):
            step = "loading it into the simulated PLC's project failed"
            plc.diagnostics += [_failed(path, step, exc) for path, exc in errors.items()]
            return
        pending = list(errors)


def _compile(backend: EngineeringBackend, plc: SimulatedPlc) -> bool:
    """Compile the software; a compile error goes on the file of its block. Whether it compiled."""
    result = backend.compile.compile_software(plc.device)
    if not result.error_count:
        return True
    for info in result.diagnostics:
        if info.severity == "Error":  # on its block's file: the project's file names are the generated documents'
            plc.diagnostics.append(Diagnostic(
                message=f"the simulated PLC's compile refused it: {info.message} ({info.code})", block=info.block,
                file=plc.block_files.get((info.block or "").lower()), code="TEST_SETUP_FAILED"))
    if not plc.diagnostics:
        plc.diagnostics.append(Diagnostic(message=f"the simulated PLC's compile found {result.error_count} error(s)",
                                          code="TEST_SETUP_FAILED"))
    return False


def _without_blocks(backend: EngineeringBackend, device: str) -> None:
    """Delete the blocks the new CPU came with (TIA gives each its Main [OB1]): the scratch PLC runs the folder's
    program and nothing else, and a folder's own ``Main`` would otherwise meet the one TIA made."""
    for block in backend.blocks.list_blocks(device):
        backend.blocks.delete_block(device, block.name)


def load_plc(make_backend: Callable[[], EngineeringBackend], files: Sequence[str], scratch: Path, *,
             device: str, settings: Mapping[str, Any] | None = None) -> tuple[EngineeringBackend, SimulatedPlc]:
    """A backend whose scratch project's PLC ``device`` holds ``files``, compiled and downloaded to a stepped
    instance in RUN (see the module); the project is of the backend's default TIA version. The ``settings`` the cases
    name (:mod:`.testrun_settings`: a non-zero retentive bit memory, a maximum cycle time) are set before the download.
    The caller closes the backend."""
    backend = make_backend()
    backend.on_worker_thread_started()  # this thread makes every call
    plc = SimulatedPlc(device=device, instance=f"{device}_SIM")
    step = "starting the simulated PLC"
    try:
        version = backend.launch_portal(with_ui=False, version=None).version
        step = "creating its scratch project"
        backend.create_project(scratch, "UnitTests", author="engineering-api test run", comment="")
        backend.set_simulation_support(True)
        backend.devices.add_device(SMOKE_CPU, None, device)
        _without_blocks(backend, device)
        _load_files(backend, plc, files, version)
        if not plc.ready or not _compile(backend, plc):
            return backend, plc
        settings = settings or {}
        if settings.get(RETENTIVE_MEMORY_FIELD):
            step = "setting the PLC's retentive bit memory"
            if not isinstance(backend, RetainSetting):
                return backend, _cannot(plc, step, RETENTIVE_MEMORY_FIELD)
            backend.set_retentive_memory_bytes(device, settings[RETENTIVE_MEMORY_FIELD])
        if settings.get(MAX_CYCLE_TIME_FIELD) is not None:
            step = "setting the CPU's maximum cycle time"
            if not isinstance(backend, CycleSetting):
                return backend, _cannot(plc, step, MAX_CYCLE_TIME_FIELD)
            backend.set_max_cycle_time(device, settings[MAX_CYCLE_TIME_FIELD])
        step = "downloading the program to the simulated PLC"
        backend.simulation.create_instance(plc.instance, _SIM_CPU, operating_mode=STEPPED)
        backend.simulation.power_on(plc.instance)
        backend.online.download(device, instance_name=plc.instance, start_after_download=True)
    except EngineeringError as exc:
        plc.diagnostics.append(_failed(None, step, exc))
    return backend, plc


def _cannot(plc: SimulatedPlc, step: str, setting: str) -> SimulatedPlc:
    plc.diagnostics.append(Diagnostic(message=f"{step}: this backend cannot set it ({setting} needs the in-process "
                                              "simulated PLC)", code="TEST_SETUP_FAILED"))
    return plc
