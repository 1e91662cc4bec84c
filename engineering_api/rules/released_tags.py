"""Which leaves of a PLC program are released: TIA's "accessible from HMI/OPC UA/Web API".

A PLC tag's and a DB member's ``ExternalAccessible`` releases it, ``ExternalWritable`` lets it be written (only a
released leaf is writable). Both default to true, as in TIA, which writes a flag into SimaticML only when it differs
from the default. A DB member is released only when every member on its path is; a path may go below what the XML
lists (the members of a UDT or system type), and those inherit the last listed member's flags. Of a system FB's
multi-instance (a ``Program_Alarm``, a ``TON_TIME``) only its call's parameters are released
(:func:`instance_parameters`): the S7-1500 serves them as nodes of their own; the instance's internal statics
(``SD_0``, ``SIG_Edge_History``, ``INIT_FB_State`` of a Program_Alarm) are no tags. The released-tag list of a
simulated PLC, its OPC UA server and the import of a project's tags all answer from this one rule.

The input is what both adapters have: the program's leaves as the CPU lists them (name and data type, in the
PLC's order; the fake's tag list, PLCSIM Advanced's ``STagInfo``) and the SimaticML documents of its DBs and PLC
tag tables (other documents are ignored). A leaf names its DB or PLC tag first, quoted or not: ``"Data".a.b[3]``,
``Data.a.b[3]``, ``"Start"``, ``Start``; :func:`quoted_name` spells it as TIA and the fake do.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from typing import TYPE_CHECKING, Any

from engineering_api.backend.areas.runtime_values import SimReleasedTag
from simatic_xml.system_types import Member, call_interface, lookup

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ("DB_TOP", "Access", "attribute_flag", "instance_parameters", "leaf_access", "member_access", "member_flags",
           "member_segment", "quoted_name", "released_tags")

Access = tuple[bool, bool]
"""(released, writable) of a member; writable only when released."""
DB_TOP: Access = (True, True)
"""The access above a DB's top members: each member's own flags decide."""
_SEGMENT = re.compile(r'"((?:[^"]|"")*)"|([^."\[\]]+)|(\[[^\]]*\])|(\.)')
_PLAIN_SEGMENT = re.compile(r'[^."\[\]]+')


def member_segment(name: str) -> str:
    """A member's name as one segment of a leaf's name: as it is when it reads back as one, else in TIA's quotes,
    as SCL writes such a member (``"compr. air release 1"``, a GRAPH step of corpus
    ``fb/mking2203_plcBlock_GRAPH_FB_R134a_GRAPH.xml``), so its dots are not read as levels."""
    if _PLAIN_SEGMENT.fullmatch(name) and name == name.strip():
        return name
    return '"' + name.replace('"', '""') + '"'


def quoted_name(name: str) -> str:
    """``name`` with its first segment in TIA's quotes: ``Data.a[3]`` -> ``"Data".a[3]``, ``Start`` -> ``"Start"``
    (PLCSIM Advanced's tag list spells DBs and PLC tags unquoted); a quoted name is returned as it is."""
    if not name or name.startswith('"'):
        return name
    head, sep, rest = name.partition(".")
    head, bracket, index = head.partition("[")
    return f'"{head}"{bracket}{index}{sep}{rest}'


def attribute_flag(value: object) -> bool:
    """A TIA boolean attribute: absent or anything but false is true (TIA's default for the External* flags)."""
    return value is not False and str(value).strip().lower() != "false"


def _path(name: str) -> list[str]:
    """The member names of ``"DB".a.b[3].c`` (indices dropped): ``["DB", "a", "b", "c"]``."""
    out: list[str] = []
    for quoted, plain, _index, _dot in _SEGMENT.findall(name):
        if quoted or plain:
            out.append((quoted.replace('""', '"') if quoted else plain).strip())
    return out


def member_flags(member: Any) -> tuple[bool, bool]:
    """(``ExternalAccessible``, ``ExternalWritable``) of one interface member as written (absent: true)."""
    accessible = writable = True
    for attr in member.attributes or ():
        if attr.name == "ExternalAccessible":
            accessible = attribute_flag(attr.value)
        elif attr.name == "ExternalWritable":
            writable = attribute_flag(attr.value)
    return accessible, writable


def member_access(above: Access, member: Any) -> Access:
    """The access of ``member`` below a member (or the DB's top, :data:`DB_TOP`) whose access is ``above``: its own
    ``ExternalAccessible`` and ``ExternalWritable`` and every member's on the way must allow it. A walk down a DB
    carries it member by member (the runtime tag import), instead of looking each leaf up from the top."""
    accessible, writable = member_flags(member)
    accessible = above[0] and accessible
    return accessible, above[1] and writable and accessible


def _children(member: Any) -> list[Any]:
    if member.members:
        return list(member.members)
    if member.sections is not None:
        return [m for sec in member.sections.sections for m in sec.members]
    return []


def instance_parameters(data_type: str) -> tuple[Member, ...] | None:
    """The released members of a multi-instance of ``data_type``, when that is a system FB's instance type: its
    call's parameters, each named and typed as the instance holds it; None for any other type.

    The name matters: an OPC UA node id is case-sensitive, and the instance's spelling is the CPU's. MC_Reset's
    instruction documents ``ErrorID`` while its instance holds ``ErrorId``, as TIA writes it in the calls it
    exports (corpus ``fb/Amadeusz97_CentralShifter.xml``)."""
    return _instance_parameters(data_type.strip().strip('"').upper())


@functools.cache
def _instance_parameters(key: str) -> tuple[Member, ...] | None:
    found = lookup(key)
    if found is None or found.kind != "instance":
        return None
    held = {member.name.lower(): member.name for member in found.members}
    return tuple(dataclasses.replace(parameter, name=held.get(parameter.name.lower(), parameter.name))
                 for parameter in call_interface(found))


def leaf_access(members: list[Any], name: str) -> Access:
    """(released, writable) of the leaf ``name`` (``"DB".a.b[3]``) of the DB whose interface members are
    ``members``: the one decision the released-tag list (:func:`released_tags`) and the simulated OPC UA server
    (which serves that list) take; the runtime tag import takes it member by member (:func:`member_access`)."""
    return _walk(members, _path(name)[1:])


def _walk(members: list[Any], path: list[str]) -> Access:
    """(accessible, writable) of a member path: every member found on the way must allow it. The path may go
    below what the XML lists (a UDT's or system type's members): those inherit the last member's flags; below a
    system FB's multi-instance, only its parameters are released."""
    access = DB_TOP
    for depth, part in enumerate(path):
        key = part.lower()
        member = next((m for m in members if m.name.lower() == key), None)
        if member is None:
            break
        access = member_access(access, member)
        parameters = instance_parameters(member.datatype or "")
        if parameters is not None:
            below = path[depth + 1:depth + 2]
            if not below or below[0].lower() not in {p.name.lower() for p in parameters}:
                return False, False  # the instance itself, or one of its internal statics
            break
        members = _children(member)
    return access


def _objects(documents: Iterable[bytes]) -> tuple[dict[str, list[Any]], dict[str, tuple[bool, bool]]]:
    """DB members by lower-case DB name, and PLC tag flags by lower-case tag name; documents that do not parse
    and other kinds of object are skipped."""
    from simatic_xml import SimaticMLError, parse_bytes
    from simatic_xml.objects import DB, PlcTagTable

    dbs: dict[str, list[Any]] = {}
    tags: dict[str, tuple[bool, bool]] = {}
    for xml in documents:
        try:
            obj = parse_bytes(xml).object
        except SimaticMLError:
            continue
        if isinstance(obj, PlcTagTable):
            for tag in obj.tags:
                accessible = attribute_flag(tag.attr("ExternalAccessible"))
                tags[(tag.name or "").lower()] = (accessible,
                                                  accessible and attribute_flag(tag.attr("ExternalWritable")))
        elif isinstance(obj, DB) and obj.interface is not None:
            dbs[(obj.name or "").lower()] = [m for sec in obj.interface.sections.sections for m in sec.members]
    return dbs, tags


def released_tags(leaves: Iterable[tuple[str, str]], documents: Iterable[bytes], *,
                  undeclared_released: bool = True) -> list[SimReleasedTag]:
    """The released ones of ``leaves`` ((name, data type) pairs), in their order, each with ``writable``.

    ``undeclared_released`` answers for a leaf whose DB or PLC tag no document declares: True takes TIA's default
    (the fake, whose documents are the whole downloaded program); False leaves it out, for a caller whose
    documents may lack what the CPU holds (flags it cannot read must not release a tag).
    """
    dbs, tag_flags = _objects(documents)
    undeclared = (undeclared_released, undeclared_released)
    out: list[SimReleasedTag] = []
    for name, data_type in leaves:
        path = _path(name)
        if not path:
            continue
        if path[0].lower() in dbs:
            accessible, writable = _walk(dbs[path[0].lower()], path[1:])
        else:
            accessible, writable = tag_flags.get(path[0].lower(), undeclared)
        if accessible:
            out.append(SimReleasedTag(name=name, data_type=data_type, writable=writable))
    return out
