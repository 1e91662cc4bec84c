"""Compiling PLC software: blocks, a device's software, consistency after interface changes (port area)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from engineering_api.backend.models import CompileResult

__all__ = ("CompilePort",)


class CompilePort(ABC):
    """Compiling PLC software as TIA's compiler does.

    Every method runs on the TIA worker thread; docstrings name the domain errors raised.
    Results nest as TIA's CompilerResult: device software > block > messages, each message with the
    network or line and column and TIA's wording. A block whose UDT or FB interface changed since
    its last compile is reported as inconsistent and compiled again.
    """

    @abstractmethod
    def compile_block(self, device: str, name: str) -> CompileResult:
        """Compile one block (or PLC data type) of a PLC's software.

        A compile is a change of the project: on success the block records the interfaces it was
        compiled against (errors in the block are results, not exceptions).

        Raises:
            NotFoundError: no such device (``DEVICE_NOT_FOUND``) or block (``BLOCK_NOT_FOUND``).
            ValidationError: the device is not a PLC (``NOT_A_PLC``).
            NoProjectOpenError: no project is open.
            PortalUnavailableError: no portal is attached.
        """

    @abstractmethod
    def compile_software(self, device: str) -> CompileResult:
        """Compile a PLC's software: PLC data types, then FBs, FCs, DBs and OBs in dependency order.

        Raises:
            NotFoundError: no such device (``DEVICE_NOT_FOUND``).
            ValidationError: the device is not a PLC (``NOT_A_PLC``).
            NoProjectOpenError: no project is open.
            PortalUnavailableError: no portal is attached.
        """

    def mark_needs_compile(self, device: str, names: Iterable[str]) -> list[str]:
        """Keep blocks (or PLC data types) inconsistent until a compile of them succeeds: the blocks "generate
        from source" made from a source that refers to user objects the PLC does not have. Returns the names
        marked; names that are not in the PLC are skipped.

        TIA keeps an imported block that is not compiled inconsistent by itself, so an adapter over TIA marks
        nothing (this default); the fake, which records consistency, overrides it.

        Raises:
            NotFoundError: no such device (``DEVICE_NOT_FOUND``).
            ValidationError: the device is not a PLC (``NOT_A_PLC``).
        """
        return []
