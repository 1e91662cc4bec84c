"""Checks an XLSX file before openpyxl opens it: zip limits as for archives, and no DTDs in any member.

openpyxl parses a workbook's XML members with whatever a DOCTYPE declares (entity expansion, external
entities) and holds a sheet's text in memory, so a 1 MB file can cost gigabytes. ``defusedxml`` (a
dependency; openpyxl uses it when installed) refuses entities inside openpyxl too; this check is the
first line: it reads the zip directory, applies :func:`engineering_api.lib.archives.check_members` with
limits sized for tag files, then streams every member in chunks (counting the bytes actually produced)
looking for ``<!DOCTYPE``/``<!ENTITY``. Nothing is extracted and nothing is held beyond one chunk.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

from engineering_api.lib.archives import ArchiveLimits, ArchiveRejectedError, check_members, read_member

__all__ = ("XLSX_LIMITS", "XlsxRefusedError", "check_xlsx")

_MIB = 1024 * 1024

XLSX_LIMITS = ArchiveLimits(
    max_members=1_000,
    # a 100,000-tag TIA export is a 47 MB sheet (ratio 13); these leave room for ~270,000 tags
    max_member_bytes=128 * _MIB,
    max_total_bytes=192 * _MIB,
    # real sheets compress 5-20x; whitespace and repeated-text bombs compress 1000x
    max_ratio=100,
    ratio_min_bytes=_MIB,
)
"""Limits for a tag workbook: far above any real TIA tag export, far below what hurts the worker."""

_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_OVERLAP = 16  # bytes kept from the previous chunk, so a marker split across two chunks is still seen
# XML in UTF-16/32 would hide the ASCII markers from the scan; Excel always writes UTF-8
_WIDE_STARTS = (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")


class XlsxRefusedError(ValueError):
    """The XLSX file is unsafe to open (DTD, size, ratio, member count); the API answers 422 XLSX_REFUSED."""


def check_xlsx(path: str | Path) -> None:
    """Refuse an XLSX file that is a zip bomb or declares a DTD, before any XML parser sees it.

    A file that is not a zip at all passes through, so openpyxl reports it as "not a workbook".

    Raises:
        XlsxRefusedError: The reason, naming the member.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
            check_members(members, XLSX_LIMITS)
            total = 0
            for info in members:
                if not info.is_dir():
                    total = _scan_member(zf, info, total)
    except zipfile.BadZipFile:
        return
    except ArchiveRejectedError as exc:
        raise XlsxRefusedError(str(exc)) from None
    except (zipfile.LargeZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise XlsxRefusedError(f"the zip is damaged or uses an unsupported feature: {exc}") from None


def _scan_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, total: int) -> int:
    """Stream one member, refusing a DTD or a wide encoding; return the running total of bytes read."""
    tail = b""
    first = True
    for chunk in read_member(zf, info, XLSX_LIMITS):
        total += len(chunk)
        if total > XLSX_LIMITS.max_total_bytes:
            raise XlsxRefusedError(f"the workbook expands beyond {XLSX_LIMITS.max_total_bytes} bytes")
        if first and chunk.startswith(_WIDE_STARTS):
            raise XlsxRefusedError(f"member {info.filename!r} is not UTF-8 (Excel writes UTF-8 XML)")
        first = False
        window = tail + chunk
        match = _DTD.search(window)
        if match:
            raise XlsxRefusedError(
                f"member {info.filename!r} declares a DTD ({match.group().decode('ascii', 'replace')}); "
                "DTDs and entities are refused. Save the workbook again from Excel or TIA Portal"
            )
        tail = window[-_OVERLAP:]
    return total
