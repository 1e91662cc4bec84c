"""Log records caught during a test, to find a request's id in them."""

from __future__ import annotations

import logging

__all__ = ("RecordingHandler",)


class RecordingHandler(logging.Handler):
    """Keeps the records a logger emits."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
