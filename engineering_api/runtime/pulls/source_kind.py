"""What a pull's source kind is: the schemes it serves, its checks of a source, and one attempt to fetch.

A kind (HTTP(S) GET today) is one module with one subclass of :class:`PullSourceKind`, registered in
:data:`engineering_api.runtime.pulls.source_kinds.SOURCE_KINDS`; saving a definition and running it both look the
source URL's scheme up there. The runner keeps the retries, the stop and the mapping; a kind only checks sources,
prepares a run and fetches once.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from engineering_api.runtime.pulls.definitions import PullSource, SourceView

__all__ = ("PullSourceKind", "RunFailed", "SlowAnswer", "Unreachable")


class SlowAnswer(Exception):
    """A source's document did not arrive within the source's timeout (an attempt, retried)."""


class Unreachable(Exception):
    """No answer from the source (an attempt, retried); the message says why, without the source's words."""


class RunFailed(Exception):
    """A run's failure, recorded as its outcome."""

    def __init__(self, message: str, *, fields: list[str] | None = None, http_status: int | None = None,
                 attempts: int = 0, interrupted: bool = False) -> None:
        super().__init__(message)
        self.fields = fields or []
        self.http_status = http_status
        self.attempts = attempts
        self.interrupted = interrupted
        """The server stopped while the run waited on its source (recorded ``Interrupted``)."""


class PullSourceKind(ABC):
    """One way to fetch a pull's document; one instance per kind, kept in the table of source kinds."""

    name: ClassVar[str]
    """The kind's name in ``docs/runtime-api.md``'s table of pull source kinds (``http``)."""
    schemes: ClassVar[tuple[str, ...]]
    """The source URL schemes it serves, lower case."""

    @abstractmethod
    def check(self, source: PullSource, allowed: tuple[str, ...]) -> None:
        """Refuse a source this kind cannot fetch (its URL's scheme is one of :attr:`schemes`); ``allowed``: the
        hosts the server allows besides public ones (``ENGINEERING_API_PULL_ALLOWED_TARGETS``).

        Raises:
            ValidationError: ``PULL_SOURCE_INVALID``, naming what to change.
        """

    @abstractmethod
    def prepare(self, source: SourceView, secret: str | None, allowed: tuple[str, ...]) -> dict[str, str]:
        """Before a run's first attempt: what every attempt sends (headers with the auth's secret).

        Raises:
            RunFailed: the source may not be fetched now (its host resolves to a refused address).
        """

    @abstractmethod
    def fetch(self, source: SourceView, headers: dict[str, str], attempt: int) -> tuple[int, bytes, str]:
        """One attempt: the source's status, and for a 200 its document and content type.

        Raises:
            Unreachable: no answer within the source's timeout, or none at all (retried).
            SlowAnswer: the document did not arrive within the timeout (retried).
            RunFailed: a document the run must not take (too large; final).
        """
