"""The call signatures of the catalog's system instructions, as the checker reads them.

Each instruction of :mod:`simatic_xml.system_types` (``catalog.json``) lists its formal parameters as
``[name, direction, type]`` rows, an optional fourth field ``"optional"`` for a parameter a call may leave out,
and its function value (``return``). The type is a TIA data type (``UDInt``, ``HW_IO``, ``Variant``) or one
of the type classes of the STEP 7 information system's parameter tables (``ANY_STRING``, ``ANY_INT``...),
which :class:`TypeClass` checks. :func:`fc_signature` gives the parameters of a function-like instruction
(CONCAT, PEEK, LOWER_BOUND...), :func:`fb_signature` what a call of an instance of a system FB takes
(Filter_PT1, RecipeExport...): the instruction's parameters and the other parameters its instance type
declares (newer library versions add some, MC_Home's ErrorInfo).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from simatic_xml.system_types import Instruction, Member, lookup, lookup_instruction

from .types import BIT_LIT, BITSTRINGS, INT_LIT, INTEGERS, REAL_LIT, REALS, STR_LIT, TIMES, SclType, TypeClass, Var

__all__ = ("FAMILIES", "S7_1200", "S7_1500", "Signature", "TypeClass", "cpu_family", "fb_signature", "fc_signature",
           "type_class")


_CHARS = frozenset(["STRING", "WSTRING", "CHAR", "WCHAR"])
_CLASSES = {
    "ANY_STRING": TypeClass("ANY_STRING", _CHARS, frozenset([STR_LIT])),
    "ANY_INT": TypeClass("ANY_INT", INTEGERS, frozenset([INT_LIT, BIT_LIT])),
    "ANY_NUM": TypeClass("ANY_NUM", INTEGERS | REALS, frozenset([INT_LIT, BIT_LIT, REAL_LIT])),
    "ANY_BIT": TypeClass("ANY_BIT", BITSTRINGS | {"BOOL"}, frozenset([INT_LIT, BIT_LIT])),
    "ANY_DATE_TIME": TypeClass("ANY_DATE_TIME", TIMES, frozenset()),
    "ANY_ELEMENTARY": TypeClass("ANY_ELEMENTARY", INTEGERS | REALS | BITSTRINGS | TIMES | _CHARS | {"BOOL"},
                                frozenset([INT_LIT, BIT_LIT, REAL_LIT, STR_LIT])),
}


def type_class(name: str) -> Optional[TypeClass]:
    return _CLASSES.get(name.upper())


@dataclass(frozen=True, slots=True)
class Signature:
    """What a call of an instruction takes: lower name -> :class:`Var` (section Input/Output/InOut; the type a
    checker type or a :class:`TypeClass`), the names a call may leave out, the function value (None: untyped,
    ``VOID``: none) and the prefix of numbered inputs a box may add (CONCAT's ``IN3``)."""

    name: str
    members: dict[str, Var]
    optional: frozenset[str]
    returns: SclType
    variadic: Optional[str] = None


def _type(text: str) -> SclType:
    from .builtins import checker_type

    cls = type_class(text)
    return cls if cls is not None else checker_type(text)


_UNTYPED_RETURNS = frozenset(["ANY", "VARIANT"])


def _rows(instruction: Instruction) -> list[Member]:
    return list(instruction.parameters)


@lru_cache(maxsize=None)
def fc_signature(name: str) -> Optional[Signature]:
    """The signature of a function-like catalog instruction (no instance), None when the catalog has none."""
    instruction = lookup_instruction(name)
    if instruction is None or instruction.is_fb:
        return None
    members = {p.name.lower(): Var(p.name, _type(p.data_type), p.section or "Input") for p in _rows(instruction)}
    returns = instruction.return_type
    if returns is None:
        result: SclType = "VOID"
    elif returns.upper() in _UNTYPED_RETURNS or type_class(returns) is not None:
        result = None
    else:
        result = _type(returns)
    return Signature(instruction.name, members, _optional(instruction.name), result,
                     _VARIADIC.get(instruction.name.upper()))


S7_1200 = "S7-1200"
S7_1500 = "S7-1500"
FAMILIES = (S7_1200, S7_1500)
"""The CPU families whose system instructions may differ (``Program.cpu_family``)."""


def cpu_family(catalog_family: str | None) -> Optional[str]:
    """The signature family of a CPU of the hardware catalog's ``family`` (``S7-1200F`` -> ``S7-1200``; an ET 200SP
    CPU is an S7-1500); None when the signatures of its instructions are not known here (S7-1200 G2)."""
    name = (catalog_family or "").upper()
    if name in ("S7-1200", "S7-1200F"):
        return S7_1200
    if name.startswith("S7-1500") or name == "ET 200SP CPU":
        return S7_1500
    return None


@lru_cache(maxsize=None)
def fb_signature(type_name: str, family: Optional[str] = None) -> Optional[Signature]:
    """What a call of an instance of the catalog's system FB type ``type_name`` takes on a CPU of ``family``
    (None: no such FB).

    The catalog's parameters are the S7-1500's; an instruction whose S7-1200 form differs (MC_Reset's
    ``ErrorInfo : Word``, Real where the S7-1500 has LReal) lists that form apart. On an S7-1200 the call takes
    that form only; on an S7-1500 the S7-1500's with the members its instance type declares; when the family is
    unknown, whatever either family takes (each parameter of the S7-1500's type: an LReal formal takes a Real)."""
    system_type = lookup(type_name)
    instruction = lookup_instruction(type_name)
    if system_type is not None and system_type.instruction:
        instruction = lookup_instruction(system_type.instruction) or instruction
    if instruction is None or not instruction.is_fb:
        return None
    if system_type is None and instruction.instance_type:
        system_type = lookup(instruction.instance_type)
    own = instruction.family_parameters(family) if family is not None and family != S7_1500 else None
    rows = own if own is not None else _rows(instruction)
    members = {p.name.lower(): Var(p.name, _type(p.data_type), p.section or "Input") for p in rows}
    if own is None:
        others = [m for _, params in instruction.families for m in params] if family is None else []
        declared = list(system_type.members) if system_type is not None else []
        for m in others + declared:
            if m.section in ("Input", "Output", "InOut"):
                members.setdefault(m.name.lower(), Var(m.name, _type(m.data_type), m.section))
    return Signature(instruction.name, members, _optional(instruction.name), "VOID")


def _optional(name: str) -> frozenset[str]:
    from simatic_xml.system_types import optional_parameters

    return frozenset(p.lower() for p in optional_parameters(name))


_VARIADIC = {"CONCAT": "IN"}
"""Instructions whose box takes more numbered inputs than the documented two (CONCAT IN3, IN4... on an
S7-1500): a formal name of that prefix and a number is one of them."""
