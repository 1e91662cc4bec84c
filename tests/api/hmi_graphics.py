"""Graphics for the HMI graphics tests: an SVG and a PNG made on the spot."""

from __future__ import annotations

import struct
import zlib

__all__ = ("SVG", "png")

SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="8" height="8">'
       b'<rect width="8" height="8"/></svg>')


def png(width: int = 2, height: int = 2) -> bytes:
    """A real PNG (grey pixels), built by hand so the test needs no image library."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
