"""A jump label declared by two LAD/FBD networks of one block is reported at the second declaration
(``FLGNET_DUPLICATE_LABEL``, a warning: no Siemens page or TIA error text found states TIA's verdict) by every
check, in every block of the corpus's exports with two LAD/FBD networks (LAD, FBD, F_LAD, F_FBD): its first and last
networks given a declaration of the label, once in another letter case; the control gives them two different
labels. The corpus's exports declare no LAD/FBD label, so each declaration is added
(``<Labels><LabelDeclaration><Label Name=…/>``, the form of TIA's LAD export). Before, every entry passed it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from tests.compiler.mutants import Mutant, local_name, xml_parser, serialised, run_mutants
from tests.lib.shared_corpus import READS_SHARED, SHARED

CORPUS = SHARED / "corpus" / "simaticml"
XML = sorted(CORPUS.rglob("*.xml")) if CORPUS.is_dir() else []

pytestmark = READS_SHARED


def _declare(net: etree._Element, name: str) -> etree._Element:
    namespace = str(net.tag)[:-len("FlgNet")]
    labels = etree.Element(f"{namespace}Labels")
    declaration = etree.SubElement(labels, f"{namespace}LabelDeclaration", {"UId": "9990"})
    etree.SubElement(declaration, f"{namespace}Label", {"Name": name})
    net.insert(0, labels)
    return labels


def label_mutants(path: Path) -> Iterator[Mutant]:
    data = path.read_bytes()
    if b"FlgNet" not in data:
        return
    root = etree.fromstring(data, xml_parser())
    nets = [el for el in root.iter() if local_name(el) == "FlgNet" and not any(local_name(up) == "Transition"
                                                                          for up in el.iterancestors())]
    if len(nets) < 2 or any(local_name(child) == "Labels" for net in nets for child in net):
        return
    for first, second, code in (("M_mut", "m_MUT", "FLGNET_DUPLICATE_LABEL"), ("M_mut", "M_other", None)):
        added = [_declare(nets[0], first), _declare(nets[-1], second)]
        text = serialised(root, data)
        line = text[:text.index(f'Name="{second}"'.encode())].count(b"\n") + 1
        yield Mutant("duplicate label", path, text, line, code)
        for net, labels in zip((nets[0], nets[-1]), added, strict=True):
            net.remove(labels)


def test_a_label_declared_twice_in_a_block_is_refused_at_the_second() -> None:
    counts, problems = run_mutants({path: list(label_mutants(path)) for path in XML})
    assert not problems, "\n".join(problems[:20])
    assert counts[("duplicate label", True)] >= 20 and counts[("duplicate label", False)] >= 20, counts
