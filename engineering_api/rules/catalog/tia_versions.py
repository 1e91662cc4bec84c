"""Which TIA Portal version can configure which firmware: the first TIA version per firmware, as data.

``tia_versions.json`` (next to this module, not in ``data/``: that folder holds catalog entries) lists per firmware
line (a set of families: S7-1500 and its F/C/T variants with the ET 200SP CPUs, S7-1200, S7-1200 G2) the first TIA
Portal version that configures each firmware, with its Siemens source. HMI devices follow their device version
(``17.0.0.0`` belongs to WinCC V17). Families without a line (interface modules, I/O modules) and modules are not
restricted.
"""

from __future__ import annotations

import functools
import json
import re
from importlib import resources

__all__ = ("first_tia_version", "tia_key")

_TIA = re.compile(r"^V(\d+)(?:\.(\d+))?(?:\s*SP(\d+))?", re.IGNORECASE)
_HMI_VERSION = re.compile(r"^(\d+)\.(\d+)\.\d+\.\d+$")


def tia_key(version: str) -> tuple[int, int]:
    """A sortable key of a TIA Portal version: ``V15.1`` and ``V15 SP1`` are (15, 1), ``V19`` is (19, 0)."""
    match = _TIA.match(version.strip())
    if match is None:
        raise ValueError(f"not a TIA Portal version: {version!r}")
    return int(match.group(1)), int(match.group(2) or match.group(3) or 0)


@functools.cache
def _table() -> tuple[dict[tuple[str, str], str], frozenset[str]]:
    data = json.loads(resources.files(__package__).joinpath("tia_versions.json").read_text(encoding="utf-8"))
    table: dict[tuple[str, str], str] = {}
    for line in data["lines"]:
        for family in line["families"]:
            for row in line["firmware"]:
                tia_key(row["tia"])  # a malformed row fails on load, not on a request
                table[(family, row["firmware"])] = row["tia"]
    return table, frozenset(data["hmiRule"]["families"])


def first_tia_version(family: str, firmware: str, device_kind: str = "plc") -> str | None:
    """The first TIA Portal version that configures ``firmware`` of a ``family`` device; None: not restricted.
    The lines are CPU firmware: modules and interface modules of the same family (``device_kind`` other than
    ``plc``/``hmi``) have firmware of their own and are not restricted."""
    if device_kind not in ("plc", "hmi"):
        return None
    table, hmi = _table()
    found = table.get((family, firmware))
    if found is not None:
        return found
    if family in hmi:
        match = _HMI_VERSION.match(firmware)
        if match is not None:
            major, minor = int(match.group(1)), int(match.group(2))
            return f"V{major}.{minor}" if minor else f"V{major}"
    return None
