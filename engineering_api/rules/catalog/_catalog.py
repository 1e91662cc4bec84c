"""Hardware catalog of the fake TIA backend: real SIMATIC article numbers, firmware and slot rules.

The data lives in ``data/*.json`` (one file per product family), every entry with a public source.
TIA Portal names a catalog item by its *type identifier*, ``OrderNumber:<article number>/<version>``,
for example ``OrderNumber:6ES7 214-1AG40-0XB0/V4.6`` for a controller or
``OrderNumber:6AV2 124-0GC01-0AX0/17.0.0.0`` for an HMI panel (HMI device versions have four parts).
Some HMI items are filed in TIA under a wildcard article number (``6AV2 128-3GB06-0AXx``); such entries
carry ``typeIdentifierOrderNumber`` and the type identifier is built from it.

Pure Python, no web imports: the API layer turns entries into responses with :meth:`CatalogEntry.to_dict`.
The package (:mod:`engineering_api.rules.catalog`) names the public part in its ``__all__``.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any
from xml.sax.saxutils import escape

ORDER_NUMBER_RE = re.compile(r"(?:6ES7|6AV2|6GK7|6EP1|6AG1|6AV6|6ES5) \d{3}-[0-9A-Z]{5}-[0-9A-Z]{4}\Z", re.ASCII)
TYPE_ORDER_NUMBER_RE = re.compile(r"(?:6ES7|6AV2|6GK7|6EP1|6AG1|6AV6|6ES5) \d{3}-[0-9A-Z]{5}-[0-9A-Za-z]{4}\Z",
                                  re.ASCII)
FIRMWARE_RE = re.compile(r"^(?:V\d+\.\d+|\d+\.\d+\.\d+\.\d+)$")
URL_RE = re.compile(r"^https?://\S+$")
DEVICE_KINDS = frozenset({"plc", "hmi", "io-device", "module"})
HEAD_KINDS = frozenset({"plc", "io-device"})
SLOT_KINDS = frozenset({"signal", "communication", "power", "server"})
_REQUIRED = ("orderNumber", "name", "family", "category", "deviceKind", "firmwareVersions", "description", "source")
_FAMILY_COLOURS = {  # drawing colour per family for image_svg
    "S7-1200": "#2f7d5b", "S7-1200F": "#b8860b", "S7-1200 G2": "#1f6f8b", "S7-1500": "#34495e",
    "S7-1500F": "#c0392b", "S7-1500T": "#6c3483", "S7-1500C": "#2e4053", "ET 200SP": "#117864",
    "ET 200SP CPU": "#0e6655", "HMI Comfort": "#1a5276", "HMI Unified Comfort": "#154360", "HMI Basic": "#5d6d7e",
}


class CatalogError(ValueError):
    """The packaged catalog data is malformed (raised on load, naming the file and entry)."""


class UnknownArticleError(LookupError):
    """No catalog entry has the requested article number."""


class UnknownFirmwareError(LookupError):
    """The article exists, but not with the requested firmware version."""


class FirmwareNeedsNewerTiaError(LookupError):
    """The firmware exists, but the project's TIA Portal version cannot configure it (``minimum`` can)."""

    def __init__(self, message: str, minimum: str, usable: tuple[str, ...]) -> None:
        super().__init__(message)
        self.minimum = minimum
        self.usable = usable
        """Firmware versions of the article the project's TIA version can configure (oldest first)."""


def normalize_order_number(text: str) -> str:
    """Return the article number reduced to upper-case letters and digits: ``6ES72141AG400XB0``."""
    return re.sub(r"[^0-9A-Za-z]", "", text).upper()


def _holds_foreign_character(text: str) -> bool:
    """Whether ``text`` holds a character no article number has, whatever separates its blocks: a control or an
    invisible format character (Unicode categories Cc, Cf), or a letter or digit outside ASCII (a digit of another
    script, a Cyrillic letter that looks Latin). Lookup drops every character but letters and digits
    (:func:`normalize_order_number`), so without this ``6\\x0bES7 516-3AN02-0AB0`` would find the CPU; any other
    separator a client writes (a no-break space, a non-breaking hyphen, an en-dash, a dot) is dropped as a blank or
    a hyphen is, and the exact match on what remains decides."""
    return any(unicodedata.category(ch) in ("Cc", "Cf") or (ch.isalnum() and not ch.isascii()) for ch in text)


def _split_type_identifier(text: str) -> tuple[str, str | None]:
    """Split ``OrderNumber:<number>/<version>`` (prefix and version optional) into number and version."""
    value = text.strip(" ")  # blanks only: a control character is not trimmed away (_holds_foreign_character)
    if value.lower().startswith("ordernumber:"):
        value = value[len("ordernumber:"):]
    number, sep, version = value.partition("/")
    return number.strip(" "), (version.strip(" ") or None) if sep else None


@dataclass(frozen=True)
class Interface:
    """A network interface of a device (PROFINET, PROFIBUS, MPI/PROFIBUS) and its port count."""

    name: str
    type: str
    ports: int

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "ports": self.ports}


def _slot_range(value: Any) -> tuple[int, ...]:
    """``[first, last]`` -> the inclusive slot numbers; ``[]``/missing -> no slots."""
    if not value:
        return ()
    first, last = value
    return tuple(range(int(first), int(last) + 1))


@dataclass(frozen=True)
class SlotRules:
    """Where a head device (CPU or interface module) takes modules, per slot kind."""

    own_slot: int
    module_slots: tuple[int, ...] = ()
    communication_slots: tuple[int, ...] = ()
    power_slots: tuple[int, ...] = ()
    server_slots: tuple[int, ...] = ()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SlotRules:
        return cls(
            own_slot=int(data["ownSlot"]),
            module_slots=_slot_range(data.get("moduleSlots")),
            communication_slots=_slot_range(data.get("communicationSlots")),
            power_slots=_slot_range(data.get("powerSlots")),
            server_slots=_slot_range(data.get("serverSlots")),
        )

    def slots_for(self, slot_kind: str | None) -> tuple[int, ...]:
        """Slots open to a module of ``slot_kind``; communication modules share the module slots where
        the family has no dedicated communication slots (S7-1500, ET 200SP)."""
        if slot_kind == "signal":
            return self.module_slots
        if slot_kind == "communication":
            return self.communication_slots or self.module_slots
        if slot_kind == "power":
            return self.power_slots
        if slot_kind == "server":
            return self.server_slots
        return ()

    def to_dict(self) -> dict[str, Any]:
        def span(slots: tuple[int, ...]) -> list[int]:
            return [slots[0], slots[-1]] if slots else []

        return {
            "ownSlot": self.own_slot,
            "moduleSlots": span(self.module_slots),
            "communicationSlots": span(self.communication_slots),
            "powerSlots": span(self.power_slots),
            "serverSlots": span(self.server_slots),
        }


@dataclass(frozen=True)
class CatalogEntry:
    """One orderable SIMATIC product with the firmware versions TIA offers for it (newest last)."""

    order_number: str
    name: str
    family: str
    category: str
    device_kind: str
    firmware_versions: tuple[str, ...]
    description: str
    interfaces: tuple[Interface, ...]
    slot_rules: SlotRules | None
    slot_kind: str | None
    fits_families: tuple[str, ...]
    source_title: str
    source_url: str
    source_notes: str = ""
    type_order_number: str | None = None

    @property
    def newest_firmware(self) -> str:
        return self.firmware_versions[-1]

    @property
    def is_head(self) -> bool:
        """True for devices that take modules (CPUs, interface modules)."""
        return self.device_kind in HEAD_KINDS

    def type_identifier(self, version: str | None = None) -> str:
        """``OrderNumber:<number>/<version>``; the newest firmware unless ``version`` is given."""
        chosen = self.newest_firmware if version is None else self.match_firmware(version)
        if chosen is None:
            raise UnknownFirmwareError(_firmware_message(self, version or ""))
        return f"OrderNumber:{self.type_order_number or self.order_number}/{chosen}"

    def match_firmware(self, version: str) -> str | None:
        """The catalog spelling of ``version`` (``4.5``, ``v4.5`` -> ``V4.5``), or None."""
        wanted = version.strip().upper()
        for known in self.firmware_versions:
            if wanted in (known.upper(), "V" + known.upper()) or "V" + wanted == known.upper():
                return known
        return None

    def to_dict(self) -> dict[str, Any]:
        """camelCase view for the API."""
        return {
            "orderNumber": self.order_number,
            "name": self.name,
            "family": self.family,
            "category": self.category,
            "deviceKind": self.device_kind,
            "firmwareVersions": list(self.firmware_versions),
            "typeIdentifier": self.type_identifier(),
            "typeIdentifiers": [self.type_identifier(v) for v in self.firmware_versions],
            "description": self.description,
            "interfaces": [i.to_dict() for i in self.interfaces],
            "slotRules": self.slot_rules.to_dict() if self.slot_rules else None,
            "slotKind": self.slot_kind,
            "fitsFamilies": list(self.fits_families),
            "source": {"title": self.source_title, "url": self.source_url, "notes": self.source_notes},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str = "entry") -> CatalogEntry:
        """Build and validate one entry from its JSON form; raise :class:`CatalogError` naming ``where``."""

        def fail(problem: str) -> CatalogError:
            return CatalogError(f"{where} ({data.get('orderNumber', '?')}): {problem}")

        missing = [key for key in _REQUIRED if not data.get(key)]
        if missing:
            raise fail(f"missing or empty field(s): {', '.join(missing)}")
        number = data["orderNumber"]
        if not ORDER_NUMBER_RE.match(number):
            raise fail("order number does not match the SIMATIC format '6XXn nnn-nnnnn-nnnn'")
        type_number = data.get("typeIdentifierOrderNumber")
        if type_number is not None and not TYPE_ORDER_NUMBER_RE.match(type_number):
            raise fail("typeIdentifierOrderNumber has an invalid format")
        versions = data["firmwareVersions"]
        if not isinstance(versions, list) or not all(isinstance(v, str) and FIRMWARE_RE.match(v) for v in versions):
            raise fail("firmwareVersions must be a list like ['V4.5'] or ['17.0.0.0']")
        if len(set(versions)) != len(versions):
            raise fail("duplicate firmware versions")
        kind = data["deviceKind"]
        if kind not in DEVICE_KINDS:
            raise fail(f"deviceKind must be one of {sorted(DEVICE_KINDS)}")
        source = data["source"]
        if not isinstance(source, Mapping) or not source.get("title") or not URL_RE.match(str(source.get("url", ""))):
            raise fail("source needs a title and an http(s) url")
        rules = data.get("slotRules")
        if kind in HEAD_KINDS and not rules:
            raise fail("head devices (plc, io-device) need slotRules")
        slot_kind = data.get("slotKind")
        if kind == "module" and (slot_kind not in SLOT_KINDS or not data.get("fitsFamilies")):
            raise fail(f"modules need slotKind in {sorted(SLOT_KINDS)} and fitsFamilies")
        try:
            interfaces = tuple(
                Interface(str(i["name"]), str(i["type"]), int(i["ports"])) for i in data.get("interfaces") or ()
            )
            slot_rules = SlotRules.from_dict(rules) if rules else None
        except (KeyError, TypeError, ValueError) as exc:
            raise fail(f"bad interfaces or slotRules: {exc}") from exc
        return cls(
            order_number=number,
            name=data["name"],
            family=data["family"],
            category=data["category"],
            device_kind=kind,
            firmware_versions=tuple(versions),
            description=data["description"],
            interfaces=interfaces,
            slot_rules=slot_rules,
            slot_kind=slot_kind if kind == "module" else None,
            fits_families=tuple(data.get("fitsFamilies") or ()),
            source_title=str(source["title"]),
            source_url=str(source["url"]),
            source_notes=str(source.get("notes") or ""),
            type_order_number=type_number,
        )


def _firmware_message(entry: CatalogEntry, version: str) -> str:
    return (
        f"{entry.name} ({entry.order_number}) has no firmware version '{version}'; "
        f"available versions: {', '.join(entry.firmware_versions)}"
    )


class HardwareCatalog:
    """Read-only lookup over catalog entries: exact find, ranked search, firmware resolution, slots."""

    def __init__(self, entries: Iterable[CatalogEntry]) -> None:
        self._entries = tuple(sorted(entries, key=lambda e: (e.family, e.order_number)))
        self._by_number: dict[str, CatalogEntry] = {}
        for entry in self._entries:
            keys = {normalize_order_number(entry.order_number)}
            if entry.type_order_number:
                keys.add(normalize_order_number(entry.type_order_number))
            for key in keys:
                if key in self._by_number:
                    raise CatalogError(f"duplicate order number {entry.order_number}")
                self._by_number[key] = entry

    @classmethod
    def load(cls) -> HardwareCatalog:
        """Read and validate every packaged ``data/*.json`` file."""
        entries: list[CatalogEntry] = []
        data_dir = resources.files(__package__).joinpath("data")
        for item in sorted(data_dir.iterdir(), key=lambda p: p.name):
            if not item.name.endswith(".json"):
                continue
            try:
                document = json.loads(item.read_text(encoding="utf-8"))
            except json.JSONDecodeError as exc:
                raise CatalogError(f"{item.name}: invalid JSON: {exc}") from exc
            rows = document.get("entries") if isinstance(document, dict) else None
            if not isinstance(rows, list):
                raise CatalogError(f"{item.name}: expected an object with an 'entries' list")
            entries.extend(CatalogEntry.from_dict(row, f"{item.name}[{index}]") for index, row in enumerate(rows))
        return cls(entries)

    @property
    def entries(self) -> tuple[CatalogEntry, ...]:
        """All entries, sorted by family and order number."""
        return self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def find(self, order_number: str) -> CatalogEntry | None:
        """Exact lookup, tolerant of spacing, case, an ``OrderNumber:`` prefix and a ``/version`` suffix; a text
        holding a character no article number has (:func:`_holds_foreign_character`) finds nothing."""
        number, _ = _split_type_identifier(order_number)
        if _holds_foreign_character(number):
            return None
        return self._by_number.get(normalize_order_number(number))

    def resolve(self, order_number: str, version: str | None = None, *,
                tia_version: str | None = None) -> tuple[CatalogEntry, str]:
        """Return the entry and the firmware version (newest when none is given or embedded).

        With ``tia_version`` (the project's), the firmware must be one that TIA version configures
        (:mod:`engineering_api.rules.catalog.tia_versions`), and the default is the newest such firmware, as TIA's own
        catalog offers no newer one. Raises :class:`FirmwareNeedsNewerTiaError` otherwise."""
        if tia_version is not None:
            entry, chosen = self.resolve(order_number, version)
            if version is None and _split_type_identifier(order_number)[1] is None:
                usable = self.usable_firmware(entry, tia_version)
                if usable:
                    return entry, usable[-1]
                chosen = entry.firmware_versions[0]  # the refusal names the first TIA version with this device
            self.check_firmware(entry, chosen, tia_version)
            return entry, chosen
        number, embedded = _split_type_identifier(order_number)
        found = self.find(number)
        if found is None:
            raise UnknownArticleError(
                f"unknown article number {order_number!r}: not in the hardware catalog "
                f"({len(self._entries)} entries); search the catalog for similar numbers"
            )
        wanted = version if version is not None else embedded
        if wanted is None:
            return found, found.newest_firmware
        matched = found.match_firmware(wanted)
        if matched is None:
            raise UnknownFirmwareError(_firmware_message(found, wanted))
        return found, matched

    def usable_firmware(self, entry: CatalogEntry, tia_version: str) -> tuple[str, ...]:
        """The firmware versions of ``entry`` that TIA Portal ``tia_version`` configures (oldest first)."""
        from engineering_api.rules.catalog.tia_versions import first_tia_version, tia_key

        limit = tia_key(tia_version)
        return tuple(v for v in entry.firmware_versions
                     if (first := first_tia_version(entry.family, v, entry.device_kind)) is None
                     or tia_key(first) <= limit)

    def check_firmware(self, entry: CatalogEntry, firmware: str, tia_version: str) -> None:
        """Raise :class:`FirmwareNeedsNewerTiaError` when TIA Portal ``tia_version`` cannot configure ``firmware``."""
        from engineering_api.rules.catalog.tia_versions import first_tia_version, tia_key

        first = first_tia_version(entry.family, firmware, entry.device_kind)
        if first is None or tia_key(first) <= tia_key(tia_version):
            return
        usable = self.usable_firmware(entry, tia_version)
        hint = f" (firmware this version can configure: {', '.join(usable)})" if usable else ""
        raise FirmwareNeedsNewerTiaError(
            f"{entry.name} ({entry.order_number}) firmware {firmware} needs TIA Portal {first} or later; "
            f"the project is TIA Portal {tia_version}{hint}.", first, usable)

    def search(self, query: str, limit: int = 50) -> list[tuple[CatalogEntry, float]]:
        """Rank entries for ``query``: exact number (1.0) > number prefix (0.9+) > all words present
        (0.6-0.85) > fuzzy similarity (< 0.5). Case-insensitive; an empty query is a ValueError."""
        text = query.strip() if isinstance(query, str) else ""
        if not text:
            raise ValueError("search query must not be empty")
        if limit <= 0:
            return []
        scored = [(entry, score) for entry in self._entries if (score := _score(entry, text)) > 0]
        scored.sort(key=lambda pair: (-pair[1], pair[0].order_number))
        return scored[:limit]

    def compatible_slots(self, head: CatalogEntry, module: CatalogEntry, occupied: Iterable[int] = ()) -> list[int]:
        """Free slots of ``head`` where ``module`` may be plugged; [] if it does not fit at all."""
        if head.slot_rules is None or module.device_kind != "module" or head.family not in module.fits_families:
            return []
        taken = set(occupied) | {head.slot_rules.own_slot}
        return [slot for slot in head.slot_rules.slots_for(module.slot_kind) if slot not in taken]

    def image_svg(self, order_number: str) -> str | None:
        """A small generated SVG drawing of the device, or None for an unknown article number."""
        entry = self.find(order_number)
        if entry is None:
            return None
        colour = _FAMILY_COLOURS.get(entry.family, "#566573")
        attr = {'"': "&quot;"}
        return (
            '<svg xmlns="http://www.w3.org/2000/svg" width="240" height="120" viewBox="0 0 240 120" role="img" '
            f'aria-label="{escape(entry.name, attr)}">'
            f'<rect x="4" y="4" width="232" height="112" rx="8" fill="{colour}" stroke="#1b2631" stroke-width="2"/>'
            '<rect x="14" y="14" width="212" height="6" fill="#d5dbdb" opacity="0.6"/>'
            f'<text x="120" y="52" fill="#ffffff" font-family="sans-serif" font-size="15" text-anchor="middle">'
            f"{escape(entry.name)}</text>"
            f'<text x="120" y="76" fill="#eaeded" font-family="monospace" font-size="12" text-anchor="middle">'
            f"{escape(entry.order_number)}</text>"
            f'<text x="120" y="100" fill="#d5dbdb" font-family="sans-serif" font-size="10" text-anchor="middle">'
            f"{escape(entry.family)} · {escape(entry.category)}</text>"
            "</svg>"
        )

    def stats(self) -> dict[str, Any]:
        """Counts per family, category and device kind (for a cache-status style route)."""
        return {
            "entries": len(self._entries),
            "families": dict(sorted(Counter(e.family for e in self._entries).items())),
            "categories": dict(sorted(Counter(e.category for e in self._entries).items())),
            "deviceKinds": dict(sorted(Counter(e.device_kind for e in self._entries).items())),
        }


def _score(entry: CatalogEntry, query: str) -> float:
    """Relevance of ``entry`` for ``query`` in [0, 1]; 0 means no match."""
    wanted = normalize_order_number(query)
    numbers = {normalize_order_number(entry.order_number)}
    if entry.type_order_number:
        numbers.add(normalize_order_number(entry.type_order_number))
    if wanted and wanted in numbers:
        return 1.0
    if len(wanted) >= 4 and any(n.startswith(wanted) for n in numbers):
        return 0.9 + 0.09 * len(wanted) / max(len(n) for n in numbers)
    words = query.lower().split()
    name = entry.name.lower()
    haystack = " ".join((name, entry.family, entry.category, entry.description, entry.order_number)).lower()
    if all(word in haystack for word in words):
        parts = re.findall(r"[a-z]+|\d+", name)
        in_name = sum(word in name for word in words) / len(words)
        prefixed = sum(any(p.startswith(word) for p in parts) for word in words) / len(words)
        return 0.6 + 0.15 * in_name + 0.1 * prefixed
    ratio = max(
        difflib.SequenceMatcher(None, query.lower(), name).ratio(),
        difflib.SequenceMatcher(None, wanted, min(numbers)).ratio() if len(wanted) >= 4 else 0.0,
    )
    return round(0.5 * ratio, 4) if ratio >= 0.6 else 0.0


@functools.cache
def default_catalog() -> HardwareCatalog:
    """The packaged catalog, loaded and validated once per process."""
    return HardwareCatalog.load()
