"""Operands of watch and force tables: resolving them against a PLC's software, and checking rows.

An operand is resolved against the compiler's program view
(``engineering_api.rules.compiler.project.program_from_software``) plus the tag tables' addresses; the rules are
those of :mod:`engineering_api.backend.areas.watch_tables`. Kept apart from the tables' storage and forcing (the fake's
:mod:`fakes.watch_tables_ops`, the bridge's :mod:`openness_bridge.watch_tables`), which both use these rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from engineering_api.backend.areas.watch_tables import FORCE_TABLE, WATCH_TABLE
from engineering_api.backend.errors import ValidationError
from engineering_api.errors import codes
from engineering_api.rules.compiler.checker import BlockChecker
from engineering_api.rules.compiler.program import BlockDef, Program
from engineering_api.rules.compiler.project import program_from_software
from engineering_api.rules.compiler.types import ELEMENTARY, display
from simatic_xml.diagnostics import Diagnostic
from engineering_api.rules.plc_values import AREA_SIZES, from_json
from engineering_api.rules.watch_tables import LABEL
from simatic_xml import parse_bytes
from simatic_xml.scl import SclSyntaxError, parse_expression
from simatic_xml.scl import ast as A
from simatic_xml.watchtables import TableEntry as Row
from simatic_xml.watchtables import (
    absolute_address,
    default_display_format,
    split_peripheral,
    value_text,
)

if TYPE_CHECKING:
    from engineering_api.backend.areas.watch_tables import EntrySpec
    from engineering_api.rules.compiler.project import Software

__all__ = ("Operand", "Resolver", "check_rows", "entry_problems", "merge_rows", "operand_root", "plc_value",
           "row_flag", "table_row")

_FIELDS = {
    WATCH_TABLE: (("modify_value", "ModifyValue"), ("modify_intention", "ModifyIntention"),
                  ("modify_trigger", "ModifyTrigger")),
    FORCE_TABLE: (("force_value", "ForceValue"), ("force_intention", "ForceIntention")),
}
_SIZE_BYTES = {"X": 1, "B": 1, "W": 2, "D": 4, "L": 8}


@dataclass
class Operand:
    """What the software says about an operand."""

    base: str
    """The operand without ``:P`` (what the CPU is asked for)."""
    data_type: str | None = None
    canonical: str | None = None
    """The checker's elementary type name (``INT``), for value checks."""
    address: str | None = None
    """The absolute address of an absolute operand or of a whole tag."""
    area: str | None = None
    """``I``, ``Q`` or ``M`` when the operand lies in one (an absolute address or a tag's member)."""
    problem: str | None = None


class Resolver:
    """Resolves operands against one PLC's software (one per request).

    The program view and the tag addresses are read from the software's documents on the first symbolic operand,
    not before: that reading parses every block and tag table of the PLC, and most requests need neither (a
    listing of no tables, or of tables of absolute addresses only).
    """

    def __init__(self, software: Software | None) -> None:
        self._software = software
        self._cache: dict[str, Operand] = {}

    @classmethod
    def for_program(cls, program: Program, tags: dict[str, str | None]) -> Resolver:
        """A resolver over a program view already read (the check's) and its tags' addresses (lower name ->
        address), for the check commands' watch and force tables."""
        resolver = cls(None)
        resolver.__dict__.update(program=program, tags=tags)  # the cached properties, given
        return resolver

    @cached_property
    def program(self) -> Program:
        """The compiler's view of the PLC's blocks, types and tags."""
        assert self._software is not None, "a resolver for_program has its program"
        return program_from_software(self._software)

    @cached_property
    def tags(self) -> dict[str, str | None]:
        """Tag name (lower case) -> its logical address, first name wins."""
        tags: dict[str, str | None] = {}
        assert self._software is not None, "a resolver for_program has its tags"
        for stored in self._software.tag_tables.values():
            for tag in getattr(parse_bytes(stored.xml).object, "tags", ()):
                if tag.name:
                    tags.setdefault(tag.name.lower(), tag.logical_address)
        return tags

    def __call__(self, operand: str) -> Operand:
        if operand not in self._cache:
            self._cache[operand] = self._resolve(operand)
        return self._cache[operand]

    def _resolve(self, operand: str) -> Operand:
        base, peripheral = split_peripheral(operand)
        found = self._absolute(base) if base.startswith("%") else self._symbolic(base)
        if found is None:
            return Operand(base, problem=f'The operand "{operand}" is not valid.')
        if found.problem is None and peripheral and found.area not in ("I", "Q"):
            found.problem = f'The operand "{operand}": peripheral access (:P) is only possible for inputs and outputs.'
        return found

    def _absolute(self, base: str) -> Operand | None:
        """An ``%I``/``%Q``/``%M`` address inside the CPU's areas; None when malformed."""
        absolute = absolute_address(base)
        if absolute is None:
            return None
        size = AREA_SIZES[absolute.area]
        if absolute.byte + _SIZE_BYTES[absolute.size] > size:
            return Operand(base, problem=f'The address "{base}" is outside the {absolute.area} area (0..{size - 1}).')
        return Operand(base, absolute.data_type, absolute.data_type.upper(), str(absolute), absolute.area)

    def _symbolic(self, base: str) -> Operand | None:
        """A tag or data block member, typed by the compiler's checker; None when it is no operand at all."""
        try:
            node = parse_expression(base)
        except SclSyntaxError:
            return None
        root = _root(node)
        if root is None:
            return None
        block = self.program.blocks.get(root.name.lower())
        if block is not None and block.kind != "DB":
            return Operand(base, problem=f'The block "{block.name}" is not a data block; it cannot be monitored.')
        out: list[Diagnostic] = []
        found = BlockChecker(self.program, BlockDef("<watch table>", "FC"), out).expr(node)
        errors = [d for d in out if d.severity == "Error"]
        if errors:
            return Operand(base, problem=errors[0].message)
        tag_address = self.tags.get(root.name.lower())
        absolute = absolute_address(tag_address) if tag_address else None
        return Operand(
            base, display(found) if found is not None else None,
            found if isinstance(found, str) and found in ELEMENTARY else None,
            tag_address if node is root else None, absolute.area if absolute is not None else None,
        )


def operand_root(operand: str) -> str | None:
    """The tag or data block a symbolic operand starts from (``"Motor_DB".Running`` -> ``Motor_DB``); None for an
    absolute address or text that is no operand."""
    base, _ = split_peripheral(operand)
    if base.startswith("%"):
        return None
    try:
        root = _root(parse_expression(base))
    except SclSyntaxError:
        return None
    return root.name if root is not None else None


def _root(node: A.Expr) -> A.Name | None:
    """The global name an operand starts from; None for anything a watch table cannot hold."""
    if isinstance(node, A.Name):
        return node if node.scope in ("global", "bare") else None
    if isinstance(node, A.Index) and not all(type(i) is A.Literal for i in node.indices):
        return None
    if isinstance(node, (A.Member, A.Index, A.Slice)):
        return _root(node.base)
    return None


def plc_value(text: str, canonical: str) -> Any:
    """A stored value text checked against the operand's type (numbers range-checked, not wrapped)."""
    literal = text.strip()
    if re.fullmatch(r"[+-]?\d+", literal):
        return from_json(int(literal), canonical)
    if re.fullmatch(r"[+-]?(\d+\.\d*|\.\d+)([eE][+-]?\d+)?|[+-]?\d+[eE][+-]?\d+", literal):
        return from_json(float(literal), canonical)
    if literal.upper() in ("TRUE", "FALSE") and canonical == "BOOL":
        return literal.upper() == "TRUE"
    return from_json(literal, canonical)


def row_flag(row: Row, kind: str) -> bool | None:
    name = "ModifyIntention" if kind == WATCH_TABLE else "ForceIntention"
    return row.flag(name) if name in row.attributes else None


def table_row(kind: str, spec: EntrySpec, operand: Operand) -> Row:
    """The stored row for a requested entry (defaults as TIA fills them in)."""
    other = FORCE_TABLE if kind == WATCH_TABLE else WATCH_TABLE
    wrong = [field for field, _ in _FIELDS[other] if getattr(spec, field) is not None]
    if wrong:
        raise ValidationError(
            f'{", ".join(wrong)} belong to {LABEL[other]}s; the {LABEL[kind]} entry "{spec.name}" cannot hold them.',
            code=codes.WRONG_TABLE_KIND, details={"operand": spec.name, "fields": wrong})
    attributes = {
        "Address": operand.address or "",
        "DisplayFormat": spec.display_format or default_display_format(operand.canonical),
        "MonitorTrigger": spec.monitor_trigger or "Permanent", "Comment": spec.comment or "",
    }
    if kind == WATCH_TABLE:
        attributes.update(ModifyValue=value_text(spec.modify_value) if spec.modify_value is not None else "",
                          ModifyIntention="true" if spec.modify_intention else "false",
                          ModifyTrigger=spec.modify_trigger or "Permanent")
    else:
        intention = spec.force_intention if spec.force_intention is not None else spec.force_value is not None
        attributes.update(ForceValue=value_text(spec.force_value) if spec.force_value is not None else "",
                          ForceIntention="true" if intention else "false")
    return Row(spec.name.strip(), attributes)


def entry_problems(resolve: Resolver, operand_text: str, value: str | None, *,
                   force: bool) -> list[tuple[str, str]]:
    """What TIA refuses in one watch or force table entry, the one rule for the REST tables and the checked files:
    ``("operand", problem)`` alone, or ``("force", "")`` (a force table forces only inputs and outputs) and/or
    ``("value", problem)`` (the value is none of the operand's type)."""
    operand = resolve(operand_text)
    if operand.problem is not None:
        return [("operand", operand.problem)]
    found: list[tuple[str, str]] = []
    if force and operand.area not in ("I", "Q"):
        found.append(("force", ""))
    if value is not None and operand.canonical is not None:
        try:
            plc_value(value, operand.canonical)
        except (TypeError, ValueError) as exc:
            found.append(("value", str(exc)))
    return found


def check_rows(resolve: Resolver, kind: str, rows: list[Row], *, allow_invalid: bool) -> None:
    """Refuse rows TIA would not take (all problems listed at once; nothing is stored on error)."""
    invalid, unforceable, bad_values = [], [], []
    value_name = "ModifyValue" if kind == WATCH_TABLE else "ForceValue"
    for row in rows:
        value = row.get(value_name)
        for problem_kind, problem in entry_problems(resolve, row.operand, value, force=kind == FORCE_TABLE):
            if problem_kind == "operand":
                invalid.append({"operand": row.operand, "problem": problem})
            elif problem_kind == "force":
                unforceable.append(row.operand)
            else:
                bad_values.append({"operand": row.operand, "value": value, "problem": problem})
    if unforceable:
        raise ValidationError(
            f"{', '.join(unforceable)} cannot be forced: an S7-1500 forces only inputs and outputs "
            "(%I…:P, %Q…:P and tags at those addresses).", code=codes.NOT_FORCEABLE, details={"operands": unforceable})
    if invalid and not allow_invalid:
        raise ValidationError(
            "Invalid operands (nothing was added; send allowInvalid=true to keep them as invalid entries): "
            + " ".join(i["problem"] for i in invalid), code=codes.INVALID_OPERAND, details={"operands": invalid})
    if bad_values:
        raise ValidationError(
            "Values that do not fit their operand's data type: "
            + "; ".join(f'{b["operand"]} = {b["value"]} ({b["problem"]})' for b in bad_values),
            code=codes.INVALID_VALUE, details={"entries": bad_values})


def merge_rows(rows: list[Row], new: list[Row]) -> list[Row]:
    """``rows`` with ``new`` added; a row with the same operand (case-insensitive) is replaced in place."""
    return list({r.operand.lower(): r for r in [*rows, *new]}.values())
