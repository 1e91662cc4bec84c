"""What the block generators share: the program image's code (functions, namespace, SCL positions),
the generation context (program, layouts, tags, constants) and the records of tags and locals."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from . import rtlib
from .errors import PlcRuntimeError
from .layout import LayoutBuilder, Slot

__all__ = ("CodeImage", "Context", "LocalVar", "TagRef", "ident", "new_code_image")


@dataclass(slots=True)
class TagRef:
    """A PLC tag on the I/Q/M areas."""

    name: str
    area: str
    byte: int
    bit: int
    type: str
    datatype: str
    address: str


@dataclass(slots=True)
class LocalVar:
    """A name declared by the block: where its value lives in the generated code."""

    name: str
    section: str
    kind: str  # py (a Python local) | inst (instance member) | const
    code: str
    type: Any = None
    slot: Slot | None = None
    init: str | None = None  # Python source of the value a local starts with on every call


@dataclass
class CodeImage:
    """The generated code of a program: block functions and the map back to SCL positions."""

    ns: dict[str, Any]
    functions: dict[str, Any] = field(default_factory=dict)  # lower block name -> function
    sources: dict[str, str] = field(default_factory=dict)  # block name -> Python source
    positions: dict[str, tuple[str, list]] = field(default_factory=dict)  # filename -> (block, [(net, line)])
    warnings: list[str] = field(default_factory=list)

    def locate(self, exc: BaseException) -> tuple[str | None, int | None, int | None]:
        """Block, network and line of the innermost generated frame of ``exc``'s traceback."""
        found: tuple[str | None, int | None, int | None] = (None, None, None)
        tb: TracebackType | None = exc.__traceback__
        while tb is not None:
            entry = self.positions.get(tb.tb_frame.f_code.co_filename)
            if entry is not None:
                block, lines = entry
                pos = lines[tb.tb_lineno - 1] if 0 < tb.tb_lineno <= len(lines) else None
                found = (block, pos[0], pos[1]) if pos else (block, None, None)
            tb = tb.tb_next
        return found

    def run(self, name: str, *args: Any) -> Any:
        """Call a block function; any failure becomes a located :class:`PlcRuntimeError`."""
        try:
            return self.functions[name.lower()](*args)
        except Exception as exc:
            err = self.fault(exc)
            if err is exc:
                raise
            raise err from exc

    def fault(self, exc: Exception) -> PlcRuntimeError:
        """What a failure of generated code is to the CPU: a :class:`PlcRuntimeError` with the block, network and
        line of the innermost generated frame (the same error, completed), any other exception wrapped as code
        ``simulation-error`` (a fault of the simulator stops the CPU like a program error, never the service)."""
        if isinstance(exc, PlcRuntimeError):
            if exc.block is None or exc.line is None:
                block, network, line = self.locate(exc)
                exc.block = exc.block or block
                exc.network = exc.network if exc.network is not None else network
                exc.line = exc.line if exc.line is not None else line
            return exc
        block, network, line = self.locate(exc)
        return PlcRuntimeError(f"The simulation failed in {block}: {type(exc).__name__}: {exc}", block=block,
                               network=network, line=line, code="simulation-error")


# eq=False, repr=False: compared by identity, and a repr of the whole program helps no one
@dataclass(eq=False, repr=False)
class Context:
    """What every block generator shares: the program, layouts, tags, constants and the namespace."""

    program: Any
    builder: LayoutBuilder
    db_slots: dict[str, Slot]
    tags: dict[str, TagRef]
    constants: dict[str, Any]
    interfaces: dict[str, Any]
    code: CodeImage
    auto_eno: frozenset[str] = frozenset()
    """Lower-case names of the blocks with "Set ENO automatically" (``<SetENOAutomatically>``): an integer
    operation's overflow or a division by zero in them resets the block's ENO (:mod:`.codegen`)."""
    eno_blocks: frozenset[str] = frozenset()
    """Lower-case names of the blocks whose ENO may be FALSE (they write ``ENO`` or set it automatically): they
    report it in ``rt.eno`` when they return, and a call's ``ENO => x`` reads it."""
    instance_names: bool = False
    """Whether the program calls GetInstanceName or GetInstancePath: every FB call then keeps its instance's path in
    ``rt.instances`` (:mod:`.stdlib_instances`)."""
    time_error_ob: bool = False
    """Whether the program has a time error OB (OB80), which the CPU calls amid a loop that exceeds the maximum cycle
    time: no block keeps DB members in locals then (:mod:`.codegen_cache`)."""

    def __post_init__(self) -> None:
        self.ns = self.code.ns
        self._names: dict[str, str] = {}
        self._count = 0
        self._bound: dict[int, tuple[str, Any]] = {}

    def fn_name(self, block: str) -> str:
        key = block.lower()
        if key not in self._names:
            self._names[key] = f"B_{ident(block)}_{len(self._names)}"
        return self._names[key]

    def bind(self, name: str, value: Any, unique: bool = False) -> str:
        """Put ``value`` into the namespace under ``name`` (a fresh name when ``unique``)."""
        if unique:
            self._count += 1
            name = f"{name}_{self._count}"
        self.ns[name] = value
        return name

    def bind_once(self, prefix: str, value: Any, owner: Any = None) -> str:
        """The namespace name of ``value`` (one per ``owner``, default the value), fresh the first time."""
        owner = value if owner is None else owner
        key = id(owner)
        if key not in self._bound:
            self._bound[key] = (self.bind(prefix, value, unique=True), owner)  # keeps owner alive: ids stay unique
        return self._bound[key][0]

    def warn(self, text: str) -> None:
        if text not in self.code.warnings:
            self.code.warnings.append(text)


def ident(name: str) -> str:
    return re.sub(r"\W", "_", name, flags=re.ASCII)[:40]


def new_code_image() -> CodeImage:
    return CodeImage(rtlib.namespace())
