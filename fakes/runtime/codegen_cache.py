"""DB members, FB instance members and process image values kept in Python locals over a stretch of a block (the
code generator's member cache).

A block's statements read and write their data where the CPU keeps it: ``D_data['i0']`` on a global DB's dict,
``I['count']`` on the FB's instance dict, ``_AQ[0]`` and ``_u_INT(_AM, 24)[0]`` in the process image areas. A
*region* is a run of consecutive statements of one statement list in which nothing else can see those dicts: no call
of a user block (which may read or write any DB, and the instance, through ``mem``), no use of a whole DB as a value
(passed, assigned, sliced), no dereference, no CONTINUE that runs a REPEAT loop's test. Inside a region each member
the statements use often enough lives in a local: it is read from its dict once before the region, the statements
use the local, and a member the region writes is written back once when the region is left, however it is left
(``try``/``finally``: the end, RETURN, EXIT, or an error in the middle, so a block that fails mid-scan leaves every
write before the failure in memory, as the CPU does). A member used too seldom to pay for its load and write-back
keeps its dict access, and an area value whose bytes another access of the region reaches too (a bit of ``%MB11``
beside ``%MW10``, a Real) stays where it lives.

The generator first emits a placeholder local for every cacheable access in a region and records its uses;
:meth:`MemberCache.finish` then decides per member, puts the loads before the region and the write-backs after it,
and turns the placeholders of the members left out back into dict accesses. A block whose data may be reached
through a second name is not cached at all (``BlockGen._caching`` and ``_aliased`` in :mod:`.codegen`): a parameter
passed by reference (an InOut of a structured type, a VARIANT) may be a DB or the instance itself, and an FB that
names a DB holding an instance of its own type may be working on that very instance.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from simatic_xml.scl import ast as A

from .layout import Slot

__all__ = ("MemberCache", "contains_type", "has_barrier")

Line = tuple[str, Any]
"""A generated line and its SCL position."""

_PYTHON_BLOCKS = 20
"""Statically nested blocks (loops, ``try``) Python compiles; the generated code has one loop per SCL loop."""

_LOOP_WEIGHT = 8
"""How many uses a use inside a loop (of the region) counts for."""


Span = tuple[str, int, int]
"""Bytes ``start`` to ``end`` (exclusive) of a process image area (by its local: ``_AQ``)."""


@dataclass(slots=True)
class Cached:
    """One member of a region: its placeholder local, the access it stands for (a read, and a write as
    ``store_prefix + value + store_suffix``), the area bytes it covers, and its weighted uses."""

    local: str
    direct: str
    store_prefix: str
    store_suffix: str = ""
    span: Span | None = None
    reads: int = 0
    writes: int = 0

    def worth_it(self) -> bool:
        """A read-only member pays for its load from the second read on; a written one, whose write-back costs a
        second access, from the third use."""
        return self.reads + self.writes >= 3 if self.writes else self.reads >= 2

    def store(self, value: str) -> str:
        return f"{self.store_prefix}{value}{self.store_suffix}"


@dataclass
class Region:
    """Lines ``start`` to ``end`` of the block's body, at ``indent``, with the members they use and the area bytes
    they reach without the cache."""

    start: int
    indent: int
    loop_depth: int
    end: int = -1
    members: dict[str, Cached] = field(default_factory=dict)  # direct access -> member
    touched: list[Span] = field(default_factory=list)

    def overlapping(self) -> set[str]:
        """Placeholders of area values whose bytes another access of the region reaches too (``%MB10`` beside
        ``%MW10``): those are read and written where they live."""
        spans = [(m.span, m.local) for m in self.members.values() if m.span is not None]
        others = spans + [(span, "") for span in self.touched]
        return {local for (area, start, end), local in spans for (a2, s2, e2), other in others
                if other != local and a2 == area and s2 < end and start < e2}


class MemberCache:
    """The regions of one block and the members used in them (see the module docstring)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.region: Region | None = None
        self.regions: list[Region] = []
        self._count = 0

    def open(self, start: int, indent: int, loop_depth: int) -> None:
        self.region = Region(start, indent, loop_depth)

    def close(self, end: int) -> None:
        region = self.region
        if region is None:
            return
        region.end = end
        if region.members:
            self.regions.append(region)
        self.region = None

    def member(self, base: str, key: str, name: str, write: bool, loop_depth: int) -> str:
        """The source of member ``key`` of the dict ``base`` (``name`` for the placeholder's readability): a
        placeholder local inside a region, else the dict access."""
        direct = f"{base}[{key!r}]"
        return self.use(direct, name, write, loop_depth, direct + " = ")

    def use(self, direct: str, name: str, write: bool, loop_depth: int, store_prefix: str, store_suffix: str = "",
            span: Span | None = None) -> str:
        """The placeholder of the value at ``direct`` inside a region (``direct`` outside one); a write through it
        is the line ``placeholder = value``."""
        region = self.region
        if region is None:
            return direct
        m = region.members.get(direct)
        if m is None:
            self._count += 1
            m = region.members[direct] = Cached(f"c_{name}_{self._count}", direct, store_prefix, store_suffix, span)
        weight = _LOOP_WEIGHT if loop_depth > region.loop_depth else 1
        if write:
            m.writes += weight
        else:
            m.reads += weight
        return m.local

    def touch(self, span: Span) -> None:
        """An access of area bytes that bypasses the cache (a Real, a Char): no cached value may cover them."""
        if self.region is not None:
            self.region.touched.append(span)

    def finish(self, lines: list[Line], cached: bool = True) -> list[Line]:
        """``lines`` with every region's members loaded before it and written back after it, and the placeholders
        of the members not worth caching (of every member unless ``cached``) turned back into direct accesses."""
        out = list(lines)
        for region in reversed(self.regions):  # from the last, so earlier regions keep their line numbers
            overlapping = region.overlapping()
            keep = [m for m in region.members.values() if cached and m.worth_it() and m.local not in overlapping]
            kept = {m.local for m in keep}
            body = out[region.start:region.end]
            dropped = [m for m in region.members.values() if m.local not in kept]
            if dropped:
                body = _uncached(body, dropped)
            if keep:
                body = _wrapped(body, keep, region.indent)
            out[region.start:region.end] = body
        return out


def _uncached(body: list[Line], dropped: list[Cached]) -> list[Line]:
    """``body`` with the placeholders of ``dropped`` turned back into direct reads and writes."""
    stores = {m.local + " = ": m for m in dropped}
    reads = {m.local: m.direct for m in dropped}
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, reads)) + r")\b")
    out = []
    for text, pos in body:
        code = text.lstrip(" ")
        pad = text[:len(text) - len(code)]
        head = code[:code.find(" = ") + 3] if " = " in code else ""
        m = stores.get(head)
        if m is not None:
            code = m.store(code[len(head):])
        out.append((pad + pattern.sub(lambda match: reads[match.group(0)], code), pos))
    return out


def _wrapped(body: list[Line], keep: list[Cached], indent: int) -> list[Line]:
    pad = "    " * indent
    pos = next((p for _, p in body if p is not None), None)
    loads = [(f"{pad}{m.local} = {m.direct}", pos) for m in keep]
    written = [m for m in keep if m.writes]
    if not written:
        return loads + body
    return (loads + [(pad + "try:", pos)] + [("    " + text, p) for text, p in body] + [(pad + "finally:", None)]
            + [(f"{pad}    {m.store(m.local)}", None) for m in written])


def has_barrier(stmt: Any, is_barrier: Callable[[Any], bool], in_repeat: bool, loops: int) -> bool:
    """Whether ``stmt`` contains a node after which the dicts may have changed behind the cache: a call or a name
    ``is_barrier`` says so of (a whole DB used as a value; the base of a member access is not such a use), a
    dereference, or a CONTINUE of a REPEAT loop (whose UNTIL test it runs before leaving the region; ``in_repeat``:
    the statement is in a REPEAT loop's body, inside no other loop). Also when its loops, inside the ``loops``
    around it, leave no room for the region's ``try`` (Python allows 20 statically nested blocks)."""
    return loops + 1 > _PYTHON_BLOCKS or _walk(stmt, is_barrier, in_repeat, loops + 1)


def _walk(node: Any, is_barrier: Callable[[Any], bool], in_repeat: bool, blocks: int) -> bool:
    t = type(node)
    if t is A.Member:
        base = node.base
        return _walk(base, is_barrier, in_repeat, blocks) if type(base) is not A.Name else False
    if t is A.Name or t is A.Call:
        if is_barrier(node):
            return True
        if t is A.Name:
            return False
    elif t is A.Deref:
        return True
    elif t is A.Continue:
        return in_repeat
    elif t in (A.While, A.For, A.RepeatLoop):
        in_repeat = t is A.RepeatLoop
        blocks += 1
        if blocks > _PYTHON_BLOCKS:
            return True
    for f in dataclasses.fields(node):
        if f.name in ("line", "col", "comments", "comment"):
            continue
        value = getattr(node, f.name)
        items = value if isinstance(value, list) else (value,)
        for item in items:
            if isinstance(item, A.Node) and _walk(item, is_barrier, in_repeat, blocks):
                return True
    return False


def contains_type(slot: Slot, datatype: str, depth: int = 0) -> bool:
    """Whether ``slot`` is or holds (in a struct or an array, at any depth) a value of the FB or UDT ``datatype``
    (lower case, unquoted)."""
    if slot.datatype.strip('"').lower() == datatype:
        return True
    if depth > 32:  # layouts are finite; a recursive type has been cut to an empty struct
        return False
    if slot.element is not None and contains_type(slot.element, datatype, depth + 1):
        return True
    return any(contains_type(m, datatype, depth + 1) for m in slot.members.values())
