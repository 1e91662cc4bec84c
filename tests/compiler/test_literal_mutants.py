"""A literal operand of a LAD, FBD or GRAPH network that no SCL literal spells is refused (``FLGNET_LITERAL``) at
its ``<Access>`` by every check: every literal constant of the corpus's exports, in every context it has (a
contact, a box pin, a call parameter, a GRAPH transition), with a letter appended (``50`` -> ``50x``), or its
value doubled past its radix mark (``16#FF`` -> ``16#16#FF``); the control keeps the literal as TIA wrote it.
Before, such an operand passed every entry (the checker left an operand it could not read unchecked). A literal of an
SCL network (StructuredText) is the SCL parser's: such a mutant is a syntax error of the network (``NETWORK_SYNTAX``)
or, spelled as a name (``TRUEx``), a tag the PLC lacks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from tests.compiler.mutants import Mutant, local_name, xml_parser, serialised, run_mutants
from tests.lib.shared_corpus import READS_SHARED, SHARED

CORPUS = SHARED / "corpus" / "simaticml"
XML = sorted(CORPUS.rglob("*.xml")) if CORPUS.is_dir() else []
PER_FILE = 4

pytestmark = READS_SHARED


def literal_mutants(path: Path, made: Counter[str]) -> Iterator[Mutant]:
    """Up to :data:`PER_FILE` literal operands of ``path``'s networks, each made no literal."""
    data = path.read_bytes()
    if b"LiteralConstant" not in data and b"TypedConstant" not in data:
        return
    root = etree.fromstring(data, xml_parser())
    done = 0
    for access in (el for el in root.iter() if local_name(el) == "Access"
                   and el.get("Scope") in ("LiteralConstant", "TypedConstant")
                   and any(local_name(up) == "FlgNet" for up in el.iterancestors())):
        value = next((el for el in access.iter() if local_name(el) == "ConstantValue" and el.text), None)
        if value is None or done >= PER_FILE:
            continue
        old = value.text or ""
        done += 1
        made[access.get("Scope", "")] += 1
        value.text = old.replace("#", "#" + old.split("#")[0] + "#", 1) if "#" in old and done % 2 else old + "x"
        yield Mutant("literal", path, serialised(root, data), access.sourceline or 0, "FLGNET_LITERAL")
        value.text = old


def test_a_literal_no_scl_literal_spells_is_refused_at_its_access() -> None:
    made: Counter[str] = Counter()
    counts, problems = run_mutants({path: list(literal_mutants(path, made)) for path in XML})
    assert not problems, "\n".join(problems[:20])
    assert counts[("literal", True)] >= 50 and made["TypedConstant"] > 0, (counts, made)
