"""Project graphics ("Languages & resources > Project graphics"): which images are accepted, for both adapters.

A project graphic is an image screens and graphic lists show by name. TIA takes bitmap and vector formats; this
service takes the three it can recognise for certain from their bytes: PNG (the 8-byte signature and an ``IHDR``
chunk first), SVG (an XML document whose root element is ``svg``, parsed without DTDs by the project's safe parser)
and EMF (an ``EMR_HEADER`` record first, with the `` EMF`` signature at byte 40, as [MS-EMF] 2.3.4.2 defines it).
The type comes from the bytes, not the file name; a file whose extension says another type is refused, so a
renamed file cannot pass as what it is not. At most :data:`MAX_GRAPHIC_BYTES` per image (our limit, not TIA's).
"""

from __future__ import annotations

import re
import struct

from engineering_api.backend.errors import ValidationError
from engineering_api.errors import codes

__all__ = ("EXTENSIONS", "MAX_GRAPHIC_BYTES", "check_graphic_name", "sniff_graphic")

MAX_GRAPHIC_BYTES = 8 * 1024 * 1024
"""The largest image accepted (an HMI panel's full-screen PNG is well below 1 MiB)."""

EXTENSIONS = {"png": ".png", "svg": ".svg", "emf": ".emf"}
"""The file suffix each format is exported with."""

_PNG = b"\x89PNG\r\n\x1a\n"
_EMF_SIGNATURE = 0x464D4520  # " EMF" read as a little-endian 32-bit value ([MS-EMF] 2.3.4.2, dSignature)
_BAD_NAME = re.compile(r"[\x00-\x1f\x7f\"/\\]")


def _refuse(message: str, code: str = codes.UNSUPPORTED_GRAPHIC) -> ValidationError:
    return ValidationError(message, code=code)


def _is_svg(data: bytes) -> bool:
    from simatic_xml.safe import UnsafeXmlError, XmlSyntaxError, parse_untrusted

    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"<"):
        return False
    try:
        root = parse_untrusted(data, max_bytes=MAX_GRAPHIC_BYTES).getroot()
    except UnsafeXmlError as exc:
        raise _refuse(f"The SVG is refused: {exc}.") from None
    except XmlSyntaxError:
        return False
    return isinstance(root.tag, str) and root.tag.rsplit("}", 1)[-1] == "svg"


def sniff_graphic(data: bytes, source: str) -> str:
    """The image's format (``png``, ``svg`` or ``emf``) from its bytes.

    Raises:
        ValidationError: ``GRAPHIC_TOO_LARGE``, ``UNSUPPORTED_GRAPHIC`` (empty, another format, damaged header).
    """
    if len(data) > MAX_GRAPHIC_BYTES:
        raise _refuse(f"{source} is {len(data)} bytes; a project graphic may have at most {MAX_GRAPHIC_BYTES}.",
                      codes.GRAPHIC_TOO_LARGE)
    if data.startswith(_PNG):
        if data[12:16] != b"IHDR":
            raise _refuse(f"{source} has a PNG signature but no IHDR chunk first: it is damaged.")
        return "png"
    if len(data) >= 44:
        record_type, _size = struct.unpack_from("<II", data, 0)
        (signature,) = struct.unpack_from("<I", data, 40)
        if record_type == 1 and signature == _EMF_SIGNATURE:
            return "emf"
    if _is_svg(data):
        return "svg"
    raise _refuse(f"{source} is not a PNG, SVG or EMF image (the formats taken as project graphics).")


def check_graphic_name(name: str) -> None:
    """A project graphic's name: 1..128 characters, no blanks around it, no control characters, quotes or slashes.

    Raises:
        ValidationError: ``INVALID_NAME``.
    """
    if not name.strip() or name != name.strip() or len(name) > 128 or _BAD_NAME.search(name):
        raise ValidationError(f"{name!r} is not a valid project graphic name: 1..128 characters, no leading or "
                              "trailing blanks, no control characters, quotes or slashes.", code=codes.INVALID_NAME,
                              details={"name": name})
