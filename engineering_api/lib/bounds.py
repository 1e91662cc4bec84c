"""Numeric ranges of input fields, shared by the Structs that take them.

An unbounded number from a request reaches SQLite (64-bit integers), ``datetime`` arithmetic or ``range()``
and fails there as a 500. Bounding it in the Struct answers 422 naming the field before any work, and the
OpenAPI document shows the range. The bounds are the range of the quantity itself (a port is 16 bits, a
Windows process id 32); rules with a narrower range (a runtime manager port is 1024..65535) stay where they
are, with their own codes.
"""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

__all__ = (
    "PAGE_OFFSET_MAX",
    "RETENTION_DAYS_MAX",
    "SNAPSHOTS_PER_OBJECT_MAX",
    "Count",
    "PageOffset",
    "ProcessId",
    "RetentionDays",
    "SnapshotsPerObject",
    "TcpPort",
    "UDInt",
    "UInt",
)

PAGE_OFFSET_MAX = 2**31 - 1
"""Largest paging offset; far beyond any table this service keeps, far below SQLite's 2**63."""
RETENTION_DAYS_MAX = 36_500
"""A century: longer retention periods are "keep forever", which 0 already says."""
SNAPSHOTS_PER_OBJECT_MAX = 1_000_000
"""More snapshots per object than any disk holds; 0 already says "no limit"."""

PageOffset = Annotated[int, Meta(ge=0, le=PAGE_OFFSET_MAX)]
"""How many records to skip."""
RetentionDays = Annotated[float, Meta(ge=0, le=RETENTION_DAYS_MAX)]
"""Days to keep something (0: keep it all)."""
SnapshotsPerObject = Annotated[int, Meta(ge=0, le=SNAPSHOTS_PER_OBJECT_MAX)]
"""Snapshots kept per object (0: no limit)."""
Count = Annotated[int, Meta(ge=0, le=PAGE_OFFSET_MAX)]
"""How many entries to return."""
TcpPort = Annotated[int, Meta(ge=0, le=65_535)]
"""A TCP port number."""
ProcessId = Annotated[int, Meta(ge=0, le=2**32 - 1)]
"""A process id (a DWORD on Windows)."""
UInt = Annotated[int, Meta(ge=0, le=2**16 - 1)]
"""TIA's UInt: block numbers."""
UDInt = Annotated[int, Meta(ge=0, le=2**32 - 1)]
"""TIA's UDInt: times in microseconds (cyclic interrupt time and phase shift)."""
