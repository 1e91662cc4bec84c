"""What a name in a source is: its declaration, its type, and every place that uses it across the workspace.

A :class:`Target` names one declared thing: a block's local (file, block, name), a global tag or constant, a
block or PLC data type, or a member of a DB, FB instance or PLC data type (its owner, member). :class:`Model`
resolves the operand under the cursor of an open document to one, from the document's syntax tree and the
workspace's program view (:meth:`engineering_api.lsp.project.Project.view`): the same objects the checker uses.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Iterator, Optional

from simatic_xml.scl import ast as A

from engineering_api.ci.paths import SCL_SUFFIXES
from engineering_api.lib.file_walk import read_regular
from engineering_api.rules.compiler.check import Loaded
from engineering_api.rules.compiler.check_calls import calls_instruction
from engineering_api.rules.compiler.program import BlockDef
from engineering_api.rules.compiler.types import ArrayT, NamedT, SclType, Var, display

__all__ = ("Model", "Place", "Target", "is_scl", "own_declarations")


@dataclass(frozen=True)
class Target:
    """``kind``: local | global | block | member; ``owner``: the block (local) or the owning block or type
    (member), lower-case; ``name`` lower-case; ``file`` for a local."""

    kind: str
    name: str
    owner: str = ""
    file: str = ""


@dataclass(frozen=True)
class Place:
    """A place in a file: 1-based line and column as the checker counts (line 0: the file as a whole) and the
    length of the name there."""

    file: str
    line: int
    col: int
    length: int = 0


def _type_name(t: SclType) -> Optional[str]:
    while isinstance(t, ArrayT):
        t = t.element
    return t.name if isinstance(t, NamedT) else None


class Model:
    """One open document (its syntax tree ``source``, file ``path``) in the program view ``view``."""

    def __init__(self, path: str, source: A.SourceFile, view: Loaded) -> None:
        self.path = path
        self.source = source
        self.view = view
        self.program = view.program

    # ------------------------------------------------------------------------------------ lookups
    def block_at(self, line: int) -> Optional[A.Block]:
        for block in self.source.blocks:
            if block.line <= line <= (block.end_line or 10 ** 9):
                return block
        return None

    def object(self, name: str) -> Optional[BlockDef]:
        key = name.lower()
        return self.program.blocks.get(key) or self.program.types.get(key)

    def own_def(self, block: A.Block) -> Optional[BlockDef]:
        return self.object(f"{block.namespace}.{block.name}" if block.namespace else block.name)

    def owner_of(self, node: A.Expr, block: A.Block) -> Optional[BlockDef]:
        """The block or type whose members follow ``node`` (``#calc`` of UDT_CALCUL, ``"Motor_DB"``)."""
        if isinstance(node, A.Index):
            return self.owner_of(node.base, block)
        var = self.var_of(node, block)
        if var is not None:
            name = _type_name(var.type)
            return self.object(name) if name else None
        if isinstance(node, A.Name) and node.scope != "local":
            obj = self.object(node.name)
            if obj is not None and obj.kind == "DB" and obj.instance_of:
                return self.object(obj.instance_of) or obj
            return obj
        return None

    def var_of(self, node: A.Expr, block: A.Block) -> Optional[Var]:
        """The declaration ``node`` reads: a local, a global tag, or a member."""
        if isinstance(node, A.Name):
            own = self.own_def(block)
            local = own.vars.get(node.name.lower()) if own is not None else None
            if node.scope == "local" or (node.scope == "bare" and local is not None):
                return local
            key = node.name.lower()
            return self.program.tags.get(key) or self.program.constants.get(key)
        if isinstance(node, A.Member):
            owner = self.owner_of(node.base, block)
            return owner.vars.get(node.name.lower()) if owner is not None else None
        return None

    def target_of(self, node: A.Node, block: A.Block) -> Optional[Target]:
        if isinstance(node, A.Name):
            own = self.own_def(block)
            if node.scope == "local" or (node.scope == "bare" and own is not None and node.name.lower() in own.vars):
                return Target("local", node.name.lower(), block.name.lower(), self.path)
            typed = self.object(own.instance_of) if node.scope == "bare" and own and own.instance_of else None
            if typed is not None and node.name.lower() in typed.vars:  # a start value of a DB of an FB or a type
                return Target("member", node.name.lower(), typed.name.lower())
            key = node.name.lower()
            if key in self.program.tags or key in self.program.constants:
                return Target("global", key)
            return Target("block", key)
        if isinstance(node, A.Member):
            owner = self.owner_of(node.base, block)
            return Target("member", node.name.lower(), owner.name.lower()) if owner is not None else None
        if isinstance(node, A.NamedType):
            return Target("block", node.name.lower())
        if isinstance(node, A.VarDecl):
            return Target("local", node.name.lower(), block.name.lower(), self.path)
        if isinstance(node, A.Block):
            return Target("block", (f"{node.namespace}.{node.name}" if node.namespace else node.name).lower())
        return None

    # ------------------------------------------------------------------------------------ the cursor
    def node_at(self, line: int, col: int, text_line: str) -> tuple[Optional[A.Node], Optional[A.Block]]:
        """The innermost name under 1-based ``line``/``col``: an operand, a member, a declaration or a type."""
        block = self.block_at(line)
        if block is None:
            return None, None
        best: Optional[A.Node] = None
        for node in A.walk(block):
            if not isinstance(node, (A.Name, A.Member, A.NamedType, A.VarDecl)) or node.line != line:
                continue
            start = node.col
            end = _name_end(text_line, node.col)
            if start <= col <= end and (best is None or node.col >= best.col):
                best = node
        if best is None and block.line == line:
            return block, block
        return best, block

    # ------------------------------------------------------------------------------------ declarations
    def declaration(self, target: Target) -> Optional[Place]:
        """Where ``target`` is declared (a tag in a tag table: the line of its name in the export)."""
        if target.kind == "local":
            own = self.object(target.owner)
            var = own.vars.get(target.name) if own is not None else None
            return Place(target.file, var.line, var.col, len(var.name)) if var is not None and var.line else None
        if target.kind == "member":
            owner = self.object(target.owner)
            var = owner.vars.get(target.name) if owner is not None else None
            if owner is None or var is None:
                return None
            where = self.view.file_of.get(id(owner), "")
            if var.line:
                return Place(where, var.line, var.col, len(var.name))
            return _in_file(where, var.name)
        if target.kind == "block":
            obj = self.object(target.name)
            if obj is None:
                return None
            where = self.view.file_of.get(id(obj), "")
            return Place(where, obj.line, obj.col, 0) if obj.line and is_scl(where) else _in_file(where, obj.name)
        return self._tag_place(target.name)

    def _tag_place(self, key: str) -> Optional[Place]:
        var = self.program.tags.get(key) or self.program.constants.get(key)
        if var is None:
            return None
        name = var.name
        for path in self.view.files:
            if path.lower().endswith(".xml") and path in self.view.documents:
                found = _in_file(path, name, self.view.documents[path])
                if found is not None and found.line:
                    return found
        return None

    # ------------------------------------------------------------------------------------ references
    def references(self, target: Target) -> Iterator[Place]:
        """Every use of ``target`` in the SCL sources of the view (the open documents with their current text)."""
        for obj in list(self.program.types.values()) + list(self.program.blocks.values()):
            where = self.view.file_of.get(id(obj), "")
            if not is_scl(where):
                continue
            if target.kind == "local" and (target.file != where or target.owner != obj.name.lower()):
                continue
            block = _block_stub(obj)
            for net in obj.networks:
                for stmt in net.statements:
                    yield from self._uses(stmt, target, block, where, obj)
            for assign in obj.start_values:
                yield from self._uses(assign, target, block, where, obj)

    def _uses(self, root: A.Node, target: Target, block: A.Block, where: str, obj: BlockDef) -> Iterator[Place]:
        model = self if where == self.path else Model(where, A.SourceFile(0, 0, [block]), self.view)
        for node in A.walk(root):
            if isinstance(node, (A.Name, A.Member)):
                name = node.name.lower()
                if name == target.name and model.target_of(node, block) == target:
                    yield Place(where, node.line, node.col, len(node.name))

    # ------------------------------------------------------------------------------------ occurrences
    def occurrences(self, targets: frozenset[Target]) -> Iterator[tuple[A.Node, Place]]:
        """Every name in this document that is one of ``targets``: operands and members, the declarations of the
        blocks' own variables (and a PLC data type's members; not those of an anonymous ``Struct``), types named
        in declarations, the blocks' own names, and the formal parameters of calls of a block
        (``#inst(start := ..)``: a member of the callee). Each with the place of its name."""
        for block in self.source.blocks:
            own_decls = {id(d) for d in own_declarations(block)}
            instructions: set[int] = set()
            for node in A.walk(block):
                if isinstance(node, A.Call):
                    if self._calls_instruction(node, block):
                        instructions.add(id(node.callee))
                    yield from self._formal_parameters(node, block, targets)
                    continue
                if isinstance(node, A.VarDecl) and id(node) not in own_decls or id(node) in instructions:
                    continue
                if isinstance(node, (A.Name, A.Member, A.NamedType, A.VarDecl, A.Block)):
                    if self.target_of(node, block) in targets:
                        yield node, Place(self.path, node.line, node.col, len(node.name))

    def _calls_instruction(self, call: A.Call, block: A.Block) -> bool:
        """Whether ``call`` calls an instruction by a bare name a local has too (``LEN(s)`` beside ``len : Int``),
        as the checker reads it."""
        callee = call.callee
        if not isinstance(callee, A.Name) or callee.scope != "bare":
            return False
        own = self.own_def(block)
        local = own.vars.get(callee.name.lower()) if own is not None else None
        return local is not None and calls_instruction(local, callee.name.upper())

    def _formal_parameters(self, call: A.Call, block: A.Block, targets: frozenset[Target]
                           ) -> Iterator[tuple[A.Node, Place]]:
        callee = self.owner_of(call.callee, block) if isinstance(call.callee, (A.Name, A.Member, A.Index)) else None
        if callee is None:
            return
        for arg in call.args:
            if arg.name and Target("member", arg.name.lower(), callee.name.lower()) in targets:
                yield arg, Place(self.path, arg.line, arg.col, len(arg.name))


def own_declarations(block: A.Block) -> list[A.VarDecl]:
    """The variables ``block`` declares (a PLC data type: its members), without the members of an anonymous
    ``Struct`` among them, which are no variables of the block."""
    decls = [d for section in block.sections for d in section.decls]
    return decls + (list(block.type.members) if isinstance(block.type, A.StructType) else [])


_NAME = re.compile(r'#?"[^"\n]*"|#?[^\W\d]\w*')


def _name_end(text: str, col: int) -> int:
    """The 1-based column just after the name starting at ``col`` (a ``#`` and quotes included)."""
    match = _NAME.match(text, max(col - 1, 0))
    return match.end() + 1 if match else col


def is_scl(path: str) -> bool:
    return os.path.splitext(path)[1].lower() in SCL_SUFFIXES


def _block_stub(obj: BlockDef) -> A.Block:
    """A syntax-tree block standing for ``obj`` (name and extent) when resolving names in another file."""
    name = obj.name.split(".")[-1] if obj.namespace else obj.name
    return A.Block(obj.line, obj.col, kind="FUNCTION_BLOCK", name=name, namespace=obj.namespace)


def _in_file(path: str, name: str, data: Optional[bytes] = None) -> Optional[Place]:
    """The line of ``<Name>name</Name>`` (or ``Name="name"``) in an XML export; the file itself when absent."""
    if not path:
        return None
    if data is None:
        try:
            data = read_regular(path)
        except OSError:
            return Place(path, 0, 0)
    text = data.decode("utf-8", "replace")
    for pattern in (f"<Name>{name}</Name>", f'Name="{name}"'):
        index = text.find(pattern)
        if index >= 0:
            line = text.count("\n", 0, index) + 1
            col = index - (text.rfind("\n", 0, index) + 1) + 1 + pattern.index(name)
            return Place(path, line, col, len(name))
    return Place(path, 0, 0)


def describe_var(var: Var) -> str:
    return f"{var.name} : {display(var.type)}"
