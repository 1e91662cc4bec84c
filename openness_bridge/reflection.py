"""The bridge's Openness reflection area (``OpennessBackend.reflection``): the loaded ``Siemens.Engineering``
assemblies by .NET reflection, and the services ``GetService<T>()`` returns on a device's PLC software and CPU item.

The index (every exported type of a ``Siemens.Engineering*`` namespace, with members and enum values) is built once
per backend: assemblies do not change while the process runs. :func:`reflect_types` is also what
``python -m openness_bridge.snapshot`` writes into the fake's snapshot, so the two adapters answer alike.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from engineering_api.backend.areas.reflection import (
    DeviceServices,
    ReflectionPort,
    EnumValue,
    MemberInfo,
    ServiceAvailability,
    TypeDetails,
    TypeIndex,
)
from engineering_api.backend.areas.reflection_index import SERVICE_INTERFACE
from openness_bridge.errors import kind_of
from openness_bridge.member_table import member_table_text

if TYPE_CHECKING:
    from openness_bridge.session import BridgeSession

__all__ = ("BridgeReflection", "loaded_assemblies", "member_table_words", "reflect_types", "type_members")

PREFIX = "Siemens.Engineering"
_KIND_ORDER = {"field": 0, "property": 1, "method": 2, "event": 3}
_SESSION_FAILURES = frozenset({"EngineeringObjectDisposedException", "NonRecoverableException"})
_PLUMBING = frozenset({"ToString", "Equals", "GetHashCode", "GetType", "Finalize", "MemberwiseClone"})


def member_table_words(text: str | None = None) -> set[str]:
    """The identifiers the member table names (``text``, by default :func:`member_table_text`): a type named there is
    one the bridge uses."""
    return set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", member_table_text() if text is None else text))


def loaded_assemblies() -> list[Any]:
    """The loaded ``Siemens.Engineering*`` assemblies (V21 splits the API over several), by name."""
    import System

    found = [a for a in System.AppDomain.CurrentDomain.GetAssemblies()
             if not a.IsDynamic and str(a.GetName().Name).startswith(PREFIX)]
    return sorted(found, key=lambda a: str(a.GetName().Name))


def _short(t: Any) -> str:
    """A type as C# source shows it: ``IList<Device>``, ``String``, ``Int32[]``."""
    if t.IsArray:
        return _short(t.GetElementType()) + "[]"
    if t.IsByRef:
        return _short(t.GetElementType()) + "&"
    name = str(t.Name)
    if t.IsGenericType:
        name = name.split("`")[0] + "<" + ", ".join(_short(a) for a in t.GetGenericArguments()) + ">"
    if t.IsNested and t.DeclaringType is not None and not t.IsGenericParameter:
        name = _short(t.DeclaringType) + "." + name
    return name


def _full(t: Any) -> str:
    namespace = str(t.Namespace or "")
    return f"{namespace}.{_short(t)}" if namespace else _short(t)


def _kind(t: Any) -> str:
    import System

    if t.IsEnum:
        return "enum"
    if t.IsInterface:
        return "interface"
    if t.IsValueType:
        return "struct"
    if System.Type.GetType("System.MulticastDelegate").IsAssignableFrom(t):
        return "delegate"
    return "class"


STAND_IN_PLUMBING = "StandIn.Control"
"""Namespace of the C# stand-in's shared bases (``Composition<T>`` and kin): members Openness declares on each type,
written once there. Reflection reads them as the deriving type's own and skips them as a base type, so the stand-in
shows Openness' shape; a real TIA's types have no such base."""


def _plumbing_bases(t: Any) -> list[Any]:
    """The stand-in's shared bases above ``t``, nearest first (none on a real TIA)."""
    bases = []
    base = t.BaseType
    while base is not None and str(base.Namespace or "") == STAND_IN_PLUMBING:
        bases.append(base)
        base = base.BaseType
    return bases


def _declaring_types(t: Any) -> list[Any]:
    """The types whose declared members are ``t``'s own: ``t`` and the stand-in's shared bases above it."""
    return [t, *_plumbing_bases(t)]


def _base_type(t: Any) -> Any:
    """``t``'s base type as Openness declares it: the first one above the stand-in's shared bases."""
    plumbing = _plumbing_bases(t)
    return plumbing[-1].BaseType if plumbing else t.BaseType


def _parameters(method: Any) -> str:
    return ", ".join(f"{_short(p.ParameterType)} {p.Name}" for p in method.GetParameters())


def _members(t: Any) -> list[MemberInfo]:
    members: list[MemberInfo] = []
    for declaring in _declaring_types(t):
        members += _declared_members(declaring)
    return sorted(members, key=lambda m: (_KIND_ORDER[m.kind], m.name, m.signature))


def _declared_members(t: Any) -> list[MemberInfo]:
    from System.Reflection import BindingFlags

    flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly
    members: list[MemberInfo] = []
    for p in t.GetProperties(flags):
        accessors = " ".join(a for a, m in (("get;", p.GetGetMethod()), ("set;", p.GetSetMethod())) if m is not None)
        indexed = list(p.GetIndexParameters())
        head = f"this[{', '.join(f'{_short(i.ParameterType)} {i.Name}' for i in indexed)}]" if indexed else str(p.Name)
        members.append(MemberInfo(kind="property", name=str(p.Name),
                                  signature=f"{_short(p.PropertyType)} {head} {{ {accessors} }}"))
    for m in t.GetMethods(flags):
        if m.IsSpecialName or str(m.Name) in _PLUMBING:
            continue  # property and event accessors, operators; object plumbing
        generic = f"<{', '.join(_short(a) for a in m.GetGenericArguments())}>" if m.IsGenericMethodDefinition else ""
        static = "static " if m.IsStatic else ""
        members.append(MemberInfo(kind="method", name=str(m.Name),
                                  signature=f"{static}{_short(m.ReturnType)} {m.Name}{generic}({_parameters(m)})"))
    for e in t.GetEvents(flags):
        members.append(MemberInfo(kind="event", name=str(e.Name),
                                  signature=f"event {_short(e.EventHandlerType)} {e.Name}"))
    for f in t.GetFields(flags):
        static = "const " if f.IsLiteral else ("static " if f.IsStatic else "")
        members.append(MemberInfo(kind="field", name=str(f.Name), signature=f"{static}{_short(f.FieldType)} {f.Name}"))
    return members


def _enum_values(t: Any) -> list[EnumValue]:
    from System.Reflection import BindingFlags

    # Fields in declaration order (metadata order), as TIA's documentation lists them.
    fields = t.GetFields(BindingFlags.Public | BindingFlags.Static)
    return [EnumValue(name=str(f.Name), value=int(f.GetRawConstantValue())) for f in fields]


def _members_or_none(t: Any) -> list[MemberInfo]:
    try:
        return _members(t)
    except Exception:  # a member whose type cannot be loaded (a missing optional assembly)
        return []


def _details(t: Any, service: Any, words: set[str], *, members: bool = True) -> TypeDetails:
    import System

    kind = _kind(t)
    base = _base_type(t)
    return TypeDetails(
        name=_short(t), full_name=_full(t), namespace=str(t.Namespace), kind=kind,
        is_service=service is not None and service.IsAssignableFrom(t) and not service.Equals(t),
        used_by_bridge=str(t.Name).split("`")[0] in words,
        base_type=_full(base) if base is not None and kind in ("class", "struct") else None,
        interfaces=sorted(_full(i) for i in t.GetInterfaces()),
        is_abstract=bool(t.IsAbstract) and kind == "class",
        is_flags=kind == "enum" and bool(t.IsDefined(System.Type.GetType("System.FlagsAttribute"), False)),
        enum_values=_enum_values(t) if kind == "enum" else [],
        members=[] if kind in ("enum", "delegate") or not members else _members_or_none(t),
    )


def _exported(assembly: Any) -> list[Any]:
    """The assembly's exported types; those that load when some do not (a dependency of an optional TIA module
    missing on this machine), none when the assembly cannot be read at all."""
    try:
        return list(assembly.GetExportedTypes())
    except Exception as exc:  # ReflectionTypeLoadException carries the types that did load
        loaded = getattr(exc, "Types", None)
        return [t for t in loaded if t is not None] if loaded is not None else []


def reflect_types(
    assemblies: list[Any], words: set[str], *, members: bool = True,
) -> tuple[list[TypeDetails], dict[str, Any]]:
    """Every exported type of a ``Siemens.Engineering*`` namespace in ``assemblies``: its details (with members
    unless ``members`` is false: :func:`type_members` reads them later), and the .NET ``Type`` by full name (the bridge
    asks ``GetService`` and reads members with it)."""
    exported = [t for a in assemblies for t in _exported(a) if str(t.Namespace or "").startswith(PREFIX)]
    service = next((t for t in exported if str(t.FullName) == SERVICE_INTERFACE), None)
    details: list[TypeDetails] = []
    handles: dict[str, Any] = {}
    for t in exported:
        record = _details(t, service, words, members=members)
        details.append(record)
        handles[record.full_name] = t
    return details, handles


def type_members(handle: Any) -> list[MemberInfo]:
    """The members of one reflected type (none for an enum or delegate, as in :func:`reflect_types`)."""
    return [] if _kind(handle) in ("enum", "delegate") else _members_or_none(handle)


class BridgeReflection(ReflectionPort):
    """Openness reflection over the assemblies this process loaded.

    Args:
        session: the Openness session: its calls, the loaded API, the open project's devices.
    """

    def __init__(self, session: BridgeSession) -> None:
        self._session = session
        self._index: tuple[TypeIndex, dict[str, Any]] | None = None

    def _diagnostic_index(self) -> tuple[TypeIndex, dict[str, Any]]:
        if self._index is None:
            def build() -> tuple[TypeIndex, dict[str, Any]]:
                assemblies = loaded_assemblies()
                # Members are read when a search asks for a type: a real TIA's assemblies hold thousands of types.
                types, handles = reflect_types(assemblies, member_table_words(), members=False)
                names = [f"{a.GetName().Name} {a.GetName().Version}" for a in assemblies]
                return TypeIndex(types, names, "reflection", members=lambda name: type_members(handles[name])), handles

            self._index = self._session.call("Assembly.GetExportedTypes", build)
        return self._index

    def openness_type_index(self) -> TypeIndex:
        return self._diagnostic_index()[0]

    def _services_on(self, device: str, target: str, obj: Any, target_name: str) -> DeviceServices:
        import clr

        index, handles = self._diagnostic_index()
        get_service = clr.GetClrType(self._session.api.engineering.IEngineeringServiceProvider).GetMethod("GetService")
        services: list[ServiceAvailability] = []
        for record in index.services():
            try:
                # GetService<T>() for a Type known only at run time: the generic method made for it.
                found = get_service.MakeGenericMethod(handles[record.full_name]).Invoke(obj, None) is not None
            except Exception as exc:  # a service TIA refuses to hand out here is not available
                inner = getattr(exc, "InnerException", None)  # Invoke wraps what GetService threw
                if kind_of(inner if isinstance(inner, BaseException) else exc) in _SESSION_FAILURES:
                    # A stale proxy or a lost portal is the session's problem, not the service's: _call retries
                    # or reconnects.
                    raise (inner if isinstance(inner, BaseException) else exc) from None
                found = False
            services.append(ServiceAvailability(name=record.name, full_name=record.full_name, available=found))
        return DeviceServices(device_name=device, target=target, target_name=target_name,
                              available=[s.full_name for s in services if s.available], services=services)

    def plc_services(self, device: str) -> DeviceServices:
        def run() -> DeviceServices:
            _, software = self._session.plc_item(self._session.project(), device)
            return self._services_on(device, "PlcSoftware", software, str(software.Name))

        return self._session.call("PlcSoftware.GetService", run)

    def cpu_services(self, device: str) -> DeviceServices:
        def run() -> DeviceServices:
            item, _ = self._session.plc_item(self._session.project(), device)
            return self._services_on(device, "DeviceItem", item, str(item.Name))

        return self._session.call("DeviceItem.GetService", run)
