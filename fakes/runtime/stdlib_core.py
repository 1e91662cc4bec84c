"""The shared machinery of the system instructions: :class:`SystemFunction`, the ``FUNCTIONS``
registry the instruction modules fill, and type helpers.

A system function is specialised once, at code-generation time, for the canonical types of its
actual parameters; the callable it returns takes the argument values positionally and does no type
dispatch of its own, so calling it in a scan costs one Python call.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .errors import UnsupportedInstructionError
from .values import INT_RANGES, to_real32, wrapper

__all__ = (
    "BITSTRINGS", "FUNCTIONS", "INTEGERS", "REALS", "SIGNED", "Builder", "NamedBuilder", "SystemFunction", "compose",
    "identity", "register", "register_named", "result_fixer", "string_cap",
)

INTEGERS = frozenset(["SINT", "INT", "DINT", "LINT", "USINT", "UINT", "UDINT", "ULINT"])
SIGNED = frozenset(["SINT", "INT", "DINT", "LINT"])
BITSTRINGS = frozenset(["BYTE", "WORD", "DWORD", "LWORD"])
REALS = frozenset(["REAL", "LREAL"])

Builder = Callable[[tuple[str | None, ...], str | None], Callable[..., Any] | None]
"""``(arg_types, result_type) -> callable``, or None for a type combination that is not implemented."""
NamedBuilder = Callable[[tuple[str | None, ...], str | None, tuple[str, ...] | None], Callable[..., Any] | None]
"""A :data:`Builder` that also reads the formal name of each actual (upper case; None when the caller gives none)."""


def identity(x: Any) -> Any:
    return x


def result_fixer(t: str | None) -> Callable[[Any], Any] | None:
    """What storing a computed value into type ``t`` does: wrap integers, round ``REAL``; None = nothing."""
    if t in INT_RANGES and t not in ("CHAR", "WCHAR"):
        return wrapper(t)
    if t == "REAL":
        return to_real32
    return None


def compose(op: Callable[..., Any], fix: Callable[[Any], Any] | None, arity: int) -> Callable[..., Any]:
    """``fix(op(...))`` as a closure of fixed arity (no ``*args`` packing in the common cases)."""
    if fix is None:
        return op
    if arity == 1:
        return lambda a: fix(op(a))
    if arity == 2:
        return lambda a, b: fix(op(a, b))
    if arity == 3:
        return lambda a, b, c: fix(op(a, b, c))
    return lambda *args: fix(op(*args))


def string_cap(t: str | None) -> int:
    """The maximum length of a string result: ``STRING[n]`` -> n, ``WSTRING`` 16382, else 254."""
    if t and "[" in t and t.endswith("]"):
        try:
            return int(t[t.index("[") + 1:-1])
        except ValueError:
            pass
    return 16382 if t and t.startswith("WSTRING") else 254


class SystemFunction:
    """A system function (FC-like instruction): its formal parameters and a per-type specialiser.

    Attributes:
        name: upper-case instruction name.
        params: formal parameter names in TIA's order; the specialised callable takes the actual
            values positionally in this order.
        variadic: ``(prefix, first)`` when more inputs may follow the last of ``params`` (MIN/MAX/
            CONCAT: ``("IN", 1)`` -> IN1, IN2, IN3...; MUX: ``("IN", 0)``); None for a fixed arity.
        needs_rt: the callable takes the runtime context ``rt`` as an extra *first* argument
            (TIME_TCK reads ``rt.now_ns``).
        out_param: set when TIA's instruction has no function value but an output parameter (S_CONV:
            ``"OUT"``): the callable returns the value the caller stores into that actual.
        by_reference: the parameters whose actual is passed as the operand's object (an IEC timer's instance
            for RESET_TIMER's ``TIMER``), which the instruction changes in place.
    """

    __slots__ = ("_build", "_named", "by_reference", "name", "needs_rt", "out_param", "params", "variadic")

    def __init__(
        self, name: str, params: Sequence[str], build: NamedBuilder, *, variadic: tuple[str, int] | None = None,
        needs_rt: bool = False, out_param: str | None = None, named: bool = False,
        by_reference: Sequence[str] = (),
    ) -> None:
        self.name = name
        self.by_reference = frozenset(by_reference)
        self.params = tuple(params)
        self.variadic = variadic
        self.needs_rt = needs_rt
        self.out_param = out_param
        self._build = build
        self._named = named  # the builder reads the actuals' formal names (others are given None)

    def specialise(
        self, arg_types: Sequence[str | None], result_type: str | None, names: Sequence[str] | None = None,
    ) -> Callable[..., Any]:
        """A fast callable for these canonical argument types (None = unknown) and result type.

        ``names`` (optional, an extension of the contract) gives the formal name of each actual; only
        MUX looks at it, to tell a trailing ``INELSE`` from one more ``INn``.

        Raises:
            UnsupportedInstructionError: this type combination is not implemented.
            TypeError: the number of actuals does not fit the instruction.
        """
        arg_types = tuple(arg_types)
        if len(arg_types) != len(self.params) and not (self.variadic and len(arg_types) >= len(self.params)):
            raise TypeError(f"{self.name} takes {len(self.params)} parameters, got {len(arg_types)}.")
        upper_names = tuple(n.upper() for n in names) if self._named and names else None
        fn = self._build(arg_types, result_type, upper_names)
        if fn is None:
            raise UnsupportedInstructionError(self.name)
        return fn

    def __repr__(self) -> str:
        return f"SystemFunction({self.name}({', '.join(self.params)}))"


FUNCTIONS: dict[str, SystemFunction] = {}


def register(name: str, params: Sequence[str], **options: Any) -> Callable[[Builder], Builder]:
    """Decorator: register ``build`` as the specialiser of instruction ``name``."""

    def deco(build: Builder) -> Builder:
        FUNCTIONS[name] = SystemFunction(name, params, lambda arg_types, result, _names: build(arg_types, result),
                                         **options)
        return build

    return deco


def register_named(name: str, params: Sequence[str], **options: Any) -> Callable[[NamedBuilder], NamedBuilder]:
    """Decorator: register ``build``, which also reads the actuals' formal names, as the specialiser of ``name``."""

    def deco(build: NamedBuilder) -> NamedBuilder:
        FUNCTIONS[name] = SystemFunction(name, params, build, named=True, **options)
        return build

    return deco
