"""The CPU's memory: process image inputs/outputs, bit memory and the data blocks.

``inputs`` (%I) and ``outputs`` (%Q) are 32 KiB, ``markers`` (%M) 16 KiB, as on an S7-1500; values
in them are big-endian (``%MW10`` is bytes 10 and 11, 10 the high byte). ``dbs`` maps a DB's lower-case
name to its value dict (members in declared spelling; see README "Conventions").

Retentivity: a DB member declared ``Remanence="Retain"`` (or in an instance DB, the FB static the
instance DB marks retentive) survives a power cycle, as do the first ``retentive_markers`` bytes of
%M (TIA: "Retentive memory" of the bit memory, default 0). Only those values are in a snapshot.
"""

from __future__ import annotations

import struct
from typing import Any

from engineering_api.rules.plc_values import AREA_SIZES

from .errors import PlcRuntimeError
from .values import clone

__all__ = ("AREA_SIZES", "FORMATS", "Memory", "read_area", "write_area")

FORMATS: dict[str, struct.Struct] = {t: struct.Struct(">" + f) for t, f in {
    "BYTE": "B", "USINT": "B", "SINT": "b", "CHAR": "B", "WORD": "H", "UINT": "H", "INT": "h", "DATE": "H",
    "S5TIME": "H", "WCHAR": "H", "DWORD": "I", "UDINT": "I", "DINT": "i", "TIME": "i", "TIME_OF_DAY": "I",
    "LWORD": "Q", "ULINT": "Q", "LINT": "q", "LTIME": "q", "REAL": "f", "LREAL": "d",
}.items()}
"""Big-endian layout of each elementary type in an I/Q/M area."""


def _check(buf: bytearray, byte: int, size: int, area: str) -> None:
    if byte < 0 or byte + size > len(buf):
        raise PlcRuntimeError(f"Area access %{area} byte {byte} is outside the area (0..{len(buf) - 1}).",
                              code="area-length-error")


def read_area(buf: bytearray, byte: int, t: str, bit: int = 0) -> Any:
    """The value of type ``t`` at ``byte`` (``bit`` for Bool) of an area."""
    if t == "BOOL":
        return bool(buf[byte] >> bit & 1)
    fmt = FORMATS[t]
    value = fmt.unpack_from(buf, byte)[0]
    if t in ("CHAR", "WCHAR"):
        return chr(value)
    return value


def write_area(buf: bytearray, byte: int, t: str, value: Any, bit: int = 0) -> None:
    """Store ``value`` (already of type ``t``) at ``byte`` of an area."""
    if t == "BOOL":
        if value:
            buf[byte] |= 1 << bit
        else:
            buf[byte] &= ~(1 << bit) & 0xFF
        return
    if t in ("CHAR", "WCHAR"):
        value = ord(value) if value else 0
    FORMATS[t].pack_into(buf, byte, value)


class Memory:
    """I/Q/M areas and DB values of one simulated CPU.

    Args:
        retentive_markers: how many %M bytes (from %MB0) are retentive.
        retain_paths: (DB key, member path) pairs that are retentive; set by the program image.
    """

    __slots__ = ("dbs", "inputs", "markers", "outputs", "real32", "retain_paths", "retentive_markers")

    def __init__(self, retentive_markers: int = 0, retain_paths: list[tuple[str, tuple[str, ...]]] | None = None
                 ) -> None:
        self.inputs = bytearray(AREA_SIZES["I"])
        self.outputs = bytearray(AREA_SIZES["Q"])
        self.markers = bytearray(AREA_SIZES["M"])
        self.dbs: dict[str, dict[str, Any]] = {}
        self.retentive_markers = retentive_markers
        self.retain_paths = retain_paths or []
        self.real32 = memoryview(bytearray(4)).cast("f")
        """Scratch of the generated code: storing a float into it and reading it back rounds it to single precision
        as the FPU does (inf beyond the range), the cheapest way Python has. One per memory, as one memory's
        program runs in one thread at a time (the CPU's lock)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> Memory:
        """A copy with its own scratch (a memoryview cannot be copied; its content never matters between calls)."""
        import copy

        other = Memory(self.retentive_markers, copy.deepcopy(self.retain_paths, memo))
        other.inputs[:] = self.inputs
        other.outputs[:] = self.outputs
        other.markers[:] = self.markers
        other.dbs = copy.deepcopy(self.dbs, memo)
        return other

    def area(self, letter: str) -> bytearray:
        """The bytearray of ``I``, ``Q`` or ``M``."""
        return {"I": self.inputs, "Q": self.outputs, "M": self.markers}[letter.upper()]

    # ---------------------------------------------------------------- bit/byte/word/dword helpers
    def get_bit(self, area: str, byte: int, bit: int) -> bool:
        buf = self.area(area)
        _check(buf, byte, 1, area)
        return bool(buf[byte] >> bit & 1)

    def set_bit(self, area: str, byte: int, bit: int, value: bool) -> None:
        buf = self.area(area)
        _check(buf, byte, 1, area)
        write_area(buf, byte, "BOOL", value, bit)

    def get(self, area: str, byte: int, t: str = "BYTE") -> Any:
        """Read ``t`` (``BYTE``, ``WORD``, ``DWORD``, ``INT``, ``REAL``...) at ``byte``, big-endian."""
        buf = self.area(area)
        _check(buf, byte, FORMATS[t].size, area)
        return read_area(buf, byte, t)

    def set(self, area: str, byte: int, value: Any, t: str = "BYTE") -> None:
        buf = self.area(area)
        _check(buf, byte, FORMATS[t].size, area)
        write_area(buf, byte, t, value)

    # ---------------------------------------------------------------- retentive data
    def retentive_snapshot(self) -> dict[str, Any]:
        """Copies of the retentive DB members and %M bytes (what survives a power cycle)."""
        values = []
        for db, path in self.retain_paths:
            container: Any = self.dbs.get(db)  # then the members on the path: structs, arrays, the value
            try:
                for key in path:
                    container = container[key]
            except (KeyError, TypeError):
                continue
            values.append((db, path, clone(container)))
        return {"dbs": values, "markers": bytes(self.markers[: self.retentive_markers])}

    def restore_retentive(self, snapshot: dict[str, Any]) -> None:
        """Write a snapshot back (after the DBs were set to their start values)."""
        for db, path, value in snapshot.get("dbs", ()):
            container: Any = self.dbs.get(db)
            try:
                for key in path[:-1]:
                    container = container[key]
                if container is not None and path[-1] in container:
                    container[path[-1]] = clone(value)
            except (KeyError, TypeError):
                continue
        markers = snapshot.get("markers", b"")
        self.markers[: len(markers)] = markers
