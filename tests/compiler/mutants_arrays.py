"""Mutants of the rule that a start value belongs to an element the array has, in both forms TIA writes start values
of an array's elements in: an SCL declaration's list (``a : Array[0..1000] of Int := [1001(0)];``, the values filling
the elements in order) and a SimaticML member's ``<Subelement Path="1000">``.

SCL (:func:`scl_array_start_mutants`): every static array of an elementary type of the corpus's FB, DB and PLC data
type sources given one value more than it has elements (``[1002(0)]`` for ``Array[0..1000]``: a value for element
1001), refused at the declaration's line; the control gives exactly as many. SimaticML
(:func:`array_element_mutants`): an element start value moved past the upper bound, below the lower bound or given
one index too many, refused at the member's line; the control moves it to an element without one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from simatic_xml.generate.datatypes import array_bounds
from tests.compiler.mutants import INT_RANGES, Mutant, local_name, serialised, xml_parser

__all__ = ("ARRAY_FAMILY", "SCL_ARRAY_FAMILY", "array_element_mutants", "scl_array_start_mutants")

ARRAY_FAMILY = "array element"
SCL_ARRAY_FAMILY = "array start values (SCL list)"
_ZERO = {**dict.fromkeys(INT_RANGES, "0"), "Real": "0.0", "LReal": "0.0", "Bool": "false"}
"""A start value of each elementary element type the generators add."""
_ZERO_BY_UPPER = {name.upper(): value for name, value in _ZERO.items()}
_HEAD = re.compile(r"^[ \t]*(FUNCTION_BLOCK|FUNCTION|DATA_BLOCK|ORGANIZATION_BLOCK|TYPE)\b", re.I | re.M)
_KEYWORD = re.compile(r"^[ \t]*(VAR_INPUT|VAR_OUTPUT|VAR_IN_OUT|VAR_TEMP|VAR_STAT|VAR|STRUCT)\b([^\n]*)", re.I | re.M)
_ARRAY_DECL = re.compile(r"^[ \t]*\"?[A-Za-z_][\w ]*\"?[ \t]*(?:\{[^}\n]*\})?[ \t]*:[ \t]*Array[ \t]*\[([^\]\n]*)\]"
                         r"[ \t]*of[ \t]*([A-Za-z]\w*)[ \t]*(:=[^;\n]*)?;", re.I | re.M)
_DIMENSION = re.compile(r"\s*(-?\d+)\s*\.\.\s*(-?\d+)\s*\Z")


def _static(text: str, at: int) -> bool:
    """Whether a declaration at ``at`` is a static member: in an FB's or DB's ``VAR`` (``RETAIN``, ``NON_RETAIN``;
    not ``CONSTANT``) or a PLC data type's ``STRUCT``."""
    heads = _HEAD.findall(text, 0, at)
    keywords = list(_KEYWORD.finditer(text, 0, at))
    if not heads or not keywords:
        return False
    head, last = heads[-1].upper(), keywords[-1]
    if head == "TYPE":
        return True
    word, rest = last.group(1).upper(), last.group(2).upper()
    return head in ("FUNCTION_BLOCK", "DATA_BLOCK") and word in ("VAR", "VAR_STAT") and "CONSTANT" not in rest


def scl_array_start_mutants(path: Path, text: str, per_file: int = 4) -> Iterator[Mutant]:
    """Up to ``per_file`` static arrays of an elementary type with integer bounds of the source ``text``: the
    declaration's start value list replaced by one giving every element a value and one more (refused at its line)
    and one giving every element a value (the control)."""
    made = 0
    for decl in _ARRAY_DECL.finditer(text):
        zero = _ZERO_BY_UPPER.get(decl.group(2).upper())
        dimensions = [_DIMENSION.match(part) for part in decl.group(1).split(",")]
        if zero is None or not all(dimensions) or not _static(text, decl.start()) or made >= per_file:
            continue
        made += 1
        elements = 1
        for dimension in dimensions:
            assert dimension is not None
            elements *= int(dimension.group(2)) - int(dimension.group(1)) + 1
        at, end = (decl.start(3), decl.end(3)) if decl.group(3) else (decl.end() - 1, decl.end() - 1)
        line = text.count("\n", 0, decl.start()) + 1
        for count, code in ((elements + 1, "INVALID_DECLARATION"), (elements, None)):
            changed = f"{text[:at]} := [{count}({zero})]{text[end:]}"
            yield Mutant(SCL_ARRAY_FAMILY, path, changed.encode("utf-8"), line, code)


def _unused(bounds: list[tuple[int, int]], used: set[str]) -> str | None:
    """An element's path the array has and ``used`` does not name (the first dimension varied)."""
    (lo, hi), rest = bounds[0], [str(low) for low, _ in bounds[1:]]
    return next((p for p in (",".join([str(i), *rest]) for i in range(lo, min(hi, lo + 64) + 1)) if p not in used),
                None)


def _added(root: etree._Element, data: bytes, path: Path, member: etree._Element,
           bounds: list[tuple[int, int]]) -> Iterator[Mutant]:
    """An array member without element start values given one: for the element one past the upper bound (refused)
    and for the last element (the control)."""
    element = member.get("Datatype", "").rsplit(" of ", 1)[-1]
    if element not in _ZERO or any(local_name(el) == "StartValue" for el in member):
        return
    namespace = str(member.tag)[:-len("Member")]
    rest = [str(low) for low, _ in bounds[1:]]
    for index, code in ((bounds[0][1] + 1, "INVALID_DECLARATION"), (bounds[0][1], None)):
        sub = etree.SubElement(member, f"{namespace}Subelement", {"Path": ",".join([str(index), *rest])})
        etree.SubElement(sub, f"{namespace}StartValue").text = _ZERO[element]
        yield Mutant(ARRAY_FAMILY, path, serialised(root, data), member.sourceline or 0, code)
        member.remove(sub)


def _in_system_type(member: etree._Element) -> bool:
    """A member of a system type's interface as TIA writes it inside the member (not judged: TIA's own)."""
    return any(local_name(el) == "Sections" and (up := el.getparent()) is not None and local_name(up) == "Member"
               for el in member.iterancestors())


def array_element_mutants(path: Path) -> Iterator[Mutant]:
    """Every array member of the SimaticML export ``path``: its last element start value moved one past the upper
    bound, below the lower bound and given one index too many (the control: moved to an element that has none), or,
    for an array of an elementary type without them, one added past the upper bound (the control: for the last
    element)."""
    data = path.read_bytes()
    root = etree.fromstring(data, xml_parser())
    for member in (el for el in root.iter() if local_name(el) == "Member" and not _in_system_type(el)):
        bounds = array_bounds(member.get("Datatype", ""))
        subs = [el for el in member if local_name(el) == "Subelement"
                and any(local_name(v) == "StartValue" and not v.get("Informative") and not len(v) for v in el)]
        if bounds is None:
            continue
        if not subs:
            yield from _added(root, data, path, member, bounds)
            continue
        last, used = subs[-1], {el.get("Path", "") for el in member if local_name(el) == "Subelement"}
        old, rest = last.get("Path", ""), [str(low) for low, _ in bounds[1:]]
        lo, hi = bounds[0]
        free = _unused(bounds, used)
        for new, code in ((",".join([str(hi + 1), *rest]), "INVALID_DECLARATION"),
                          (",".join([str(lo - 1), *rest]), "INVALID_DECLARATION"),
                          (f"{old},{lo}", "INVALID_DECLARATION"), (free, None)):
            if new is None:
                continue
            last.set("Path", new)
            yield Mutant(ARRAY_FAMILY, path, serialised(root, data), member.sourceline or 0, code)
        last.set("Path", old)
