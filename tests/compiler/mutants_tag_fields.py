"""Mutants of a SimaticML tag table's own fields, the ones the REST tag imports refused by their own reading before
every entry judged them by the one check (:func:`engineering_api.rules.compiler.tag_tables.simaticml_table_findings`
and ``tag_findings``): each refused ``TAG_INVALID`` at its element's line, each with a near-miss control that adds
nothing.

* ``tag name empty``: a tag's ``<Name>`` emptied (control: a one-letter name no other tag has);
* ``tag name blanks``: a blank before and after a tag's name (before, its finding had line 0: the line was looked up
  by the stripped name; control: a blank inside the name, which a tag name may hold);
* ``tag address missing``: a tag's ``<LogicalAddress>`` removed (control: blanks around the address, which the
  address rule reads past);
* ``tag hmi flag``: an existing ``ExternalVisible``/``ExternalAccessible``/``ExternalWritable`` changed to ``yes``
  (control: its other boolean value);
* ``tag table name``: the table's name with a ``"`` in it, at the table's element (control: with a ``'``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from engineering_api.rules.compiler.tag_tables import HMI_FLAGS
from tests.compiler.mutants import Mutant, local_name, serialised, xml_parser

__all__ = ("FAMILIES", "tag_field_mutants")

FAMILIES = ("tag name empty", "tag name blanks", "tag address missing", "tag hmi flag", "tag table name")
_CODE = "TAG_INVALID"


def _attributes(element: etree._Element) -> dict[str, etree._Element]:
    """The elements of an object's own ``AttributeList`` by name (not those of its comment's items)."""
    found = next((child for child in element if local_name(child) == "AttributeList"), None)
    return {} if found is None else {local_name(child): child for child in found}


def _texts(root: etree._Element, data: bytes, path: Path, family: str, element: etree._Element,
           line: int, refused: str | None, control: str | None) -> Iterator[Mutant]:
    """``element``'s text set to ``refused`` (None: the element removed) and to ``control``, each a mutant."""
    old, parent, at = element.text, element.getparent(), None
    assert parent is not None
    if refused is None:
        at = parent.index(element)
        parent.remove(element)
    else:
        element.text = refused
    yield Mutant(family, path, serialised(root, data), line, _CODE)
    if at is not None:
        parent.insert(at, element)
    if control is not None:
        element.text = control
        yield Mutant(family, path, serialised(root, data), line, None)
    element.text = old


def tag_field_mutants(path: Path, per_family: int = 4) -> Iterator[Mutant]:
    """The mutants of the module docstring over the tags of the SimaticML tag table export at ``path``."""
    data = path.read_bytes()
    root = etree.fromstring(data, xml_parser())
    table = next((el for el in root.iter() if local_name(el) == "SW.Tags.PlcTagTable"), None)
    if table is None:
        return
    tags = [el for el in root.iter() if local_name(el) == "SW.Tags.PlcTag"]
    names = {field.text for tag in tags if (field := _attributes(tag).get("Name")) is not None and field.text}
    made: Counter[str] = Counter()
    for index, tag in enumerate(tags):
        fields, line = _attributes(tag), tag.sourceline or 0
        name, address = fields.get("Name"), fields.get("LogicalAddress")
        if name is not None and name.text and made["tag name empty"] < per_family:
            made["tag name empty"] += 1
            unused = next(f"{letter}{index}" for letter in "xyzw" if f"{letter}{index}" not in names)
            yield from _texts(root, data, path, "tag name empty", name, line, "", unused)
        if name is not None and name.text and made["tag name blanks"] < per_family:
            made["tag name blanks"] += 1
            inside = f"{name.text[:1]} {name.text[1:]}" if len(name.text) > 1 else None
            yield from _texts(root, data, path, "tag name blanks", name, line, f" {name.text} ",
                              inside if inside not in names else None)
        if address is not None and address.text and made["tag address missing"] < per_family:
            made["tag address missing"] += 1
            yield from _texts(root, data, path, "tag address missing", address, line, None, f" {address.text} ")
        flag = next((fields[f] for f in HMI_FLAGS if f in fields and fields[f].text in ("true", "false")), None)
        if flag is not None and made["tag hmi flag"] < per_family:
            made["tag hmi flag"] += 1
            yield from _texts(root, data, path, "tag hmi flag", flag, line, "yes",
                              "false" if flag.text == "true" else "true")
    # last: the control's tags go to a table of another name, whose names a PLC holding the table refuses after it
    table_name = _attributes(table).get("Name")
    if table_name is not None and table_name.text:
        yield from _texts(root, data, path, "tag table name", table_name, table.sourceline or 0,
                          f'{table_name.text}"x', f"{table_name.text}'x")
