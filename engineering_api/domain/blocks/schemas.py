"""Request and response schemas of the Blocks operations."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

import msgspec

from engineering_api.backend.areas.blocks import BlockInfo
from engineering_api.backend.models import ProgramImportReport
from engineering_api.lib.bounds import UDInt, UInt
from engineering_api.domain.common import DeviceRef
from engineering_api.lib.schema import CamelStruct
from engineering_api.rules.project_texts import ProjectTexts


# ----- inputs ------------------------------------------------------------------------------------
class BlockRef(DeviceRef):
    """A block of a PLC."""

    block_name: str


class ProgramPageQuery(DeviceRef):
    """A page of a PLC's program tree: its blocks or its PLC data types, those whose name holds ``find``."""

    category: Literal["blocks", "types"] = "blocks"
    """``blocks`` (Program blocks) or ``types`` (PLC data types)."""
    find: str = ""
    """Only objects whose name holds this, whatever its case (all when empty)."""
    offset: Annotated[int, msgspec.Meta(ge=0)] = 0
    """Place of the page's first object among those found, from 0."""
    limit: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 200
    """Objects a page holds at most."""


class BlockSpecInput(ProjectTexts):
    """A JSON block spec (see ``simatic_xml.generate``) given flat, or as ``spec``, or the SimaticML as ``rawXml``.

    T-IA's minimal ``{BlockType, Name, Language}`` is a spec too.
    """

    block_type: str | None = None
    """OB, FB, FC, GlobalDB (or DB), InstanceDB or UDT."""
    name: str | None = None
    """Block name, e.g. FB_Motor."""
    number: UInt | None = None
    """Block number; TIA's next free number when omitted."""
    language: str | None = None
    """Programming language: SCL, LAD, FBD, STL, GRAPH, or DB for data blocks."""
    title: Any = None
    """Block title, a text or {culture: text}."""
    comment: Any = None
    """Block comment, a text or {culture: text}."""
    author: str | None = None
    """Author, as shown in the block properties."""
    family: str | None = None
    """Family, as shown in the block properties."""
    header_name: str | None = None
    """User-defined ID (header name) of the block properties."""
    version: str | None = None
    """Block version, e.g. 0.1."""
    memory_layout: str | None = None
    """Optimized (default) or Standard block access."""
    secondary_type: str | None = None
    """An OB's event class, e.g. ProgramCycle, CyclicInterrupt, Startup."""
    cyclic_time: UDInt | None = None
    """A cyclic-interrupt OB's cycle in microseconds."""
    phase_shift: UDInt | None = None
    """A cyclic-interrupt OB's phase shift in microseconds."""
    instance_of: str | None = None
    """The FB an instance DB belongs to."""
    instance_of_type: str | None = None
    """What instanceOf names: FB (default), System (a system FB such as IEC_TIMER) or UDT."""
    return_type: str | None = None
    """An FC's return type, e.g. Void, Int, Real."""
    interface: dict[str, Any] | None = None
    """The block interface: {Input: [{name, dataType, startValue, comment}], Output, InOut, Static, Temp, Constant}."""
    networks: list[Any] | None = None
    """The networks: [{scl: text}] for SCL, or ladder/FBD networks as the spec format describes."""
    description: str | None = None
    """Free text describing the block."""
    spec: dict[str, Any] | None = None
    """The whole spec as one object, instead of the flat fields."""
    raw_xml: str | None = None
    """The block as SimaticML, instead of a spec."""


BlockSpecInput.unchecked_texts = frozenset(field.name for field in msgspec.structs.fields(BlockSpecInput))
"""The spec's texts are checked where it is parsed (INVALID_SPEC at their field), rawXml's where it is read."""


class CreateBlockInput(BlockSpecInput, kw_only=True):
    """A new block: a spec (or rawXml), the folder to put it in, and whether to replace a block of that name."""

    device_name: str
    folder: str = ""
    overwrite: bool = False


class UpdateBlockInput(BlockSpecInput, kw_only=True):
    """The new content of a block (a spec or rawXml); the block keeps its name, folder and (unless given) number."""

    device_name: str
    block_name: str


class RenameInput(BlockRef):
    """Old and new block name."""

    new_name: str


class ExportInput(BlockRef):
    """A block and the file (or folder) inside the roots to write it to; TIA does not overwrite."""

    export_path: str
    overwrite: bool = False


class ExportSourceInput(ExportInput):
    """The SCL source file (or folder) inside the roots to write."""


class ImportInput(DeviceRef):
    """A SimaticML file inside the roots."""

    import_file_path: str
    overwrite: bool = False
    folder: str = ""


class NetworksInput(BlockRef):
    """Networks to append, in the spec's network form (``{"title", "scl" | "lad" | "fbd"}``)."""

    networks: list[dict[str, Any]]
    """The networks to append after the block's last one, each an object with a title and one of scl, lad or fbd."""


class MemberSettings(ProjectTexts):
    """The settings of an interface member in the spec's member form."""

    data_type: str | None = None
    """Data type, as written in TIA Portal (Bool, Int, UDT names in quotes, Array[1..10] of Int...)."""
    start_value: Any = None
    """Start value, as TIA writes it (FALSE, 0, 1.5, T#2S)."""
    comment: Any = None
    retain: bool | None = None
    """Keep the value through a power cycle (retentive)."""
    accessible_from_hmi: bool | None = None
    """Accessible from HMI/OPC UA."""
    visible_in_hmi: bool | None = None
    """Visible in HMI engineering."""
    writable_from_hmi: bool | None = None
    """Writable from HMI/OPC UA."""
    setpoint: bool | None = None
    """A setpoint (its value can be loaded as start value)."""
    members: list[dict[str, Any]] | None = None
    """The members of a Struct member, in the same form."""


class MemberInput(MemberSettings, kw_only=True):
    """An interface member in the spec's member form, and the section it goes to."""

    device_name: str
    block_name: str
    section: str
    """Interface section: Input, Output, InOut, Static, Temp or Constant."""
    name: str
    """Member name."""
    position: int | None = None
    """Index in the section (default: at the end)."""


class MemberUpdateInput(MemberSettings, kw_only=True):
    """What to change in a member; omitted fields keep their value."""

    device_name: str
    block_name: str
    member_name: str
    new_name: str | None = None


class MemberRef(BlockRef):
    """A member of a block's interface."""

    member_name: str


class FolderInput(DeviceRef):
    """A folder path (``a/b``); ``folderName`` and ``path`` are accepted too."""

    folder_path: str | None = None
    folder_name: str | None = None
    path: str | None = None


class SourceTextInput(DeviceRef):
    """An external source from text."""

    unchecked_texts: ClassVar[frozenset[str]] = frozenset({"text"})
    """An external source is kept as the file it is, not as XML; generating blocks from it refuses a character XML
    cannot carry with SCL_SYNTAX_ERROR at its line and column."""

    name: str
    """Name of the new external source, e.g. Motor.scl."""
    text: str
    """The source text (SCL, or the DB/UDT source) to keep in the external source."""
    folder: str = ""
    overwrite: bool = False


class SourceFileInput(DeviceRef):
    """An external source from a file inside the roots (named after the file unless ``name`` is given)."""

    file_path: str
    name: str | None = None
    """Name of the new external source; the file's name when omitted."""
    folder: str = ""
    overwrite: bool = False


class SourceRef(DeviceRef):
    """An external source of a PLC."""

    source_name: str


class GenerateInput(SourceRef):
    """Generate blocks from an external source; existing blocks are replaced unless ``overwrite`` is false."""

    overwrite: bool = True
    folder: str = ""


class ImportAndGenerateInput(DeviceRef):
    """SCL text to keep as an external source and generate into blocks (T-IA: ``{SclContent, SourceName}``)."""

    unchecked_texts: ClassVar[frozenset[str]] = frozenset({"scl_content"})
    """Generating blocks from the source refuses a character XML cannot carry with SCL_SYNTAX_ERROR at its line and
    column."""

    scl_content: str
    """The SCL source text: one or more blocks, types and data blocks, as TIA's external sources hold them."""
    source_name: str = "Source.scl"
    """Name of the external source to keep the text under (.scl is added when missing)."""
    overwrite: bool = True
    folder: str = ""


# ----- outputs -----------------------------------------------------------------------------------
class BlockContent(CamelStruct):
    """A block with its SimaticML and, for SCL blocks, DBs and UDT-like blocks, its SCL source."""

    name: str
    block_type: str
    number: int | None
    programming_language: str | None
    title: str | None
    author: str | None
    is_protected: bool
    is_know_how_protected: bool
    needs_compilation: bool
    modified_date: str | None
    folder: str
    interface: dict[str, Any]
    networks: list[dict[str, Any]]
    raw_xml: str
    source_text: str | None
    source_text_reason: str | None = None


class BlockWriteResult(CamelStruct):
    """A written block and the import report."""

    block: BlockInfo
    reports: list[ProgramImportReport]


class FileWritten(CamelStruct):
    """A file written inside the roots."""

    block_name: str
    path: str
    size: int


class SourceText(CamelStruct):
    """A block's SCL source."""

    block_name: str
    source_text: str


class BlockExportInput(BlockRef):
    """A block and the form to return it in: SimaticML (``xml``, any block) or SCL source (``scl``)."""

    format: Literal["xml", "scl"] = "xml"


class BlockExport(CamelStruct):
    """A block's export, returned in the answer (no file is written)."""

    block_name: str
    format: str
    content: str


class GenerateResult(CamelStruct):
    """Blocks generated from an external source, in import order."""

    source_name: str
    blocks: list[str]
    order: list[str]
    reports: list[ProgramImportReport]
    diagnostics: list[dict[str, Any]] = []
    """Warnings of the generation (``MISSING_TYPE``, ``MISSING_BLOCK`` …), wire shape of
    ``simatic_xml.diagnostics.Diagnostic``; errors answer 422 with ``details.diagnostics`` instead."""


class MemberResult(CamelStruct):
    """A block after an interface edit."""

    block_name: str
    section: str
    member: dict[str, Any] | None
    interface: dict[str, Any]


class CrossReferences(CamelStruct):
    """What a block uses and who uses it (T-IA: ``{BlockName, Sources[...]}``)."""

    block_name: str
    uses: list[dict[str, Any]]
    used_by: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    """TIA's cross-reference list: each source object (``name, typeName, address, device, path``) with its
    ``referenceObjects`` and their ``locations`` (``referenceLocation, referenceType, access``)."""
    source_count: int = 0
    total_reference_count: int = 0
