"""GetInstanceName and GetInstancePath: the name of the FB instance that calls them, and its path of multi-instances.

S7-1200 System Manual V4.2, A5E02486680-AK (09/2016), 9.2 "String and character" (GetInstanceName, GetInstancePath,
S7-1200/S7-1500): GetInstanceName writes the name of the instance data block of the calling function block, its
double quotes included (``'"Level1_DB"'``); GetInstancePath the composite global name of the block instance: with
multi-instances, the path of the whole call hierarchy from the instance DB (``"IDB_LEVEL_1".Level_2.Level_3``, in
TIA's symbolic notation; thin: the manual's example shows only its first characters). SIZE limits the characters
returned: a name cut shorter ends with "…" (U+2026, one character), so SIZE n gives n characters; SIZE 0 (or none)
gives the whole name, cut only to the WString's maximum length.

The simulated CPU knows an instance by the call that runs it: a program that calls either instruction keeps, in
``rt.instances``, the path of each FB instance running (pushed around the call, :func:`instance_path_src`); a
program that does not pays nothing. GetInstanceName in a multi-instance stops the CPU ("not supported"): no
Siemens page at hand says what it returns there. A call outside an FB's instance (an FC, an OB) does too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from simatic_xml.scl import ast as A

from .errors import UnsupportedInstructionError
from .stdlib_core import register

__all__ = ("INSTANCE_NAMES", "instance_call_lines", "instance_path", "instance_path_src", "uses_instance_names")

INSTANCE_NAMES = frozenset({"GETINSTANCENAME", "GETINSTANCEPATH"})
"""The instructions of this module (upper case)."""

_CUT = "\u2026"  # "…": the name was cut (A5E02486680-AK, 9.2)
_WSTRING = 254  # a WString's default maximum length


def uses_instance_names(blocks: list) -> bool:
    """Whether a block of the program calls GetInstanceName or GetInstancePath (the instances are then tracked)."""
    return any(type(node) is A.Call and type(node.callee) is A.Name and node.callee.name.upper() in INSTANCE_NAMES
               for bd in blocks for net in bd.networks for stmt in net.statements or () for node in A.walk(stmt))


def instance_path_src(callee: Any, program: Any, value: Callable[[Any], str]) -> str:
    """Python source of the path of the instance an FB call runs (``callee``: the call's callee): an instance DB's
    quoted name, a member of a DB after it, a multi-instance after the path of the instance running
    (``rt.instances``); ``None`` (GetInstance* then stops the CPU) for an instance passed as a parameter or met
    under an unknown one. ``program`` gives a DB's declared name, ``value`` the source of an index."""
    parts: list[str] = []
    node = callee
    while type(node) in (A.Member, A.Index):
        if type(node) is A.Member:
            parts.append(repr("." + node.name))
        else:
            indices = " + ', ' + ".join(f"str({value(i)})" for i in node.indices)
            parts.append(f"'[' + {indices} + ']'")
        node = node.base
    if type(node) is not A.Name:
        return "None"
    if node.scope == "global":
        block = program.blocks.get(node.name.lower())
        root = repr(f'"{block.name if block is not None else node.name}"')
    else:
        root = "rt.instances[-1]"
        parts.append(repr("." + node.name))
    return f"_instance_path({root}, {', '.join(reversed(parts)) or repr('')})"


def instance_call_lines(run: str, path: str | None) -> list[str]:
    """The lines of an FB call ``run``: with the instance's ``path`` (a program that asks for instance names) kept
    in ``rt.instances`` while it runs."""
    if path is None:
        return [run]
    return [f"rt.instances.append({path})", "try:", "    " + run, "finally:", "    rt.instances.pop()"]


def instance_path(root: str | None, *parts: str) -> str | None:
    """The path ``root`` continues to (``_instance_path`` in the generated code), None when ``root`` is unknown."""
    return None if root is None else root + "".join(parts)


def _cut(name: str, size: int | None) -> str:
    """``name`` limited to ``size`` characters, the last of a cut one "…" (SIZE 0 or none: its WString's length)."""
    limit = size if size else _WSTRING
    return name if len(name) <= limit else name[:max(0, limit - 1)] + _CUT


def _running(rt: Any, instruction: str) -> str:
    path = rt.instances[-1] if rt.instances else None
    if path is None:
        raise UnsupportedInstructionError(f"{instruction} outside an FB instance known to the simulated PLC")
    return str(path)


@register("GETINSTANCEPATH", ("SIZE",), needs_rt=True)
def _get_instance_path(args: tuple[str | None, ...], result: str | None) -> Callable[..., Any]:
    return lambda rt, size=None: _cut(_running(rt, "GetInstancePath"), size)


@register("GETINSTANCENAME", ("SIZE",), needs_rt=True)
def _get_instance_name(args: tuple[str | None, ...], result: str | None) -> Callable[..., Any]:
    def name(rt: Any, size: int | None = None) -> str:
        path = _running(rt, "GetInstanceName")
        if not path.endswith('"'):  # a multi-instance (its path goes on after the DB's name)
            raise UnsupportedInstructionError("GetInstanceName in a multi-instance")
        return _cut(path, size)

    return name
