"""Reading the public surface of a .NET assembly from its metadata tables (ECMA-335 II.22), without running it.

Used by :mod:`openness_bridge.reference_build` to turn the real ``Siemens.Engineering*.dll`` and PLCSIM Advanced's
``Siemens.Simatic.Simulation.Runtime.Api.x64.dll`` into the per-version reference. ``dnfile`` parses the tables;
this module decodes what it leaves as blobs: method and property signatures (ECMA-335 II.23.2) and the constant
values of enum fields (II.22.9). Only public types reachable from outside (public, or nested public in one) and
their public members are read. Type names are written the way the reference writes them (the generator stubs'
style): simple names, ``str``/``int``/``bool``/``object`` for the C# aliases (``Double``, ``Single`` by name),
generic arguments in ``[]``, arrays as ``T[]``.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ("AssemblyInfo", "TypeInfo", "read_assembly")

_PRIMITIVES = {0x01: "void", 0x02: "bool", 0x03: "Char", 0x04: "SByte", 0x05: "Byte", 0x06: "Int16", 0x07: "UInt16",
               0x08: "int", 0x09: "UInt32", 0x0A: "Int64", 0x0B: "UInt64", 0x0C: "Single", 0x0D: "Double",
               0x0E: "str", 0x16: "TypedReference", 0x18: "IntPtr", 0x19: "UIntPtr", 0x1C: "object"}
_ALIASES = {"String": "str", "Int32": "int", "Boolean": "bool", "Object": "object", "Void": "void"}
_CONSTANT_FORMATS = {0x02: "<?", 0x03: "<H", 0x04: "<b", 0x05: "<B", 0x06: "<h", 0x07: "<H", 0x08: "<i", 0x09: "<I",
                     0x0A: "<q", 0x0B: "<Q"}


@dataclass
class TypeInfo:
    """One public type: kind (class, interface, enum, struct, delegate), bases (base class first, then interfaces),
    properties (name -> (type, has a public setter, static)), methods (name -> overloads as ``(T1,T2) -> R``, each
    with whether it is static), events (name -> handler type), enum values (name -> number)."""

    namespace: str
    name: str
    kind: str
    bases: list[str]
    properties: dict[str, tuple[str, bool, bool]] = field(default_factory=dict)
    methods: dict[str, list[tuple[str, bool]]] = field(default_factory=dict)
    events: dict[str, str] = field(default_factory=dict)
    enum_values: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class AssemblyInfo:
    """An assembly's name, version (``19.0.0.0``) and public types."""

    name: str
    version: str
    types: list[TypeInfo]


def _simple(name: str) -> str:
    name = name.split("`")[0]
    return _ALIASES.get(name, name)


class _Reader:
    """Names of types and signatures of one assembly's metadata."""

    def __init__(self, tables: Any, blobs: Any) -> None:
        self.tables = tables
        self.blobs = blobs

    def type_name(self, table: str, index: int) -> str:
        """The simple name of row ``index`` (1-based) of TypeDef, TypeRef or TypeSpec."""
        if table == "TypeSpec":
            blob = bytes(self.tables.TypeSpec.rows[index - 1].Signature.value)
            return self._type(blob, 0)[0]
        row = getattr(self.tables, table).rows[index - 1]
        return _simple(str(row.TypeName))

    def coded(self, coded: Any) -> str:
        if coded is None or coded.row_index == 0 or coded.table is None:
            return ""
        return self.type_name(type(coded.table).__name__, coded.row_index)

    @staticmethod
    def _compressed(blob: bytes, pos: int) -> tuple[int, int]:
        first = blob[pos]
        if first & 0x80 == 0:
            return first, pos + 1
        if first & 0xC0 == 0x80:
            return ((first & 0x3F) << 8) | blob[pos + 1], pos + 2
        return ((first & 0x1F) << 24) | (blob[pos + 1] << 16) | (blob[pos + 2] << 8) | blob[pos + 3], pos + 4

    def _token_type(self, blob: bytes, pos: int) -> tuple[str, int]:
        coded, pos = self._compressed(blob, pos)
        table = ("TypeDef", "TypeRef", "TypeSpec")[coded & 0x3]
        return self.type_name(table, coded >> 2), pos

    def _type(self, blob: bytes, pos: int) -> tuple[str, int]:
        """One Type of a signature (II.23.2.12), as the reference writes it."""
        element = blob[pos]
        pos += 1
        if element in _PRIMITIVES:
            return _PRIMITIVES[element], pos
        if element in (0x11, 0x12):  # VALUETYPE, CLASS
            return self._token_type(blob, pos)
        if element in (0x13, 0x1E):  # VAR, MVAR: a generic parameter
            number, pos = self._compressed(blob, pos)
            return ("T" if element == 0x13 else "M") + str(number), pos
        if element == 0x1D:  # SZARRAY
            inner, pos = self._type(blob, pos)
            return inner + "[]", pos
        if element == 0x14:  # ARRAY: type, rank, sizes, lower bounds
            inner, pos = self._type(blob, pos)
            rank, pos = self._compressed(blob, pos)
            for _ in range(2):
                count, pos = self._compressed(blob, pos)
                for _ in range(count):
                    _, pos = self._compressed(blob, pos)
            return inner + "[" + "," * (rank - 1) + "]", pos
        if element == 0x15:  # GENERICINST
            generic, pos = self._type(blob, pos)
            count, pos = self._compressed(blob, pos)
            arguments, pos = self._types(blob, pos, count)
            return f"{generic}[{','.join(arguments)}]", pos
        if element in (0x10, 0x0F):  # BYREF, PTR
            inner, pos = self._type(blob, pos)
            return inner + ("&" if element == 0x10 else "*"), pos
        if element in (0x1F, 0x20):  # CMOD_REQD, CMOD_OPT
            _, pos = self._token_type(blob, pos)
            return self._type(blob, pos)
        if element == 0x45:  # PINNED
            return self._type(blob, pos)
        if element == 0x41:  # SENTINEL
            return self._type(blob, pos)
        raise ValueError(f"signature element 0x{element:02x} at {pos - 1} is not decoded")

    def method_signature(self, blob: bytes) -> str:
        """``(T1,T2) -> R`` of a MethodDefSig (II.23.2.1)."""
        pos = 1
        if blob[0] & 0x10:  # GENERIC: the generic parameter count
            _, pos = self._compressed(blob, pos)
        count, pos = self._compressed(blob, pos)
        returned, pos = self._type(blob, pos)
        params, _ = self._types(blob, pos, count)
        return f"({','.join(params)}) -> {returned}"

    def _types(self, blob: bytes, pos: int, count: int) -> tuple[list[str], int]:
        """``count`` types one after the other from ``pos``, and the position after them."""
        types = []
        for _ in range(count):
            found, pos = self._type(blob, pos)
            types.append(found)
        return types, pos

    def property_type(self, blob: bytes) -> str:
        """The type of a PropertySig (II.23.2.5), with its index parameters as ``this[...]`` when it has any."""
        count, pos = self._compressed(blob, 1)
        returned, pos = self._type(blob, pos)
        return returned


def _nested_owner(tables: Any) -> dict[int, int]:
    owner: dict[int, int] = {}
    for row in tables.NestedClass.rows if tables.NestedClass else []:
        owner[row.NestedClass.row_index] = row.EnclosingClass.row_index
    return owner


def _visible(index: int, tables: Any, owner: dict[int, int]) -> bool:
    """Whether TypeDef ``index`` can be named outside its assembly (public, or nested public all the way out)."""
    flags = tables.TypeDef.rows[index - 1].Flags
    if index in owner:
        return bool(flags.tdNestedPublic) and _visible(owner[index], tables, owner)
    return bool(flags.tdPublic)


def _ranges(rows: list[Any], attribute: str, total: int) -> list[range]:
    """Each owner row's slice of a member table (the list runs to the next owner's start)."""
    starts = []
    for row in rows:
        members = getattr(row, attribute)
        starts.append(members[0].row_index if members else None)
    found = []
    for i, start in enumerate(starts):
        if start is None:
            found.append(range(0))
            continue
        end = next((s for s in starts[i + 1:] if s is not None), total + 1)
        found.append(range(start, end))
    return found


def read_assembly(path: Path) -> AssemblyInfo:
    """The public surface of the assembly at ``path``."""
    import dnfile  # a generator-time dependency (the test extra); the service never reads assemblies

    net: Any = dnfile.dnPE(str(path)).net
    if net is None:
        raise ValueError(f"{path} is not a .NET assembly")
    tables: Any = net.mdtables  # dnfile's rows carry decoded columns; their types are checked where they are read
    reader = _Reader(tables, net.metadata)
    owner = _nested_owner(tables)
    method_rows = tables.MethodDef.rows
    typedefs = tables.TypeDef.rows
    method_ranges = _ranges(typedefs, "MethodList", len(method_rows))
    field_ranges = _ranges(typedefs, "FieldList", len(tables.Field.rows) if tables.Field else 0)
    interfaces: dict[int, list[str]] = {}
    for row in tables.InterfaceImpl.rows if tables.InterfaceImpl else []:
        interfaces.setdefault(row.Class.row_index, []).append(reader.coded(row.Interface))
    constants = {(row.Parent.row_index): row for row in (tables.Constant.rows if tables.Constant else [])
                 if type(row.Parent.table).__name__ == "Field"}
    semantics: dict[tuple[str, int], list[Any]] = {}
    for row in tables.MethodSemantics.rows if tables.MethodSemantics else []:
        semantics.setdefault((type(row.Association.table).__name__, row.Association.row_index), []).append(row)
    properties: dict[int, list[int]] = {}
    if tables.PropertyMap:
        for row, span in zip(tables.PropertyMap.rows,
                             _ranges(tables.PropertyMap.rows, "PropertyList", len(tables.Property.rows)), strict=True):
            properties[row.Parent.row_index] = list(span)
    events: dict[int, list[int]] = {}
    if tables.EventMap:
        for row, span in zip(tables.EventMap.rows,
                             _ranges(tables.EventMap.rows, "EventList", len(tables.Event.rows)), strict=True):
            events[row.Parent.row_index] = list(span)
    types = []
    for index, row in enumerate(typedefs, start=1):
        if not _visible(index, tables, owner):
            continue
        outer = index
        while outer in owner:
            outer = owner[outer]
        namespace = str(typedefs[outer - 1].TypeNamespace)
        base = reader.coded(row.Extends)
        kind = ("interface" if row.Flags.tdInterface else "enum" if base == "Enum"
                else "delegate" if base == "MulticastDelegate" else "struct" if base == "ValueType" else "class")
        bases = [b for b in [base, *interfaces.get(index, [])] if b and b not in {"object", "Enum", "ValueType"}]
        info = TypeInfo(namespace, _simple(str(row.TypeName)), kind, bases)
        accessors: set[int] = set()
        for number in properties.get(index, []):
            prop = tables.Property.rows[number - 1]
            getter = setter = None
            for sem in semantics.get(("Property", number), []):
                accessors.add(sem.Method.row_index)
                if sem.Semantics.msGetter:
                    getter = method_rows[sem.Method.row_index - 1]
                elif sem.Semantics.msSetter:
                    setter = method_rows[sem.Method.row_index - 1]
            public_get = getter is not None and getter.Flags.mdPublic
            public_set = setter is not None and setter.Flags.mdPublic
            if public_get or public_set:
                accessor: Any = getter if getter is not None else setter
                static = bool(accessor.Flags.mdStatic)
                info.properties[str(prop.Name)] = (reader.property_type(bytes(prop.Type.value)), public_set, static)
        for number in events.get(index, []):
            event = tables.Event.rows[number - 1]
            adders = [s for s in semantics.get(("Event", number), []) if s.Semantics.msAddOn]
            for sem in semantics.get(("Event", number), []):
                accessors.add(sem.Method.row_index)
            if adders and method_rows[adders[0].Method.row_index - 1].Flags.mdPublic:
                info.events[str(event.Name)] = reader.coded(event.EventType)
        for number in method_ranges[index - 1]:
            method = method_rows[number - 1]
            name = str(method.Name)
            if number in accessors or not method.Flags.mdPublic or name in {".cctor"}:
                continue
            signature = reader.method_signature(bytes(method.Signature.value))
            info.methods.setdefault(name, []).append((signature, bool(method.Flags.mdStatic)))
        if kind == "enum":
            for number in field_ranges[index - 1]:
                constant = constants.get(number)
                if constant is None:
                    continue
                value = bytes(constant.Value.value)
                fmt = _CONSTANT_FORMATS.get(constant.Type)
                if fmt:
                    info.enum_values[str(tables.Field.rows[number - 1].Name)] = int(struct.unpack(fmt, value)[0])
        types.append(info)
    assembly = tables.Assembly.rows[0]
    version = ".".join(str(getattr(assembly, part)) for part in
                       ("MajorVersion", "MinorVersion", "BuildNumber", "RevisionNumber"))
    return AssemblyInfo(str(assembly.Name), version, types)
