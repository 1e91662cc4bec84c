"""Finding a project's devices over Openness, for every part of the bridge that names one.

Devices live in three places: ``Project.Devices`` (top level), ``Project.UngroupedDevicesGroup.Devices`` and the
device user groups (``Project.DeviceGroups``, each with ``Devices`` and nested ``Groups``). ``Find`` looks one
level deep, so every lookup walks all three. TIA compares device names without regard to case.

``CreateWithItem`` makes a station: the ``Device`` it returns is not the CPU, and its own ``TypeIdentifier`` is a
system one naming the family (``System:Device.S71500``). The article (``OrderNumber:<article>/<firmware>``) is the
type identifier of the head device item below the rack: the one classified ``CPU`` or ``HM``
(``DeviceItem.Classification``), else the first ``OrderNumber:`` item (an HMI panel's).
"""

from __future__ import annotations

from typing import Any

from engineering_api.backend.errors import AlreadyExistsError, NotFoundError

__all__ = ("all_devices", "article_type_identifier", "device_places", "find_device", "require_free_device_name")


def device_places(project: Any) -> list[Any]:
    """Every ``DeviceComposition`` of the project: top level, "Ungrouped devices", user groups (depth first)."""
    places = [project.Devices, project.UngroupedDevicesGroup.Devices]

    def walk(groups: Any) -> None:
        for group in groups:
            places.append(group.Devices)
            walk(group.Groups)

    walk(project.DeviceGroups)
    return places


def all_devices(project: Any) -> list[Any]:
    """Every ``Device`` of the project, wherever it is."""
    return [device for place in device_places(project) for device in place]


def find_device(project: Any, name: str) -> Any:
    """A ``Device`` by name. Raises NotFoundError ``DEVICE_NOT_FOUND``."""
    for place in device_places(project):
        device = place.Find(name)
        if device is not None:
            return device
    raise NotFoundError(f"The device '{name}' was not found in project '{project.Name}'.", code="DEVICE_NOT_FOUND")


def require_free_device_name(project: Any, name: str, *, current: str | None = None) -> None:
    """Raise AlreadyExistsError ``DEVICE_EXISTS`` when another device (not ``current``) has ``name``."""
    if any(str(d.Name).casefold() == name.casefold() and str(d.Name) != current for d in all_devices(project)):
        raise AlreadyExistsError(f"A device named '{name}' already exists.", code="DEVICE_EXISTS")


_ARTICLE = "OrderNumber:"
_HEAD_CLASSES = frozenset({"CPU", "HM"})
"""``DeviceItemClassifications`` of the item that carries a station's article: a CPU or a head module."""


def article_type_identifier(device: Any) -> str:
    """The type identifier naming the device's article: its own when that is an ``OrderNumber:`` one, else the head
    item's (depth first: the first item classified CPU/HM, else the first ``OrderNumber:`` item); the device's own
    (``System:...``, ``GSD:...``) when no item has an article."""
    own = str(device.TypeIdentifier or "")
    if own.startswith(_ARTICLE):
        return own
    first_article: str | None = None

    def walk(items: Any) -> str | None:
        nonlocal first_article
        for item in items:
            identifier = str(item.TypeIdentifier or "")
            if identifier.startswith(_ARTICLE):
                if str(item.Classification.ToString()) in _HEAD_CLASSES:
                    return identifier
                first_article = first_article or identifier
            found = walk(item.DeviceItems)
            if found is not None:
                return found
        return None

    return walk(device.DeviceItems) or first_article or own
