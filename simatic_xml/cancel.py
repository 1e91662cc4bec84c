"""Cooperative cancellation of long work: a token per call and cheap checkpoints inside the loops.

The service runs every TIA call on one worker thread. When a call times out or its job is canceled, the
work has to stop, not merely be forgotten: a forgotten call would keep the thread (and every call queued
behind it) busy and could still change the project after its caller was told it failed. So the worker
installs a :class:`CancelToken` for the duration of each call (:func:`installed`), and the long loops of
the SCL lexer and parser, the compiler, the block generator and the fake's import call :func:`checkpoint`,
which raises :class:`Canceled` once the token is set. Work outside a call (the CLI, tests) has no token,
and a checkpoint costs one thread-local read.

This module is the ground floor: it imports nothing from the project, so every layer may use it.
"""

from __future__ import annotations

import threading

__all__ = ("CancelToken", "Canceled", "checkpoint", "current", "installed")


class Canceled(BaseException):
    """Raised at a checkpoint once the running call's token is set.

    A ``BaseException``, like ``KeyboardInterrupt`` and ``asyncio.CancelledError``: code that collects
    ``Exception`` per item (an importer reporting each document) must not swallow it, while transactions
    that roll back on ``BaseException`` do roll back. ``reason`` is what the caller should be told.
    """

    def __init__(self, reason: BaseException | None) -> None:
        super().__init__(str(reason) if reason is not None else "canceled")
        self.reason = reason


class CancelToken:
    """Set once, from any thread, to stop the call it is installed for at its next checkpoint."""

    __slots__ = ("_children", "_set", "reason")

    def __init__(self) -> None:
        self._set = False
        self.reason: BaseException | None = None
        """The error the call's caller gets (a timeout, a canceled job); the first one set wins."""
        self._children: list[CancelToken] = []

    @property
    def canceled(self) -> bool:
        """Whether :meth:`cancel` was called."""
        return self._set

    def cancel(self, reason: BaseException | None = None) -> None:
        """Ask the call to stop; a later reason does not replace the first."""
        if not self._set:
            self.reason = reason
            self._set = True  # after the reason: a reader that sees the flag sees the reason
            for child in self._children:
                child.cancel(reason)

    def child(self) -> CancelToken:
        """A token for a part of this call (a pipeline step with its own timeout): it is set when this one is,
        and setting it leaves this one alone."""
        token = CancelToken()
        self._children.append(token)
        if self._set:
            token.cancel(self.reason)
        return token

    def release(self, child: CancelToken) -> None:
        """Forget a child whose part has ended."""
        if child in self._children:
            self._children.remove(child)

    def raise_if_canceled(self) -> None:
        """Raise :class:`Canceled` when set.

        Raises:
            Canceled: the token was set.
        """
        if self._set:
            raise Canceled(self.reason)


_local = threading.local()


def current() -> CancelToken | None:
    """The token installed on this thread, if any."""
    return getattr(_local, "token", None)


class installed:  # lower case: it is used like a function, ``with installed(token):``
    """Make ``token`` this thread's current token for the ``with`` block (nesting restores the outer one).

    A class rather than a ``@contextmanager`` generator: every TIA call and every read served on the event loop
    enters one, and a generator's set-up costs more than the read's own bookkeeping."""

    __slots__ = ("_previous", "_token")

    def __init__(self, token: CancelToken) -> None:
        self._token = token
        self._previous: CancelToken | None = None

    def __enter__(self) -> CancelToken:
        self._previous = getattr(_local, "token", None)
        _local.token = self._token
        return self._token

    def __exit__(self, *exc: object) -> None:
        _local.token = self._previous


def checkpoint() -> None:
    """Stop here if the current call was canceled; a no-op without a token.

    Raises:
        Canceled: the current token was set.
    """
    token = getattr(_local, "token", None)
    if token is not None and token._set:  # the hot path skips the property
        raise Canceled(token.reason)
