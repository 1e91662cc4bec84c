"""The hardware catalog: article lookup and search, its cache, article images.

The fake serves the catalog of :mod:`engineering_api.rules.catalog` with a modelled cache; TIA keeps its catalog
itself (the bridge asks the attached portal's ``HardwareCatalog`` and has no cache or images to offer).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engineering_api.backend.models import CatalogCacheStatus, CatalogItem, CatalogMatch

__all__ = ("CatalogPort",)


class CatalogPort(ABC):
    """The hardware catalog devices and modules are made from (``backend.catalog``)."""

    @abstractmethod
    def catalog_find(self, order_number: str) -> CatalogItem:
        """Exact article-number lookup (spacing and case do not matter).

        Raises:
            NotFoundError: not in the catalog.
        """

    @abstractmethod
    def catalog_search(self, query: str, limit: int) -> list[CatalogMatch]:
        """Fuzzy search by keyword or partial article number, best first.

        Raises:
            ValidationError: empty query.
        """

    @abstractmethod
    def catalog_cache_status(self) -> CatalogCacheStatus:
        """Whether the catalog cache is loaded and what it holds."""

    @abstractmethod
    def catalog_cache_load(self) -> CatalogCacheStatus:
        """Load the catalog cache into memory."""

    @abstractmethod
    def catalog_cache_build(self) -> CatalogCacheStatus:
        """Rebuild the catalog cache from its sources."""

    @abstractmethod
    def catalog_image(self, order_number: str) -> tuple[bytes, str]:
        """An image of the article and its media type.

        Raises:
            NotFoundError: no such article, or no image for it.
        """
