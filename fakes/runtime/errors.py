"""Errors of the simulated PLC runtime, shared by the engine, the CPU and the simulation manager."""

from __future__ import annotations

__all__ = ("ImageError", "PlcRuntimeError", "UnsupportedInstructionError")


class PlcRuntimeError(Exception):
    """A runtime error in the user program (what a real CPU reports to OB121, or STOPs on without it).

    Args:
        message: TIA-style text, e.g. ``Array index 11 out of range [0..9] in "FB_Motor".``
        block: the block that was executing.
        network: the network number (LAD/FBD, or SCL network of a SimaticML block), when known.
        line: the SCL line inside the network, when known.
        code: a stable machine code (``index-out-of-range``, ``instruction-not-supported``, ...).
    """

    def __init__(
        self, message: str, *, block: str | None = None, network: int | None = None, line: int | None = None,
        code: str = "runtime-error",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.block = block
        self.network = network
        self.line = line
        self.code = code


class UnsupportedInstructionError(PlcRuntimeError):
    """An instruction the simulation does not implement was executed (never a silent no-op)."""

    def __init__(self, instruction: str, *, block: str | None = None, network: int | None = None,
                 line: int | None = None) -> None:
        super().__init__(
            f'The instruction "{instruction}" is not supported by the simulated PLC.',
            block=block, network=network, line=line, code="instruction-not-supported",
        )
        self.instruction = instruction


class ImageError(Exception):
    """The software cannot be turned into a runnable program image (it does not compile).

    ``messages`` are the compiler's texts, one per error.
    """

    def __init__(self, message: str, messages: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.messages = messages or []
