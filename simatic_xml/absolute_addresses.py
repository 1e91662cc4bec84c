"""Absolute addresses as SCL writes them: ``%I0.0``, ``%MW10``, ``%IW4:P``, ``%DB7.DBW2``, ``%T5``.

One grammar for every reader of the notation: the SCL checker's parser (:mod:`simatic_xml.scl.parse_expr`), the
StructuredText generator (:mod:`simatic_xml.scl_parse_io`) and watch-table operands (:mod:`simatic_xml.watchtables`),
so that what one accepts the others accept, and what one refuses the others refuse with the same words.

The rules (STEP 7 help, "Addressing global tags by absolute address" and "Addressing DB tags by absolute
address"): ``%`` + area + access size + byte, and ``.bit`` exactly for a bit access; the areas are inputs, outputs
and bit memory (``I``/``Q``/``M``, and the German mnemonics ``E``/``A`` of the same areas); the sizes ``X`` (bit,
also written without a letter), ``B``, ``W``, ``D``, ``L``; the bit is 0 to 7. A data block's member is
``%DB<n>.DB<size><byte>`` with the same bit rule, as TIA exports it (War3sccs/Chemical-dosing-Siemens-S7-1200-
energy_meter_read.xml: ``%DB7.DBW2 := %DB7.DBW0;``). ``:P``, the I/O access, is only for inputs and outputs
(S7-1200 System Manual, "Data storage, memory areas, I/O and addressing"). ``%T<n>`` and ``%C<n>`` (``%Z<n>`` in
German mnemonics) are the S5 timers and counters of the Access schema's ``Timer``/``Counter`` areas, and a bare
``%DB<n>`` names a data block: no source shows TIA refusing these, so they parse, with no access size.

Every character of an address is one of these ASCII letters and digits or ``%``, ``.``, ``:``: a control character
(``%\x0bQ0.0``), a digit of another script or a blank is refused where it stands, never skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ("ADDRESS_SIZE_TYPES", "AbsoluteAddress", "InvalidAddressError", "parse_absolute_address")

ADDRESS_SIZE_TYPES = {"X": "Bool", "B": "Byte", "W": "Word", "D": "DWord", "L": "LWord"}
"""The data type of an absolute address by its access size letter (``%MW10`` is a Word)."""

_SHAPE = re.compile(
    r"%(?:DB(?P<block>\d+)(?:\.(?P<member>[A-Z]+)(?P<member_byte>\d+)(?:\.(?P<member_bit>\d+))?)?"
    r"|(?P<letters>[A-Z]+)(?P<byte>\d+)(?:\.(?P<bit>\d+))?)(?P<periphery>:P)?\Z",
    re.IGNORECASE | re.ASCII,  # ASCII: a digit of another script (int() reads it) or a letter whose upper case is
)  # an area letter ('ı' -> 'I') is no part of an address
_MEMORY_AREAS = {"I": "I", "Q": "Q", "M": "M", "E": "I", "A": "Q"}
"""Area letters as written -> the area (German mnemonics E/A are inputs/outputs)."""
_NUMBERED_AREAS = {"T": "T", "C": "C", "Z": "C"}
"""S5 timers and counters (Z: Zaehler, the German mnemonic of a counter) -> the area."""
_SIZES = "XBWDL"


class InvalidAddressError(ValueError):
    """An absolute address no rule of the module allows; ``str()`` is ``invalid absolute address '<text>': why``."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"invalid absolute address {text!r}: {reason}")
        self.text = text
        self.reason = reason


@dataclass(frozen=True, slots=True)
class AbsoluteAddress:
    """A parsed absolute address."""

    area: str
    """``I``, ``Q``, ``M`` (German ``E``/``A`` read as ``I``/``Q``), ``DB`` (a data block's member, or the block
    itself when ``size`` is empty), ``T`` or ``C`` (an S5 timer or counter)."""
    size: str
    """The access size letter ``X``, ``B``, ``W``, ``D`` or ``L``; empty for a timer, counter or whole DB."""
    byte: int
    """The byte of the access; a timer's or counter's number."""
    bit: int | None = None
    """The bit of a bit access, None otherwise."""
    block: int | None = None
    """The data block's number (``%DB7.DBW2``: 7), None outside a DB."""
    periphery: bool = False
    """``:P``, the I/O access of an input or output."""
    german: bool = False
    """Written in German mnemonics (``%EW4``, ``%A0.0``, ``%Z3``)."""

    @property
    def data_type(self) -> str | None:
        """The data type of the access (``%MW4``: ``Word``); None for a timer, counter or whole data block."""
        return ADDRESS_SIZE_TYPES.get(self.size)

    @property
    def bit_offset(self) -> int:
        """The offset in bits from the start of the area, as SimaticML's ``Address BitOffset`` holds it."""
        return self.byte * 8 + (self.bit or 0)


def parse_absolute_address(text: str) -> AbsoluteAddress:
    """Parse an absolute address written with its ``%`` and, for the I/O access, ``:P`` (``%IW4:P``).

    Raises:
        InvalidAddressError: the text breaks a rule of the module docstring; the message says which.
    """
    m = _SHAPE.match(text)
    if m is None:
        raise InvalidAddressError(text, "an absolute address is written like %I0.0, %MW10, %IW4:P or %DB1.DBW0")
    periphery = m["periphery"] is not None
    if m["block"] is not None:
        address = _data_block_address(text, m)
    else:
        address = _area_address(text, m["letters"].upper(), int(m["byte"]), m["bit"], periphery)
    if periphery and address.area not in ("I", "Q"):
        raise InvalidAddressError(text, "':P' (the I/O access) is only possible on inputs and outputs")
    return address


def _data_block_address(text: str, m: re.Match[str]) -> AbsoluteAddress:
    block = int(m["block"])
    if m["member"] is None:
        return AbsoluteAddress("DB", "", 0, block=block)
    member = m["member"].upper()
    size = member[2:]
    if member[:2] != "DB" or len(size) != 1 or size not in _SIZES:
        raise InvalidAddressError(
            text, f"the member of a data block is addressed as DBX (bit), DBB, DBW, DBD or DBL: '%DB{block}.DBW0'")
    byte = int(m["member_byte"])
    return AbsoluteAddress("DB", size, byte, _bit(text, size, m["member_bit"]), block)


def _area_address(text: str, letters: str, byte: int, bit: str | None, periphery: bool) -> AbsoluteAddress:
    first, size = letters[:1], letters[1:]
    if letters in _NUMBERED_AREAS:
        if bit is not None:
            raise InvalidAddressError(text, "a timer or counter has a number, not a bit: '%T5', '%C5'")
        return AbsoluteAddress(_NUMBERED_AREAS[letters], "", byte, german=letters == "Z")
    if first not in _MEMORY_AREAS:
        raise InvalidAddressError(text, _not_an_area(letters, byte))
    if len(size) > 1 or (size and size not in _SIZES):
        raise InvalidAddressError(text, f"'{size}' is not an access size (X, B, W, D or L)")
    size = size or "X"
    return AbsoluteAddress(_MEMORY_AREAS[first], size, byte, _bit(text, size, bit), periphery=periphery,
                           german=first in "EA")


def _not_an_area(letters: str, byte: int) -> str:
    """Why ``letters`` (the letters before the byte, upper case) name no address area, with the spelling meant."""
    if letters[:1] == "P" and letters[1:2] in _MEMORY_AREAS:
        return f"the I/O access is written with ':P' after the address: '%{letters[1:]}{byte}:P'"
    if letters[:2] in ("DB", "DI"):
        return f"an address in a data block names the block: '%DB<number>.DB{letters[2:] or 'X'}{byte}'"
    if letters[:1] in _NUMBERED_AREAS:
        return f"a timer or counter has a number and no access size: '%{letters[:1]}{byte}'"
    if letters[:1] == "L":
        return "local data (L) is no address area of SCL: use the temporary tag by its name"
    return f"'{letters}' is no address area: I, Q, M (E, A), DB<number>.DB..., T or C"


def _bit(text: str, size: str, bit: str | None) -> int | None:
    """The bit of an access of ``size``: a bit access has one, 0 to 7; a byte, word... access has none."""
    if size != "X":
        if bit is not None:
            raise InvalidAddressError(text, "only a bit access (X, or no size letter) has a bit number")
        return None
    if bit is None:
        raise InvalidAddressError(text, "a bit access needs its bit number: '%I0.0', '%DB1.DBX0.0'")
    if int(bit) > 7:
        raise InvalidAddressError(text, "the bit number is 0 to 7")
    return int(bit)
