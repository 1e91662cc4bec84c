"""Compiling PLC software: blocks, a device's software, consistency after interface changes (port area)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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
