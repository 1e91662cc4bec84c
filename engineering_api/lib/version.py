"""The installed distribution's version, for ``GET /api/health`` and ``engineering-api --version`` (no import of
the web stack, so the command line starts fast)."""

from __future__ import annotations

from functools import cache
from importlib.metadata import PackageNotFoundError, version

__all__ = ("api_version",)


@cache
def api_version() -> str:
    """The installed distribution's version (``0+unknown`` when run from a tree that is not installed).

    Read once per process: finding it walks every entry of ``sys.path`` and parses the distribution's metadata (about
    a thousand Python calls, on every health check and version request), and the code that answers cannot change
    while the process runs, whatever is installed meanwhile."""
    try:
        return version("engineering-api")
    except PackageNotFoundError:
        return "0+unknown"
