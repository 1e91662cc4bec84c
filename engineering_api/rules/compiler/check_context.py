"""What the parts of the block checker share: its state, and the rules one part calls on another.

:class:`engineering_api.rules.compiler.checker.BlockChecker` is composed of the statement, expression, call and
LAD/FBD rules (:mod:`.check_statements`, :mod:`.check_expressions`, :mod:`.check_calls`, :mod:`.check_flgnet`);
each part derives from :class:`CheckContext`, which declares the state the checker's constructor sets and the
rules the parts call across (an expression's type, a call, a finding), so every attribute a part reaches is
declared once, here, and implemented once, in the part named beside it.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Protocol

from simatic_xml.diagnostic_codes import message
from simatic_xml.diagnostics import Diagnostic
from simatic_xml.scl import ast as A

from .program import BlockDef, Program, TypeIssue
from .types import SclType, Var

__all__ = ["CheckContext", "Located"]


class Located(Protocol):
    """Anything a finding can point at: an SCL node, a declaration (:class:`~.types.Var`), a type name."""

    @property
    def line(self) -> int: ...

    @property
    def col(self) -> int: ...


class CheckContext(ABC):
    """The checker's state (set by ``BlockChecker.__init__``) and the rules its parts call on each other."""

    p: Program
    """The program as the block sees it (its namespace first: :meth:`Program.in_namespace`)."""
    b: BlockDef
    out: list[Diagnostic]
    path: str | None
    vars: dict[str, Var]
    """The block's locals (a DB's start values: the members of its FB or type)."""
    is_fc: bool
    iec: bool
    """The block's IEC check: stricter implicit conversions."""
    loops: int
    """How many loops the statement being checked is inside (EXIT and CONTINUE need one)."""
    network: int | None
    _members_cache: dict[str, dict[str, Var] | None]

    @abstractmethod
    def err(self, node: Located | None, code: str, severity: str = "Error", **kw: object) -> None:
        """Report ``code`` at ``node`` (the checker)."""

    def err_line(self, code: str, line: int, severity: str = "Error", **kw: object) -> None:
        """Report ``code`` at the file ``line`` of the export element it is about (0: unknown); a LAD/FBD or STL
        element has a line in the export and no column. ``severity`` as in :meth:`err` (a finding without a Siemens
        source for TIA's verdict is a warning)."""
        self.out.append(Diagnostic(message(code, **kw), line, 0, self.b.name, severity, self.path, code,
                                   self.network))

    def not_simulated(self, line: int, col: int, found: Callable[[], tuple[str, str] | None]) -> None:
        """Report at ``line``/``col`` what the simulated PLC does not run, when the program is checked to run there
        (:attr:`Program.simulation`; else ``found`` is not asked): ``found()`` gives the instruction's name and the
        reason (:mod:`.simulation`), or None when it runs."""
        hit = found() if self.p.simulation else None
        if hit is not None:
            self.out.append(Diagnostic(message("NOT_SIMULATED", name=hit[0], reason=hit[1]), line, col, self.b.name,
                                       "Warning", self.path, "NOT_SIMULATED", self.network))

    @abstractmethod
    def check_type_name(self, issue: TypeIssue | A.TypeLabel) -> None:
        """A named type must exist (the checker)."""

    @abstractmethod
    def expr(self, e: A.Expr | None) -> SclType:
        """The type of an expression, its operands checked (:mod:`.check_expressions`)."""

    @abstractmethod
    def lvalue(self, e: A.Expr) -> SclType:
        """The type of a write target (:mod:`.check_expressions`)."""

    @abstractmethod
    def e_name(self, e: A.Name) -> SclType:
        """The type of a name (:mod:`.check_expressions`)."""

    @abstractmethod
    def members_of(self, t: SclType) -> dict[str, Var] | None:
        """The members of a structured type (:mod:`.check_expressions`)."""

    @abstractmethod
    def member_type(self, e: A.Member, bt: SclType) -> SclType:
        """The type of a member of a base of type ``bt`` (:mod:`.check_expressions`)."""

    @abstractmethod
    def fit_literal(self, e: A.Node | None, t: SclType) -> bool:
        """Does an untyped integer constant fit ``t`` (:mod:`.check_expressions`)?"""

    @abstractmethod
    def call(self, e: A.Call, statement: bool) -> SclType:
        """The function value of a call, its parameters checked (:mod:`.check_calls`)."""
