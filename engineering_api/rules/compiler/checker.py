"""The semantic rules: TIA's compiler checks on a block of the program view.

Messages follow the wording of TIA Portal's compiler where it is known (English UI); every
diagnostic carries the block, the network (SimaticML) or the source line, and the column.
"""
from __future__ import annotations


# Besides what this module uses, the imports keep every name the single-module checker had importable
# from here (its helpers, and what it imported from .builtins and .types): code written against the old
# module, such as the runtime's operand typing, imports them from this path.
from simatic_xml.cancel import checkpoint
from simatic_xml.scl import ast as A
from simatic_xml.scl.check import Diagnostic

from .builtins import (  # noqa: F401
    FUNCTIONS,
    KNOWN_UPPER,
    LOOSE_SYSTEM_TYPES,
    OB_START_INFO,
    SYSTEM_FBS,
    SYSTEM_TYPES,
    TIMER_TYPES,
    conversion,
    is_system_type_name,
)
from .check_calls import CallChecks, _text  # noqa: F401
from .check_context import Located
from .check_expressions import (  # noqa: F401
    _ADDR,
    _ARITH,
    _COMPARE,
    _DEFAULT_KIND,
    _EXPR,
    _LIT_PREFIX,
    _LOGIC,
    _SIZE,
    _TIMEISH,
    ExpressionChecks,
)
from .check_flgnet import _BOOL_PARTS, FlgNetChecks, _access_expr, _access_text  # noqa: F401
from .check_statements import _STMT, StatementChecks, _loop  # noqa: F401
from .check_stl import StlChecks
from .program import BlockDef, Program, TypeIssue
from .types import (  # noqa: F401
    BIT_LIT,
    BITSTRINGS,
    INT_LIT,
    INTEGERS,
    REAL_LIT,
    REALS,
    STR_LIT,
    ArrayT,
    NamedT,
    StructT,
    Var,
    assignable,
    canonical,
    common_type,
    display,
    is_integer,
    is_numeric,
)

__all__ = ["MESSAGES", "CompilerDiagnostic", "check_block", "check_program"]

_LOOSE_SYSTEM_TYPES = LOOSE_SYSTEM_TYPES  # the old name, kept importable


CompilerDiagnostic = Diagnostic
"""Kept as a name: the compiler's findings are :class:`simatic_xml.diagnostics.Diagnostic` (with ``network``)."""


MESSAGES = {
    "UNDECLARED": 'Tag "{name}" not defined.',
    "NOT_LOCAL": 'The operand "#{name}" is not a local tag; "{name}" is a global tag or block (write "{name}" without "#").',
    "MISSING_TAG": 'Tag "{name}" not defined.',
    "MISSING_TECHNOLOGY_OBJECT": ('Technology object "{name}" is not in the export; it is taken to be one of the PLC\'s '
                                  'technology objects (export its "Technology objects" folder to have it checked).'),
    "UNKNOWN_MEMBER": 'Tag "{name}" not defined: "{type}" has no element "{member}".',
    "MISSING_TYPE": 'Data type "{name}" not defined.',
    "UNKNOWN_TYPE": 'Data type "{name}" is unknown.',
    "MISSING_BLOCK": 'Block "{name}" not defined.',
    "UNKNOWN_INSTRUCTION": 'Unknown instruction "{name}".',
    "UNCHECKED_INSTRUCTION": 'Instruction "{name}" is not known to the offline checker; its parameters were not checked.',
    "SIGNATURE_UNKNOWN": 'The parameters of the system instruction "{name}" are not known to the offline checker; '
                         'they were not checked.',
    "MIXED_PARAMETERS": 'The call of "{callee}" mixes arguments with and without formal parameter names; name all of '
                        'them or none.',
    "TOO_MANY_ARGUMENTS": '"{callee}" takes {count} parameter(s); this argument is one too many.',
    "UNKNOWN_PARAMETER": 'The parameter "{param}" is not defined in "{callee}".',
    "PARAMETER_NOT_SUPPLIED": 'The formal parameter "{param}" of "{callee}" must be supplied.',
    "WRONG_PARAMETER": 'The parameter "{param}" of "{callee}" is an {section} and must be assigned with "{op}".',
    "INOUT_OPERAND": 'The actual parameter of the in/out parameter "{param}" of "{callee}" must be a tag.',
    "PARAMETER_TYPE": 'The data type "{src}" of the actual parameter cannot be implicitly converted into the data '
                      'type "{dst}" of the formal parameter "{param}".',
    "OUTPUT_TYPE": 'The data type "{src}" of the output parameter "{param}" cannot be implicitly converted into the '
                   'data type "{dst}" of the actual parameter.',
    "INOUT_TYPE": 'The data type "{src}" of the actual parameter does not match the data type "{dst}" of the in/out '
                  'parameter "{param}".',
    "LITERAL_RANGE": 'The value {value} is outside the range of the data type "{type}".',
    "INDEX_RANGE": "The index {value} is outside the bounds {low}..{high} of the array.",
    "INDEX_DIMENSIONS": "{count} indexes for an array of {dims} dimension(s).",
    "INDEX_TYPE": 'The array index must be of an integer data type, not "{src}".',
    "CASE_SELECTOR": 'The CASE expression must be of an integer or bit-string data type, not "{src}".',
    "CASE_LABEL": 'The CASE label {label} is not a constant of the data type "{type}" of the CASE expression.',
    "CASE_DUPLICATE": "The CASE value {value} is already a label of an earlier branch; this branch is never taken "
                      "for it.",
    "FOR_VARIABLE": 'The control variable "{name}" of a FOR loop must be of an integer data type, not "{src}".',
    "TYPE_MISMATCH": 'Implicit conversion of the data type "{src}" into the data type "{dst}" is not possible.',
    "OPERATOR_TYPE": 'The operator "{op}" is not defined for the data types "{left}" and "{right}".',
    "CONDITION_TYPE": 'The expression must be of data type "Bool", not "{src}".',
    "VOID_VALUE": 'The function "{name}" has no function value (Void) and cannot be used in an expression.',
    "WRITE_CONSTANT": 'The constant "{name}" cannot be written.',
    "DUPLICATE_NAME": 'The name "{name}" is declared more than once.',
    "DUPLICATE_BLOCK": 'The block name "{name}" already exists.',
    "NUMBER_IN_USE": 'The block number {cls} {number} is already used by "{other}".',
    "GOTO_LABEL": 'The jump label "{label}" is not defined in the block.',
    "EXIT_OUTSIDE_LOOP": "EXIT is only permitted inside a FOR, WHILE or REPEAT loop.",
    "CONTINUE_OUTSIDE_LOOP": "CONTINUE is only permitted inside a FOR, WHILE or REPEAT loop.",
    "EXPRESSION_STATEMENT": "An expression is not a statement; assign its value or call a block.",
    "RETURN_VALUE": "RETURN does not take a value in SCL; assign the function value to the function name.",
    "NOT_CALLABLE": 'The operand "{name}" of data type "{type}" cannot be called.',
    "FLGNET_TYPE": 'The operand "{name}" of data type "{type}" does not fit the instruction "{part}" (Bool required).',
    "FLGNET_PIN_TYPE": 'Implicit conversion of the data type "{src}" into the data type "{dst}" is not possible at the '
                       'pin "{pin}" of the instruction "{part}" (operand {name}).',
    "FLGNET_WIRE": 'A wire of network {network} connects to a part that does not exist (UId {uid}).',
    "NETWORK_SYNTAX": "Syntax error: {message}",
    "NETWORK_NOT_CHECKED": "The network was not checked: {reason}.",
}


class BlockChecker(StatementChecks, ExpressionChecks, CallChecks, StlChecks):
    """The rules on one block: declarations here; statements, expressions, calls and LAD/FBD networks in
    its parts (their shared state and cross calls: :class:`~.check_context.CheckContext`). Every finding goes to
    ``out`` through :meth:`err`.
    """

    def __init__(self, program: Program, block: BlockDef, out: list[Diagnostic], path: str | None = None) -> None:
        # The block's own namespace first: a software unit's block names the objects of its namespace unqualified.
        self.p = program.in_namespace(block.namespace)
        self.b = block
        self.out = out
        self.path = path
        self.vars = block.vars
        self.is_fc = block.kind == "FC"
        self.iec = block.iec_check  # the block's IEC check: stricter implicit conversions
        self.loops = 0
        self.network: int | None = None
        self._members_cache = {}

    # ---------------------------------------------------------------- reporting
    def err(self, node: Located | None, code: str, severity: str = "Error", **kw: object) -> None:
        line = node.line if node is not None else 0
        col = node.col if node is not None else 0
        self.out.append(CompilerDiagnostic(
            MESSAGES[code].format(**kw), line, col, self.b.name, severity, self.path, code, self.network
        ))

    # ---------------------------------------------------------------- declarations
    def check_declarations(self) -> None:
        seen: dict[str, Var] = {}
        for v in self.b.decls:
            key = v.name.lower()
            if v.section == "Struct" or key in seen:
                self.err(v, "DUPLICATE_NAME", name=v.name)
            else:
                seen[key] = v
        for issue in self.b.named_types:
            self.check_type_name(issue)

    def check_type_name(self, issue: TypeIssue | A.TypeLabel) -> None:
        key = issue.name.lower()
        if key in self.p.types:
            self.b.uses.add(self.p.types[key].name)
            return
        blk = self.p.blocks.get(key)
        if blk is not None and blk.kind == "FB":
            self.b.uses.add(blk.name)
            return
        if is_system_type_name(issue.name):
            return
        if issue.quoted:  # a PLC data type or FB that is not there: a missing user object
            self.err(issue, "MISSING_TYPE", "Error" if self.p.closed else "Warning", name=issue.name)
        elif self.p.closed and self.p.strict_types:
            # TIA quotes user types ("UDT_Motor"); an unquoted name that is no elementary or system type
            # (`Boolx`) is wrong code, not a missing dependency
            self.err(issue, "UNKNOWN_TYPE", name=issue.name)


def check_block(program: Program, block: BlockDef, path: str | None = None) -> list[Diagnostic]:
    """Every diagnostic of one block (declarations, then the networks in order)."""
    out: list[Diagnostic] = []
    chk = BlockChecker(program, block, out, path)
    chk.check_declarations()
    if block.start_values:
        chk.start_values(block.start_values)
    for net in block.networks:
        checkpoint()  # once per network (statements have their own): a timed-out call stops here
        chk.network = net.index
        chk.loops = 0
        if net.error is not None:
            message, line, col = net.error
            out.append(CompilerDiagnostic(MESSAGES["NETWORK_SYNTAX"].format(message=message), line, col, block.name,
                                          "Error", path, "SYNTAX_ERROR", net.index))
        elif net.dangling is not None:
            out.append(CompilerDiagnostic(net.dangling, 0, 0, block.name, "Error", path, "GRAPH_REFERENCE", net.index))
        elif net.unchecked is not None:
            out.append(CompilerDiagnostic(MESSAGES["NETWORK_NOT_CHECKED"].format(reason=net.unchecked), 0, 0,
                                          block.name, "Warning", path, "NETWORK_NOT_CHECKED", net.index))
        elif net.flgnet is not None:
            chk.flgnet(net.flgnet)
        elif net.stl is not None:
            chk.stl_bits(net.stl)
        else:
            chk.body(net.statements)
    if any(net.stl for net in block.networks):
        chk.stl_labels()
    return out


def check_program(program: Program, path: str | None = None) -> list[Diagnostic]:
    """Every diagnostic of every block, plus duplicate block names and numbers."""
    out: list[Diagnostic] = []
    for dup, first in program.duplicates:
        out.append(CompilerDiagnostic(MESSAGES["DUPLICATE_BLOCK"].format(name=dup.name), dup.line, dup.col, dup.name,
                                      "Error", path, "DUPLICATE_NAME"))
    numbers: dict[tuple[str, int], BlockDef] = {}
    for blk in program.blocks.values():
        if blk.number is None:
            continue
        cls = "DB" if blk.kind == "DB" else blk.kind
        other = numbers.get((cls, blk.number))
        if other is not None:
            out.append(CompilerDiagnostic(
                MESSAGES["NUMBER_IN_USE"].format(cls=cls, number=blk.number, other=other.name), blk.line, blk.col,
                blk.name, "Error", path, "NUMBER_IN_USE"))
        else:
            numbers[(cls, blk.number)] = blk
    for blk in list(program.types.values()) + list(program.blocks.values()):
        out.extend(check_block(program, blk, path))
    return out
