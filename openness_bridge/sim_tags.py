"""The bridge's PLCSIM Advanced tag access: the tag list, single and batch reads and writes.

Absolute addresses (``%MW10``, ``%I0.1``, ``%QD4``) go through the instance's ``InputArea``/``OutputArea``/
``MarkerArea`` (``IIOArea`` byte and bit calls, big-endian as the CPU stores them); they need no tag list.
Symbolic names (``Motor_On``, ``"Data".count``) go through ``Read``/``Write`` with an ``SDataValue`` of the
tag's primitive type, which PLCSIM resolves in its stored tag list: the bridge loads that list
(``UpdateTagList``) before the first symbolic access and again, once, when PLCSIM answers ``NotUpToDate``
(after a download).
"""

from __future__ import annotations

import fnmatch
from typing import TYPE_CHECKING, Any

from engineering_api.backend.areas.simulation import SimTagsPort
from engineering_api.backend.areas.simulation_models import (
    SimTagError,
    SimTagInfo,
    SimTagList,
    SimTagResult,
    SimTagValue,
)
from engineering_api.backend.errors import ConflictError, ValidationError
from engineering_api.errors import codes
from engineering_api.lib.schema import utc_now
from openness_bridge.simulation_support import TagFailure, runtime_code, tag_failure
from simatic_xml.watchtables import absolute_address

if TYPE_CHECKING:
    from collections.abc import Callable

    from engineering_api.backend.areas.simulation_models import SimTagWrite
    from openness_bridge.plcsim import PlcsimApi
    from openness_bridge.simulation_base import PlcsimAccess

__all__ = ("BATCH_LIMIT", "BridgeSimTags", "tag_list")

BATCH_LIMIT = 1000
"""Items one batch read or write may hold."""
_WIDTHS = {"B": 1, "W": 2, "D": 4, "L": 8}
_AREAS = {"I": "InputArea", "Q": "OutputArea", "M": "MarkerArea"}
_INT_BITS = {"Int8": (8, True), "Int16": (16, True), "Int32": (32, True), "Int64": (64, True),
             "UInt8": (8, False), "UInt16": (16, False), "UInt32": (32, False), "UInt64": (64, False)}
_TIA_NAMES = {"TimeOfDay": "Time_Of_Day", "DateAndTime": "Date_And_Time", "LTimeOfDay": "LTime_Of_Day"}
_SIZE_LETTERS = {1: "B", 2: "W", 4: "D", 8: "L"}


def _wrap(value: int, bits: int, signed: bool) -> int:
    """``value`` wrapped into a ``bits``-wide integer, as the CPU stores it."""
    value &= (1 << bits) - 1
    return value - (1 << bits) if signed and value >= 1 << (bits - 1) else value


def _integer(name: str, data_type: str, value: Any) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise TagFailure("TypeMismatch", f"{name} ({data_type}): {value!r} is not an integer.")
    return value


def _boolean(name: str, value: Any) -> bool:
    if isinstance(value, bool) or (isinstance(value, int) and value in (0, 1)):
        return bool(value)
    raise TagFailure("TypeMismatch", f"{name} (Bool): {value!r} is not TRUE or FALSE.")


def _convert(name: str, primitive: str, value: Any) -> Any:
    """``value`` as the Python value of an ``SDataValue`` member of type ``primitive`` (TypeMismatch otherwise)."""
    if primitive == "Bool":
        return _boolean(name, value)
    if primitive in _INT_BITS:
        return _wrap(_integer(name, primitive, value), *_INT_BITS[primitive])
    if primitive in ("Float", "Double"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TagFailure("TypeMismatch", f"{name} ({primitive}): {value!r} is not a number.")
        return float(value)
    if primitive in ("Char", "WChar") and isinstance(value, str) and len(value) == 1:
        if primitive == "Char" and ord(value) > 127:
            raise TagFailure("TypeMismatch", f"{name} (Char): {value!r} is not an ASCII character.")
        return ord(value) if primitive == "Char" else value
    raise TagFailure("TypeMismatch" if primitive in ("Char", "WChar") else "NotSupported",
                     f"{name} ({primitive}): {value!r} cannot be written.")


def _plain(data_value: Any) -> Any:
    """The Python value of an ``SDataValue``."""
    primitive = str(data_value.Type)
    raw: Any = getattr(data_value, primitive, None)
    if primitive == "Bool":
        return bool(raw)
    if primitive in _INT_BITS:
        return int(raw)
    if primitive in ("Float", "Double"):
        return float(raw)
    if primitive == "Char":
        return chr(int(raw) & 0xFF)
    if primitive == "WChar":
        return str(raw)
    raise TagFailure("NotSupported", f"A {primitive} value cannot be represented.")


def _symbol(name: str) -> str:
    """PLCSIM's spelling of a tag name: ``"Data".count`` -> ``Data.count`` (the tag list names DBs unquoted)."""
    return name.replace('"', "").strip()


class BridgeSimTags(SimTagsPort):
    """The simulation-tags area of the bridge: the tags of PLCSIM Advanced's instances.

    Args:
        plcsim: PLCSIM Advanced as the backend's simulation areas share it (the connected instance).
    """

    def __init__(self, plcsim: PlcsimAccess) -> None:
        self._plcsim = plcsim

    # ----- one tag --------------------------------------------------------------------------------
    def _sim_symbolic(self, inst: Any, call: Callable[[], Any]) -> Any:
        """``call()`` with the tag list loaded first, and loaded again once when PLCSIM says it is out of date."""
        if not self._plcsim.record(inst).tags_loaded:
            self._plcsim.load_tags(inst)
        try:
            return call()
        except Exception as exc:  # a .NET exception
            if runtime_code(exc) != "NotUpToDate":
                raise
        self._plcsim.load_tags(inst)
        return call()

    def _sim_data_type(self, inst: Any, symbol: str, primitive: str) -> str:
        key = symbol.lower()
        info = next((t for t in inst.TagInfos if str(t.Name).lower() == key), None)
        if info is None:
            return primitive
        name = str(info.DataType)
        return _TIA_NAMES.get(name, name)

    def _sim_value(self, name: str, value: Any, data_type: str) -> SimTagValue:
        return SimTagValue(name=name, value=value, data_type=data_type, quality="Good", timestamp=utc_now())

    def _sim_require_running_process(self, inst: Any) -> None:
        if str(inst.OperatingState) == "Off":
            raise TagFailure("InstanceNotRunning", f'The instance "{inst.Name}" is powered off.')

    def _sim_read_one(self, inst: Any, name: str) -> SimTagValue:
        self._sim_require_running_process(inst)
        if name.strip().startswith("%"):
            return self._sim_read_address(inst, name)
        symbol = _symbol(name)
        data = self._sim_symbolic(inst, lambda: inst.Read(symbol))
        return self._sim_value(name, _plain(data), self._sim_data_type(inst, symbol, str(data.Type)))

    def _sim_address(self, inst: Any, name: str) -> tuple[Any, Any]:
        address = absolute_address(name)
        if address is None:
            raise TagFailure("DoesNotExist", f'"{name}" is not an input, output or bit-memory address (%I, %Q, %M).')
        return address, getattr(inst, _AREAS[address.area])

    def _sim_read_address(self, inst: Any, name: str) -> SimTagValue:
        address, area = self._sim_address(inst, name)
        if address.size == "X":
            value: Any = bool(area.ReadBit(address.byte, address.bit))
        else:
            value = int.from_bytes(bytes(area.ReadBytes(address.byte, _WIDTHS[address.size])), "big")
        return self._sim_value(name, value, address.data_type)

    def _sim_write_one(self, api: PlcsimApi, inst: Any, name: str, value: Any) -> SimTagValue:
        self._sim_require_running_process(inst)
        if name.strip().startswith("%"):
            address, area = self._sim_address(inst, name)
            if address.size == "X":
                area.WriteBit(address.byte, address.bit, _boolean(name, value))
            else:
                width = _WIDTHS[address.size]
                number = _wrap(_integer(name, address.data_type, value), width * 8, False)
                import System

                area.WriteBytes(address.byte, System.Array[System.Byte](list(number.to_bytes(width, "big"))))
            return self._sim_read_address(inst, name)
        symbol = _symbol(name)
        current = self._sim_symbolic(inst, lambda: inst.Read(symbol))
        primitive = str(current.Type)
        data = api.runtime.SDataValue()
        data.Type = current.Type
        setattr(data, primitive, _convert(name, primitive, value))
        self._sim_symbolic(inst, lambda: inst.Write(symbol, data))
        return self._sim_read_one(inst, name)

    def read_tag(self, name: str, instance: str | None = None) -> SimTagValue:
        return self._plcsim.call("IInstance.Read",
                                 lambda api: self._sim_read_one(self._plcsim.target(api, instance), name))

    def write_tag(
        self, name: str, value: Any, instance: str | None = None, *, password: str | None = None, as_hmi: bool = False,
    ) -> SimTagValue:
        # PLCSIM Advanced's IInstance.Write takes no password: its API is local and not subject to the CPU's access
        # level (an online client is; see openness_bridge/security.py). password and as_hmi are not used here.
        return self._plcsim.call("IInstance.Write",
                                 lambda api: self._sim_write_one(api, self._plcsim.target(api, instance), name, value))

    # ----- batches -------------------------------------------------------------------------------
    def _sim_batch(self, operation: str, instance: str | None, items: list[Any],
               one: Callable[[PlcsimApi, Any, Any], SimTagValue], name_of: Callable[[Any], str]) -> list[SimTagResult]:
        if not items or len(items) > BATCH_LIMIT:
            raise ValidationError(f"A batch holds 1..{BATCH_LIMIT} tags (got {len(items)}).", code=codes.SIM_BATCH_SIZE)

        def run(api: PlcsimApi) -> list[SimTagResult]:
            inst = self._plcsim.target(api, instance)
            results = []
            for item in items:  # one by one: PLCSIM's ReadSignals/WriteSignals need the types up front
                try:
                    tag = one(api, inst, item)
                except Exception as exc:  # per-item errors are results, not raised
                    failure = tag_failure(exc)
                    if failure is None:
                        raise
                    results.append(SimTagResult(name=name_of(item), value=None, data_type=None, quality="Bad",
                                                timestamp=utc_now(),
                                                error=SimTagError(code=failure.code, message=failure.message)))
                    continue
                results.append(SimTagResult(name=tag.name, value=tag.value, data_type=tag.data_type,
                                            quality=tag.quality, timestamp=tag.timestamp))
            return results

        return self._plcsim.call(operation, run)

    def batch_read(
        self, names: list[str], instance: str | None = None, *, password: str | None = None,
    ) -> list[SimTagResult]:
        # As write_tag: PLCSIM Advanced's API has no password, so password is not used.
        return self._sim_batch("IInstance.Read", instance, names, lambda api, inst,
                               name: self._sim_read_one(inst, name), str)

    def batch_write(
        self, items: list[SimTagWrite], instance: str | None = None, *, password: str | None = None,
        as_hmi: bool = False,
    ) -> list[SimTagResult]:
        # As write_tag: PLCSIM Advanced's API has no password, so password and as_hmi are not used.
        return self._sim_batch("IInstance.Write", instance, items,
                           lambda api, inst, item: self._sim_write_one(api, inst, item.name, item.value),
                           lambda i: i.name)

    # ----- the tag list ---------------------------------------------------------------------------
    def list_tags(self, filter: str | None = None, instance: str | None = None) -> SimTagList:
        def run(api: PlcsimApi) -> SimTagList:
            inst = self._plcsim.target(api, instance)
            if not self._plcsim.record(inst).tags_loaded:
                self._sim_require_on_for_tags(inst)
                self._plcsim.load_tags(inst)
            elif str(inst.OperatingState) != "Off" and not self._plcsim.tags_fresh(api, inst):
                raise ConflictError(f'The tag list of "{inst.Name}" is out of date after a download. Refresh it '
                                    "(POST /api/simulation/tags/refresh) or connect again.",
                                    code=codes.SIM_TAG_LIST_NOT_UP_TO_DATE)
            return tag_list(inst, filter)

        return self._plcsim.call("IInstance.TagInfos", run)

    def _sim_require_on_for_tags(self, inst: Any) -> None:
        if str(inst.OperatingState) == "Off":
            raise ConflictError(f'The instance "{inst.Name}" is powered off; PLCSIM reads the tag list from a '
                                "running instance. Power it on first.", code=codes.INSTANCE_OFF)

    def refresh_tags(self, instance: str | None = None) -> SimTagList:
        def run(api: PlcsimApi) -> SimTagList:
            inst = self._plcsim.target(api, instance)
            self._sim_require_on_for_tags(inst)
            self._plcsim.load_tags(inst)
            return tag_list(inst, None)

        return self._plcsim.call("IInstance.UpdateTagList", run)


def tag_list(inst: Any, filter: str | None) -> SimTagList:
    """The leaves of an instance's tag list (``IInstance.TagInfos``), those matching ``filter`` (a glob, or a part
    of the name) when given."""
    tags = []
    for info in inst.TagInfos:
        primitive = str(info.PrimitiveDataType)
        if primitive in ("Struct", "Unspecific"):  # the entry of a whole struct or array: leaves only
            continue
        data_type = _TIA_NAMES.get(str(info.DataType), str(info.DataType))
        tags.append(SimTagInfo(name=str(info.Name), data_type=data_type, address=_address_of(info)))
    if filter:
        pattern = filter.lower() if any(c in filter for c in "*?[") else f"*{filter.lower()}*"
        tags = [t for t in tags if fnmatch.fnmatchcase(t.name.lower(), pattern)]
    return SimTagList(instance=str(inst.Name), count=len(tags), tags=tags)


def _address_of(info: Any) -> str | None:
    """``%I0.1``/``%MW10`` of a tag in the I, Q or M area (None in data blocks, counters, timers)."""
    letter = {"Input": "I", "Output": "Q", "Marker": "M"}.get(str(info.Area))
    if letter is None:
        return None
    if str(info.PrimitiveDataType) == "Bool":
        return f"%{letter}{int(info.Offset)}.{int(info.Bit)}"
    size = _SIZE_LETTERS.get(int(info.Size))
    return f"%{letter}{size}{int(info.Offset)}" if size else None
