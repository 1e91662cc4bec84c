"""Contract: the areas an adapter holds as objects (``backend.reflection``) implement their port ABC whole, and
every port method, held ones named ``area.method``, is a method of the adapter."""

from __future__ import annotations

from engineering_api.backend.port import AREAS, EngineeringBackend, port_method_names

BRIDGE_PENDING: dict[str, str] = {}


def test_each_held_area_is_an_object_implementing_its_port(backend: EngineeringBackend) -> None:
    for area, port in AREAS.items():
        held = getattr(backend, area)
        assert isinstance(held, port), area
        assert not type(held).__abstractmethods__, f"{type(held).__name__} leaves methods of {port.__name__} out"


def test_every_port_method_is_a_method_of_the_adapter(backend: EngineeringBackend) -> None:
    names = port_method_names()
    assert "reflection.plc_services" in names and "create_project" in names and "plc_services" not in names
    for name in names:
        area, _, method = name.rpartition(".")
        owner = getattr(backend, area) if area else backend
        assert callable(getattr(type(owner), method, None)), name


COMPOSED = ("hmi", "hmi_resources", "hmi_graphics", "hmi_unified")
"""The held areas whose objects are built by composition alone (every area, once none is a stack of parts)."""


def test_each_composed_area_inherits_only_its_port(backend: EngineeringBackend) -> None:
    # Its collaborators come in through the constructor; no base class brings state or methods of its own.
    for area in COMPOSED:
        assert type(getattr(backend, area)).__bases__ == (AREAS[area],), area
