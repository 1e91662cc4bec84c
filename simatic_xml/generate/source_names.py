"""Reserved words as declaration names of an SCL source: which TIA reads as a name and which it does not.

A member name in SimaticML (``<Member Name="Real">``) is never read as SCL, so any name the name rules allow
(:mod:`.names`) is one there: TIA's exports carry members named ``Real`` (Gildej31 ``UDT_CALCUL``), ``bool``,
``int`` and ``string`` (WZAutomati ``YourRecipeUDT``), ``Type`` (Czarnak ``AnalogInputSettings``) and ``case``
(Jmeyer1292 ``RunSensors``, an FC whose input is of the UDT ``SensorCommand``).

An SCL source is read as text, and TIA's "Generate source from blocks" writes those names two ways:

* a **data type keyword** (an elementary type, a parameter type, ``Void``) is written quoted, in the declaration
  and in the code: ``"Byte" : DInt;``, ``"String" : WString;``, ``"void" : WString[1];`` (Tayoriko
  PLC_Siemens_ST_Library, TIA exports), ``"Counter" : DInt;`` with ``#"Counter" := 0;`` (plc4you
  Assembler_Logic, a TIA export). Unquoted after a declaration's start the word is the type keyword TIA's reader
  sees, so ``Byte : DInt;`` is refused (``INVALID_DECLARATION``, at the name), and quoting it is the fix.
* a **statement keyword** is written as it is: the source of the same ``SensorCommand`` UDT declares
  ``case { ExternalAccessible := 'False'; ... } : Int;``, and its FC's export reads the member. A word in the place
  of a declaration's name, followed by its ``:`` or attributes, is a name there; such names are accepted.
  (``END_VAR``/``END_STRUCT`` are not names at all: they close the section, and the ``:`` after them is a syntax
  error, as the parser already says.)

``DTL`` is no keyword: a TIA export declares ``DTL {InstructionName := 'DTL'; LibVersion := '1.0'} : DTL;``
unquoted (Tayoriko ``Historian_LOG``); it is a system data type, looked up by name like ``TON``.

Siemens' help lists SCL's keywords (STEP 7 help, "Keywords of SCL"; S7-SCL V5.3 manual, appendix "Keywords and
predefined identifiers") but says nothing of the quoted form; the exports above are the evidence used.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Diagnostic
from ..scl import ast as A
from ..scl.parse_decl import ELEMENTARY

__all__ = ("TYPE_KEYWORDS", "needs_quotes", "reserved_name_errors")

TYPE_KEYWORDS = ELEMENTARY - {"DTL"}
"""The data type keywords an unquoted declaration name must not be (upper case; see the module docstring)."""


def needs_quotes(name: str) -> bool:
    """Whether a source writes the member ``name`` quoted because it is a data type keyword."""
    return name.upper() in TYPE_KEYWORDS


def _declarations(decls: list[A.VarDecl]) -> Iterator[A.VarDecl]:
    for decl in decls:
        yield decl
        yield from _members(decl.type)


def _members(node: A.TypeNode | None) -> Iterator[A.VarDecl]:
    while isinstance(node, A.ArrayType):
        node = node.element
    if isinstance(node, A.StructType):
        yield from _declarations(node.members)


def reserved_name_errors(source: A.SourceFile, file: str | None) -> list[Diagnostic]:
    """An ``INVALID_DECLARATION`` at each unquoted declaration name of ``source`` that is a data type keyword."""
    out: list[Diagnostic] = []
    for block in source.blocks:
        found = [d for section in block.sections for d in _declarations(section.decls)]
        found += list(_members(block.type))
        for decl in found:
            if not decl.quoted and needs_quotes(decl.name):
                out.append(Diagnostic(
                    f'name: {decl.name} is a data type keyword; a member of that name is written "{decl.name}", '
                    "as TIA's source export writes it", decl.line, decl.col, block=block.name, file=file,
                    code="INVALID_DECLARATION"))
    return out
