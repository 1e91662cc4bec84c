"""LAD/FBD rules of the checker: the operands and wires of a SimaticML FlgNet network.

A mixin of :class:`fakes.compiler.checker.BlockChecker`; it types operands with the expression rules
(``expr``) of the sibling mixin and reports through the checker's ``err``.
"""
from __future__ import annotations

from simatic_xml.scl import ast as A

from .types import display

__all__ = ["FlgNetChecks"]

_BOOL_PARTS = frozenset(["Contact", "Coil", "SCoil", "RCoil", "PContact", "NContact", "PCoil", "NCoil", "SetCoil",
                         "ResetCoil", "PBox", "NBox", "TrCoil", "Not"])


class FlgNetChecks:
    """Wires that end at parts that do not exist, and non-Bool operands on bit instructions."""

    def flgnet(self, net) -> None:
        from simatic_xml.flgnet import Call as FCall
        from simatic_xml.flgnet import FlgAccess, IdentCon, NameCon, Part
        accesses = {}
        parts = {}
        for item in net.parts or ():
            if isinstance(item, FlgAccess):
                accesses[item.uid] = item
            elif isinstance(item, (Part, FCall)):
                parts[item.uid] = item
        types = {}
        for uid, acc in accesses.items():
            if acc.symbol:
                node = _access_expr(acc)
                if node is not None:
                    types[uid] = self.expr(node)
        for wire in net.wires or ():
            conns = getattr(wire, "connections", None) or []
            operand = None
            pin_parts = []
            for c in conns:
                if isinstance(c, IdentCon):
                    if c.uid not in accesses:
                        self.err(None, "flgnet-wire", network=self.network, uid=c.uid)
                    operand = c.uid
                elif isinstance(c, NameCon):
                    if c.uid not in parts:
                        self.err(None, "flgnet-wire", network=self.network, uid=c.uid)
                    else:
                        pin_parts.append((parts[c.uid], c.name))
            if operand is None:
                continue
            t = types.get(operand)
            if t is None or not isinstance(t, str):
                continue
            for part, pin in pin_parts:
                if isinstance(part, Part) and part.name in _BOOL_PARTS and pin == "operand" and t != "BOOL":
                    self.err(None, "flgnet-type", name=_access_text(accesses[operand]), type=display(t), part=part.name)


def _access_expr(acc):
    comps = acc.symbol
    scope = {"LocalVariable": "local", "GlobalVariable": "global"}.get(acc.scope)
    if scope is None or not comps:
        return None
    node = A.Name(0, 0, comps[0].name, scope)
    if comps[0].access_modifier == "Array":
        node = A.Index(0, 0, node, [])
    for c in comps[1:]:
        node = A.Member(0, 0, node, c.name)
        if c.access_modifier == "Array":
            node = A.Index(0, 0, node, [])
    return node


def _access_text(acc) -> str:
    names = ".".join(c.name for c in acc.symbol or ())
    return ("#" + names) if acc.scope == "LocalVariable" else '"' + names + '"'
