"""TIA versions and the Openness namespaces each one uses (../shared/notes/simaticml.md §10).

Only namespaces observed in real exports are listed. A part whose namespace was never seen for a
version (``None``) cannot be generated for it: :func:`namespace_for` raises :class:`VersionError`
instead of guessing. The retargeting itself lives in :mod:`simatic_xml.retarget`.
"""

from __future__ import annotations

from .errors import VersionError

__all__ = (
    "DOCUMENT_INFO_VERSIONS",
    "GENERATION_TARGETS",
    "KNOWN_VERSIONS",
    "NAMESPACES",
    "NS_PREFIX",
    "namespace_for",
    "namespace_part",
    "normalize_version",
    "version_index",
)

NS_PREFIX = "http://www.siemens.com/automation/Openness/SW/"

KNOWN_VERSIONS: tuple[str, ...] = ("V14 SP1", "V16", "V17", "V18", "V19", "V20", "V21")
"""Versions read from the corpus. V15/V15.1 exports were never observed."""

GENERATION_TARGETS: tuple[str, ...] = ("V16", "V17", "V18", "V19", "V20", "V21")
"""Versions a document can be retargeted to."""

DOCUMENT_INFO_VERSIONS: frozenset[str] = frozenset({"V14 SP1", "V16", "V17"})
"""Versions whose exports carry ``<DocumentInfo>`` (all 71 such files; none of the 85 V18+ files)."""

# part -> version -> namespace suffix ("v5"), None where no export of that version showed it.
_OBSERVED: dict[str, dict[str, str | None]] = {
    "Interface": {"V14 SP1": "v2", "V16": "v4", "V17": "v5", "V18": "v5", "V19": "v5", "V20": "v5", "V21": "v5"},
    "NetworkSource/FlgNet": {"V14 SP1": None, "V16": "v4", "V17": "v4", "V18": "v4", "V19": "v5", "V20": "v5",
                             "V21": "v5"},
    "NetworkSource/StructuredText": {
        "V14 SP1": None, "V16": "v3", "V17": "v3", "V18": "v3", "V19": "v4", "V20": "v4", "V21": "v4",
    },
    "NetworkSource/StatementList": {
        "V14 SP1": None, "V16": None, "V17": "v4", "V18": "v4", "V19": None, "V20": None, "V21": None,
    },
    # V19 -> Graph/v5: public export Maxendre/TiaPortal19-Travail-1@91c4c0b "PLC_1/Program blocks/GRAFCET.xml"
    # (<Engineering version="V19" />; issue 13 held-out survey). V20: no GRAPH export seen yet.
    "NetworkSource/Graph": {"V14 SP1": "v1", "V16": "v5", "V17": "v5", "V18": "v5", "V19": "v5", "V20": None,
                            "V21": "v6"},
    # ProDiag supervisions defined in a block's interface (<Supervisions> of an FB), V17 only so far:
    # WillWaywell/JLR.LaserComm.PLC@135f098 "PLC_1/Program blocks/GraphEvaluation.xml" line 574.
    "BlockTypeSupervisions": {
        "V14 SP1": None, "V16": None, "V17": "v3", "V18": None, "V19": None, "V20": None, "V21": None,
    },
    # Technology-object parameter data was seen in V18 exports only.
    "Parameters": {"V14 SP1": None, "V16": None, "V17": None, "V18": "v1", "V19": None, "V20": None, "V21": None},
    "Motion/Axis": {"V14 SP1": None, "V16": None, "V17": None, "V18": "v1", "V19": None, "V20": None, "V21": None},
}

NAMESPACES: dict[str, dict[str, str | None]] = {
    part: {ver: (f"{NS_PREFIX}{part}/{suffix}" if suffix else None) for ver, suffix in table.items()}
    for part, table in _OBSERVED.items()
}
"""``NAMESPACES[part][version]`` is the full namespace URI, or None if never observed."""


def normalize_version(version: str) -> str:
    """Canonical spelling of a TIA version: ``"v19"``, ``"19"``, ``"V19"`` -> ``"V19"``; ``"V14SP1"`` -> ``"V14
    SP1"``."""
    text = version.strip().upper().replace("_", " ")
    if not text.startswith("V"):
        text = "V" + text
    if text.replace(" ", "") == "V14SP1":
        text = "V14 SP1"
    if text not in KNOWN_VERSIONS:
        raise VersionError(f"unknown TIA version {version!r}; known: {', '.join(KNOWN_VERSIONS)}")
    return text


def version_index(version: str) -> int:
    """Position of a version in :data:`KNOWN_VERSIONS`, for ordering comparisons."""
    return KNOWN_VERSIONS.index(normalize_version(version))


def namespace_part(uri: str) -> tuple[str, str] | None:
    """Split a known Openness namespace into (part, suffix), e.g. ``("NetworkSource/FlgNet", "v4")``."""
    if not uri.startswith(NS_PREFIX):
        return None
    part, _, suffix = uri[len(NS_PREFIX) :].rpartition("/")
    if part not in NAMESPACES:
        return None
    return part, suffix


def namespace_for(part: str, version: str) -> str:
    """The namespace URI of ``part`` in ``version``; :class:`VersionError` if none was ever observed."""
    ver = normalize_version(version)
    try:
        uri = NAMESPACES[part][ver]
    except KeyError:
        raise VersionError(f"unknown SimaticML part {part!r}") from None
    if uri is None:
        raise VersionError(f"no {part} namespace is known for TIA {ver} (never observed in a real export)")
    return uri
