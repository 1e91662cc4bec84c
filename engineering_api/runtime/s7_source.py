"""S7 communication as a runtime data source (``python-snap7``): S7-1200/1500 CPUs with PUT/GET enabled.

A mapping names an absolute address (``DB1.DBD4``, ``DB1.DBX0.1``, ``MW10``, ``I0.0``, ``Q0.1``) and the TIA data
type of the value there; the address's width (X bit, B byte, W word, D double word) must fit the type (B for types
longer than 4 bytes and strings). PUT/GET reaches only absolute addresses, so a DB member needs a DB whose
"Optimized block access" is off (S7-1500 with optimised blocks: use an OPC UA connection). A bulk call is one
connection (rack and slot as configured): reads go together in snap7's multi-variable requests (one item failing:
each is read alone, so the failure is that item's), writes one by one; then a disconnect.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from engineering_api.backend.errors import ValidationError
from engineering_api.errors import codes
from engineering_api.lib.schema import utc_now
from engineering_api.runtime.plc_links import ConnectionFailedError, failed_reading
from engineering_api.runtime.sources import TagReading

if TYPE_CHECKING:
    from engineering_api.runtime.plc_links import OpenConnection, TagMapping

__all__ = ("S7Link", "check_mapping", "s7_tag")

_ADDRESS = re.compile(r"^%?(?:DB\d+\.DB([XBWD])\d+(?:\.[0-7])?|[IQM]([BWD]?)\d+(?:\.[0-7])?)$", re.IGNORECASE)
_WIDTH = {"X": 0, "B": 1, "W": 2, "D": 4}
_BIT = re.compile(r"\d\.[0-7]$")


def s7_tag(mapping: TagMapping) -> Any:
    """The ``snap7`` tag of a mapping.

    Raises:
        ValidationError: ``MAPPING_INVALID``, an address or type snap7 cannot read, or a width that does not fit.
    """
    from snap7.tags import PLC4XTag

    address = (mapping.address or "").strip()
    match = _ADDRESS.match(address.replace(" ", ""))
    if match is None:
        raise ValidationError(f"{mapping.name}: S7 address {address!r} is not one of DB1.DBX0.1, DB1.DBB0, "
                              "DB1.DBW0, DB1.DBD0, M0.0, MW0, I0.0, QW0.", code=codes.MAPPING_INVALID)
    try:
        tag = PLC4XTag.parse(f"{address.lstrip('%')}:{mapping.data_type.strip().upper()}", name=mapping.name)
        size = tag.size
    except ValueError as exc:
        raise ValidationError(f"{mapping.name}: {exc}", code=codes.MAPPING_INVALID) from exc
    letter = (match.group(1) or match.group(2) or "X").upper()  # M0.0, I0.0: a bit without a letter
    is_bool = tag.datatype == "BOOL"
    has_bit = _BIT.search(address) is not None
    width_fits = size == _WIDTH[letter] or (letter == "B" and size > 4)
    if is_bool != has_bit or is_bool != (letter == "X") or (not is_bool and not width_fits):
        raise ValidationError(f"{mapping.name}: {address} does not fit a {mapping.data_type} ({size} bytes).",
                              code=codes.MAPPING_INVALID)
    return tag


def check_mapping(mapping: TagMapping) -> None:
    """Raises ValidationError (``MAPPING_INVALID``) for a mapping an S7 connection cannot serve."""
    if not mapping.address:
        raise ValidationError(f"{mapping.name}: an S7 tag needs address (DB1.DBD4, MW10, ...).",
                              code=codes.MAPPING_INVALID)
    s7_tag(mapping)


class S7Link:
    """Reads and writes one connection's mapped addresses (one connection per call)."""

    def read(self, connection: OpenConnection, tags: list[TagMapping]) -> list[TagReading]:
        return self._session(connection, tags, None)

    def write(self, connection: OpenConnection, items: list[tuple[TagMapping, Any]]) -> list[TagReading]:
        return self._session(connection, [t for t, _v in items], [v for _t, v in items])

    def close(self) -> None:
        """Nothing is kept between calls."""

    def _session(
        self, connection: OpenConnection, tags: list[TagMapping], values: list[Any] | None,
    ) -> list[TagReading]:
        from snap7.client import Client
        from snap7.error import S7Error

        view = connection.view
        client = Client()
        try:
            client.connect(view.host or "", view.rack, view.slot, tcp_port=view.port or 102)
        except (OSError, S7Error, RuntimeError) as exc:
            raise ConnectionFailedError(f"{type(exc).__name__}: {exc}") from exc
        try:
            if values is None:
                together = self._read_together(client, tags)
                if together is not None:
                    return together
            return [self._one(client, tag, values[i] if values is not None else None, values is not None)
                    for i, tag in enumerate(tags)]
        finally:
            try:
                client.disconnect()
            except Exception:  # already gone; nothing to report
                pass

    @staticmethod
    def _read_together(client: Any, tags: list[TagMapping]) -> list[TagReading] | None:
        """All tags in as few PDUs as snap7's multi-variable read packs them; None when any item fails (then each is
        read alone, so each failure is its own item's)."""
        try:
            got = client.read_tags([s7_tag(tag) for tag in tags])
        except Exception:  # any failure: read them one by one, which says which item failed
            return None
        if len(got) != len(tags):
            return None
        stamp = utc_now()
        return [TagReading(tag.name, value if isinstance(value, bool | int | float | str) else str(value),
                           tag.data_type, "Good", stamp) for tag, value in zip(tags, got, strict=True)]

    @staticmethod
    def _one(client: Any, mapping: TagMapping, value: Any, write: bool) -> TagReading:
        from snap7.error import S7Error

        tag = s7_tag(mapping)
        if write:
            if not _fits(tag.datatype, value):
                return failed_reading(mapping, codes.TYPE_MISMATCH, f"{mapping.name} ({mapping.data_type}): "
                                                                f"{value!r} does not fit", 422)
            try:
                client.write_tag(tag, value)
            except (ValueError, TypeError, OverflowError) as exc:
                return failed_reading(mapping, codes.TYPE_MISMATCH, f"{mapping.name} ({mapping.data_type}): {exc}", 422)
            except S7Error as exc:
                return _refused(mapping, exc)
        try:
            got = client.read_tag(tag)
        except S7Error as exc:
            return _refused(mapping, exc)
        except OSError as exc:
            raise ConnectionFailedError(f"{type(exc).__name__}: {exc}") from exc
        return TagReading(mapping.name, got if isinstance(got, bool | int | float | str) else str(got),
                          mapping.data_type, "Good", utc_now())


def _fits(datatype: str, value: Any) -> bool:
    if datatype == "BOOL":
        return isinstance(value, bool)
    if datatype in ("REAL", "LREAL"):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if datatype.startswith(("STRING", "WSTRING", "CHAR", "WCHAR")):
        return isinstance(value, str)
    return isinstance(value, int) and not isinstance(value, bool)


def _refused(mapping: TagMapping, exc: Exception) -> TagReading:
    # The CPU refuses an address it does not have (no such DB, past its end) or PUT/GET when it is not enabled.
    text = f"{mapping.name}: the CPU refused {mapping.address}: {exc}"
    missing = any(word in str(exc).lower() for word in ("does not exist", "address", "out of range"))
    return failed_reading(mapping, "TAG_NOT_FOUND" if missing else "RUNTIME_FAULT", text, 404 if missing else 500)
