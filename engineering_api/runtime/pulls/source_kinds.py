"""The table of pull source kinds: every source URL scheme a pull may name, and the kind that fetches it.

Saving a definition (:func:`check_source`) and running it (the runner's fetch) both read this table, and nothing
else decides by scheme.
"""

from __future__ import annotations

import urllib.parse
from types import MappingProxyType
from typing import TYPE_CHECKING

from engineering_api.backend.errors import ValidationError
from engineering_api.errors import codes
from engineering_api.runtime.outbound.endpoints import check_url
from engineering_api.runtime.pulls.http_get import HttpGet

if TYPE_CHECKING:
    from collections.abc import Mapping

    from engineering_api.runtime.pulls.definitions import PullSource
    from engineering_api.runtime.pulls.source_kind import PullSourceKind

__all__ = ("SOURCE_KINDS", "check_source", "source_kind_for")

SOURCE_KINDS: Mapping[str, PullSourceKind] = MappingProxyType({
    scheme: kind for kind in (HttpGet(),) for scheme in kind.schemes
})
"""Scheme (lower case) -> the source kind fetching it."""


def source_kind_for(url: str) -> PullSourceKind:
    """The kind for a source URL that :func:`check_source` has accepted.

    Raises:
        KeyError: a scheme no kind serves (a URL that was not checked).
    """
    return SOURCE_KINDS[urllib.parse.urlsplit(url).scheme.lower()]


def check_source(source: PullSource, allowed: tuple[str, ...]) -> None:
    """A source URL of a scheme in :data:`SOURCE_KINDS`, and what its kind requires of the rest.

    Raises:
        ValidationError: ``PULL_SOURCE_INVALID``.
    """
    try:
        check_url(source.url, tuple(SOURCE_KINDS))
    except ValidationError as exc:
        raise ValidationError(exc.message.replace("target", "source"), code=codes.PULL_SOURCE_INVALID) from None
    source_kind_for(source.url).check(source, allowed)
