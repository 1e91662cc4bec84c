"""The bridge's hardware catalog area (``OpennessBackend.catalog``): ``TiaPortal.HardwareCatalog.Find(text)`` ->
``CatalogEntry`` list.

TIA's catalog has one ``CatalogEntry`` per article and firmware version
(``ArticleNumber``, ``Version``, ``TypeIdentifier``, ``CatalogPath``, ``TypeName``, ``Description``); the bridge
groups them by article. Kind and family come from the catalog path (the folders of TIA's catalog task card).
The catalog belongs to a running portal, so these calls need an attached portal (unlike the fake's catalog).
TIA keeps its catalog itself: there is no cache to load or build through Openness, and no article images.
``TiaPortal.HardwareCatalog`` is not in the V15.1-V17 APIs (openness_bridge/reference): there the catalog calls
answer 501 ``NOT_IN_THIS_TIA_VERSION``, and the device area goes on without the catalog (:func:`no_catalog`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

from engineering_api.backend.areas.catalog import CatalogPort
from engineering_api.backend.errors import (
    NotFoundError,
    NotSupportedError,
    ValidationError,
)
from engineering_api.backend.models import CatalogCacheStatus, CatalogItem, CatalogMatch
from engineering_api.errors import codes
from openness_bridge.api_reference import NOT_IN_VERSION, require_member

if TYPE_CHECKING:
    from collections.abc import Callable

    from openness_bridge.portals import PortalLink
    from openness_bridge.session import OpennessRunner

__all__ = ("ArticleFacts", "BridgeCatalog", "kind_from_path", "no_catalog", "require_article")


class ArticleFacts(TypedDict):
    """What TIA's hardware catalog says about one article, over all its firmware versions (plain data)."""

    order: str
    """The article number as TIA writes it."""
    name: str
    kind: str
    """The port's device kind: ``plc``, ``hmi``, ``io-device`` or ``module`` (:func:`kind_from_path`)."""
    family: str
    category: str
    description: str
    path: str
    """The catalog path of the first entry."""
    versions: list[str]
    """Firmware versions, oldest first."""


def require_article(facts: ArticleFacts | None, order_number: str) -> ArticleFacts:
    """``facts``, or ``NotFoundError`` (``ARTICLE_NOT_FOUND``) when TIA's catalog lacks the article."""
    if facts is None:
        raise NotFoundError(
            f"The article number '{order_number}' is not in the hardware catalog of TIA Portal.",
            code=codes.ARTICLE_NOT_FOUND, details={"orderNumber": order_number},
        )
    return facts


def no_catalog(exc: NotSupportedError) -> bool:
    """Whether ``exc`` says this TIA version's Openness has no hardware catalog (rather than another refusal)."""
    return exc.code == NOT_IN_VERSION and exc.details.get("member") == "TiaPortal.HardwareCatalog"


def _key(text: str) -> str:
    """Article numbers compare without spaces and case, as the port promises."""
    return "".join(str(text).split()).upper()


def _canonical(order_number: str) -> str:
    """The article number as TIA's catalog writes it ("6ES7 516-3AN02-0AB0"), from any spacing and case."""
    key = _key(order_number)
    return f"{key[:4]} {key[4:]}" if len(key) > 4 else key


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.lstrip("Vv").split(".") if p.isdigit())


def kind_from_path(path: str) -> tuple[str, str, str]:
    """``(device kind, family, category)`` from a catalog path such as
    ``Controllers/SIMATIC S7-1500/CPU/CPU 1516-3 PN/DP/6ES7 516-3AN02-0AB0``.

    A heuristic over TIA's catalog folders: CPUs are PLCs, the HMI tree holds HMI devices, interface modules of
    distributed I/O are IO devices, everything else is a module plugged into a device.
    """
    # "/" separates the folders, but some folder names hold one themselves ("Distributed I/O", "CPU 1516-3 PN/DP");
    # only the first three levels are read, so the one such name that can stand there is joined back.
    parts = [p for p in path.replace("Distributed I/O", "Distributed I\0O").split("/") if p]
    parts = [p.replace("\0", "/") for p in parts]
    family = parts[1] if len(parts) > 1 else ""
    category = parts[2] if len(parts) > 2 else ""
    if parts and parts[0].startswith("Controller") and category == "CPU":
        kind = "plc"
    elif parts and parts[0] == "HMI":
        kind = "hmi"
    elif "Interface modules" in parts:
        kind = "io-device"
    else:
        kind = "module"
    return kind, family, category


class BridgeCatalog(CatalogPort):
    """TIA's hardware catalog, read through the attached portal.

    Args:
        call: the session's Openness call runner.
        link: the session's attachment: its ``TiaPortal`` (attached again after a lost connection; raises
            PortalUnavailableError) and pid (or None: what is known about an article is kept per portal).
        version: the TIA version of the loaded API (``V17``): V17 and older have no ``TiaPortal.HardwareCatalog``.
    """

    def __init__(self, call: OpennessRunner, *, link: PortalLink, version: Callable[[], str]) -> None:
        self._call = call
        self._version = version
        self._link = link
        self._memo: dict[tuple[int | None, str], ArticleFacts | None] = {}

    def _catalog_find(self, text: str) -> list[Any]:
        require_member(self._version(), "TiaPortal", "HardwareCatalog", "Reading TIA's hardware catalog")
        return list(self._link.connection().HardwareCatalog.Find(text))

    @staticmethod
    def _by_article(entries: list[Any]) -> dict[str, list[Any]]:
        by_article: dict[str, list[Any]] = {}
        for entry in entries:
            by_article.setdefault(_key(entry.ArticleNumber), []).append(entry)
        return by_article

    def article_facts(self, order_number: str) -> ArticleFacts | None:
        """What the catalog says about one article (None when TIA does not know it); call inside the session's
        ``call``."""
        # Plain data, not proxies: TIA's catalog does not change while a portal runs (new hardware support packages
        # need a restart), and device listings ask once per device.
        key = (self._link.pid, _key(order_number))
        if key not in self._memo:
            entries = self._by_article(self._catalog_find(_canonical(order_number))).get(_key(order_number))
            self._memo[key] = self._catalog_facts(entries) if entries else None
        return self._memo[key]

    @staticmethod
    def _catalog_facts(entries: list[Any]) -> ArticleFacts:
        first = entries[0]
        kind, family, category = kind_from_path(str(first.CatalogPath))
        return ArticleFacts(
            order=str(first.ArticleNumber), name=str(first.TypeName or ""), kind=kind, family=family,
            category=category, description=str(first.Description or ""), path=str(first.CatalogPath),
            versions=sorted({str(e.Version) for e in entries}, key=_version_key),
        )

    @staticmethod
    def _catalog_item(facts: ArticleFacts) -> CatalogItem:
        versions = facts["versions"]
        return CatalogItem(
            order_number=facts["order"], name=facts["name"], family=facts["family"], category=facts["category"],
            device_kind=facts["kind"], firmware_versions=versions,
            type_identifier=f"OrderNumber:{facts['order']}" + (f"/{versions[-1]}" if versions else ""),
            description=facts["description"],
            source={"title": "TIA Portal hardware catalog", "catalogPath": facts["path"]},
        )

    def catalog_find(self, order_number: str) -> CatalogItem:
        def run() -> CatalogItem:
            return self._catalog_item(require_article(self.article_facts(order_number), order_number))

        return self._call("HardwareCatalog.Find", run)

    def catalog_search(self, query: str, limit: int) -> list[CatalogMatch]:
        text = query.strip()
        if not text:
            raise ValidationError("The search query must not be empty.", code=codes.EMPTY_QUERY)

        def run() -> list[CatalogMatch]:
            wanted = _key(text)
            matches = []
            for key, entries in self._by_article(self._catalog_find(text)).items():
                facts = self._catalog_facts(entries)
                # TIA's Find already filtered; rank exact article > article prefix > article part > other text.
                score = 1.0 if key == wanted else 0.9 if key.startswith(wanted) else 0.8 if wanted in key else 0.6
                matches.append(CatalogMatch(item=self._catalog_item(facts), score=score))
            matches.sort(key=lambda m: (-m.score, m.item.order_number))
            return matches[: max(limit, 0)]

        return self._call("HardwareCatalog.Find", run)

    @staticmethod
    def _no_cache(what: str) -> NotSupportedError:
        return NotSupportedError(
            f"{what}: TIA Portal keeps its hardware catalog itself, and Openness has no call to load, build or "
            "inspect a catalog cache. Search the catalog directly (catalog search/find), which always reads TIA's "
            "installed catalog.",
            code=codes.NO_OPENNESS_EQUIVALENT,
        )

    def catalog_cache_status(self) -> CatalogCacheStatus:
        raise self._no_cache("Catalog cache status")

    def catalog_cache_load(self) -> CatalogCacheStatus:
        raise self._no_cache("Loading the catalog cache")

    def catalog_cache_build(self) -> CatalogCacheStatus:
        raise self._no_cache("Building the catalog cache")

    def catalog_image(self, order_number: str) -> tuple[bytes, str]:
        raise NotSupportedError(
            "Openness' CatalogEntry carries no picture of the article (only its article number, version, type "
            "identifier, catalog path, type name and description); use Siemens' product pages (SiePortal) for images.",
            code=codes.NO_OPENNESS_EQUIVALENT,
        )
