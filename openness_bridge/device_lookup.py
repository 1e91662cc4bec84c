"""Finding a project's devices over Openness, for every part of the bridge that names one.

Devices live in three places: ``Project.Devices`` (top level), ``Project.UngroupedDevicesGroup.Devices`` and the
device user groups (``Project.DeviceGroups``, each with ``Devices`` and nested ``Groups``). ``Find`` looks one
level deep, so every lookup walks all three. TIA compares device names without regard to case.
"""

from __future__ import annotations

from typing import Any

from engineering_api.backend.errors import AlreadyExistsError, NotFoundError

__all__ = ("all_devices", "device_places", "find_device", "require_free_device_name")


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
