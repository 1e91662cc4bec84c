"""References through the root namespace of TIA V18+ software units: ``_.nsConvoyeur.Interface.iStart``.

In the SCL of a software unit's block TIA writes ``_`` for the root (global) namespace, then the dotted path of
namespaces, then the object (a DB, an FC, an instance DB, a tag), then the object's members:
``_.nsConvoyeur.Interface."iStart/Stop"`` (the global DB ``Interface`` of namespace ``nsConvoyeur``),
``_.dbDataFromMainPrg.tag1`` (a DB of the root namespace), ``_.nsMainPerceuse.fcMain(...)`` (an FC of another
namespace), also as actual parameters and assignment targets (ChrisSiem/TestChris@a826097, a TIA V18 export:
``PLC_1/Software units/_MainUnit/Program blocks/nsMainUnit.obMainUnit.scl:17``, ``:29``, ``:35``;
tests/realcode/cases/README.md). The parser reads such a path as members of a bare name ``_``; which of the
dots separate namespaces and which select members is only known from the objects the program holds, so the
checker rewrites the path here: the longest leading part that names an object becomes one global name
(``"nsConvoyeur.Interface"``, the qualified name a SimaticML export uses), the rest stay its members.

No Siemens documentation of the ``_`` notation was found (searched: TIA Portal namespaces, software units,
root namespace); this follows the exports.
"""
from __future__ import annotations

from simatic_xml.scl import ast as A

from .program import BlockDef, Program

__all__ = ["ROOT", "instance_fb", "rooted"]

ROOT = "_"
"""How TIA's SCL names the root namespace."""


def rooted(e: A.Expr, program: Program, *, callee: bool = False) -> A.Expr:
    """``e`` with a leading ``_.ns…Object`` path replaced by the global name of that object (members kept), or
    ``e`` itself when it is no such path. ``program`` is the view of the block being checked
    (:meth:`engineering_api.rules.compiler.program.Program.in_namespace`): a root object a namespace's object of the
    same name hides there is named ``_.name`` in it.

    A path that names no object is cut after the namespaces the program knows plus one name
    (``_.nsConvoyeur.Missing.x`` -> ``"nsConvoyeur.Missing"``, ``_.Nowhere.x`` -> ``"Nowhere"``), so what is
    missing is reported under its qualified name. A ``callee`` naming nothing is one block's name as a whole
    (``_.nsConvoyeur.fcMain()`` -> ``"nsConvoyeur.fcMain"``, also offline where nsConvoyeur is unknown)."""
    members: list[A.Member] = []
    node = e
    while type(node) is A.Member:
        members.append(node)
        node = node.base
    if not members or type(node) is not A.Name or node.name != ROOT or node.scope != "bare":
        return e
    members.reverse()
    names = [m.name for m in members]
    count = _object_length(names, program, len(names) if callee else 1)
    qualified = ".".join(names[:count])
    if count == 1 and not _root_object(qualified.lower(), program) and qualified.lower() in program.blocks:
        # The view lists an object of the block's namespace under this name; the root's own object of the same
        # name (if any) is ``_.name`` there, and a missing one stays missing.
        qualified = ROOT + "." + qualified
    out: A.Expr = A.Name(node.line, node.col, qualified, "global")
    for m in members[count:]:
        out = A.Member(m.line, m.col, out, m.name, m.quoted, m.hashed)
    return out


def _object_length(names: list[str], program: Program, missing: int) -> int:
    """How many leading names of the path name the object: the longest that is a block, tag or constant;
    else the known namespaces plus one, at least ``missing``."""
    keys = [n.lower() for n in names]
    for count in range(len(keys), 1, -1):
        if ".".join(keys[:count]) in program.blocks:
            return count
    if _root_object(keys[0], program) or ROOT + "." + keys[0] in program.blocks:
        return 1
    known = 0
    for count in range(1, len(keys)):
        prefix = ".".join(keys[:count]) + "."
        if any(k.startswith(prefix) for k in program.blocks) or any(k.startswith(prefix) for k in program.types):
            known = count
        else:
            break
    return max(known + 1, missing)


def _root_object(key: str, program: Program) -> bool:
    """Is ``key`` an object of the root namespace under its own name, not one of the block's namespace that the
    view lists under its unqualified name (such a BlockDef keeps its namespace)?"""
    if key in program.tags or key in program.constants:
        return True
    block = program.blocks.get(key)
    return block is not None and block.namespace is None


def instance_fb(db: BlockDef, program: Program) -> str | None:
    """The FB an instance DB is of, by the name the whole program knows it: an unqualified FB name in a DB of a
    namespace names the FB of that namespace when there is one (the DB's own view, as for the DB's declaration),
    so a block of another namespace calling the DB finds the same FB."""
    fb = db.instance_of
    namespace = db.namespace
    if fb and namespace and "." not in fb and f"{namespace}.{fb}".lower() in program.blocks:
        return f"{namespace}.{fb}"
    return fb
