"""A start value of an element an array does not have (``<Subelement Path="1001">`` of ``Array[0..1000]``, or
another count of indexes than its dimensions) is refused at the member's line by every check, generated from every
array of the corpus's exports: its last element start value moved one past the upper bound, below the lower bound
and given one index too many (the control: moved to an element that has none), or, for an array of an elementary
type without them, one added past the upper bound (the control: for the last element). Before, every entry passed
it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from simatic_xml.generate.datatypes import array_bounds
from tests.compiler.mutants import INT_RANGES, Mutant, local_name, xml_parser, serialised, run_mutants

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "simaticml"
XML = sorted(CORPUS.rglob("*.xml")) if CORPUS.is_dir() else []

pytestmark = pytest.mark.skipif(not XML, reason="../shared/corpus is not there")


def _unused(bounds: list[tuple[int, int]], used: set[str]) -> str | None:
    """An element's path the array has and ``used`` does not name (the first dimension varied)."""
    (lo, hi), rest = bounds[0], [str(low) for low, _ in bounds[1:]]
    return next((p for p in (",".join([str(i), *rest]) for i in range(lo, min(hi, lo + 64) + 1)) if p not in used),
                None)


_ZERO = {**dict.fromkeys(INT_RANGES, "0"), "Real": "0.0", "LReal": "0.0", "Bool": "false"}
"""A start value of each elementary element type the generator adds."""


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
        yield Mutant("array element", path, serialised(root, data), member.sourceline or 0, code)
        member.remove(sub)


def _in_system_type(member: etree._Element) -> bool:
    """A member of a system type's interface as TIA writes it inside the member (not judged: TIA's own)."""
    return any(local_name(el) == "Sections" and (up := el.getparent()) is not None and local_name(up) == "Member"
               for el in member.iterancestors())


def array_element_mutants(path: Path) -> Iterator[Mutant]:
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
            yield Mutant("array element", path, serialised(root, data), member.sourceline or 0, code)
        last.set("Path", old)


def test_start_values_of_elements_an_array_has_not_are_refused_at_the_member() -> None:
    counts, problems = run_mutants({path: list(array_element_mutants(path)) for path in XML})
    assert not problems, "\n".join(problems[:20])
    assert counts[("array element", True)] >= 9 and counts[("array element", False)] >= 6, counts  # all the corpus has
