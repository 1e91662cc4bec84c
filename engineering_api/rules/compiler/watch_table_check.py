"""Watch and force table exports in the check: each entry's operand by the rules the REST watch and force tables
apply (:class:`engineering_api.rules.watch_operands.Resolver`: an absolute address by the one absolute-address
grammar and the CPU's areas, a symbolic operand typed by the compiler's checker against the program's tags and data
blocks), each finding at the line of its entry's element.

* ``WATCH_OPERAND`` (Error): an operand TIA cannot monitor: a malformed or out-of-area address (``%I0.8``,
  ``%MW70000``), a member a data block does not have, a block that is no data block, ``:P`` of bit memory. A symbolic
  operand whose tag or data block is in none of the checked files is not judged (the PLC's other objects are not
  there to read).
* ``WATCH_NOT_FORCEABLE`` (Error): a force table entry outside the inputs and outputs: an S7-1500 forces only
  ``%I``/``%Q`` (peripheral ``:P`` included) and tags at those addresses (S7-1500 system manual, "Forcing").
* ``WATCH_VALUE`` (Error): a modify or force value that is no value of the operand's type, or outside its range.
* ``WATCH_TABLE_NAME`` (Error): the table's name, by the watch table routes' rule
  (:func:`engineering_api.rules.watch_tables.check_table_name`; no Siemens page found), at the table's element: the
  REST import refused such a name by its own reading (``INVALID_NAME``, no line) while ``simaticml check`` passed it.

The SimaticML form of a table is the one :mod:`simatic_xml.watchtables` reads (no export of one is in the shared
corpus; the entry elements agree with the watch table samples of public Openness tools).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Callable, Iterable, Optional

from simatic_xml.diagnostic_codes import message
from simatic_xml.diagnostics import Diagnostic
from simatic_xml.errors import SimaticMLError
from simatic_xml.watchtables import FORCE, read_table

from engineering_api.backend.errors import ValidationError
from engineering_api.rules.watch_tables import check_table_name

if TYPE_CHECKING:
    from .program import Program
    from .tag_tables import TableTag

__all__ = ("watch_table_findings",)

_ENTRY = re.compile(rb"<SW\.WatchAndForceTables\.Plc(?:Watch|Force)TableEntry\b")
_TABLE = re.compile(rb"<SW\.WatchAndForceTables\.Plc(?:Watch|Force)Table\b")


def watch_table_findings(tables: Iterable[tuple[str, bytes]], program: Program, tags: Iterable[TableTag],
                         wanted: Callable[[Optional[str]], bool]) -> list[Diagnostic]:
    """The findings of each watch or force table export ``(file, bytes)`` (see the module docstring)."""
    from engineering_api.rules.watch_operands import Resolver, entry_problems, operand_root

    addresses: dict[str, str | None] = {}
    for tag in tags:
        addresses.setdefault(tag.name.lower(), tag.address)
    resolve = Resolver.for_program(program, addresses)
    out: list[Diagnostic] = []
    for path, data in tables:
        if not wanted(path):
            continue
        try:
            table = read_table(data)
        except SimaticMLError as exc:
            out.append(Diagnostic(f"The watch or force table cannot be read: {exc}", _unread_line(data, exc), 0,
                                  file=path, code="INVALID_SIMATICML"))
            continue
        try:
            check_table_name(table.name)
        except ValidationError as exc:  # the routes' rule: the REST import refuses it (INVALID_NAME)
            reason = exc.message.removeprefix(f'"{table.name}" is ')
            out.append(Diagnostic(message("WATCH_TABLE_NAME", name=table.name, reason=reason),
                                  _table_line(data), 0, block=table.name, file=path, code="WATCH_TABLE_NAME"))
        lines = [data.count(b"\n", 0, m.start()) + 1 for m in _ENTRY.finditer(data)]
        value_name = "ForceValue" if table.kind == FORCE else "ModifyValue"
        for index, entry in enumerate(table.entries):
            line = lines[index] if index < len(lines) else 0

            def found(code: str, **fields: object) -> None:
                out.append(Diagnostic(message(code, **fields), line, 0, block=table.name, file=path, code=code))

            root = operand_root(entry.operand) if entry.operand else None
            if not entry.operand or (root is not None and root.lower() not in addresses
                                     and root.lower() not in program.blocks):
                continue  # a tag or data block of none of the checked files
            value = entry.get(value_name)
            for problem_kind, problem in entry_problems(resolve, entry.operand, value, force=table.kind == FORCE):
                if problem_kind == "operand":
                    found("WATCH_OPERAND", problem=problem)
                elif problem_kind == "force":
                    found("WATCH_NOT_FORCEABLE", operand=entry.operand)
                else:
                    found("WATCH_VALUE", operand=entry.operand, value=value, problem=problem)
    return out


def _table_line(data: bytes) -> int:
    """The line of the table's element (0: not found)."""
    match = _TABLE.search(data)
    return data.count(b"\n", 0, match.start()) + 1 if match else 0


_ENTRY_PATH = re.compile(r"Entry\[(\d+)\]")
"""An entry's place in a reader error's path (``…/SW.WatchAndForceTables.PlcWatchTableEntry[2]/AttributeList``)."""


def _unread_line(data: bytes, error: SimaticMLError) -> int:
    """Where the reader stopped: its own line (malformed XML), the entry its path names, else the table's element."""
    if error.line:
        return error.line
    entry = _ENTRY_PATH.search(getattr(error, "path", "") or "")
    if entry is not None:
        lines = [data.count(b"\n", 0, m.start()) + 1 for m in _ENTRY.finditer(data)]
        index = int(entry.group(1)) - 1
        if 0 <= index < len(lines):
            return lines[index]
    return _table_line(data)
