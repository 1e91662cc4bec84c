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


def test_each_held_area_class_has_one_base_its_port_or_a_refinement_of_it(backend: EngineeringBackend) -> None:
    for area, port in AREAS.items():
        bases = type(getattr(backend, area)).__bases__
        assert len(bases) == 1, f"{area}: {type(getattr(backend, area)).__name__} has the bases {bases}"
        (base,) = bases
        # the port itself, or an abstract refinement the port's package declares (BlocksWithGeneration)
        assert base is port or (issubclass(base, port) and base.__module__.startswith("engineering_api.backend.")), (
            f"{area}: {base.__name__} is neither {port.__name__} nor a refinement of it")
