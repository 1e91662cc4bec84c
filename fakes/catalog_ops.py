"""The fake backend's hardware catalog area (``FakeBackend.catalog``): lookups over :mod:`engineering_api.rules.catalog`
with a modelled cache."""

from __future__ import annotations

from engineering_api.backend.areas.catalog import CatalogPort
from engineering_api.backend.errors import NotFoundError, ValidationError
from engineering_api.backend.models import CatalogCacheStatus, CatalogItem, CatalogMatch
from engineering_api.errors import codes
from engineering_api.lib.schema import utc_now
from engineering_api.rules.catalog import CatalogEntry, HardwareCatalog

__all__ = ("FakeCatalog", "catalog_item", "find_entry")


def catalog_item(entry: CatalogEntry) -> CatalogItem:
    """The port's view of a catalog entry."""
    return CatalogItem(
        order_number=entry.order_number, name=entry.name, family=entry.family, category=entry.category,
        device_kind=entry.device_kind, firmware_versions=list(entry.firmware_versions),
        type_identifier=entry.type_identifier(), description=entry.description,
        source={"title": entry.source_title, "url": entry.source_url, "notes": entry.source_notes},
    )


def find_entry(catalog: HardwareCatalog, order_number: str) -> CatalogEntry:
    """The entry of an article number; ``NotFoundError`` (``ARTICLE_NOT_FOUND``) when the catalog lacks it."""
    entry = catalog.find(order_number)
    if entry is None:
        raise NotFoundError(
            f"The article number '{order_number}' was not found in the hardware catalog.", code=codes.ARTICLE_NOT_FOUND
        )
    return entry


class FakeCatalog(CatalogPort):
    """The hardware catalog of :mod:`engineering_api.rules.catalog`; TIA builds a catalog cache on first use, so does
    this model."""

    def __init__(self) -> None:
        self._catalog: HardwareCatalog | None = None
        self._built_at: str | None = None
        self._loaded_at: str | None = None

    def loaded(self) -> HardwareCatalog:
        """The catalog, loaded on first use (what the devices and security areas read)."""
        if self._catalog is None:
            self.catalog_cache_load()
        assert self._catalog is not None
        return self._catalog

    def _find(self, order_number: str) -> CatalogEntry:
        return find_entry(self.loaded(), order_number)

    def catalog_find(self, order_number: str) -> CatalogItem:
        return catalog_item(self._find(order_number))

    def catalog_search(self, query: str, limit: int) -> list[CatalogMatch]:
        if not query or not query.strip():
            raise ValidationError("The search query must not be empty.", code=codes.EMPTY_QUERY)
        return [
            CatalogMatch(item=catalog_item(entry), score=round(score, 4))
            for entry, score in self.loaded().search(query, limit=limit)
        ]

    def catalog_cache_status(self) -> CatalogCacheStatus:
        if self._catalog is None:
            return CatalogCacheStatus(loaded=False, entry_count=0, built_at=self._built_at)
        stats = self._catalog.stats()
        return CatalogCacheStatus(
            loaded=True, entry_count=len(self._catalog.entries), built_at=self._built_at, loaded_at=self._loaded_at,
            families=dict(stats.get("families", {})),
        )

    def catalog_cache_load(self) -> CatalogCacheStatus:
        if self._catalog is None:
            self._catalog = HardwareCatalog.load()
            self._loaded_at = utc_now()
            self._built_at = self._built_at or self._loaded_at
        return self.catalog_cache_status()

    def catalog_cache_build(self) -> CatalogCacheStatus:
        self._catalog = HardwareCatalog.load()
        self._built_at = self._loaded_at = utc_now()
        return self.catalog_cache_status()

    def catalog_image(self, order_number: str) -> tuple[bytes, str]:
        entry = self._find(order_number)
        svg = self.loaded().image_svg(entry.order_number)
        if svg is None:
            raise NotFoundError(f"No image is available for '{order_number}'.", code=codes.IMAGE_NOT_FOUND)
        return svg.encode("utf-8"), "image/svg+xml"
