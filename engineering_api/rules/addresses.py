"""PLC tag addresses as TIA checks them in a tag table.

Allowed: inputs, outputs and bit memory, as bits (``%I0.0``, ``%Q1.7``, ``%M10.3``), bytes (``%IB2``),
words (``%QW4``) and double words (``%MD100``); S7 timers and counters (``%T5``, ``%C3``) for Timer and
Counter tags. The operand size must fit the data type (a Bool needs a bit, an Int a word ...). Data
block addresses (``%DB1.DBX0.0``), peripheral suffixes (``:P``) and local data (``%L``) never go in a
tag table. Overlaps between tags are allowed (TIA warns): :class:`OverlapIndex` finds them.

The text is read by the one grammar of absolute addresses (:mod:`simatic_xml.absolute_addresses`, which the SCL
checker, the generator and the watch tables use too), blanks (spaces), case and a missing ``%`` tolerated; a tag table
adds its own limits (no data block, ``:P`` or ``%L`` address, no 8-byte access letter, bytes up to :data:`MAX_BYTE`).
Nothing else is tolerated: a character no address has (a control character such as ``%\x0bQ0.0``, a tab, a digit
of another script) is refused on its own, not skipped as a blank, whoever asks (the CI checker on an exported tag
table, a tag table imported from a spreadsheet, the API).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from simatic_xml.absolute_addresses import InvalidAddressError, parse_absolute_address

__all__ = (
    "SIZE_OF_TYPE",
    "Address",
    "AddressError",
    "OverlapIndex",
    "check_address",
    "footprint",
    "parse_address",
    "system_type_size",
)

_DB = re.compile(r"%? *(DB\d+|DI\d+)\b|%? *DB[XBWD]", re.IGNORECASE | re.ASCII)
_SPELLING = re.compile(r"[%.:A-Z0-9 ]+", re.IGNORECASE | re.ASCII)
"""The characters an address is written with, the tolerated blanks (spaces) among them."""

SIZE_OF_TYPE: dict[str, str] = {}
"""Upper-case data type -> the operand size it needs: ``X`` (bit), ``B``, ``W``, ``D`` or ``L`` (8 bytes)."""
for _names, _size in (
    ("Bool", "X"),
    ("Byte SInt USInt Char", "B"),
    ("Word Int UInt WChar S5Time Date", "W"),
    ("DWord DInt UDInt Real Time Time_Of_Day TOD", "D"),
    ("LWord LInt ULInt LReal LTime LTime_Of_Day LTOD", "L"),
):
    for _name in _names.split():
        SIZE_OF_TYPE[_name.upper()] = _size
_BYTES = {"B": 1, "W": 2, "D": 4, "L": 8}
_SIZE_WORD = {"X": "a bit address (e.g. %M10.0)", "B": "a byte address (e.g. %MB10)",
              "W": "a word address (e.g. %MW10)",
              "D": "a double-word address (e.g. %MD10)", "L": "a byte address of 8 bytes (e.g. %MB10)"}
MAX_BYTE = 65535


class AddressError(ValueError):
    """An address TIA refuses; ``str()`` says why in an engineer's words."""


@dataclass(frozen=True, slots=True)
class Address:
    """A parsed operand: area ``I``/``Q``/``M``/``T``/``C``, size ``X``/``B``/``W``/``D``, byte and bit."""

    area: str
    size: str
    byte: int
    bit: int = 0
    text: str = ""
    """Canonical spelling, as TIA shows it (``%I0.0``, ``%MW10``, ``%T5``); filled in when empty."""

    def __post_init__(self) -> None:
        if not self.text:
            if self.area in "TC":
                text = f"%{self.area}{self.byte}"
            elif self.size == "X":
                text = f"%{self.area}{self.byte}.{self.bit}"
            else:
                text = f"%{self.area}{self.size}{self.byte}"
            object.__setattr__(self, "text", text)


_CANONICAL = re.compile(r"%([IQM])(?:(0|[1-9]\d{0,4})\.([0-7])|([BWD])(0|[1-9]\d{0,4}))\Z", re.ASCII)
"""The spelling TIA writes; most addresses of an import are already in it, so they skip the tolerant parse."""


def parse_address(text: str) -> Address:
    """Parse ``%I0.0`` … ``%MD100`` (case and a missing ``%`` are tolerated).

    Raises:
        AddressError: malformed, a DB/peripheral/local address, a bit number above 7, or a byte out of range.
    """
    fast = _CANONICAL.match(text)
    if fast is not None:
        area, bit_byte, bit, size, byte = fast.groups()
        if size is None:
            number = int(bit_byte)
            if number <= MAX_BYTE:
                return Address(area, "X", number, int(bit), text)
        else:
            number = int(byte)
            if number <= MAX_BYTE:
                return Address(area, size, number, 0, text)
    raw = text.strip(" ")
    if not raw:
        raise AddressError("the address is empty")
    if _SPELLING.fullmatch(raw) is None:
        raise AddressError(f"{raw!r} is not an address such as %I0.0, %Q1.7, %M10.3, %IB2, %QW4 or %MD100 (it holds a "
                           "character no address has; only spaces may stand between its parts)")
    if _DB.match(raw):
        raise AddressError(
            f"'{raw}' is a data block address; a PLC tag table only holds inputs (%I), outputs (%Q), bit memory (%M), "
            "timers (%T) and counters (%C). Declare the variable in the data block instead."
        )
    if raw.upper().endswith(":P"):
        raise AddressError(f"'{raw}': the peripheral suffix ':P' is used in the program, not in the tag table")
    if raw.lstrip("%").lstrip(" ")[:1].upper() == "L":
        raise AddressError(f"'{raw}': local data (%L) cannot be addressed in a tag table")
    # The one grammar of absolute addresses (simatic_xml.absolute_addresses), as written without blanks and with
    # its "%"; a tag table's own limits on top: no 8-byte access letter, bytes up to MAX_BYTE.
    spelled = "%" + raw.replace(" ", "").lstrip("%").upper()
    try:
        parsed = parse_absolute_address(spelled)
    except InvalidAddressError as exc:
        raise AddressError(f"'{raw}' is not an address such as %I0.0, %Q1.7, %M10.3, %IB2, %QW4 or %MD100 "
                           f"({exc.reason})") from None
    if parsed.area in ("T", "C"):
        return Address(parsed.area, "X", parsed.byte)
    if parsed.size == "L":
        raise AddressError(f"'{raw}' is not an address such as %I0.0, %Q1.7, %M10.3, %IB2, %QW4 or %MD100 (an "
                           "8-byte tag is given its first byte: %MB10)")
    if parsed.byte > MAX_BYTE:
        raise AddressError(f"'{raw}': byte {parsed.byte} is beyond the address range (0 to {MAX_BYTE})")
    return Address(parsed.area, parsed.size, parsed.byte, parsed.bit or 0)


def check_address(text: str, data_type: str, *, structured: bool = False) -> Address:
    """Parse an address and check it fits ``data_type``.

    ``structured`` marks a PLC data type, array or struct: it must start on a byte boundary (``%M10.0``
    or ``%MB10``); its length is the type's, which is not checked here.

    Raises:
        AddressError: as :func:`parse_address`, or an operand size that does not fit the data type.
    """
    address = parse_address(text)
    upper = data_type.upper()
    if address.area in "TC":
        wanted = "TIMER" if address.area == "T" else "COUNTER"
        if upper != wanted:
            raise AddressError(f"'{address.text}' is a{' timer' if wanted == 'TIMER' else ' counter'}; the data type "
                               f"must be {wanted.title()}")
        return address
    if upper in ("TIMER", "COUNTER"):
        raise AddressError(f"a {data_type} tag needs a {'%T' if upper == 'TIMER' else '%C'} address (e.g. "
                           f"%{upper[0]}1)")
    if structured:
        if address.size == "X" and address.bit != 0:
            raise AddressError(f"'{address.text}': a {data_type} tag must start on a byte boundary (bit 0)")
        return address
    size = SIZE_OF_TYPE.get(upper) or system_type_size(upper)
    if size is None:
        if upper.startswith(("STRING", "WSTRING")):
            if address.size not in ("B",) and not (address.size == "X" and address.bit == 0):
                raise AddressError(f"'{address.text}': a {data_type} tag needs a byte address (e.g. %MB10)")
            return address
        raise AddressError(f"'{address.text}': the data type {data_type} cannot be given an absolute address")
    if size == "L":
        if address.size != "B" and not (address.size == "X" and address.bit == 0):
            raise AddressError(f"'{address.text}' does not fit {data_type}: it needs {_SIZE_WORD['L']}")
        return address
    if address.size != size:
        raise AddressError(f"'{address.text}' does not fit {data_type}: it needs {_SIZE_WORD[size]}")
    return address


_SYSTEM_WORD = ("HW_", "OB_", "DB_ANY", "PIP", "PORT", "RTM", "CONN_", "AOM_")


def system_type_size(upper: str) -> str | None:
    """Operand size of TIA's system data types (``Hw_Hsc``, ``OB_Cyclic``, ``Event_*`` ...), None for others."""
    if upper.startswith(_SYSTEM_WORD):
        return "W"
    if upper.startswith("EVENT_"):
        return "D"
    return None


def footprint(address: Address, data_type: str) -> list[tuple[str, int, int]]:
    """``(area, byte, bitmask)`` for every byte the tag occupies."""
    if address.area in "TC":
        return [(address.area, address.byte, 0xFF)]
    if address.size == "X":
        upper = data_type.upper()
        if upper == "BOOL":
            return [(address.area, address.byte, 1 << address.bit)]
        length = _BYTES.get(SIZE_OF_TYPE.get(upper) or system_type_size(upper) or "B", 1)
    else:
        length = _BYTES[address.size]
        if SIZE_OF_TYPE.get(data_type.upper()) == "L":
            length = 8
    return [(address.area, address.byte + i, 0xFF) for i in range(length)]


class OverlapIndex:
    """Which tags share memory: fed tag by tag, answers overlaps in O(bytes of the tag)."""

    def __init__(self) -> None:
        self._bytes: dict[tuple[str, int], list[tuple[int, str, str]]] = {}

    def add(self, name: str, address: Address, data_type: str) -> list[tuple[str, str]]:
        """Record a tag; returns ``(other tag, its address)`` for every earlier tag it overlaps."""
        hits: dict[str, str] = {}
        for area, byte, mask in footprint(address, data_type):
            slot = self._bytes.setdefault((area, byte), [])
            for other_mask, other, other_text in slot:
                if other_mask & mask and other != name:
                    hits[other] = other_text
            slot.append((mask, name, address.text))
        return list(hits.items())
