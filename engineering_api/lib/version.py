"""The installed distribution's version, for ``GET /api/health`` and ``engineering-api --version`` (no import of
the web stack, so the command line starts fast)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ("api_version",)


def api_version() -> str:
    """The installed distribution's version (``0+unknown`` when run from a tree that is not installed)."""
    try:
        return version("engineering-api")
    except PackageNotFoundError:
        return "0+unknown"
