"""Finding a project's devices over Openness, for every part of the bridge that names one.

Devices live in three places: ``Project.Devices`` (top level), ``Project.UngroupedDevicesGroup.Devices`` and the
device user groups (``Project.DeviceGroups``, each with ``Devices`` and nested ``Groups``). ``Find`` looks one
level deep, so every lookup walks all three. TIA compares device names without regard to case.

``CreateWithItem`` makes a station: the ``Device`` it returns is not the CPU, and its own ``TypeIdentifier`` is a
system one naming the family (``System:Device.S71500``). The article (``OrderNumber:<article>/<firmware>``) is the
type identifier of the head device item below the rack: the one classified ``CPU`` or ``HM``
(``DeviceItem.Classification``), else the first ``OrderNumber:`` item (an HMI panel's). The station and its head
item have names of their own: TIA's project tree shows a PLC by its CPU item's name ("PLC_1") while the station is
"S7-1500/ET200MP station_1", so a device is found by either, the station's name first.
"""

from __future__ import annotations

from typing import Any

from engineering_api.backend.errors import AlreadyExistsError, NotFoundError
from engineering_api.errors import codes

__all__ = (
    "all_devices", "article_type_identifier", "device_places", "find_device", "head_item", "rename_device_names",
    "require_free_device_name",
)


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
    """A ``Device`` by its name, else by the name of its head item (the CPU as the project tree shows it).

    Raises:
        NotFoundError: ``DEVICE_NOT_FOUND``.
    """
    for place in device_places(project):
        device = place.Find(name)
        if device is not None:
            return device
    key = name.casefold()
    for device in all_devices(project):
        head = head_item(device)
        if head is not None and str(head.Name).casefold() == key:
            return device
    raise NotFoundError(f"The device '{name}' was not found in project '{project.Name}'.", code=codes.DEVICE_NOT_FOUND)


def _names(device: Any) -> set[str]:
    """The casefolded names a device is found by: the station's and its head item's."""
    head = head_item(device)
    return {str(device.Name).casefold()} | ({str(head.Name).casefold()} if head is not None else set())


def require_free_device_name(project: Any, name: str, *, current: str | None = None) -> None:
    """Raise AlreadyExistsError ``DEVICE_EXISTS`` when another device (not the one named ``current``) is found by
    ``name``: its station or its head item has that name."""
    key = name.casefold()
    for device in all_devices(project):
        names = _names(device)
        if key in names and (current is None or current.casefold() not in names):
            raise AlreadyExistsError(f"A device named '{name}' already exists.", code=codes.DEVICE_EXISTS)


def rename_device_names(device: Any, name: str, new_name: str) -> None:
    """Give ``new_name`` to what the device was found by as ``name``: the station, its head item, or both (a device
    added through the bridge names them alike, and its CPU's name is the one TIA's project tree shows)."""
    key = name.casefold()
    head = head_item(device)
    if head is not None and str(head.Name).casefold() == key:
        head.Name = new_name
    if str(device.Name).casefold() == key:
        device.Name = new_name


_ARTICLE = "OrderNumber:"
_HEAD_CLASSES = frozenset({"CPU", "HM"})
"""``DeviceItemClassifications`` of the item that carries a station's article: a CPU or a head module."""


def head_item(device: Any) -> Any | None:
    """The device item carrying the station's article, depth first: the first classified CPU/HM, else the first with
    an ``OrderNumber:`` type identifier; None when no item has an article."""
    first_article: Any | None = None

    def walk(items: Any) -> Any | None:
        nonlocal first_article
        for item in items:
            if str(item.TypeIdentifier or "").startswith(_ARTICLE):
                if str(item.Classification.ToString()) in _HEAD_CLASSES:
                    return item
                first_article = first_article if first_article is not None else item
            found = walk(item.DeviceItems)
            if found is not None:
                return found
        return None

    found = walk(device.DeviceItems)
    return found if found is not None else first_article


def article_type_identifier(device: Any) -> str:
    """The type identifier naming the device's article: its own when that is an ``OrderNumber:`` one, else its head
    item's (:func:`head_item`); the device's own (``System:...``, ``GSD:...``) when no item has an article."""
    own = str(device.TypeIdentifier or "")
    if own.startswith(_ARTICLE):
        return own
    head = head_item(device)
    return str(head.TypeIdentifier) if head is not None else own
