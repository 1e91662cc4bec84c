"""The installed distribution's version, for ``GET /api/health`` and ``engineering-api --version``, and its
documentation address, for a SARIF log's ``informationUri`` (no import of the web stack, so the command line starts
fast)."""

from __future__ import annotations

from functools import cache
from importlib.metadata import PackageNotFoundError, metadata, version

__all__ = ("DEFAULT_DOCUMENTATION_URI", "api_version", "documentation_uri")

_DISTRIBUTION = "engineering-api"
DEFAULT_DOCUMENTATION_URI = "urn:engineering-api:docs"
"""The tool's documentation when the installed distribution names no address (``project.urls`` in pyproject.toml):
a stable, absolute URI that names it (docs/cli.md says so), as SARIF's ``informationUri`` must be absolute."""
_LABELS = ("documentation", "homepage")
"""The ``project.urls`` labels taken as the documentation's address, in order of preference."""


@cache
def api_version() -> str:
    """The installed distribution's version (``0+unknown`` when run from a tree that is not installed).

    Read once per process: finding it walks every entry of ``sys.path`` and parses the distribution's metadata (about
    a thousand Python calls, on every health check and version request), and the code that answers cannot change
    while the process runs, whatever is installed meanwhile."""
    try:
        return version(_DISTRIBUTION)
    except PackageNotFoundError:
        return "0+unknown"


@cache
def documentation_uri() -> str:
    """The documentation's address from the installed distribution's metadata (``project.urls``: ``Documentation``,
    else ``Homepage``), else :data:`DEFAULT_DOCUMENTATION_URI`. Read once per process, as :func:`api_version`."""
    try:
        found = metadata(_DISTRIBUTION).get_all("Project-URL") or []
    except PackageNotFoundError:
        found = []
    # each value is "label, URL" (core metadata 1.2); labels are compared as PEP 753 normalises them
    urls = {label.strip().lower().replace("-", "").replace("_", ""): url.strip()
            for label, _, url in (entry.partition(",") for entry in found) if url.strip()}
    return next((urls[label] for label in _LABELS if label in urls), DEFAULT_DOCUMENTATION_URI)
