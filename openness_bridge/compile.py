"""The bridge's compile area (``OpennessBackend.compile``): ``ICompilable.Compile()`` of a PLC's software or of one
block or PLC data type, and the reading of TIA's ``CompilerResult`` tree that every compile of the bridge shares
(hardware, HMI, an export that compiles an inconsistent block first).

A block or type is found by walking its group tree: ``Find`` looks one level deep in Openness.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from engineering_api.backend.areas.compile import CompilePort
from engineering_api.backend.errors import NotFoundError
from engineering_api.backend.models import CompileMessage, CompileResult
from engineering_api.errors import codes
from openness_bridge.units import find_block_or_type

if TYPE_CHECKING:
    from engineering_api.backend.models import CompileState
    from openness_bridge.session import BridgeSession

__all__ = ("BridgeCompile", "compile_result")


def _state(state: Any) -> CompileState:
    # CompilerResultState: Success, Information, Warning, Error. The port has no "Information": it is a success.
    text = str(state.ToString())
    return cast("CompileState", "Success" if text == "Information" else text)  # the other three names are the port's


def _message(message: Any) -> CompileMessage:
    # Nested Messages carry the real findings (top-level descriptions are often empty): recurse all of them.
    return CompileMessage(
        path=str(message.Path or ""), description=str(message.Description or ""), state=_state(message.State),
        error_count=int(message.ErrorCount), warning_count=int(message.WarningCount),
        messages=[_message(m) for m in message.Messages],
    )


def compile_result(result: Any) -> CompileResult:
    """A ``CompilerResult`` as the port's :class:`~engineering_api.backend.models.CompileResult`."""
    return CompileResult(
        state=_state(result.State), error_count=int(result.ErrorCount), warning_count=int(result.WarningCount),
        messages=[_message(m) for m in result.Messages],
    )


class BridgeCompile(CompilePort):
    """Compiling PLC software over Openness (``session``: calls on the session's thread, the open project)."""

    def __init__(self, session: BridgeSession) -> None:
        self._session = session

    def _compile(self, target: Any) -> CompileResult:
        compilable = self._session.service(target, self._session.namespace("Siemens.Engineering.Compiler").ICompilable)
        return compile_result(compilable.Compile())

    def compile_software(self, device: str) -> CompileResult:
        def run() -> CompileResult:
            return self._compile(self._session.plc_software(self._session.project(), device))

        return self._session.call("ICompilable.Compile", run)

    def compile_block(self, device: str, name: str) -> CompileResult:
        def run() -> CompileResult:
            software = self._session.plc_software(self._session.project(), device)
            target = find_block_or_type(self._session, software, name)  # the PLC's, then its units'
            if target is None:
                raise NotFoundError(
                    f"No block or PLC data type '{name}' in the software of '{device}' (searched every group).",
                    code=codes.BLOCK_NOT_FOUND,
                )
            return self._compile(target)

        return self._session.call("ICompilable.Compile", run)
