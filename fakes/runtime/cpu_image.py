"""What the simulated CPU needs of a program image: the OBs it schedules and what it calls them with.

:class:`~fakes.runtime.cpu.SimulatedCpu` runs any :class:`CpuImage`: the :class:`~fakes.runtime.image.ProgramImage`
a download builds, or a small stand-in that tests the CPU's rules apart from the engine. It makes each memory
with ``new_memory()``, calls each OB with ``run_ob(entry, memory, rt)``, reads and writes operands through the
accessors ``resolve()`` gives, and compares ``digests`` on a download (README "Public surface used by the CPU and
the routes").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from .memory import Memory

__all__ = ("CpuImage", "ObEntry", "ProgramContext", "TagAccessor")


@dataclass(frozen=True, slots=True)
class ObEntry:
    """An organization block: ``kind`` is its SecondaryType (ProgramCycle, Startup, CyclicInterrupt, others)."""

    name: str
    number: int | None
    kind: str
    period_ms: float | None = None
    phase_ms: float = 0


class TagAccessor(Protocol):
    """Read/write access to one operand (:class:`fakes.runtime.symbols.Accessor` in a program image)."""

    @property
    def data_type(self) -> str:
        """The operand's TIA data type (``Bool``, ``Int``...)."""

    @property
    def address(self) -> str | None:
        """The absolute operand (``%I0.0``, ``%MW10``) of tags and area operands; None in a DB."""

    def get(self) -> Any:
        """The operand's value."""

    def set(self, value: Any) -> None:
        """Write ``value``; raises TypeError (wrong kind of value) or ValueError (out of range)."""


class ProgramContext(Protocol):
    """What the CPU gives every call of a program's code (README "Runtime context")."""

    @property
    def now_ns(self) -> int:
        """Virtual time of the cycle, in nanoseconds."""

    @property
    def memory(self) -> Memory:
        """The memory the program runs on."""

    @property
    def first_scan(self) -> bool:
        """True in the startup OBs and the first program cycle after them."""

    @property
    def cycle(self) -> int:
        """How many cycles ran before this one."""


class CpuImage(Protocol):
    """A downloaded program as the CPU runs it."""

    @property
    def obs(self) -> Sequence[ObEntry]:
        """The organization blocks, in the order they are called within their kind."""

    @property
    def digests(self) -> Mapping[str, str]:
        """Object name -> content digest (a download keeps the values of data blocks whose digest is unchanged)."""

    @property
    def max_cycle_ms(self) -> float:
        """The CPU's maximum cycle time, set by the download of this program's device configuration."""

    def new_memory(self) -> Memory:
        """A memory with every data block at its start values."""

    def run_ob(self, entry: ObEntry, mem: Memory, rt: ProgramContext) -> None:
        """One call of an OB; raises :class:`~fakes.runtime.errors.PlcRuntimeError`."""

    def resolve(self, mem: Memory, name: str) -> TagAccessor:
        """An accessor for the operand ``name`` in ``mem``; LookupError for names the program does not have."""
