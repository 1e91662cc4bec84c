"""The Openness session as the bridge's areas see it: calls run on the session's thread, changes in a transaction.

An area of the bridge (``BridgeSecurity``, ...) is an object given a :class:`BridgeSession` by
:class:`openness_bridge.backend.OpennessBackend`, instead of a mixin reaching for the backend's attributes: what it
may use is declared here, typed, in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable
    from contextlib import AbstractContextManager
    from pathlib import Path

    from engineering_api.backend.errors import EngineeringError
    from openness_bridge.loader import OpennessApi
    from openness_bridge.portal_events import PortalEvents

__all__ = ("BridgeSession", "OpennessChange", "OpennessRunner")

T = TypeVar("T")


class OpennessRunner(Protocol):
    """Runs ``fn`` (Openness calls) on the session's thread: a stale proxy is retried once, a lost portal attached
    again, a .NET exception translated into the port's errors (``invocation`` for TIA's refusals)."""

    def __call__(self, operation: str, fn: Callable[[], T], *, invocation: type[EngineeringError] = ...) -> T: ...


class OpennessChange(Protocol):
    """Runs ``fn`` as :class:`OpennessRunner` does, inside ``ExclusiveAccess`` and a ``Transaction`` on the project:
    committed only when ``fn`` returns, every step rolled back on an error. ``target`` gives another
    ``ITransactionSupport`` to change instead of the project (a global library)."""

    def __call__(
        self, operation: str, fn: Callable[[], T], *, invocation: type[EngineeringError] = ...,
        target: Callable[[], Any] | None = ...,
    ) -> T: ...


@dataclass(frozen=True, slots=True)
class BridgeSession:
    """What the Openness session offers its areas (each the backend's own member of that name)."""

    api: OpennessApi
    """The loaded Openness namespaces."""
    call: OpennessRunner
    change: OpennessChange
    portal: Callable[[], Any]
    """The attached ``TiaPortal`` (its ``GlobalLibraries``...). Raises PortalUnavailableError."""
    project: Callable[[], Any]
    """The open ``Project``. Raises PortalUnavailableError (no portal attached), NoProjectOpenError."""
    find_device: Callable[[Any, str], Any]
    """A ``Device`` of the project by name. Raises NotFoundError ``DEVICE_NOT_FOUND``."""
    plc_software: Callable[[Any, str], Any]
    """A device's ``PlcSoftware``. Raises NotFoundError ``DEVICE_NOT_FOUND``, ValidationError ``NOT_A_PLC``."""
    plc_item: Callable[[Any, str], tuple[Any, Any]]
    """The device item holding a device's PLC software, and the software. Raises NotFoundError, ValidationError
    ``NOT_A_PLC``."""
    service: Callable[[Any, Any], Any]
    """``obj.GetService<T>()`` (None when the object does not offer it)."""
    namespace: Callable[[str], Any]
    """A loaded Openness namespace by name. Raises ImportError when this TIA Portal has none of that name."""
    export_bytes: Callable[[Any], bytes]
    """``obj.Export`` (a block, type, tag or watch table) into a fresh scratch folder, read back."""
    import_bytes: Callable[..., Any]
    """``import_bytes(composition, data, *, override)``: ``composition.Import`` of ``data`` staged in a scratch
    folder; returns what Import returns."""
    scratch: Callable[[str], AbstractContextManager[Path]]
    """``with scratch(purpose) as folder``: a fresh, empty folder for one file exchange with TIA, removed on exit."""
    events: PortalEvents
    """TIA's ``Confirmation``, ``Notification``, ``Disposed`` and ``Authentication`` events: answered, recorded."""

    @property
    def version(self) -> str:
        """The TIA Portal version of the loaded assemblies (``V19``)."""
        return self.api.version
