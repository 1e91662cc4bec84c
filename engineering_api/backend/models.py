"""What the backend port returns: plain msgspec Structs, camelCase on the wire.

Both adapters build these, so the web layer serialises them without mapping code.
"""

from __future__ import annotations

from typing import Any, Literal

from engineering_api.lib.schema import CamelStruct

__all__ = (
    "FOLDER_NODE",
    "SOFTWARE_UNITS_NODE",
    "SOFTWARE_UNIT_NODE",
    "ArchiveInfo",
    "ArchiveUnsaved",
    "CatalogCacheStatus",
    "CatalogItem",
    "CatalogMatch",
    "CompileMessage",
    "CompileResult",
    "DeviceInfo",
    "DiagnosticInfo",
    "DeviceItem",
    "HardwareTransfer",
    "HistoryEntry",
    "IndexResult",
    "InstalledVersion",
    "IoSystemInfo",
    "NetworkInterface",
    "ObjectChangeDetail",
    "PortalInfo",
    "ProgramDocument",
    "ProgramImportReport",
    "ProgramObjectInfo",
    "ProjectCredentials",
    "ProjectInfo",
    "ProjectInfrastructure",
    "ProjectOverview",
    "SessionStatus",
    "SlotOption",
    "SubnetInfo",
    "WhitelistEntry",
)

PortalMode = Literal["WithUserInterface", "WithoutUserInterface"]
CompileState = Literal["Success", "Warning", "Error"]
ArchiveUnsaved = Literal["refuse", "save", "allow"]
"""What archiving does with unsaved changes: refuse (409 UNSAVED_CHANGES), save them first, or archive the saved
state and say so in :attr:`ArchiveInfo.warnings`."""


FOLDER_NODE = "Folder"
"""The ``nodeType`` of a user folder in a PLC's trees ("PLC tags", "PLC data types"): it can be created, renamed and
deleted."""
SOFTWARE_UNITS_NODE = "SoftwareUnits"
"""The ``nodeType`` of the ``Software units`` node of a PLC's tree (bridge, a CPU with software units): it holds a
:data:`SOFTWARE_UNIT_NODE` per unit and is no user folder (nothing deletes or renames it)."""
SOFTWARE_UNIT_NODE = "SoftwareUnit"
"""The ``nodeType`` of one software unit's node below :data:`SOFTWARE_UNITS_NODE`: it holds the unit's folders and
objects and is no user folder (the port cannot create or delete a unit)."""

class InstalledVersion(CamelStruct):
    """A TIA Portal version found on the machine."""

    version: str
    install_path: str
    openness_available: bool
    assembly_path: str | None = None


class PortalInfo(CamelStruct):
    """One TIA Portal process."""

    pid: int
    version: str
    mode: PortalMode
    started_at: str
    project_name: str | None = None
    project_path: str | None = None
    attached: bool = False


class SessionStatus(CamelStruct):
    """What this server is connected to."""

    connected: bool
    backend: str
    pid: int | None = None
    version: str | None = None
    mode: PortalMode | None = None
    project_open: bool = False
    project_name: str | None = None
    project_path: str | None = None
    has_unsaved_changes: bool = False


class WhitelistEntry(CamelStruct):
    """An application allowed through the Openness firewall."""

    application_path: str
    sha256: str
    tia_version: str
    added_at: str


class ProjectInfo(CamelStruct):
    """An open or just-created project."""

    name: str
    path: str
    version: str
    author: str = ""
    comment: str = ""
    has_unsaved_changes: bool = False
    simulation_support: bool = False
    created_at: str | None = None
    saved_at: str | None = None


class ProjectCredentials(CamelStruct, kw_only=True):
    """A UMAC user that may open a protected project (Openness ``UmacCredentials``: ``Name``, ``Type``,
    ``SetPassword``). Never stored, logged or returned: its repr hides the password."""

    user: str
    """The user name."""
    password: str
    """The user's password."""
    user_type: Literal["Project", "Global"] = "Project"
    """``Project``: a user of the project's own user management; ``Global``: a user of a UMAC server."""

    def __repr__(self) -> str:
        return f"ProjectCredentials(user={self.user!r}, password='***', user_type={self.user_type!r})"


class HistoryEntry(CamelStruct):
    """A recently opened project (T-IA Connect: ``{Path, LastAccess}``)."""

    path: str
    last_access: str
    name: str = ""


class NetworkInterface(CamelStruct):
    """A PROFINET/Ethernet interface of a device and its addressing."""

    name: str
    type: str
    ports: int = 1
    ip_address: str | None = None
    subnet_mask: str | None = None
    router_address: str | None = None
    subnet_name: str | None = None
    io_system: str | None = None
    profinet_device_name: str | None = None


class DeviceItem(CamelStruct):
    """A module plugged into a device's rack."""

    name: str
    order_number: str
    firmware_version: str
    type_identifier: str
    slot: int
    category: str = ""


class DeviceInfo(CamelStruct):
    """A device (station) in the project."""

    name: str
    order_number: str
    firmware_version: str
    type_identifier: str
    device_kind: str
    family: str
    description: str = ""
    interfaces: list[NetworkInterface] = []
    items: list[DeviceItem] = []
    parked: bool = False
    comment: str = ""


class DiagnosticInfo(CamelStruct, kw_only=True):
    """One finding of parse, generate, import, compile or download, in the shape every answer and the CLI's
    ``--format json`` use (:meth:`simatic_xml.diagnostics.Diagnostic.to_wire`).

    ``line``/``column`` count in the text the user gave (the SCL source file; for a SimaticML block, the
    network's own text, with ``network`` its 1-based number); 0 means the whole block. ``code`` is a stable
    UPPER_SNAKE name; ``MISSING_TAG``, ``MISSING_BLOCK``, ``MISSING_TYPE`` and ``MISSING_CONSTANT`` mean a user
    object the code uses is not there, every other error code that the code itself is wrong.
    """

    file: str | None = None
    block: str | None = None
    network: int | None = None
    line: int = 0
    column: int = 0
    severity: Literal["Error", "Warning", "Info"] = "Error"
    code: str
    message: str

    @classmethod
    def of(cls, diagnostic: Any) -> DiagnosticInfo:
        """From a :class:`simatic_xml.diagnostics.Diagnostic`."""
        severity: Literal["Error", "Warning", "Info"] = (
            diagnostic.severity if diagnostic.severity in ("Error", "Warning", "Info") else "Error")
        return cls(file=diagnostic.file, block=diagnostic.block, network=diagnostic.network, line=diagnostic.line,
                   column=diagnostic.column, severity=severity, code=diagnostic.code, message=diagnostic.message)


class CompileMessage(CamelStruct):
    """One node of TIA's nested compiler result tree."""

    path: str
    description: str
    state: CompileState
    messages: list[CompileMessage] = []
    error_count: int = 0
    warning_count: int = 0


class CompileResult(CamelStruct):
    """``{state, errorCount, warningCount, messages[...]}`` as TIA's CompilerResult, plus ``diagnostics``: every
    finding as structured data (file, block, network, line, column, severity, code, message), up to the stated
    cap (``simatic_xml.diagnostics.DIAGNOSTIC_CAP``). The fake fills it from its compiler; the Openness backend
    leaves it empty for now (TIA's CompilerResult has no line, column or code; its findings stay in ``messages``,
    the tree as TIA gives it)."""

    state: CompileState
    error_count: int
    warning_count: int
    messages: list[CompileMessage] = []
    diagnostics: list[DiagnosticInfo] = []


class SubnetInfo(CamelStruct):
    """A subnet and who is on it."""

    name: str
    type: str
    network_address: str | None = None
    nodes: list[dict[str, str]] = []


class IoSystemInfo(CamelStruct):
    """A PROFINET IO system: one controller, its devices."""

    name: str
    controller: str
    subnet: str | None
    devices: list[str] = []


class ProjectInfrastructure(CamelStruct):
    """Subnets, IO systems and connections of the project."""

    subnets: list[SubnetInfo] = []
    io_systems: list[IoSystemInfo] = []
    connections: list[dict[str, Any]] = []


class ProjectOverview(CamelStruct):
    """``GET /api/projects/overview``: the T-IA Connect client reads ProjectName and ProjectPath."""

    project_name: str
    project_path: str
    version: str
    author: str
    comment: str
    has_unsaved_changes: bool
    simulation_support: bool
    device_count: int
    devices: list[DeviceInfo] = []
    subnets: list[SubnetInfo] = []


class ArchiveInfo(CamelStruct):
    """A written project archive."""

    archive_path: str
    size_bytes: int
    file_count: int
    sha256: str
    warnings: list[str] = []
    """E.g. that unsaved changes were left out (``allowUnsaved``)."""


class IndexResult(CamelStruct):
    """What indexing found."""

    project_name: str
    object_count: int
    counts: dict[str, int] = {}
    indexed_at: str = ""


class CatalogItem(CamelStruct):
    """A hardware catalog entry."""

    order_number: str
    name: str
    family: str
    category: str
    device_kind: str
    firmware_versions: list[str]
    type_identifier: str
    description: str = ""
    source: dict[str, str] = {}


class CatalogMatch(CamelStruct):
    """A fuzzy-search hit and its score (0..1)."""

    item: CatalogItem
    score: float


class CatalogCacheStatus(CamelStruct):
    """State of the in-memory catalog cache."""

    loaded: bool
    entry_count: int
    built_at: str | None = None
    loaded_at: str | None = None
    families: dict[str, int] = {}


class SlotOption(CamelStruct):
    """A free slot where a module fits."""

    device_name: str
    order_number: str
    slot: int
    slot_kind: str


class HardwareTransfer(CamelStruct):
    """Result of an AML export or import."""

    path: str
    devices: list[str] = []
    format: str = "AutomationML (CAEX 3.0)"


class ProgramDocument(CamelStruct):
    """A SimaticML document to import, with where it came from (for reports) and its target group."""

    source: str
    data: bytes
    folder: str = ""


class ProgramImportReport(CamelStruct):
    """What became of one document of an import."""

    source: str
    status: Literal["Imported", "Failed", "NotImported"]
    message: str
    diagnostics: list[DiagnosticInfo] = []
    """What the document's check found (a failed import's errors, each in the one diagnostic shape)."""
    name: str | None = None
    kind: str | None = None
    code: str | None = None


class ProgramObjectInfo(CamelStruct):
    """A block, PLC data type or tag table of a PLC."""

    name: str
    kind: str
    number: int | None = None
    language: str | None = None
    folder: str = ""
    instance_of: str | None = None
    consistent: bool = True
    missing_types: list[str] = []


class SourceGeneration(CamelStruct):
    """The blocks an external source generated, imported in dependency order."""

    blocks: list[str]
    """In the order of the source."""
    order: list[str]
    """In the order they were imported."""
    reports: list[ProgramImportReport]
    diagnostics: list[dict[str, Any]] = []  # msgspec copies defaults
    """Warnings of the generation (``MISSING_TYPE``, ``MISSING_BLOCK`` …), wire shape of
    ``simatic_xml.diagnostics.Diagnostic``."""


class ObjectChangeDetail(CamelStruct, kw_only=True):
    """What changed in one block, PLC data type or tag table, member by member, as an engineer reads it: the wire
    form of :class:`engineering_api.rules.object_changes.ObjectChanges`, shared by source control's diff of a commit
    and the compare of library type versions."""

    kind: str = ""
    """``interface``, ``code``, ``comments only``, ``attributes`` (comma-joined; in a commit's diff also ``tags``
    or ``hardware``); ``''`` when nothing changed."""
    members_added: list[str] = []
    members_removed: list[str] = []
    members_changed: list[str] = []
    """``Section.Member: what`` (type, start value, comment)."""
    networks_changed: list[str] = []
    """Networks (``#n title``) whose code changed, were added or removed."""
    summary: str = ""
