"""The version rule of an imported SimaticML document, as every import area applies it: a project takes documents
exported by its own TIA Portal version or an older one, never by a newer one (SimaticML is not forward compatible)."""

from __future__ import annotations

import re

from engineering_api.backend.errors import ValidationError
from engineering_api.errors import codes

__all__ = ("check_not_newer", "version_number")

_VERSION = re.compile(r"V(\d+)(?:SP(\d+))?")


def version_number(version: str) -> float:
    """``19.0`` for ``V19``, ``14.1`` for ``V14 SP1``; 0 for a text that names no version."""
    match = _VERSION.match(version.replace(" ", "").upper())
    return int(match.group(1)) + int(match.group(2) or 0) / 10 if match else 0.0


def check_not_newer(source: str, document_version: str, project_version: str) -> None:
    """Refuse the document ``source``, exported by TIA Portal ``document_version``, for a ``project_version``
    project when it is newer.

    Raises:
        ValidationError: ``NEWER_VERSION``.
    """
    if version_number(document_version) > version_number(project_version):
        raise ValidationError(f"{source} was exported by TIA Portal {document_version}; a {project_version} project "
                              "cannot import documents of a newer version.", code=codes.NEWER_VERSION)
