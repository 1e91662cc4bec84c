"""The semantic rules: TIA's compiler checks on a block of the program view.

Messages follow the wording of TIA Portal's compiler where it is known (English UI); every
diagnostic carries the block, the network (SimaticML) or the source line, and the column.
"""
from __future__ import annotations

from simatic_xml.cancel import checkpoint
from simatic_xml.diagnostic_codes import message
from simatic_xml.diagnostics import Diagnostic
from simatic_xml.scl import ast as A

from engineering_api.rules.type_graph import udt_chain

from .builtins import is_system_type_name
from .check_calls import CallChecks
from .check_context import Located
from .check_expressions import ExpressionChecks
from .check_statements import StatementChecks
from .check_stl import StlChecks
from .program import BlockDef, Program, TypeIssue
from .style import style_findings
from .types import Var

__all__ = ["BlockChecker", "check_block"]


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
        self.out.append(Diagnostic(message(code, **kw), line, col, self.b.name, severity, self.path, code,
                                   self.network))

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
        for found in self.b.invalid_declarations:  # the declaration rules an SCL source's declarations meet
            self.out.append(Diagnostic(found.message, found.line, found.column, self.b.name, found.severity, self.path,
                                       found.code))

    def check_type_name(self, issue: TypeIssue | A.TypeLabel) -> None:
        key = issue.name.lower()
        if issue.quoted and self.b.kind in ("UDT", "FB") and self._contains_itself(issue):
            return
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
        else:
            # TIA quotes user types ("UDT_Motor"); an unquoted name that is no elementary or system type
            # (`Boolx`) is wrong code, not a missing dependency: no other file can define it, so every view judges
            # it alike (the PLC's compile, the check of files, a document imported alone)
            self.err(issue, "UNKNOWN_TYPE", name=issue.name)

    def flgnet_labels_once(self) -> None:
        """Each jump label of the block's LAD/FBD networks declared once (names compare in any letter case):
        ``FLGNET_DUPLICATE_LABEL`` at each later declaration, in its network. A warning, as an SCL label's
        (:meth:`~engineering_api.rules.compiler.check_statements.StatementChecks.s_label`): no Siemens page or TIA
        error text found states that TIA refuses it."""
        seen: set[str] = set()
        for net in self.b.networks:
            for name, line in net.flgnet.label_declarations() if net.flgnet is not None else ():
                if name.lower() in seen:
                    self.network = net.index
                    self.err_line("FLGNET_DUPLICATE_LABEL", line, "Warning", label=name)
                seen.add(name.lower())

    def _contains_itself(self, issue: TypeIssue | A.TypeLabel) -> bool:
        """A member of the block's own type, directly or through the program's PLC data types: ``RECURSIVE_TYPE``
        (the chain by :func:`~engineering_api.rules.type_graph.udt_chain`, the rule every adapter refuses by)."""
        def udt_uses(name: str) -> list[str] | None:
            udt = self.p.types.get(name.lower())
            return None if udt is None else [i.name for i in udt.named_types if i.quoted]

        chain = udt_chain([issue.name], self.b.name, udt_uses)
        if chain is None:
            return False
        self.err(issue, "RECURSIVE_TYPE", name=self.b.name, chain=" -> ".join([self.b.name, *chain]))
        return True


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
            text, line, col = net.error
            out.append(Diagnostic(message("NETWORK_SYNTAX", message=text), line, col, block.name, "Error", path,
                                  "NETWORK_SYNTAX", net.index))
        elif net.dangling is not None:
            out.append(Diagnostic(net.dangling, 0, 0, block.name, "Error", path, "GRAPH_REFERENCE", net.index))
        elif net.unchecked is not None:
            out.append(Diagnostic(message("NETWORK_NOT_CHECKED", reason=net.unchecked), 0, 0, block.name, "Warning",
                                  path, "NETWORK_NOT_CHECKED", net.index))
        elif net.flgnet is not None:
            chk.flgnet(net.flgnet)
        elif net.stl is not None:
            chk.stl_bits(net.stl)
        else:
            chk.body(net.statements)
    if any(net.stl for net in block.networks):
        chk.stl_labels()
    chk.flgnet_labels_once()
    out += style_findings(program, block, path)  # the opt-in style rules the repository turned on, if any
    return out
