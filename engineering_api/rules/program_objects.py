"""A SimaticML program object (block, PLC data type, tag table) as both adapters read it from a document.

:func:`read_object` is the one reading of an imported or exported document: its kind, qualified name, number,
instance, the named types its interface uses and a digest of that interface, stored in the project's version;
:func:`generated_object` is that reading of a document the generation built, from its model.
The fake keeps its program as these objects; the Openness bridge reads TIA's exports through it to answer what
Openness does not (type users, consistency of callers), so a refusal reads the same on both.
:func:`type_member` and :func:`multilingual_text` give a PLC data type's members and texts in the port's terms.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from engineering_api.backend.areas.types import TypeMember
from engineering_api.backend.errors import NotFoundError, ValidationError
from engineering_api.errors import codes
from engineering_api.rules.document_versions import check_not_newer
from simatic_xml import SimaticMLError, parse_bytes, retarget, to_bytes
from simatic_xml.model import Block, InstanceDB, PlcStruct, PlcTagTable
from simatic_xml.objects import is_auto_numbered
from simatic_xml.renumber import renumber_document
from simatic_xml.versions import GENERATION_TARGETS

if TYPE_CHECKING:
    from collections.abc import Iterable

    from simatic_xml.interface import Member
    from simatic_xml.model import Document

__all__ = ("BLOCK_KINDS", "IMPORT_REFUSES", "TAG_REFUSALS", "UNREADABLE", "ProgramObject", "block_not_found",
           "generated_object", "multilingual_text", "named_types", "plain_new_name", "read_object", "type_member")

UNREADABLE = codes.INVALID_SIMATICML
"""The check's finding of a document its reader cannot take (not well-formed, unsafe, not SimaticML's structure,
an object with no name), at the reader's line where it knows it."""
TAG_REFUSALS = frozenset({"TAG_INVALID", "TAG_DUPLICATE"})
"""The check's errors of a tag table document (:mod:`engineering_api.rules.compiler.tag_tables`): a tag or user
constant the tag editor refuses, a name twice. Every tag import refuses them, all or nothing, as the CSV, Excel,
JSON and SimaticML tag imports always have (:class:`engineering_api.rules.tag_import.ImportPlan`): a tag table holds
no code for a compile to refuse later, so the program import of a tag table document refuses them too."""
IMPORT_REFUSES = frozenset({UNREADABLE, "FLGNET_UID", "FLGNET_WIRE", "RECURSIVE_TYPE"}) | TAG_REFUSALS
"""The check's findings (:mod:`simatic_xml.diagnostic_codes`) of a document that TIA's import refuses outright, so
that every import refuses it with them: a document the reader cannot take (:data:`UNREADABLE`), a network in which
one UId names two elements or a wire names a UId no element has (the import maps wires to parts by UId; TIA
renumbers the UIds of what it stores), a type that contains itself, a tag the tag imports refuse
(:data:`TAG_REFUSALS`). Every other error is imported and refused by the compile
(:mod:`engineering_api.domain.import_findings`)."""
BLOCK_KINDS = ("OB", "FB", "FC", "GlobalDB", "InstanceDB", "ArrayDB", "TechnologicalInstanceDB")
_NUMBER_CLASS = {"OB": "OB", "FB": "FB", "FC": "FC"}
"""Blocks share a number space per type; every kind of data block is a DB."""
_QUOTED = re.compile(r'"([^"]+)"')


@dataclass(frozen=True)
class ProgramObject:
    """One block, PLC data type or tag table: a value. A change stores a new object (``dataclasses.replace``),
    which lets the fake's transaction copy share the objects it did not replace (``fakes.program.PlcSoftware``);
    ``compiled_against`` is replaced whole, never edited."""

    kind: str
    """``OB`` … ``TechnologicalInstanceDB``, ``UDT`` or ``TagTable``."""
    name: str
    xml: bytes
    """The SimaticML document, as our writer produces it for the project's version."""
    number: int | None = None
    language: str | None = None
    folder: str = ""
    """Group path below the root folder, ``/``-separated (``Motors/Pumps``)."""
    instance_of: str | None = None
    uses_types: tuple[str, ...] = ()
    """Named data types (UDTs or FBs for multi-instances) the interface refers to."""
    auto_number: bool = False
    """TIA picks a free number on import when the block's number is taken."""
    interface_hash: str = ""
    """Digest of the interface; users compiled against another digest are inconsistent."""
    compiled_against: dict[str, str] | None = None
    """Interface digests of the object itself and what it uses, at its last successful compile (None: never)."""
    needs_compile: bool = False
    """TIA shows the object inconsistent until a compile of it succeeds: its last compile failed, or it was
    generated from a source that refers to user objects the PLC does not have (the fake's consistency rule)."""
    calls: tuple[str, ...] = ()
    """Blocks and types its code used at its last compile: an object that calls one whose compile failed is
    inconsistent too, as in TIA."""

    @property
    def category(self) -> str:
        """``blocks``, ``types`` or ``tag_tables``."""
        if self.kind == "UDT":
            return "types"
        if self.kind == "TagTable":
            return "tag_tables"
        return "blocks"

    @property
    def number_class(self) -> str | None:
        """The number space of a block (``OB``, ``FB``, ``FC``, ``DB``)."""
        if self.kind not in BLOCK_KINDS:
            return None
        return _NUMBER_CLASS.get(self.kind, "DB")


def block_not_found(name: str, known: Iterable[str]) -> NotFoundError:
    """``BLOCK_NOT_FOUND`` for ``name``; when it is the plain name of blocks in software units' namespaces (known as
    ``Namespace.Name``, see :attr:`simatic_xml.sw_base.SwObject.qualified_name`), the message and
    ``details.suggestions`` name them."""
    suffix = f".{name}".casefold()
    suggestions = sorted(k for k in known if k.casefold().endswith(suffix))
    if not suggestions:
        return NotFoundError(f"The block '{name}' was not found.", code=codes.BLOCK_NOT_FOUND)
    listed = ", ".join(f"'{s}'" for s in suggestions)
    return NotFoundError(
        f"The block '{name}' was not found. A block in a software unit's namespace is named Namespace.Name: use "
        f"{listed}.", code=codes.BLOCK_NOT_FOUND, details={"suggestions": suggestions},
    )


def plain_new_name(new_name: str, namespace: str | None) -> str:
    """The ``Name`` a rename gives a block of a software unit's ``namespace``: it keeps its namespace, and the new
    name may be given plain or qualified (``Namespace.Name``)."""
    prefix = f"{namespace}." if namespace else ""
    return new_name[len(prefix):] if prefix and new_name.startswith(prefix) else new_name


def named_types(members: list[Member]) -> set[str]:
    """Quoted type names (UDTs, FBs of multi-instances) the members use, nested members too."""
    names: set[str] = set()
    for member in members:
        names.update(_QUOTED.findall(member.datatype))
        names.update(named_types(member.members))
    return names


def _kind_of(doc: Document) -> str:
    obj = doc.object
    if isinstance(obj, PlcStruct):
        return "UDT"
    if isinstance(obj, PlcTagTable):
        return "TagTable"
    if isinstance(obj, Block):
        return type(obj).__name__
    raise ValidationError(
        f"'{obj.element}' documents cannot be imported as program objects (blocks, PLC data types, tag tables).",
        code=codes.UNSUPPORTED_OBJECT,
    )


def read_object(data: bytes, *, project_version: str, folder: str = "", source: str = "document") -> ProgramObject:
    """Parse a SimaticML document into a program object stored in the project's version.

    Raises:
        ValidationError: not SimaticML we can read, an unsupported object, a document from a newer TIA
            version, or content the project's version cannot express.
    """
    try:
        doc = parse_bytes(data)
    except SimaticMLError as exc:
        raise ValidationError(f"{source} is not valid SimaticML: {exc}", code=codes.INVALID_SIMATICML) from None
    return _stored(doc, None, project_version=project_version, folder=folder, source=source)


def generated_object(document: Document, data: bytes, *, project_version: str, folder: str = "",
                     source: str = "document") -> ProgramObject:
    """The program object :func:`read_object` makes of ``data``, made from ``document``, the model ``data`` was
    written from (``to_bytes``) by :func:`simatic_xml.generate.build_document`, which renumbers it.

    A document built for the project's version is stored as it is: its bytes are not parsed back, retargeted to the
    version they are in, renumbered again and written again (a quarter of a generated import's work, issue 71), and
    ``document`` is left unchanged (the generation shares it). One built for another version is read from
    ``data``. tests/generate_sources/test_corpus_sources.py holds the two readings equal, field for field, for every
    block of the corpus's accepted sources.

    Raises:
        ValidationError: as :func:`read_object`.
    """
    if document.engineering_version != project_version:
        return read_object(data, project_version=project_version, folder=folder, source=source)
    return _stored(document, data, project_version=project_version, folder=folder, source=source)


def _stored(doc: Document, written: bytes | None, *, project_version: str, folder: str, source: str
            ) -> ProgramObject:
    """``doc`` as a program object of the project's version. ``written``: ``doc``'s bytes, when it is renumbered
    and in that version already (then ``doc`` is only read); None: ``doc`` was parsed here, and is retargeted,
    renumbered and written in place."""
    kind = _kind_of(doc)
    auto_number = is_auto_numbered(doc)  # before retarget: it reads the export's own DocumentInfo
    # A block of a V20 software unit's namespace is known by its qualified name (Conveyor2.Main): that is how every
    # reference and InstanceOfName names it, and two units may each hold a block of the same plain name.
    name = doc.object.qualified_name
    if not name:
        raise ValidationError(f"{source} has no Name attribute.", code=codes.INVALID_SIMATICML)
    check_not_newer(source, doc.engineering_version, project_version)
    if written is None and project_version in GENERATION_TARGETS:
        try:
            doc = retarget(doc, project_version, in_place=True)  # parsed by the caller: nobody else holds it
        except SimaticMLError as exc:
            raise ValidationError(
                f"{source} cannot be stored in a {project_version} project: {exc}", code=codes.VERSION_CANNOT_EXPRESS
            ) from None
    obj = doc.object
    interface = getattr(obj, "interface", None)
    members = [m for s in interface.sections.sections for m in s.members] if interface else []
    uses = named_types(members)
    if kind in ("UDT", "FB") and name in uses:
        raise ValidationError(
            f"{source}: '{name}' contains itself; TIA refuses recursive data types.", code=codes.RECURSIVE_TYPE
        )
    number = obj.attr("Number") if isinstance(obj, Block) else None
    interface_hash = _interface_digest(doc)
    if written is None:
        # In place: ``doc`` was parsed (and retargeted) here, so to_bytes(renumber=True)'s defensive copy of every
        # network tree (a quarter of a big block's import) buys nothing.
        try:
            renumber_document(doc)
        except SimaticMLError as exc:  # what the import's check did not name: still the document's fault
            raise ValidationError(f"{source} is not valid SimaticML: {exc}", code=codes.INVALID_SIMATICML) from None
        written = to_bytes(doc)
    return ProgramObject(
        kind=kind,
        name=name,
        xml=written,
        number=number if isinstance(number, int) else None,
        language=str(obj.attr("ProgrammingLanguage")) if isinstance(obj, Block) and obj.attr("ProgrammingLanguage")
        else None,
        folder=folder,
        instance_of=str(obj.attr("InstanceOfName")) if isinstance(obj, InstanceDB) and obj.attr("InstanceOfName")
        else None,
        uses_types=tuple(sorted(uses - {name})),
        auto_number=auto_number,
        interface_hash=interface_hash,
    )


def _interface_digest(doc: Document) -> str:
    interface = getattr(doc.object, "interface", None)
    if interface is None:
        return ""
    return hashlib.sha256(repr(interface).encode("utf-8")).hexdigest()[:16]


def _text(texts: dict[str, str]) -> str | None:
    if not texts:
        return None
    return texts.get("en-US") or next(iter(texts.values()))


def type_member(member: Member) -> TypeMember:
    """A PLC data type's (or block interface's) member as the port describes it, with its nested members."""
    texts = dict(member.comment.texts) if member.comment else {}
    return TypeMember(
        name=member.name, data_type=member.datatype,
        start_value=member.start_value.value if member.start_value is not None else None,
        comment=_text(texts), comments=texts, members=[type_member(m) for m in member.members],
    )


def multilingual_text(value: object) -> str | None:
    """A comment or title in en-US, else its first language; None when it has no text."""
    items = getattr(value, "items", None) or []
    return _text({item.culture: item.text for item in items if item.text})
