"""Download, upload, going online, CPU state and online/offline compare (port area and its models).

Binding: a PLC's program goes to the simulated (or real) CPU *bound* to the device. While the device is
online, that is the CPU it went online with; otherwise the one whose IP suite holds the device's
PROFINET IP address, else the one named by ``instance_name`` (TIA's "PLCSIM" PC interface), else the
only instance without an IP address. The CPU operations (status, start, stop, download, upload,
compare) act on the bound CPU and do not need the device to be online first.

Sensitive flows: a download never stops a CPU in RUN unless the caller confirmed it (``stop_cpu``),
and a stop of a CPU in RUN needs ``confirm``; neither starts a CPU the caller did not ask to start.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, Literal

from engineering_api.backend.areas.simulation_models import (
    SimDiagnosticEntry,
    SimScanTime,
)
from engineering_api.backend.models import CompileResult
from engineering_api.lib.schema import CamelStruct

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

__all__ = (
    "CompareEntry", "CompareResult", "CpuActionResult", "CpuStatus", "DownloadMessage", "DownloadResult",
    "OnlinePort", "OnlineStatus", "UploadResult", "UploadedObject",
)

DownloadState = Literal["Success", "Information", "Warning", "Error"]
CompareStatus = Literal["Identical", "Different", "OnlyOffline", "OnlyOnline"]


class OnlineStatus(CamelStruct):
    """Whether a device is online, and with which instance and operating state."""

    device_name: str
    online: bool
    instance_name: str | None = None
    operating_state: str | None = None
    """``Off``, ``Stop``, ``Run``... of the online CPU; null while offline."""


class CpuStatus(CamelStruct):
    """The bound CPU's operating state, scan times and a summary of its diagnostic buffer."""

    device_name: str
    instance_name: str
    online: bool
    operating_state: str
    operating_mode: str
    cpu_type: str
    virtual_time_ms: float
    loaded_device: str | None
    """The device whose program is in the CPU (null when nothing was downloaded)."""
    loaded_objects: int
    scan_times: SimScanTime
    forced_tags: int
    diagnostic_count: int
    last_error: SimDiagnosticEntry | None = None
    """The newest programming error (what stopped the CPU), if any."""
    diagnostics: list[SimDiagnosticEntry] = []
    """The newest entries of the diagnostic buffer, newest first (at most 20)."""


class CpuActionResult(CamelStruct):
    """The operating state before and after a start or stop."""

    device_name: str
    instance_name: str
    previous_state: str
    operating_state: str
    message: str


class DownloadMessage(CamelStruct):
    """One message of a download result (TIA's DownloadResultMessage)."""

    state: DownloadState
    message: str
    messages: list[DownloadMessage] = []


class DownloadResult(CamelStruct):
    """TIA's DownloadResult ``{state, errorCount, warningCount, messages}`` plus what was loaded where."""

    state: DownloadState
    error_count: int
    warning_count: int
    messages: list[DownloadMessage]
    device_name: str
    instance_name: str
    operating_state: str
    """The CPU's state after the download (STOP unless ``startAfterDownload``, or it was in STOP)."""
    stopped_cpu: bool
    started_cpu: bool
    object_count: int
    reinitialised_data_blocks: list[str] = []
    """Data blocks that changed or are new: their actual values were reset to start values."""
    warnings: list[str] = []
    """What the simulation cannot execute (unsupported instructions), found at download time."""
    compile_result: CompileResult | None = None


class UploadedObject(CamelStruct):
    """A program object read back from the CPU."""

    name: str
    kind: str
    digest: str
    file: str | None = None
    """Where it was written, when an ``exportPath`` was given."""


class UploadResult(CamelStruct):
    """The program in the CPU; written to files and/or applied to the offline software on request."""

    device_name: str
    instance_name: str
    loaded_device: str | None
    objects: list[UploadedObject]
    export_path: str | None = None
    applied: bool = False
    """True when the objects replaced their offline counterparts (one transaction)."""


class CompareEntry(CamelStruct):
    """One object of an online/offline compare."""

    name: str
    kind: str
    status: CompareStatus
    offline_digest: str | None = None
    online_digest: str | None = None


class CompareResult(CamelStruct):
    """What differs between the offline software and the program in the CPU."""

    device_name: str
    instance_name: str
    loaded_device: str | None
    identical: bool
    offline_compiles: bool
    """False when the offline software does not compile: objects in both are then reported Different."""
    only_offline: list[str]
    only_online: list[str]
    different: list[str]
    identical_count: int
    entries: list[CompareEntry]


class OnlinePort(ABC):
    """Going online, the CPU's operating state, download, upload and compare.

    Every method runs on the TIA worker thread; docstrings name the domain errors raised. Common to all:
    ``NotFoundError`` (``DEVICE_NOT_FOUND``), ``ValidationError`` (``NOT_A_PLC``), ``NoProjectOpenError``,
    ``PortalUnavailableError``. Binding errors: ``NotFoundError`` ``SIM_INSTANCE_NOT_FOUND`` (a named
    instance does not exist) or ``NO_BOUND_INSTANCE`` (nothing is bound to the device); ``ConflictError``
    ``INSTANCE_AMBIGUOUS`` (several instances could be meant: name one), ``INSTANCE_MISMATCH`` (the named
    instance is not the one holding the device's IP), ``ONLINE_WITH_OTHER_INSTANCE``,
    ``SIM_RUNTIME_STOPPED``.
    """

    @abstractmethod
    def go_online(self, device: str, *, instance_name: str | None = None) -> OnlineStatus:
        """Go online with the device's bound CPU (idempotent).

        Raises:
            ConflictError: ``INSTANCE_OFF`` (power the instance on first); binding errors.
            NotFoundError: binding errors.
        """

    @abstractmethod
    def go_offline(self, device: str) -> OnlineStatus:
        """Go offline (idempotent: an offline device stays offline).

        Raises:
            NotFoundError: ``DEVICE_NOT_FOUND``.
        """

    @abstractmethod
    def online_status(self, device: str) -> OnlineStatus:
        """Whether the device is online; a session ends when its instance is powered off or deleted.

        Raises:
            NotFoundError: ``DEVICE_NOT_FOUND``.
        """

    @abstractmethod
    def cpu_status(self, device: str, *, instance_name: str | None = None) -> CpuStatus:
        """Operating state, scan times and diagnostics of the bound CPU.

        Raises:
            NotFoundError, ConflictError: binding errors.
        """

    @abstractmethod
    def start_cpu(self, device: str, *, instance_name: str | None = None) -> CpuActionResult:
        """Put the bound CPU into RUN (startup OBs run first; a CPU already in RUN stays there).

        Raises:
            ConflictError: ``INSTANCE_OFF``; ``CPU_STOPPED_BY_ERROR`` when a startup OB hit a programming
                error (the CPU stays in STOP; ``details.diagnostic`` names block, network and line).
            NotFoundError: binding errors.
        """

    @abstractmethod
    def stop_cpu(self, device: str, *, instance_name: str | None = None, confirm: bool = False) -> CpuActionResult:
        """Put the bound CPU into STOP; a CPU in RUN is only stopped with ``confirm``.

        Raises:
            ConflictError: ``STOP_NOT_CONFIRMED``; ``INSTANCE_OFF``; binding errors.
            NotFoundError: binding errors.
        """

    @abstractmethod
    def download(
        self, device: str, *, instance_name: str | None = None, stop_cpu: bool = False,
        start_after_download: bool = False, progress: Callable[[int, str], None] | None = None,
        password: str | None = None,
    ) -> DownloadResult:
        """Compile the PLC's software and load it into the bound CPU.

        Data blocks whose content is unchanged keep their actual values; changed and new ones are
        reinitialised. A CPU in RUN is stopped only with ``stop_cpu``; it is started afterwards only with
        ``start_after_download``.

        Raises:
            ConflictError: ``SIMULATION_SUPPORT_DISABLED`` (the project does not allow downloads to
                PLCSIM); ``INSTANCE_OFF``; ``CPU_IN_RUN`` (confirm the stop); ``DOWNLOAD_COMPILE_FAILED``
                (``details.compileResult`` holds the compile result; nothing was loaded);
                ``CPU_STOPPED_BY_ERROR`` (started after download, a startup OB failed); binding errors.
            NotFoundError: binding errors.
            PermissionDeniedError: ``CPU_ACCESS_DENIED``: the CPU is protected (its downloaded access level is below
                full access) and ``password`` is not one that grants full access (:mod:`..areas.security`).
        """

    @abstractmethod
    def upload(
        self, device: str, *, instance_name: str | None = None, export_dir: Path | None = None,
        overwrite: bool = False, apply: bool = False,
    ) -> UploadResult:
        """Read back the program in the bound CPU; write it as SimaticML files into ``export_dir`` and/or
        replace the offline objects of the same names (``apply``, one transaction; offline-only objects stay).

        Raises:
            ConflictError: ``INSTANCE_OFF``; ``NOTHING_LOADED`` (no program in the CPU); binding errors.
            AlreadyExistsError: ``FILE_EXISTS`` (a file would be overwritten without ``overwrite``).
            ValidationError: ``UPLOAD_APPLY_FAILED`` (an object could not be imported; nothing changed).
            NotFoundError: binding errors.
        """

    @abstractmethod
    def compare_online(self, device: str, *, instance_name: str | None = None) -> CompareResult:
        """Compare the offline software with the program in the bound CPU, object by object.

        Raises:
            ConflictError: ``INSTANCE_OFF``; binding errors.
            NotFoundError: binding errors.
        """

    @abstractmethod
    def load_start_values(self, device: str, block: str) -> dict[str, Any]:
        """Set a data block's actual values in the device's online CPU back to its start values (TIA's
        "Load start values as actual values"); returns ``{blockName, instanceName, operatingState}``.

        Raises:
            NotFoundError: ``DEVICE_NOT_FOUND``.
            ConflictError: ``NOT_ONLINE`` (go online first); ``NOT_DOWNLOADED`` when the CPU's program has no
                such data block.
        """

