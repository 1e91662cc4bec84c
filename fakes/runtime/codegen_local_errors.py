"""Local error handling in a block: GET_ERR_ID and GET_ERROR, and the access errors they catch.

STEP 7 help (SCL instructions for S7-1200/S7-1500), "GET_ERR_ID: Get error ID locally" (p. 291) and "GET_ERROR: Get
error locally" (p. 287):

- Inserting either instruction in a block's code switches the block to local error handling: the predefined system
  reactions to a programming or access error (OB121, or STOP without it) are ignored in that block.
- What then happens instead is the ErrorStruct's REACTION: a read error continues with the substitute value 0
  (REACTION 1), a write error is ignored (REACTION 0). The help's own example reads ``#Field[#index]`` with the index
  out of range, multiplies the 0 and finds the ID 16#2522.
- The instruction outputs the first error that occurred since its last execution in that block (later errors are
  output only after it); its operand is changed only when error information is present.
- IDs (both pages' tables): 16#2522 "Read error: Operand outside the valid range", 16#2523 "Write error: Operand
  outside the valid range"; 0 is "No error".

Simulated here: an array element read or written with an index outside the array's bounds in such a block (the
access errors this runtime detects in a generated block's code); a member or element written through such an element
(``#pts[#i].x := 5``) is a write error too, the write landing in a scratch copy. The error information lives in the
block's own local data (``_le``: the ID and the REACTION of the first error since the last GET_ERR_ID/GET_ERROR), so
it starts empty at every call of the block; a block it calls handles its own errors (or stops the CPU as any block
without local error handling). Of the ErrorStruct, ERROR_ID, REACTION, FLAGS (16#00: the error was not in a block
call) and CODE_ADDRESS.BLOCK_TYPE/CB_NUMBER (the block's type, 1 OB / 2 FC / 3 FB, and number) are written; the
machine-code and memory addresses (CODE_ADDRESS.OFFSET, MODE, OPERAND_NUMBER, POINTER_NUMBER_LOCATION,
SLOT_NUMBER_SCOPE, DATA_ADDRESS) have no counterpart in the simulated CPU, which runs no machine code and keeps its
data by name: they are written 0 (docs/simulated-plc.md). A string's character index out of range still stops the
CPU in every block (no Siemens page gives its error ID).
"""

from __future__ import annotations

from typing import Any, Protocol

from simatic_xml.scl import ast as A

from .layout import make_value
from .values import default_value

__all__ = ("LOCAL_ERROR_CALLS", "READ_ERROR", "WRITE_ERROR", "guarded_read", "guarded_store", "handles_errors",
           "local_error_assign", "local_error_lines", "local_error_value", "namespace")

LOCAL_ERROR_CALLS = frozenset({"GET_ERR_ID", "GET_ERROR"})
"""The instructions whose presence in a block's code switches the block to local error handling."""

READ_ERROR = 0x2522
"""16#2522: "Read error: Operand outside the valid range" (REACTION 1: continue with the substitute value 0)."""
WRITE_ERROR = 0x2523
"""16#2523: "Write error: Operand outside the valid range" (REACTION 0: the write is ignored)."""

_BLOCK_TYPES = {"OB": 1, "FC": 2, "FB": 3}
"""ErrorStruct CODE_ADDRESS.BLOCK_TYPE: the type of the block the error occurred in."""


class _Emitter(Protocol):
    """What this module uses of the expression generator (:class:`.codegen_expr.ExprGen`)."""

    ctx: Any
    pre: list[str]

    def tmp(self, prefix: str) -> str: ...
    def value(self, e: Any, want: Any = None) -> str: ...
    def load(self, e: Any) -> str: ...
    def store(self, e: Any, src: str) -> list[str]: ...
    def slot_of(self, e: Any) -> Any: ...


class _Access(_Emitter, Protocol):
    """The guarded element accesses: also whether the path a store writes through is being generated."""

    writing_path: bool


class _Generator(_Emitter, Protocol):
    """What the instructions use of the block generator (:class:`.codegen.BlockGen`): the block too."""

    bd: Any
    local_errors: bool

    def unsupported_src(self, what: str) -> str: ...


def handles_errors(bd: Any) -> bool:
    """Whether block ``bd``'s SCL calls GET_ERR_ID or GET_ERROR anywhere (which switches it to local error
    handling)."""
    return any(type(node) is A.Call and type(node.callee) is A.Name and node.callee.name.upper() in LOCAL_ERROR_CALLS
               for net in bd.networks for stmt in net.statements for node in A.walk(stmt))


def _read_error(le: list[int], substitute: Any) -> Any:
    """An element read out of range in a block with local error handling: the first error is kept, the read goes on
    with the substitute value."""
    if not le[0]:
        le[0], le[1] = READ_ERROR, 1
    return substitute


def _write_error(le: list[int]) -> None:
    """An element written out of range in a block with local error handling: the first error is kept, the write is
    ignored."""
    if not le[0]:
        le[0], le[1] = WRITE_ERROR, 0


def _write_path_error(le: list[int], substitute: Any) -> Any:
    """An element out of range on the path a store writes through (``#pts[#i].x := 5``): a write error, and a
    scratch element the ignored write lands in."""
    _write_error(le)
    return substitute


def _take(le: list[int]) -> int:
    """The ID of the error information present (0: none), which is cleared: the next error is caught."""
    found = le[0]
    le[0] = le[1] = 0
    return found


def namespace() -> dict[str, Any]:
    """The helpers the generated code of a block with local error handling calls."""
    return {"_le_read": _read_error, "_le_write": _write_error, "_le_write_path": _write_path_error, "_le_take": _take}


def _guard(gen: _Access, e: A.Index) -> tuple[str, str] | None:
    """The condition that every index of ``e`` lies in its array's bounds and the item path that reads the element
    then; None when the bounds are not known or no index needs a check."""
    slot = gen.slot_of(e.base)
    dims = slot.dims if slot is not None and slot.kind == "array" else ()
    if len(dims) < len(e.indices) or any(high < low for low, high in dims):
        return None
    conditions, path = [], []
    writing, gen.writing_path = gen.writing_path, False  # an index is read, whatever the path is for
    try:
        sources = [gen.value(node) for node in e.indices]
    finally:
        gen.writing_path = writing
    for (low, high), src in zip(dims, sources):
        plain = src.strip("()")
        if plain.lstrip("-").isdigit() and low <= int(plain) <= high:
            path.append(f".items[{int(plain) - low}]")
            continue
        index = gen.tmp("_j")
        conditions.append(f"{low} <= ({index} := {src}) <= {high}")
        path.append(f".items[{index} - {low}]" if low else f".items[{index}]")
    if not conditions:
        return None
    return " and ".join(conditions), "".join(path)


def guarded_read(gen: _Access, e: A.Index, base: str) -> str | None:
    """The read of array element ``e`` (its array's source ``base``) that goes on with the substitute value 0 of
    the element's type when an index is out of range; None when no index needs the check."""
    guard = _guard(gen, e)
    if guard is None:
        return None
    condition, path = guard
    element = gen.slot_of(e)
    if element is not None and element.kind != "elem":  # a structured element: its type's zero value, a copy
        substitute = f"_clone({gen.ctx.bind('_T', make_value(element), unique=True)})"
    else:
        substitute = repr(default_value(element.type if element is not None else None))
    helper = "_le_write_path" if gen.writing_path else "_le_read"  # a path a store writes through: a write error
    return f"({base}{path} if {condition} else {helper}(_le, {substitute}))"


def guarded_store(gen: _Access, e: A.Index, base: str, src: str) -> list[str] | None:
    """The lines that write ``src`` into array element ``e`` only when every index is in range (the write is
    ignored otherwise); None when no index needs the check."""
    value = gen.tmp("_v")  # the value first, as an assignment evaluates it before its target: a read error in it
    # comes before the write error of an index out of range
    guard = _guard(gen, e)
    if guard is None:
        return None
    condition, path = guard
    return [f"{value} = {src}", f"if {condition}:", f"    {base}{path} = {value}", "else:", "    _le_write(_le)"]


def local_error_assign(gen: _Generator, target: Any, value: Any) -> list[str] | None:
    """``target := GET_ERR_ID()``: the target is written only when error information is present; None for any
    other assignment."""
    if not (type(value) is A.Call and type(value.callee) is A.Name and value.callee.name.upper() == "GET_ERR_ID"):
        return None
    named = {(arg.name or "").upper(): arg for arg in value.args}
    if "EN" in named or not gen.local_errors:  # the general path: EN is not run, outside SCL refused
        return None
    found = gen.tmp("_id")
    eno = named.get("ENO")
    return [f"{found} = _le_take(_le)", *_eno(gen, eno.value if eno is not None else None, found), f"if {found}:",
            *("    " + line for line in gen.store(target, found))]


def _eno(gen: _Generator, eno: Any, found: str) -> list[str]:
    """ENO of either instruction: TRUE only when error information is present (the help: "the output ... is only
    set if error information is present", taken to mean ENO; thin: the page names no output besides the value)."""
    return gen.store(eno, f"{found} != 0") if eno is not None else []


def local_error_value(gen: _Generator, name: str, args: Any) -> tuple[str, str] | None:
    """GET_ERR_ID() inside an expression: the ID of the error information present, 0 when there is none (the
    tables' "No error" row); GET_ERROR has no value."""
    if name != "GET_ERR_ID":
        return None
    if not gen.local_errors:
        return _outside_scl(gen, name), "WORD"
    found = gen.tmp("_id")
    gen.pre += [f"{found} = _le_take(_le)", *_eno(gen, args.eno, found)]
    return found, "WORD"


def local_error_lines(gen: _Generator, name: str, args: Any) -> list[str] | None:
    """A call statement: ``GET_ERR_ID();`` takes (clears) the error information; ``GET_ERROR(#e)`` writes it into
    the ErrorStruct ``#e`` when there is some. None when GET_ERROR's operand is missing."""
    if not gen.local_errors:
        return [_outside_scl(gen, name)]
    if name == "GET_ERR_ID":
        found = gen.tmp("_id")
        return [f"{found} = _le_take(_le)", *_eno(gen, args.eno, found)]
    actuals = [*args.positional, *(arg.value for arg in args.order)]
    if len(actuals) != 1:
        return None
    operand = actuals[0]
    reaction, found = gen.tmp("_reaction"), gen.tmp("_id")
    members = {"ERROR_ID": found, "FLAGS": "0", "REACTION": reaction, "MODE": "0", "OPERAND_NUMBER": "0",
               "POINTER_NUMBER_LOCATION": "0", "SLOT_NUMBER_SCOPE": "0"}
    code_address = {"BLOCK_TYPE": str(_BLOCK_TYPES.get(gen.bd.kind, 0)), "CB_NUMBER": str(gen.bd.number or 0),
                    "OB_NUMBER": "0", "OFFSET": "0"}
    data_address = {"AREA": "0", "DB_NUMBER": "0", "OFFSET": "0"}
    body: list[str] = []
    for member, src in members.items():
        body += gen.store(_member(operand, member), src)
    for struct, fields in (("CODE_ADDRESS", code_address), ("DATA_ADDRESS", data_address)):
        for member, src in fields.items():
            body += gen.store(_member(_member(operand, struct), member), src)
    return [f"{reaction} = _le[1]", f"{found} = _le_take(_le)", *_eno(gen, args.eno, found), f"if {found}:",
            *("    " + line for line in body)]


def _outside_scl(gen: _Generator, name: str) -> str:
    """The call of a block whose SCL does not switch it to local error handling: one a LAD/FBD network's box makes
    (:func:`handles_errors` reads the SCL only), which stops the CPU as not supported rather than run half."""
    return gen.unsupported_src(f"{name} outside an SCL network")


def _member(base: Any, name: str) -> A.Member:
    return A.Member(base.line, base.col, base, name)
