"""The simulated PLCs of this server as a runtime :class:`~engineering_api.runtime.sources.TagSource`.

The source serves one CPU, the way an HMI connection serves one PLC: the connected PLCSim instance when it is
powered on, else the only powered-on instance (with several and none connected it answers 409 and says to
connect one). It reads the CPU's memory directly, between two scans (under the CPU's lock), not through the
PLCSim API's tag list, which a download marks stale until refreshed: a runtime sees a new program at once.

What is released comes from the program *as downloaded* (the objects the CPU holds), as a real CPU's OPC UA
server or web API decides from what was downloaded, not from later edits in the project: a PLC tag's and a DB
member's ``ExternalAccessible`` ("accessible from HMI/OPC UA/Web API") releases it, ``ExternalWritable`` lets it be
written. Both default to true, as in TIA; a member is released only when every member on its path is.
"""

from __future__ import annotations

import re
import threading
from typing import TYPE_CHECKING, Any

from engineering_api.backend.errors import ConflictError, NotSupportedError
from engineering_api.lib.schema import utc_now
from engineering_api.runtime.sources import (
    ItemError,
    RuntimeNotRunningError,
    RuntimeTag,
    TagReading,
    TagWrite,
)

if TYPE_CHECKING:
    from engineering_api.backend.port import EngineeringBackend

__all__ = ("SimulatedSource", "released_tags")

_SEGMENT = re.compile(r'"((?:[^"]|"")*)"|([^."\[\]]+)|(\[[^\]]*\])|(\.)')
_NOT_FOUND = "TAG_NOT_FOUND"


def _flag(value: object) -> bool:
    """A TIA boolean attribute: absent or anything but false is true (TIA's default for the External* flags)."""
    return value is not False and str(value).strip().lower() != "false"


def _path(name: str) -> list[str]:
    """The member names of ``"DB".a.b[3].c`` (indices dropped): ``["DB", "a", "b", "c"]``."""
    out: list[str] = []
    for quoted, plain, _index, _dot in _SEGMENT.findall(name):
        if quoted or plain:
            out.append((quoted.replace('""', '"') if quoted else plain).strip())
    return out


def _member_flags(member: Any) -> tuple[bool, bool]:
    accessible = writable = True
    for attr in member.attributes or ():
        if attr.name == "ExternalAccessible":
            accessible = _flag(attr.value)
        elif attr.name == "ExternalWritable":
            writable = _flag(attr.value)
    return accessible, writable


def _children(member: Any) -> list[Any]:
    if member.members:
        return list(member.members)
    if member.sections is not None:
        return [m for sec in member.sections.sections for m in sec.members]
    return []


def _walk(members: list[Any], path: list[str]) -> tuple[bool, bool]:
    """(accessible, writable) of a member path: every member found on the way must allow it. The path may go
    below what the XML lists (a UDT's or system type's members): those inherit the last member's flags."""
    accessible = writable = True
    for part in path:
        key = part.lower()
        member = next((m for m in members if m.name.lower() == key), None)
        if member is None:
            break
        a, w = _member_flags(member)
        accessible, writable = accessible and a, writable and w
        members = _children(member)
    return accessible, writable and accessible


def _objects(image: Any) -> tuple[dict[str, list[Any]], dict[str, tuple[bool, bool]]]:
    """DB members by lower-case DB name, and PLC tag flags by lower-case tag name, from the downloaded XML."""
    from simatic_xml import SimaticMLError, parse_bytes
    from simatic_xml.objects import DB, PlcTagTable

    dbs: dict[str, list[Any]] = {}
    tags: dict[str, tuple[bool, bool]] = {}
    for xml in image.objects.values():
        try:
            obj = parse_bytes(xml).object
        except SimaticMLError:
            continue
        if isinstance(obj, PlcTagTable):
            for tag in obj.tags:
                accessible = _flag(tag.attr("ExternalAccessible"))
                tags[(tag.name or "").lower()] = (accessible, accessible and _flag(tag.attr("ExternalWritable")))
        elif isinstance(obj, DB) and obj.interface is not None:
            dbs[(obj.name or "").lower()] = [m for sec in obj.interface.sections.sections for m in sec.members]
    return dbs, tags


def released_tags(image: Any) -> dict[str, RuntimeTag]:
    """Every released leaf of a program image, by lower-case name."""
    dbs, tag_flags = _objects(image)
    out: dict[str, RuntimeTag] = {}
    for info in image.tag_list():
        path = _path(info.name)
        if not path:
            continue
        if path[0].lower() in dbs:
            accessible, writable = _walk(dbs[path[0].lower()], path[1:])
        else:
            accessible, writable = tag_flags.get(path[0].lower(), (True, True))
        if accessible:
            out[info.name.lower()] = RuntimeTag(info.name, info.data_type, writable)
    return out


class SimulatedSource:
    """Released tags and values of the simulated CPU this server runs (see the module docstring)."""

    def __init__(self, backend: EngineeringBackend) -> None:
        self._backend = backend
        self._lock = threading.Lock()
        self._cache: tuple[Any, dict[str, RuntimeTag]] | None = None
        """(image, its released tags): parsed once per downloaded program."""

    # ----- the CPU ----------------------------------------------------------------------------------
    def _cpu(self) -> Any:
        runtime = getattr(self._backend, "simulation", None)
        if runtime is None:
            raise NotSupportedError(
                "The runtime API reads this server's simulated PLCs, which only the fake backend has; OPC UA and "
                "S7 sources for real PLCs and PLCSIM Advanced are not built yet.", code="RUNTIME_SOURCE_UNAVAILABLE")
        if not runtime.running:
            raise RuntimeNotRunningError("The PLCSim runtime manager is stopped, so no PLC runtime is running.")
        powered = [cpu for cpu in runtime.instances.values() if cpu.memory is not None]
        connected = runtime.instances.get(runtime.connected) if runtime.connected else None
        if connected is not None and connected.memory is not None:
            return connected
        if not powered:
            raise RuntimeNotRunningError("No simulated PLC is powered on, so no PLC runtime is running. Power an "
                                         "instance on and download a program to it.")
        if len(powered) > 1:
            names = ", ".join(sorted(cpu.name for cpu in powered))
            raise ConflictError(f"Several simulated PLCs are powered on ({names}); connect the one the runtime "
                                "serves (POST /api/simulation/connect).", code="RUNTIME_PLC_AMBIGUOUS")
        return powered[0]

    def _check_access(self, cpu: Any, what: str) -> None:
        # A protected CPU refuses HMI/OPC UA access below its level, as it refuses the PLCSim tag routes.
        check = getattr(self._backend, "_check_cpu_access", None)
        if check is not None:
            check(cpu, None, what)

    def _released(self, cpu: Any) -> dict[str, RuntimeTag]:
        with self._lock:
            image = cpu.image
            if self._cache is None or self._cache[0] is not image:
                self._cache = (image, released_tags(image))
            return self._cache[1]

    # ----- TagSource ----------------------------------------------------------------------------------
    def browse(self) -> list[RuntimeTag]:
        """Every released tag of the CPU, in the PLC's order (DBs, then PLC tags)."""
        cpu = self._cpu()
        return list(self._released(cpu).values())

    def read(self, names: list[str]) -> list[TagReading]:
        """One reading per name, all from the same cycle (the CPU does not scan while its lock is held)."""
        cpu = self._cpu()
        self._check_access(cpu, "read")
        released = self._released(cpu)
        with cpu.lock:
            return [self._one(cpu, released, name, None) for name in names]

    def write(self, items: list[TagWrite]) -> list[TagReading]:
        """Each item written in order within one pause between scans, answered with the value read back."""
        cpu = self._cpu()
        self._check_access(cpu, "hmi-write")
        released = self._released(cpu)
        with cpu.lock:
            return [self._one(cpu, released, item.name, item) for item in items]

    def _one(self, cpu: Any, released: dict[str, RuntimeTag], name: str, item: TagWrite | None) -> TagReading:
        from fakes.runtime.cpu import OperatingState, TagError

        tag = released.get(_canonical(name))
        if tag is None:
            return _failed(name, None, ItemError(_NOT_FOUND, f'No released tag "{name}" (unknown, or not accessible '
                                                             "from HMI/OPC UA/Web API).", 404))
        if item is not None and not tag.writable:
            return _failed(tag.name, tag.data_type, ItemError(
                "TAG_NOT_WRITABLE", f"{tag.name} is released read-only (not writable from HMI/OPC UA/Web API).", 403))
        try:
            value = cpu.write(tag.name, item.value) if item is not None else cpu.read(tag.name)
        except TagError as exc:
            return _failed(tag.name, tag.data_type, _tag_error(exc))
        except Exception as exc:  # noqa: BLE001  # a fault of the simulated CPU is the item's, not the call's
            return _failed(tag.name, tag.data_type, ItemError("RUNTIME_FAULT", f"The runtime failed: {exc}", 500))
        # In STOP the program no longer updates values: the last usable value, as OPC UA would mark it.
        quality = "Good" if cpu.state == OperatingState.RUN else "Uncertain"
        return TagReading(tag.name, value.value, tag.data_type, quality, value.timestamp)


def _canonical(name: str) -> str:
    """Lower-case lookup key; an unquoted first segment (``Motor_DB.Speed``, ``Start``) gets TIA's quotes."""
    text = name.strip()
    if text and not text.startswith('"'):
        head, sep, rest = text.partition(".")
        head, bracket, index = head.partition("[")
        text = f'"{head}"{bracket}{index}{sep}{rest}'
    return text.lower()


def _tag_error(exc: Any) -> ItemError:
    code = getattr(exc, "code", "")
    if code == "DoesNotExist":
        return ItemError(_NOT_FOUND, str(exc), 404)
    if code in ("TypeMismatch", "NotSupported"):
        return ItemError("TYPE_MISMATCH", str(exc), 422)
    if code == "InstanceNotRunning":
        return ItemError("RUNTIME_NOT_RUNNING", str(exc), 503)
    return ItemError("RUNTIME_FAULT", str(exc), 500)


def _failed(name: str, data_type: str | None, error: ItemError) -> TagReading:
    return TagReading(name, None, data_type, "Bad", utc_now(), error)
