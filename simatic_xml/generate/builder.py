"""Spec -> :class:`~simatic_xml.model.Document` -> SimaticML bytes, for TIA V16…V21.

What the generated documents look like (each choice is what real exports of that version show):

* ``<Engineering version>`` is the target; ``DocumentInfo`` only for V16/V17 (``ExportSetting`` None,
  the TIA Portal product with the target version; no ``Created``);
* namespaces from :mod:`simatic_xml.versions`: Interface v4 (V16) / v5 (V17+), StructuredText v3
  (V16–V18) / v4 (V19+), FlgNet v4 (V16–V18) / v5 (V19+), Graph v5 (V17, V18) / v6 (V21);
* attributes are written the way "no defaults" exports write them (V19+ style for every version, which
  TIA accepts on import): ``AutoNumber``, ``Interface``, ``MemoryLayout``, ``Name``, ``Number``,
  ``ProgrammingLanguage``, ``SetENOAutomatically`` (code blocks), header fields only when given,
  ``Namespace`` (empty) from V18; members carry ``Remanence`` only when retentive and HMI flags only when
  false (``SetPoint`` only when true);
* object IDs and network UIds are renumbered as TIA does (:mod:`simatic_xml.renumber`).

Version limits (raised as :class:`~simatic_xml.generate.errors.SpecVersionError`, which is both a
:class:`SpecError` with ``field == "version"`` and a :class:`~simatic_xml.errors.VersionError`):

* GRAPH: V17, V18 and V21 only. A V19 GRAPH export is read (Graph/v5, see ``versions.py``), but no whole
  V19 GRAPH block (its GRAPH_BASE runtime interface and attributes) was seen to generate from, V20 none at all,
  and the only V16 GRAPH export uses GraphVersion 2.0 with a different runtime-member layout.
* SCL calls of a global instance DB / FC in V16–V18 use the nameless-``Instruction`` form that the v3
  corpus shows; ``CallInfo`` is only written for V19+.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from ..cancel import checkpoint
from ..errors import VersionError
from ..interface import Comment, Interface, Member, MemberAttribute, Section, Sections, StartValue, Subelement
from ..model import (
    AttrValue, CompileUnit, Document, DocumentInfo, FB, FC, GlobalDB, InstanceDB, MultilingualText,
    MultilingualTextItem,
    NetworkSource, OB, ObjectChild, PlcStruct, Product,
)
from ..renumber import renumber_ids, renumber_network
from ..versions import DOCUMENT_INFO_VERSIONS, GENERATION_TARGETS, namespace_for, normalize_version, version_index
from .. import flgnet, graph
from ..writer import to_bytes
from .datatypes import type_version
from .errors import SpecError, SpecVersionError
from .network_context import OB_INPUTS, scl_context
from .spec import BlockSpec, MemberSpec, NetworkSpec, OB_TYPES, SECTIONS_BY_TYPE, parse_spec
from .spec_types import checked_scl

__all__ = ("DEFAULT_VERSION", "build_document", "generate", "generate_xml", "scl_context", "target_version")

DEFAULT_VERSION = "V19"
GRAPH_VERSIONS = ("V17", "V18", "V21")

_ELEMENTS = {
    "OB": OB, "FB": FB, "FC": FC, "GlobalDB": GlobalDB, "InstanceDB": InstanceDB, "UDT": PlcStruct,
}


def target_version(version: str | None) -> str:
    """The canonical target version (default V19); :class:`VersionError` outside V16…V21."""
    try:
        ver = normalize_version(version or DEFAULT_VERSION)
    except VersionError as exc:
        raise SpecVersionError("version", str(exc)) from None
    if ver not in GENERATION_TARGETS:
        raise SpecVersionError("version", f"cannot generate for TIA {ver}; targets are {', '.join(GENERATION_TARGETS)}")
    return ver


def generate_xml(spec: dict[str, Any] | BlockSpec, version: str | None = None, *,
                 types: dict[str, BlockSpec] | None = None,
                 warnings: list[tuple[str, str]] | None = None) -> bytes:
    """Validate ``spec`` and return the SimaticML bytes for ``version`` (default V19).

    ``warnings`` (optional) collects ``(path, reason)`` for what was written but could not be fully
    expressed (a start value below a member whose type is not in ``types``)."""
    return to_bytes(build_document(spec, version, types=types, warnings=warnings))


generate = generate_xml


def build_document(spec: dict[str, Any] | BlockSpec, version: str | None = None, *,
                   types: dict[str, BlockSpec] | None = None,
                   warnings: list[tuple[str, str]] | None = None, global_constants: Collection[str] = ()
                   ) -> Document:
    """The renumbered document model for a spec.

    ``types`` maps block names to already parsed specs; an instance DB copies its FB's (or UDT's)
    interface from there. Without it the instance DB is written with empty sections and TIA fills them
    from the FB on import (that behaviour is assumed, not verified). ``global_constants`` names the user and
    system constants an SCL network may use: each is written as a ``GlobalConstant``, not as a tag.
    """
    ver = target_version(version)
    block = spec if isinstance(spec, BlockSpec) else parse_spec(spec)
    ns_iface = namespace_for("Interface", ver)
    cultures = _cultures(block)
    attrs: dict[str, AttrValue] = {}
    bt = block.block_type
    new_style = version_index(ver) >= version_index("V18")

    if bt != "UDT":
        attrs["AutoNumber"] = block.number is None
        number = block.number
        if number is None:
            number = OB_TYPES[block.secondary_type or "ProgramCycle"] if bt == "OB" else 1
        attrs["Number"] = number
        attrs["ProgrammingLanguage"] = _given(block.language, "language")
    for key, value in (("HeaderAuthor", block.author), ("HeaderFamily", block.family),
                       ("HeaderName", block.header_name), ("HeaderVersion", block.header_version)):
        if value is not None:
            attrs[key] = value
    if bt in ("OB", "FB", "FC", "GlobalDB"):
        attrs["MemoryLayout"] = block.memory_layout
    if bt in ("OB", "FB", "FC"):
        attrs["SetENOAutomatically"] = False
    if bt == "OB":
        attrs["SecondaryType"] = block.secondary_type or "ProgramCycle"
        if block.secondary_type == "CyclicInterrupt":
            attrs["CyclicTime"] = str(block.cyclic_time)
            attrs["PhaseShift"] = str(block.phase_shift)
    if bt == "InstanceDB":
        attrs["InstanceOfName"] = _given(block.instance_of, "instanceOf")
        if block.instance_of_type != "System":  # exports of system instance DBs (IEC_TIMER, CONT_C) carry none
            attrs["InstanceOfType"] = block.instance_of_type
    if bt == "FB" and block.language == "GRAPH":
        if ver not in GRAPH_VERSIONS:
            raise SpecVersionError(
                "version",
                f"GRAPH cannot be generated for TIA {ver}: only V17, V18 and V21 GRAPH exports were observed "
                "(V19 GRAPH is read but no whole V19 GRAPH block was seen, V20 none; V16 uses GraphVersion 2.0 with "
                "another runtime layout)"
            )
        attrs["ExtensionBlockName"] = ""
        attrs["GraphVersion"] = "6.0"
        attrs["InitialValuesAcquisition"] = False
    attrs["Name"] = block.name
    if new_style:
        attrs["Namespace"] = block.namespace
    elif block.namespace:
        raise SpecVersionError("namespace", f"software units' namespaces are V18 and later, not {ver}")
    attrs["Interface"] = _interface(block, ns_iface, types or {}, warnings if warnings is not None else [])

    children: list[ObjectChild] = [_mlt("Comment", block.comment, cultures)]
    for i, net in enumerate(block.networks):
        checkpoint()  # once per network (the SCL parser has its own): a timed-out call stops here
        children.append(_compile_unit(block, net, i, ver, cultures, global_constants))
    children.append(_mlt("Title", block.title, cultures))

    cls = _ELEMENTS[bt]
    obj = cls(
        element=cls.ELEMENT,
        id="0",
        attributes={k: attrs[k] for k in sorted(attrs, key=str.lower)},
        children=children,
    )
    info = None
    if ver in DOCUMENT_INFO_VERSIONS:
        info = DocumentInfo(
            created=None,
            export_setting="None",
            installed_products=[
                Product("Product", "Totally Integrated Automation Portal", ver),
                Product("OptionPackage", "TIA Portal Openness", ver),
            ],
        )
    doc = Document(ver, obj, info)
    renumber_ids(doc)  # the networks' UIds are numbered as each is built (_compile_unit)
    return doc


# ---------------------------------------------------------------- texts


def _cultures(block: BlockSpec) -> list[str]:
    seen = set(block.title) | set(block.comment)
    for net in block.networks:
        seen |= set(net.title) | set(net.comment)
    seen.discard("en-US")
    return ["en-US", *sorted(seen)]


def _mlt(composition: str, texts: dict[str, str], cultures: list[str]) -> MultilingualText:
    return MultilingualText(composition, [MultilingualTextItem(c, texts.get(c, "")) for c in cultures])


# ---------------------------------------------------------------- interface


def _member(m: MemberSpec, section: str) -> Member:
    flags = []
    for name, value in (("ExternalAccessible", m.accessible), ("ExternalVisible", m.visible),
                        ("ExternalWritable", m.writable)):
        if not value:
            flags.append(MemberAttribute("BooleanAttribute", name, "false", system_defined="true"))
    if m.setpoint:
        flags.append(MemberAttribute("BooleanAttribute", "SetPoint", "true", system_defined="true"))
    return Member(
        name=m.name,
        datatype=m.datatype,
        # The source's LibVersion is the version its project uses (V17 S7-1500T sources write MC_POWER 5.0;
        # the catalog's is 7.0): written as the catalog's, a V17 project would be handed a newer instruction.
        version=m.library_version or type_version(m.datatype),
        remanence="Retain" if m.retain else None,
        attributes=flags or None,
        comment=Comment(dict(m.comment)) if m.comment else None,
        members=[_member(c, section) for c in m.members],
        start_value=StartValue(m.start_value) if m.start_value is not None else None,
        # A system type's members as its export listed them; instance DB exports write them so
        # (Nastiajd/NTI_plc@bdc6960, V16: G7_StepPlus_V2 steps), and start values below them land there.
        sections=(Sections([Section("None", [_member(c, section) for c in m.type_members])])
                  if m.type_members else None),
    )


def _section(name: str, members: list[MemberSpec], *, instance: bool = False) -> Section:
    out = [_member(m, name) for m in members]
    if instance:
        # Instance DB exports carry neither comments nor start values: both come from the FB/UDT.
        for member in out:
            _strip(member)
    return Section(name, out)


def _strip(member: Member) -> None:
    member.comment = None
    member.start_value = None
    for child in member.members:
        _strip(child)


def _system_sections(name: str) -> list[Section]:
    """The sections of a system instance DB from the system-type catalog, as exports write them: a flat type
    (IEC_TIMER: corpus nlanderCON_BlinkTimer.xml) has its members in Static, a sectioned one (CONT_C: corpus
    Fwaldt_CONT_C_Clim_DB.xml) in Input/Output/InOut/Static."""
    from .datatypes import catalog_type

    entry = catalog_type(name)
    members = list(getattr(entry, "members", ()) or ())
    if getattr(entry, "layout", "sections") == "flat" or all(getattr(m, "section", None) is None for m in members):
        return [Section("Static", [Member(m.name, m.data_type, version=type_version(m.data_type)) for m in members])]
    out = []
    for section in ("Input", "Output", "InOut", "Static"):
        out.append(Section(section, [Member(m.name, m.data_type, version=type_version(m.data_type))
                                     for m in members if m.section == section]))
    return out


def _graph_base() -> Section:
    base = Sections(
        [Section("Input"), Section("Output"), Section("InOut"), Section("Static", [Member("OFF_SQ_BASE", "Bool")])],
        datatype="GRAPH_BASE",
        version="1.0",
    )
    return Section("Base", sections=base)


def _interface(block: BlockSpec, ns: str, types: dict[str, BlockSpec], warnings: list[tuple[str, str]]) -> Interface:
    iface = _interface_sections(block, ns, types)
    unknown = _unlisted_system_interface(block)
    for path, value in block.start_values:
        found: list[tuple[str, str]] = []
        _apply_start(iface.sections.sections, path, value, types, found)
        warnings.extend((where, unknown if unknown and why.endswith(" is not declared") else why)
                        for where, why in found)
    return iface


def _unlisted_system_interface(block: BlockSpec) -> str | None:
    """Why a member of a system instance DB may be missing from the catalog: the catalog lists only an
    instruction's documented members, or other versions of it. TIA's source of a PID_Compact 1.2 instance DB
    (S7-1200 V1) sets ``sPid_Cmpt.r_Pv_Hlm``, ``sRet.r_Ctrl_Gain``... (8ricee/PLC_TH@4fd223c
    ``Technology objects/PID_Feeder_1.db:12``), static tags Siemens documents for PID_Compact V1 (PID control
    function manual A5E35300227-AC, "Static tags of PID_Compact V1"), while the catalog holds PID_Compact 2.x:
    the value is still not written, but the member is not undeclared."""
    if block.block_type != "InstanceDB" or block.instance_of_type != "System":
        return None
    from .datatypes import catalog_type

    entry = catalog_type(block.instance_of or "")
    if entry is None:
        return None
    versions = [str(v) for v in (getattr(entry, "versions", None) or [getattr(entry, "version", None)]) if v]
    other = block.header_version is not None and versions and block.header_version not in versions
    if not other and getattr(entry, "complete", True):
        return None
    held = f"{entry.name} {', '.join(sorted(versions))}" if versions else entry.name
    if not getattr(entry, "complete", True):
        held += " with its documented members only"
    which = f"this member of {entry.name} {block.header_version}" if other else "this member"
    return f"the catalog holds {held}, not {which}; the start value is not written"


def _given(value: str | None, field: str) -> str:
    """A field :func:`parse_spec` always fills for this kind of block (a BlockSpec made by hand may lack it)."""
    if value is None:
        raise SpecError(field, "is required for this block type")
    return value


def _interface_sections(block: BlockSpec, ns: str, types: dict[str, BlockSpec]) -> Interface:
    bt = block.block_type
    sections: list[Section] = []
    if bt == "InstanceDB":
        source = types.get(block.instance_of or "")
        if block.instance_of_type == "System":
            return Interface(ns, Sections(_system_sections(block.instance_of or "")))
        if block.instance_of_type == "UDT":
            members = source.sections.get("None", []) if source is not None else []
            sections.append(_section("Static", members, instance=True))
        else:
            if source is not None and source.block_type != "FB":
                raise SpecError("instanceOf", f"{block.instance_of} is a {source.block_type}, not an FB")
            if source is not None and source.language == "GRAPH":
                sections.append(_graph_base())
            for name in ("Input", "Output", "InOut", "Static"):
                sections.append(_section(name, source.sections.get(name, []) if source is not None else [],
                                         instance=True))
        return Interface(ns, Sections(sections))
    if bt == "FB" and block.language == "GRAPH":
        sections.append(_graph_base())
    for name in SECTIONS_BY_TYPE[bt]:
        if name == "Return":
            sections.append(Section("Return", [Member("Ret_Val", block.return_type)]))
            continue
        written = [_member(m, name) for m in block.sections.get(name, [])]
        if bt == "OB" and name == "Input":
            fixed = [
                Member(n, t, informative="true", comment=Comment({"en-US": text}))
                for n, t, text in OB_INPUTS[block.secondary_type or "ProgramCycle"]
            ]
            written = fixed + written
        sections.append(Section(name, written))
    return Interface(ns, Sections(sections))


# ---------------------------------------------------------------- start values below members

_PATH_PART = re.compile(r'\s*(?:"([^"]+)"|([^\W\d][\w]*)|\[([^\]]*)\])\s*\.?')


def _path_parts(path: str) -> list[tuple[str, str]]:
    """``a.b[1, 2]."c.d"`` -> [("name", "a"), ("name", "b"), ("index", "1,2"), ("name", "c.d")]."""
    parts: list[tuple[str, str]] = []
    pos = 0
    while pos < len(path):
        m = _PATH_PART.match(path, pos)
        if m is None or m.end() == pos:
            raise SpecError(f"startValues.{path}", "not a member path such as a.b[1]")
        if m.group(3) is not None:
            parts.append(("index", ",".join(i.strip() for i in m.group(3).split(","))))
        else:
            parts.append(("name", m.group(1) or m.group(2)))
        pos = m.end()
    return parts


def _udt_members(datatype: str, types: dict[str, BlockSpec]) -> list[MemberSpec] | None:
    name = datatype.strip('"')
    spec = types.get(name) or next((v for k, v in types.items() if k.casefold() == name.casefold()), None)
    if spec is None or spec.block_type != "UDT":
        return None
    return spec.sections.get("None", [])


def _apply_start(sections: list[Section], path: str, value: str, types: dict[str, BlockSpec],
                 warnings: list[tuple[str, str]]) -> None:
    """Write ``value`` as the start value at ``path``: on the member, as an array ``Subelement``, on a member
    inside a UDT-typed member (its ``Sections/Section None``, as exports write the expanded UDT), or, for a
    member of an array element (``a[1].x``), as a ``Subelement`` with the element's path on that inner
    member, as exports of arrays of structured types write it (corpus Amadeusz97_CS_Drive_PL.xml)."""
    parts = _path_parts(path)
    members = [m for section in sections for m in section.members]
    current: Member | None = None
    current_spec: MemberSpec | None = None  # the spec behind a member taken from a UDT definition
    element: str | None = None  # the array element path once the path went through an index
    element_type: str | None = None  # the data type whose members the next name is one of
    for i, (kind, text) in enumerate(parts):
        if kind == "index":
            if current is None or not current.is_array or element is not None:
                warnings.append((f"startValues.{path}", "start values below nested arrays are not written"))
                return
            if i == len(parts) - 1:
                current.subelements = [s for s in current.subelements if s.path != text]
                current.subelements.append(Subelement(text, StartValue(value)))
                return
            element = text
            element_type = current.datatype.split(" of ", 1)[1].strip()
            continue
        found = next((m for m in members if m.name.casefold() == text.casefold()), None)
        found_spec: MemberSpec | None = None
        if found is None and current is not None:
            datatype = element_type or current.datatype
            if datatype.startswith('"'):
                candidates = _udt_members(datatype, types)
                if candidates is None:
                    warnings.append((f"startValues.{path}",
                                     f"{text} cannot be placed: the type {datatype} is not known"))
                    return
                holder = current.sections.sections[0].members if current.sections is not None else None
                if holder is None:
                    current.sections = Sections([Section("None")])
                    holder = current.sections.sections[0].members
            else:
                candidates = current_spec.members if current_spec is not None else []
                holder = current.members
            found_spec = next((m for m in candidates if m.name.casefold() == text.casefold()), None)
            if found_spec is not None:
                found = Member(found_spec.name, found_spec.datatype, version=type_version(found_spec.datatype))
                holder.append(found)
        if found is None:
            warnings.append((f"startValues.{path}", f"{text} is not declared"))
            return
        current, current_spec, element_type = found, found_spec, None
        members = list(found.members) + (
            [m for sec in found.sections.sections for m in sec.members] if found.sections is not None else [])
    if current is None:
        return
    if element is not None:
        current.subelements = [s for s in current.subelements if s.path != element]
        current.subelements.append(Subelement(element, StartValue(value)))
    else:
        current.start_value = StartValue(value)


# ---------------------------------------------------------------- networks


def _compile_unit(block: BlockSpec, net: NetworkSpec, index: int, ver: str, cultures: list[str],
                  global_constants: Collection[str] = ()) -> CompileUnit:
    from .graphgen import alarms_settings, build_graph, set_namespace
    from .ladder import build_flgnet
    from .operands import Operands

    path = f"networks[{index}].{net.kind}"
    if net.kind == "scl":
        ns = namespace_for("NetworkSource/StructuredText", ver)
        st = ns.rsplit("/", 1)[1]
        context = scl_context(block, net, global_constants)
        checked = net.take_checked(st, context) or checked_scl(net.body, st, context)
        # numbered by its writer (scl_parse.parse_scl_tokens) as renumber_network numbers it: not walked again
        source = NetworkSource(checked.body, written_from=(checked.laid_out, checked.statements))
        language = "SCL"
    elif net.kind in ("lad", "fbd"):
        ns = namespace_for("NetworkSource/FlgNet", ver)
        built = flgnet.to_xml(build_flgnet(net.body, net.kind.upper(), Operands(block), path), ns)
        renumber_network(built)
        source = NetworkSource(built)
        language = net.kind.upper()
    else:
        ns = namespace_for("NetworkSource/Graph", ver)
        gnet = build_graph(net.body, Operands(block), path)
        if gnet.pre_operations is not None:  # build_graph always writes both
            gnet.pre_operations = set_namespace(gnet.pre_operations, ns)
        if gnet.post_operations is not None:
            gnet.post_operations = set_namespace(gnet.post_operations, ns)
        gnet.alarms_settings = alarms_settings(ns)
        built = graph.to_xml(gnet, ns)
        renumber_network(built)
        source = NetworkSource(built)
        language = "GRAPH"
    cu = CompileUnit(
        element=CompileUnit.ELEMENT,
        composition_name="CompileUnits",
        attributes={"NetworkSource": source, "ProgrammingLanguage": language},
        children=[_mlt("Comment", net.comment, cultures), _mlt("Title", net.title, cultures)],
    )
    return cu
