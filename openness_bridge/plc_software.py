"""Reaching a device's PLC software over Openness, and reading what kind of object a block is.

PLC software is reached through ``SoftwareContainer`` after the ``IEngineeringServiceProvider`` cast: the first
device item (depth first, in TIA's order) whose container holds ``PlcSoftware`` is the CPU item, which also offers
the online and download services. :class:`openness_bridge.backend.OpennessBackend` offers these to its areas through
:class:`~openness_bridge.session.BridgeSession` (``plc_software``, ``plc_item``, ``service``, ``namespace``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, TypeVar

from engineering_api.backend.errors import ValidationError
from engineering_api.errors import codes

if TYPE_CHECKING:
    from collections.abc import Callable

    from openness_bridge.loader import OpennessApi

__all__ = ("block_kind", "block_language", "first_software", "namespace", "plc_item", "service")

T = TypeVar("T")


def namespace(name: str) -> Any:
    """A loaded Openness namespace by name (``Siemens.Engineering.SW``, ``...Compiler``)."""
    return importlib.import_module(name)


def service(api: OpennessApi, obj: Any, service_type: Any) -> Any:
    """``obj.GetService<T>()`` through the ``IEngineeringServiceProvider`` cast Openness needs from Python."""
    return api.engineering.IEngineeringServiceProvider(obj).GetService[service_type]()


def first_software(
    items: Any, service: Callable[[Any, Any], Any], container_type: Any, pick: Callable[[Any, Any], T | None],
) -> T | None:
    """What ``pick(item, software)`` makes of the first device item (depth first, in TIA's order) whose
    ``SoftwareContainer`` holds software ``pick`` accepts (None to go on); None when no item does."""
    for item in items:
        container = service(item, container_type)
        if container is not None and container.Software is not None:
            picked = pick(item, container.Software)
            if picked is not None:
                return picked
        deeper = first_software(item.DeviceItems, service, container_type, pick)
        if deeper is not None:
            return deeper
    return None


def plc_item(api: OpennessApi, device: Any, name: str) -> tuple[Any, Any]:
    """(device item, its ``PlcSoftware``) of the ``Device`` ``device`` (named ``name``).

    Raises:
        ValidationError: no device item holds PLC software (``NOT_A_PLC``).
    """
    from System import InvalidCastException

    plc_software = namespace("Siemens.Engineering.SW").PlcSoftware

    def as_plc(item: Any, software: Any) -> tuple[Any, Any] | None:
        if isinstance(software, plc_software):
            return item, software
        try:
            return item, plc_software(software)  # pythonnet downcast of the Software base reference
        except (TypeError, InvalidCastException):
            return None  # another kind of software (HMI): not a PLC

    found = first_software(device.DeviceItems, lambda obj, kind: service(api, obj, kind),
                           api.hw_features.SoftwareContainer, as_plc)
    if found is None:
        raise ValidationError(
            f"The device '{name}' has no PLC software (no device item offers a SoftwareContainer with PlcSoftware); "
            "it is not a PLC.",
            code=codes.NOT_A_PLC,
        )
    return found


def block_kind(block: Any) -> str:
    """``FB``, ``FC``, ``OB``, ``GlobalDB``, ``InstanceDB``...: the .NET type of a ``PlcBlock``."""
    return str(block.GetType().Name)


def block_language(block: Any) -> str | None:
    """``PlcBlock.ProgrammingLanguage`` as the port names it (None for ``Undef``)."""
    language = str(block.ProgrammingLanguage.ToString())
    return None if language == "Undef" else language
