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
    "CompareEntry", "CompareResult", "CpuActionResult", "CpuStatus", "DownloadChecks", "DownloadMessage",
    "DownloadResult", "OnlinePort", "OnlineStatus", "PreDownloadCheck", "TlsVerification", "UploadResult",
    "UploadedObject",
)

DownloadState = Literal["Success", "Information", "Warning", "Error"]
CompareStatus = Literal["Identical", "Different", "OnlyOffline", "OnlyOnline"]


class TlsVerification(CamelStruct):
    """TIA's TLS trust prompt (Openness ``TlsVerificationConfiguration``) and how it was answered: the audit of a
    certificate trusted or not."""

    plc_name: str
    verification_info: str
    """What TIA showed to verify the certificate by (its fingerprint)."""
    choice: Literal["Trusted", "NonTrusted"]
    decided_by: Literal["request", "setting"]
    """``request``: the call's ``trustTls``; ``setting``: the server's ``trust_plc_certificates``."""


class DownloadChecks(CamelStruct, kw_only=True):
    """Answers to TIA's pre-download checks beyond stop and start (Openness ``Download.Configurations``)."""

    alarm_text_libraries: Literal["ConsistentDownload", "NoAction"] = "ConsistentDownload"
    """``AlarmTextLibrariesDownload``: load the alarm text libraries with the program (as Siemens' own add-in
    answers) or not."""
    data_block_reinitialization: Literal["StopPlcAndReinitialize", "NoAction"] = "StopPlcAndReinitialize"
    """``DataBlockReinitialization``: data blocks in the CPU whose structure changed lose their actual values;
    ``NoAction`` cancels such a download instead."""
    plc_master_secret_password: str | None = None
    """``PlcMasterSecretPassword``: the password of the PLC's protected master secret (never stored or returned)."""

    def __repr__(self) -> str:
        return (f"DownloadChecks(alarm_text_libraries={self.alarm_text_libraries!r}, data_block_reinitialization="
                f"{self.data_block_reinitialization!r}, plc_master_secret_password='***')")


class PreDownloadCheck(CamelStruct):
    """One question TIA asked before a download and the answer it got."""

    category: str
    """TIA's name of the question (``StopModules``, ``AlarmTextLibrariesDownload``, ``PlcMasterSecretPassword``...)."""
    message: str
    answer: str
    """The selection given, ``Checked``, ``Password given``, or ``Left at TIA's default``."""


class OnlineStatus(CamelStruct):
    """Whether a device is online, and with which instance and operating state."""

    device_name: str
    online: bool
    instance_name: str | None = None
    operating_state: str | None = None
    """``Off``, ``Stop``, ``Run``... of the online CPU; null while offline."""
    tls_verifications: list[TlsVerification] = []
    """The TLS trust prompts TIA raised while connecting, and their answers."""


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
    pre_download_checks: list[PreDownloadCheck] = []
    """Every question TIA asked before loading, with its answer."""
    tls_verifications: list[TlsVerification] = []
    """The TLS trust prompts TIA raised while connecting, and their answers."""


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
    def go_online(self, device: str, *, instance_name: str | None = None, trust_tls: bool = False) -> OnlineStatus:
        """Go online with the device's bound CPU (idempotent). A CPU that presents a TLS certificate is trusted only
        with ``trust_tls`` (TIA's ``OnlineLegitimation`` prompt); the answer is in ``tls_verifications``.

        Raises:
            ConflictError: ``INSTANCE_OFF`` (power the instance on first); ``TLS_NOT_TRUSTED``; binding errors.
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
        password: str | None = None, trust_tls: bool = False, checks: DownloadChecks | None = None,
    ) -> DownloadResult:
        """Compile the PLC's software and load it into the bound CPU.

        TIA's other questions are answered by ``checks`` (defaults: :class:`DownloadChecks`) and the TLS trust prompt
        by ``trust_tls``; every question asked and its answer is in the result. A download TIA cancels on an answer
        (``NoAction`` to a re-initialisation, a missing master secret password) is ``DOWNLOAD_FAILED``.

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

