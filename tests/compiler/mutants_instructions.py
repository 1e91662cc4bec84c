"""Mutation generators of instructions: the instruction names of SCL sources (a call of a catalogue instruction
renamed to a name TIA does not have; the LAD/FBD boxes' renaming is :func:`tests.compiler.mutants.flgnet_mutants`),
and the operand pins a LAD/FBD box must have wired (:func:`operand_pin_mutants`)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from engineering_api.rules.compiler.builtins import FUNCTIONS
from engineering_api.rules.compiler.signatures import fc_signature
from engineering_api.rules.instruction_pins import OPERAND_PINS
from tests.compiler.mutants import Mutant, local_name, serialised, xml_parser

__all__ = ("UNKNOWN_SUFFIX", "operand_pin_mutants", "scl_instruction_mutants")

UNKNOWN_SUFFIX = "Qz"
"""Appended to an instruction's name: no TIA instruction's name ends so (none of the catalogue's names does)."""

_BARE_CALL = re.compile(r"(?<![#\"'.\w])([A-Za-z_]\w*)[ \t]*\(")
_BEGIN = re.compile(r"^[ \t]*BEGIN\b", re.IGNORECASE | re.MULTILINE)
_END_BLOCK = re.compile(r"^[ \t]*END_(?:FUNCTION_BLOCK|FUNCTION|ORGANIZATION_BLOCK)\b", re.IGNORECASE | re.MULTILINE)


def _code_lines(text: str) -> Iterator[tuple[int, int, int]]:
    """``(start, end, line)`` of every code line of the source's blocks (between BEGIN and END_...), without a
    comment or a string (so that a match is a call, not text)."""
    for begin in _BEGIN.finditer(text):
        end = _END_BLOCK.search(text, begin.end())
        stop = end.start() if end else len(text)
        at = text.index("\n", begin.end()) + 1 if "\n" in text[begin.end():stop] else stop
        while at < stop:
            nl = text.find("\n", at, stop)
            nl = stop if nl < 0 else nl
            body = text[at:nl]
            if not any(mark in body for mark in ("//", "(*", "*)", "'", "REGION")):
                yield at, nl, text.count("\n", 0, at) + 1
            at = nl + 1


def scl_instruction_mutants(path: Path, text: str, per_file: int = 3) -> Iterator[Mutant]:
    """Up to ``per_file`` calls of catalogue instructions (``MAX(...)``, ``CONCAT(...)``, ``RD_SYS_T(...)``), each
    with a signature in the catalogue, renamed to a name TIA does not have, at the call's line
    (``UNCHECKED_INSTRUCTION``, an Info)."""
    made = 0
    for start, end, line in _code_lines(text):
        for call in _BARE_CALL.finditer(text, start, end):
            upper = call.group(1).upper()
            if upper not in FUNCTIONS and fc_signature(upper) is None:
                continue  # a name without a signature has its own note (SIGNATURE_UNKNOWN), which a renaming loses
            renamed = text[:call.end(1)] + UNKNOWN_SUFFIX + text[call.end(1):]
            yield Mutant("scl instruction", path, renamed.encode("utf-8"), line, "UNCHECKED_INSTRUCTION")
            made += 1
            break
        if made >= per_file:
            return


def operand_pin_mutants(path: Path, made: Counter[tuple[str, str]], per_row: int = 0) -> Iterator[Mutant]:
    """For every box of ``path``'s LAD/FBD networks that :data:`~engineering_api.rules.instruction_pins.
    OPERAND_PINS` lists, each of its operand pins unwired (the wire to it removed), refused ``FLGNET_OPERAND`` at the
    box's ``<Part>``; with ``per_row``, at most that many of each (instruction, pin) row counted in ``made``."""
    data = path.read_bytes()
    if b"FlgNet" not in data:
        return
    root = etree.fromstring(data, xml_parser())
    for net in (el for el in root.iter() if local_name(el) == "FlgNet"):
        parts = {el.get("UId"): el for el in net.iter() if local_name(el) == "Part" and el.get("Name") in OPERAND_PINS}
        for wire in [el for el in net.iter() if local_name(el) == "Wire"]:
            ends = list(wire)
            if len(ends) != 2 or local_name(ends[0]) != "IdentCon" or local_name(ends[1]) != "NameCon":
                continue
            part, parent = parts.get(ends[1].get("UId")), wire.getparent()
            if part is None or parent is None:
                continue
            row = (part.get("Name", ""), ends[1].get("Name", ""))
            if row[1] not in OPERAND_PINS[row[0]] or (per_row and made[row] >= per_row):
                continue
            made[row] += 1
            index = parent.index(wire)
            parent.remove(wire)
            yield Mutant(f"operand pin {row[1]}", path, serialised(root, data), part.sourceline or 0,
                         "FLGNET_OPERAND")
            parent.insert(index, wire)
