"""The stand-in for a slash inside one path segment, and how a path holding it is shown.

:mod:`engineering_api.lib.encoded_paths` routes a name with a slash (``feature%2Frc``) as one segment by writing
that slash as :data:`SEGMENT_SLASH` in the request's path. Everything that shows the path outside the service (an
error body's ``instance``, an audit row) shows it with :func:`shown_path`, as the client wrote it. This module is
apart from ``encoded_paths`` because the error bodies it serves are what ``encoded_paths`` answers with.
"""

from __future__ import annotations

__all__ = ("SEGMENT_SLASH", "shown_path")

SEGMENT_SLASH = "\x1f"
"""Stands for an encoded ``/`` inside one segment between routing and the handler (refused in any decoded path)."""


def shown_path(path: str) -> str:
    """``path`` with each slash kept inside a segment written ``%2F`` again, as the client sent it."""
    return path.replace(SEGMENT_SLASH, "%2F")
