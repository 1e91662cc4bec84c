"""Port methods the bridge does not implement (none today; a new port method is pending until the bridge has it).

The list is derived, not kept by hand: a port method of the session's own (``EngineeringBackend``'s abstract
methods) is pending when none of the bridge's operation classes (``OpennessBackend`` and its mixins) defines it.
Each pending method raises :class:`NotSupportedError` with code ``BRIDGE_NOT_YET_IMPLEMENTED`` and names the
method, so a client sees at once that the bridge, not TIA, is missing the feature. A held area's methods
(``backend.devices.add_device``, :data:`engineering_api.backend.port.AREAS`) are never pending: the area's object
implements its ABC whole, or the ABC refuses to make it and the bridge does not start; a method TIA cannot serve
answers ``NO_OPENNESS_EQUIVALENT`` in that object (the catalog cache). ``tests/bridge/test_pending.py`` checks
the split.
"""

from __future__ import annotations

from typing import Any, NoReturn

from engineering_api.backend.errors import NotSupportedError
from engineering_api.errors import codes

__all__ = ("PendingStandIns", "pending_methods", "port_methods")


class PendingStandIns:
    """The base of the class :func:`pending_methods` builds: ``NAMES``, the port methods it stands in for."""

    NAMES: tuple[str, ...] = ()


def port_methods() -> frozenset[str]:
    """Every abstract method of the backend port itself (a held area's are its object's, see the module)."""
    from engineering_api.backend.port import EngineeringBackend

    return frozenset(EngineeringBackend.__abstractmethods__)


def _pending(name: str) -> Any:
    def method(self: Any, *args: Any, **kwargs: Any) -> NoReturn:
        raise NotSupportedError(
            f"The Openness bridge does not implement '{name}' yet. Use --backend fake for this operation; "
            "openness_bridge/README.md lists what the bridge serves.",
            code=codes.BRIDGE_NOT_YET_IMPLEMENTED,
            details={"method": name},
        )

    method.__name__ = name
    method.__doc__ = "Not implemented in the bridge yet: raises NotSupportedError (BRIDGE_NOT_YET_IMPLEMENTED)."
    return method


def pending_methods(*operation_classes: type) -> type[PendingStandIns]:
    """A class of stand-ins for every port method none of ``operation_classes`` defines (its ``NAMES`` lists them)."""
    defined = {
        name for cls in operation_classes for klass in cls.__mro__ if klass.__module__.startswith("openness_bridge.")
        for name in vars(klass)
    }
    names = tuple(sorted(port_methods() - defined))
    return type(
        "PendingMethods", (PendingStandIns,), {
            "__doc__": "Stand-ins raising NotSupportedError for unimplemented port methods.",
            "NAMES": names, **{name: _pending(name) for name in names},
        },
    )
