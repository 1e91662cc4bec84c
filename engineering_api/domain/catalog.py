"""Hardware catalog operations: article lookup and search, the catalog cache, article images (the ``catalog`` area).

They sit in the reference's "Devices" section, beside :mod:`engineering_api.domain.devices`.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec

from engineering_api.backend import errors as e
from engineering_api.backend.models import CatalogCacheStatus, CatalogItem, CatalogMatch
from engineering_api.domain.devices import SECTION
from engineering_api.jobs.operations import Operation, OperationContext, RouteSpec, read
from engineering_api.lib.schema import CamelStruct

__all__ = ("CATALOG_IMAGE", "OPERATIONS", "FindInput", "SearchInput")


class FindInput(CamelStruct):
    """An exact article number."""

    order_number: str


class SearchInput(CamelStruct):
    """Keywords or part of an article number."""

    query: str
    """Keywords (CPU 1516, ET 200SP) or part of an article number."""
    limit: Annotated[int, msgspec.Meta(ge=1, le=500)] = 25


def _search(ctx: OperationContext, d: SearchInput) -> list[CatalogMatch]:
    # A hit names its source by URL only: the title and notes (a find answers them) were half of every hit, and
    # cut an assistant's view of a 23-hit search after about 10.
    return [msgspec.structs.replace(hit, item=msgspec.structs.replace(hit.item, source=_short(hit.item.source)))
            for hit in ctx.backend.catalog.catalog_search(d.query, d.limit)]


def _short(source: dict[str, str]) -> dict[str, str]:
    return {"url": source["url"]} if source.get("url") else {}


def _catalog_image(ctx: OperationContext, d: FindInput) -> tuple[bytes, str]:
    return ctx.backend.catalog.catalog_image(d.order_number)


CATALOG_IMAGE: Operation[FindInput, tuple[bytes, str]] = Operation(
    name="catalog.image", summary="Image of a catalog article.", section=SECTION, handler=_catalog_image,
    input=FindInput, output=bytes, mutating=False, errors=(e.NotFoundError,),
)
"""Served by a hand-written route because it answers with an image, not the JSON envelope."""

OPERATIONS: tuple[Operation[Any, Any], ...] = (
    Operation(
        name="catalog.find", summary="Find a catalog article by exact article number.", section=SECTION,
        handler=lambda ctx, d: ctx.backend.catalog.catalog_find(d.order_number), input=FindInput, output=CatalogItem,
        route=RouteSpec("POST", "/api/catalog/actions/find-sync"),
        async_route=RouteSpec("POST", "/api/catalog/actions/find"), mutating=False, errors=(e.NotFoundError,),
        example={"orderNumber": "6ES7 214-1AG40-0XB0"},
    ),
    Operation(
        name="catalog.search", summary="Fuzzy search of the catalog by keyword or partial article number.",
        section=SECTION, handler=_search, input=SearchInput, output=list[CatalogMatch],
        route=RouteSpec("POST", "/api/catalog/actions/search-sync"),
        async_route=RouteSpec("POST", "/api/catalog/actions/search"), mutating=False, errors=(e.ValidationError,),
        client_routes=(RouteSpec("POST", "/api/catalog/search"),),
        example={"query": "1214 DC", "limit": 10},
    ),
    read("catalog.cache.status", SECTION, "State of the hardware catalog cache.", "/api/catalog/cache/status",
         lambda ctx, _: ctx.backend.catalog.catalog_cache_status(), None, CatalogCacheStatus),
    Operation(
        name="catalog.cache.load", summary="Load the hardware catalog cache into memory.", section=SECTION,
        handler=lambda ctx, _: ctx.backend.catalog.catalog_cache_load(), input=None, output=CatalogCacheStatus,
        route=RouteSpec("POST", "/api/catalog/cache/load"),
    ),
    Operation(
        name="catalog.cache.build", summary="Rebuild the hardware catalog cache.", section=SECTION,
        handler=lambda ctx, _: ctx.backend.catalog.catalog_cache_build(), input=None, output=CatalogCacheStatus,
        route=RouteSpec("POST", "/api/catalog/cache/build"), long_running=True,
    ),
)
