"""TIA's import rules for classic HMI objects, shared by the fake and the bridge.

TIA refuses a screen whose size is not the panel's or whose number another screen of the device has ("The
screen number '1' for screen 'Main' is not unique for this device."), and an HMI tag whose connection the
device lacks ("Connection HMI_Connection_1 of the Hmi_Enable tag was not found."); HMI tag names are unique in
the device, across tag tables. The messages follow TIA's, as reported by public Openness tools.
"""

from __future__ import annotations

from engineering_api.backend.errors import AlreadyExistsError, ValidationError
from engineering_api.errors import codes
from engineering_api.rules.document_versions import check_not_newer
from simatic_xml import SimaticMLError
from simatic_xml import hmi as sx

__all__ = ("check_screen", "check_tags", "read_document", "read_import", "screen_number")


def read_document(data: bytes, expect: str, source: str) -> sx.HmiDocument:
    """Parse an import; 422 ``INVALID_SIMATICML`` for malformed, hostile or other documents.

    Raises:
        ValidationError: ``INVALID_SIMATICML``.
    """
    try:
        return sx.read_hmi(data, expect=expect)
    except SimaticMLError as exc:
        raise ValidationError(f"{source} cannot be imported: {exc}", code=codes.INVALID_SIMATICML,
                              details={"source": source}) from None


def read_import(data: bytes, expect: str, source: str, project_version: str) -> sx.HmiDocument:
    """:func:`read_document` for an import into a ``project_version`` project, which takes no document of a newer
    TIA version (the rule of every import area, :mod:`engineering_api.rules.document_versions`).

    Raises:
        ValidationError: ``INVALID_SIMATICML``, ``NEWER_VERSION``.
    """
    doc = read_document(data, expect, source)
    check_not_newer(source, doc.version, project_version)
    return doc


def screen_number(doc: sx.HmiDocument) -> int | None:
    """A screen's ``Number`` (None when missing or not a number)."""
    text = (doc.root.attr("Number") or "").strip()
    return int(text) if text.isdigit() else None


def check_screen(doc: sx.HmiDocument, numbers: dict[str, int | None], size: tuple[int, int] | None) -> None:
    """A screen may be imported: it has a number, width and height, its size is the panel's (``size``; None when
    unknown, then TIA decides) and no other screen (``numbers``: name → number, the replaced one left out) has
    its number.

    Raises:
        ValidationError: ``INVALID_SIMATICML``, ``SCREEN_SIZE_MISMATCH``, ``SCREEN_NUMBER_NOT_UNIQUE``.
    """
    name = doc.root.name
    values = {}
    for attr in ("Number", "Width", "Height"):
        text = doc.root.attr(attr)
        if text is None or not text.strip().isdigit():
            raise ValidationError(f"The screen '{name}' has no valid {attr} ({text!r}).", code=codes.INVALID_SIMATICML)
        values[attr] = int(text)
    if size is not None and (values["Width"], values["Height"]) != size:
        raise ValidationError(
            f"The screen '{name}' is {values['Width']}x{values['Height']}; this panel's screens are "
            f"{size[0]}x{size[1]}. A screen is imported only into a device of its size.",
                              code=codes.SCREEN_SIZE_MISMATCH,
            details={"width": values["Width"], "height": values["Height"], "panelWidth": size[0],
                     "panelHeight": size[1]})
    number = values["Number"]
    for other, taken in numbers.items():
        if taken == number:
            raise ValidationError(
                f"The screen number '{number}' for screen '{name}' is not unique for this device (the screen "
                f"'{other}' has it).", code=codes.SCREEN_NUMBER_NOT_UNIQUE, details={"number": number, "screen": other})


def check_tags(doc: sx.HmiDocument, connections: set[str], elsewhere: dict[str, str]) -> None:
    """A tag table may be imported: every tag's connection is one of ``connections`` (lower case) and no tag
    name is in ``elsewhere`` (lower-case tag name → the other table holding it).

    Raises:
        ValidationError: ``CONNECTION_NOT_FOUND``, ``INVALID_SIMATICML`` (a name twice in the table).
        AlreadyExistsError: ``TAG_EXISTS``.
    """
    seen: set[str] = set()
    for tag in doc.root.objects(sx.TAG):
        connection = tag.link("Connection")
        if connection and connection.lower() not in connections:
            raise ValidationError(f"Connection {connection} of the {tag.name} tag was not found.",
                                  code=codes.CONNECTION_NOT_FOUND, details={"tag": tag.name, "connection": connection})
        key = tag.name.lower()
        if key in seen:
            raise ValidationError(f"The tag table names the tag '{tag.name}' twice.", code=codes.INVALID_SIMATICML)
        seen.add(key)
        if key in elsewhere:
            raise AlreadyExistsError(
                f"The HMI tag '{tag.name}' exists in the tag table '{elsewhere[key]}'; HMI tag names are unique in "
                "the device.", code=codes.TAG_EXISTS, details={"tag": tag.name, "tagTable": elsewhere[key]})
