"""A text a request brings into a project must be one the project can store.

TIA keeps a project's texts (comments, titles, start values, names, texts of HMI objects...) in XML 1.0 documents,
and Openness exports them through .NET's ``XmlWriter``, whose ``CheckCharacters`` default refuses a character
outside XML 1.0's ``Char`` production (https://www.w3.org/TR/xml/#charsets; .NET:
https://learn.microsoft.com/dotnet/api/system.xml.xmlwritersettings.checkcharacters). The fake stores its model as
SimaticML too: a text holding such a character (a vertical tab, U+000B, is what Word and spreadsheets put for a line
break inside a cell, so engineers paste it) was stored, then written into a document no reader accepts, and the
project could not be opened again. Escaping cannot help (``&#xB;`` is not well-formed either), so such a text is
refused at the request that brings it, naming the field, the character and its position, before anything changes.

:class:`ProjectTexts` marks a request input whose texts go into the project. The check is made where an operation
that changes the project is given its input (``engineering_api.jobs.input_checks.refuse_unstorable_input``: a route's
body, an MCP tool's arguments, a pipeline step, ``execute-sync``, the console), not when such an input is decoded:
a read takes the same inputs (a device, a block by name) and answers as it did (a name no object has is not found),
and a reply is never checked.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, ClassVar

import msgspec

from engineering_api.backend.errors import ValidationError
from engineering_api.errors import codes
from engineering_api.lib.schema import CamelStruct
from simatic_xml.xmltext import NOT_IN_XML

__all__ = ("ProjectTexts", "refuse_unstorable_texts", "unstorable_reason", "unstorable_text")


@lru_cache(maxsize=None)
def _checked_fields(struct_type: type[msgspec.Struct]) -> tuple[tuple[str, str], ...]:
    """(attribute, wire name) of the fields of ``struct_type`` whose texts this rule checks."""
    unchecked: frozenset[str] = getattr(struct_type, "unchecked_texts", frozenset())
    return tuple((field.name, field.encode_name) for field in msgspec.structs.fields(struct_type)
                 if field.name not in unchecked)


def _first(value: Any) -> tuple[list[str], int, str] | None:
    """The first unstorable character in ``value``: (the steps to its text, innermost first; its 1-based position;
    the character), or None. The steps are only made for a hit: a request without one costs a search per text."""
    if isinstance(value, str):
        found = NOT_IN_XML.search(value)
        return None if found is None else ([], found.start() + 1, found.group())
    if isinstance(value, msgspec.Struct):
        for name, wire_name in _checked_fields(type(value)):
            hit = _first(getattr(value, name))
            if hit is not None:
                hit[0].append(f".{wire_name}")
                return hit
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            hit = _first(item)
            if hit is not None:
                hit[0].append(f"[{index}]")
                return hit
    elif isinstance(value, dict):
        for key, item in value.items():
            hit = _first(key)  # a key is named by the path of its object
            if hit is None:
                hit = _first(item)
                if hit is not None:
                    hit[0].append(f".{key}")
            if hit is not None:
                return hit
    return None


def unstorable_text(value: Any, path: str = "") -> tuple[str, int, str] | None:
    """The first text in ``value`` (a text, a Struct, a list or a dict, keys included, at any depth) holding a
    character XML 1.0 cannot carry, as (its field on the wire below ``path``, the 1-based position, the character);
    None if none.
    """
    hit = _first(value)
    if hit is None:
        return None
    steps, position, character = hit
    where = path + "".join(reversed(steps))
    return (where[1:] if not path and where.startswith(".") else where), position, character


def _why(character: str, position: int) -> str:
    return (f"the character U+{ord(character):04X} at position {position} cannot be stored in a TIA project: its "
            "texts are XML 1.0, which has no such character (a line break pasted from Word or a spreadsheet cell is "
            "often U+000B); remove it or use a line break (U+000A)")


def unstorable_reason(text: str) -> str | None:
    """Why ``text`` cannot be stored in a project (its first character XML 1.0 cannot carry); None if it can."""
    found = NOT_IN_XML.search(text)
    return None if found is None else _why(found.group(), found.start() + 1)


def refuse_unstorable_texts(value: Any, path: str = "") -> None:
    """Raise unless every text in ``value`` can be stored in a project (:func:`unstorable_text`).

    Raises:
        ValidationError: ``UNSTORABLE_CHARACTER`` (422), with the field, the character and its position in
            ``details``; the text itself is not repeated (it may be a secret).
    """
    hit = unstorable_text(value, path)
    if hit is None:
        return
    field, position, character = hit
    raise ValidationError(f"{field or 'the request'}: {_why(character, position)}.", code=codes.UNSTORABLE_CHARACTER,
                          details={"field": field, "character": f"U+{ord(character):04X}", "position": position})


class ProjectTexts(CamelStruct):
    """Base of a request input whose texts go into the project: an operation that changes the project refuses a text
    in it the project cannot store (:func:`refuse_unstorable_texts`) before it runs, so the request changes nothing.
    A read taking the same input, and any reply, is left alone.

    A field whose texts another rule already refuses with a more precise answer (an SCL source's SCL_SYNTAX_ERROR at
    its line and column, a block spec's INVALID_SPEC at its field) is named in :attr:`unchecked_texts`, and so is
    one not stored as written (a password is stored hashed).
    """

    unchecked_texts: ClassVar[frozenset[str]] = frozenset()
    """Attributes (snake_case) this rule leaves alone."""
