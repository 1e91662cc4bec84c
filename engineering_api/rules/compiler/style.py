"""Opt-in style rules: naming prefixes, unused locals, nesting depth and block length.

TIA accepts all of this; a team adopting the checker on its own conventions asks for it (CODESYS Static Analysis
has such rules in its IDE only). Every rule is off unless a repository's settings turn it on
(``[tool.engineering-api.style]``, read by :mod:`engineering_api.ci.style_config`); the check entries hand the
settings to the program (:attr:`~.program.Program.style`) and :func:`~.checker.check_block` asks
:func:`style_findings` for each block, so ``scl check``, ``plc check``, the language server and SARIF give the same
findings. Each rule's code is bound to it once, in its :class:`StyleRule`; every finding is a Warning by default
(the ``severity`` settings re-grade it, ``// noqa`` and ``--baseline`` silence it as any other).
"""

from __future__ import annotations

import re
from typing import Iterator, Mapping, Optional

from simatic_xml.diagnostic_codes import message
from simatic_xml.diagnostics import Diagnostic
from simatic_xml.scl import ast as A

from .program import BlockDef, Network, Program
from .style_settings import (BLOCK_KINDS, BLOCK_LENGTH, BLOCK_PREFIX, MEMBER_PREFIX, MEMBER_SECTIONS, NESTING_DEPTH,
                             RULES, UNUSED_LOCAL, UNUSED_SECTIONS, StyleRule, StyleSettings)

__all__ = ("BLOCK_KINDS", "BLOCK_LENGTH", "BLOCK_PREFIX", "MEMBER_PREFIX", "MEMBER_SECTIONS", "NESTING_DEPTH",
           "RULES", "UNUSED_LOCAL", "UNUSED_SECTIONS", "StyleRule", "StyleSettings", "style_findings")


_CODE_BLOCKS = frozenset({"FB", "FC", "OB"})
_OB_START_INFO = re.compile(r"^OB\d+_", re.IGNORECASE)
"""A non-optimized OB's temporary start information (``OB1_EV_CLASS``, ``OB35_PRIORITY``...): the operating system
writes it at the OB's start (Siemens, "Start information of organization blocks"), whether the body reads it or
not."""
_NESTING = {A.If: "IF", A.Case: "CASE", A.For: "FOR", A.While: "WHILE", A.RepeatLoop: "REPEAT"}


def _finding(rule: StyleRule, block: BlockDef, path: Optional[str], line: int, col: int,
             network: Optional[int] = None, **fields: object) -> Diagnostic:
    return Diagnostic(message(rule.code, **fields), line, col, block.name, "Warning", path, rule.code, network)


def _body(block: BlockDef) -> list[Network]:
    """The block's SCL networks (a source's whole body is one), or [] when some part of it is no SCL that was read
    (LAD, FBD, STL, GRAPH, a network that does not parse): what such a part uses is not known here."""
    networks = block.networks
    if not networks or any(n.flgnet is not None or n.stl is not None or n.error is not None or n.unchecked is not None
                           or n.dangling is not None for n in networks):
        return []
    return networks


def _bodies(statement: A.Stmt) -> Iterator[list[A.Stmt]]:
    """The statement lists directly inside ``statement``."""
    if isinstance(statement, A.If):
        yield from (branch.body for branch in statement.branches)
    elif isinstance(statement, A.Case):
        yield from (branch.body for branch in statement.branches)
    elif isinstance(statement, (A.For, A.While, A.RepeatLoop, A.Region)):
        yield statement.body
        return
    else:
        return
    if statement.else_body is not None:
        yield statement.else_body


def _too_deep(statements: list[A.Stmt], depth: int, limit: int) -> Iterator[tuple[A.Stmt, int]]:
    """Each IF/CASE/FOR/WHILE/REPEAT at ``limit + 1`` levels (the outermost of a run too deep only), with its
    level; a REGION is no level (it groups statements, it does not branch)."""
    for statement in statements:
        level = depth + (type(statement) in _NESTING)
        if level > limit:
            yield statement, level
            continue
        for inner in _bodies(statement):
            yield from _too_deep(inner, level, limit)


def _statement_count(statements: list[A.Stmt]) -> int:
    """The statements, those inside others included; an empty statement and a REGION (a grouping) are none."""
    return sum((type(s) not in (A.Empty, A.Region)) + sum(_statement_count(inner) for inner in _bodies(s))
               for s in statements)


def _names_used(networks: list[Network]) -> set[str]:
    """The lower-case names the body may use a local by: operand roots (``#x``, ``x``, ``#x.%X0``, ``#inst(...)``)
    and a member written ``.#x`` (TIA exports hold ``#APP.#Tiro1``; whatever TIA reads there, a local of that name
    is not reported unused)."""
    return {node.name.lower() for net in networks for statement in net.statements for node in A.walk(statement)
            if type(node) is A.Name or (type(node) is A.Member and node.hashed)}


def _prefix_kind(program: Program, block: BlockDef, prefixes: Mapping[str, str]) -> str:
    if block.kind == "DB" and block.instance_of and "InstanceDB" in prefixes:
        of = program.blocks.get(block.instance_of.lower())
        if of is not None and of.kind == "FB":
            return "InstanceDB"
    return block.kind


def _block_prefix(settings: StyleSettings, program: Program, block: BlockDef, path: Optional[str]
                  ) -> list[Diagnostic]:
    prefixes = settings.block_prefixes or {}
    kind = _prefix_kind(program, block, prefixes)
    prefix = prefixes.get(kind, "")
    name = block.name.rsplit(".", 1)[-1] if block.namespace else block.name  # a software unit's name less its unit
    if not prefix or name.startswith(prefix):
        return []
    return [_finding(BLOCK_PREFIX, block, path, block.line, block.col, name=name, kind=kind, prefix=prefix)]


def _member_prefix(settings: StyleSettings, block: BlockDef, path: Optional[str]) -> list[Diagnostic]:
    prefixes = settings.member_prefixes or {}
    if block.kind not in _CODE_BLOCKS:  # a DB's and a type's members are no block's locals
        return []
    out = []
    for var in block.decls:
        prefix = prefixes.get(var.section, "")
        if block.kind == "OB" and var.section == "Input":  # an OB's start information: the system names it
            continue
        if prefix and not var.name.startswith(prefix):
            out.append(_finding(MEMBER_PREFIX, block, path, var.line, var.col, name=var.name, section=var.section,
                                prefix=prefix))
    return out


def _unused(settings: StyleSettings, block: BlockDef, path: Optional[str]) -> list[Diagnostic]:
    sections = settings.unused_sections or frozenset()
    networks = _body(block) if block.kind in _CODE_BLOCKS else []
    if not networks:
        return []
    used = _names_used(networks)
    # An AT overlay and the member it overlays are one memory: a use of either is a use of both.
    for overlay, target in block.overlaid.items():
        if overlay in used or target in used:
            used |= {overlay, target}
    out = []
    for var in block.decls:
        if var.section not in sections or var.name.lower() in used:
            continue
        if block.kind == "OB" and (var.section == "Input" or _OB_START_INFO.match(var.name)):
            continue  # an OB's start information: the system writes it whether the body reads it or not
        out.append(_finding(UNUSED_LOCAL, block, path, var.line, var.col, name=var.name, section=var.section))
    return out


def _nesting(settings: StyleSettings, block: BlockDef, path: Optional[str]) -> list[Diagnostic]:
    limit = settings.max_nesting
    assert limit is not None
    return [_finding(NESTING_DEPTH, block, path, statement.line, statement.col, net.index,
                     statement=_NESTING[type(statement)], depth=level, limit=limit)
            for net in block.networks for statement, level in _too_deep(net.statements, 0, limit)]


def _length(settings: StyleSettings, block: BlockDef, path: Optional[str]) -> list[Diagnostic]:
    limit = settings.max_statements
    assert limit is not None
    count = sum(_statement_count(net.statements) for net in block.networks)
    if count <= limit:
        return []
    return [_finding(BLOCK_LENGTH, block, path, block.line, block.col, name=block.name, count=count, limit=limit)]


def style_findings(program: Program, block: BlockDef, path: Optional[str]) -> list[Diagnostic]:
    """The findings of the style rules ``program.style`` turns on, on ``block`` (none when it turns none on)."""
    settings = program.style
    if settings is None:
        return []
    out: list[Diagnostic] = []
    if settings.block_prefixes is not None:
        out += _block_prefix(settings, program, block, path)
    if settings.member_prefixes is not None:
        out += _member_prefix(settings, block, path)
    if settings.unused_sections is not None:
        out += _unused(settings, block, path)
    if settings.max_nesting is not None:
        out += _nesting(settings, block, path)
    if settings.max_statements is not None:
        out += _length(settings, block, path)
    return out
