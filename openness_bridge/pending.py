"""Port methods the bridge does not implement yet (issue 6 is delivered in slices).

Each raises :class:`NotSupportedError` with code ``BRIDGE_NOT_YET_IMPLEMENTED`` and names the method, so a
client sees at once that the bridge, not TIA, is missing the feature. Shrink this list as areas land;
``tests/bridge/test_pending.py`` checks it matches the port exactly.
"""

from __future__ import annotations

from typing import Any, NoReturn

from engineering_api.backend.errors import NotSupportedError

__all__ = ("ALL_PENDING", "NOT_YET_IMPLEMENTED", "PendingMethods")

NOT_YET_IMPLEMENTED: tuple[str, ...] = (
    # portal management
    "whitelist_application",
    # projects
    "archive_project", "retrieve_project", "project_history", "remove_history_entry", "project_infrastructure",
    "set_simulation_support", "index_project",
    # devices and hardware
    "rename_device", "delete_device", "configure_network", "compile_hardware", "parking_lot", "clear_parking_lot",
    "compatible_slots", "export_hardware", "import_hardware",
    # hardware catalog
    "catalog_find", "catalog_search", "catalog_cache_status", "catalog_cache_load", "catalog_cache_build",
    "catalog_image",
)
"""Methods of ``EngineeringBackend`` itself; the area ports (blocks, tags, types, simulation, online, watch, and
compile except the methods in ``IMPLEMENTED_AREA_METHODS``) are added by :func:`_area_methods`."""


def _area_methods() -> tuple[str, ...]:
    from engineering_api.backend.areas.blocks import BlocksPort
    from engineering_api.backend.areas.compile import CompilePort
    from engineering_api.backend.areas.online import OnlinePort
    from engineering_api.backend.areas.simulation import SimulationPort
    from engineering_api.backend.areas.tags import TagsPort
    from engineering_api.backend.areas.types import TypesPort
    from engineering_api.backend.areas.watch import WatchTablesPort

    names: set[str] = set()
    for port in (BlocksPort, CompilePort, OnlinePort, SimulationPort, TagsPort, TypesPort, WatchTablesPort):
        names |= set(getattr(port, "__abstractmethods__", ()))
    return tuple(sorted(names))


def _pending(name: str) -> Any:
    def method(self: Any, *args: Any, **kwargs: Any) -> NoReturn:
        raise NotSupportedError(
            f"The Openness bridge does not implement '{name}' yet (issue 6 is delivered in slices; this build "
            "covers portals, projects, listing/adding devices, compiling PLC software and importing/listing/exporting blocks and PLC data types). Use --backend fake for this operation.",
            code="BRIDGE_NOT_YET_IMPLEMENTED",
            details={"method": name},
        )

    method.__name__ = name
    method.__doc__ = "Not implemented in the bridge yet: raises NotSupportedError (BRIDGE_NOT_YET_IMPLEMENTED)."
    return method


IMPLEMENTED_AREA_METHODS: tuple[str, ...] = ("compile_block", "compile_software")
"""Area-port methods the bridge implements already (second slice: compile)."""

ALL_PENDING: tuple[str, ...] = tuple(sorted((set(NOT_YET_IMPLEMENTED) | set(_area_methods())) - set(IMPLEMENTED_AREA_METHODS)))
"""Every pending method name, port and areas."""

PendingMethods = type(
    "PendingMethods", (), {"__doc__": "Stand-ins raising NotSupportedError for unimplemented port methods.",
                           **{name: _pending(name) for name in ALL_PENDING}},
)
