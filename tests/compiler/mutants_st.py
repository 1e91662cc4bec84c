"""Issue 89's SCL statement families in the SCL networks of SimaticML exports (``<StructuredText>``), each a change of
TIA's own token elements, in the shapes TIA exports them (a label declaration as in the corpus's
Czarnak_MHJ-PLC-Lab-Function-S71200 export: ``<Access Scope="Label"><Label Name=..><Token Text=":"/></Label>``):

* a jump label declared twice: two labelled empty statements at the network's start, the second's name the
  first's in other letter case (``GOTO_DUPLICATE_LABEL``); control: another name;
* a literal constant with a letter appended (``800`` -> ``800x``: the network does not parse, ``NETWORK_SYNTAX``);
  control: the same value in base 16;
* ``=>`` on an instruction function's input (``SCALE_X(MIN => ...)``, ``WRONG_PARAMETER``); control: as exported;
* a call's first parameter given again after it (``PARAMETER_TWICE``).

A network that does not parse is not read further, so a literal mutant loses the other findings of its network
(only those: :func:`judged`). A finding of an SCL network is at the line of the network's text (:func:`text_line`;
the CLI's text reports map it to the export's line, :mod:`engineering_api.ci.xml_lines`).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from itertools import count
from pathlib import Path
from typing import Any

from lxml import etree

from engineering_api.rules.compiler.builtins import FUNCTIONS
from engineering_api.rules.compiler.signatures import fc_signature
from simatic_xml.diagnostics import Diagnostic
from tests.compiler.mutants import Mutant, local_name, serialised, xml_parser
from tests.compiler.mutants_statements import judged as judged_statement

__all__ = ("judged", "st_arrow_mutants", "st_label_mutants", "st_literal_mutants", "st_twice_mutants", "text_line")


def _networks(root: etree._Element) -> list[etree._Element]:
    return [el for el in root.iter() if local_name(el) == "StructuredText"]


def text_line(network: etree._Element, element: etree._Element) -> int:
    """The line of the network's SCL text ``element`` starts on: one past the line breaks before it."""
    lines = 1
    for el in network.iter():
        if el is element:
            return lines
        if local_name(el) == "NewLine":
            lines += int(el.get("Num", "1"))
    raise ValueError("element is not in the network")


def _fresh(el: etree._Element, uids: Iterator[int]) -> etree._Element:
    """``el`` (a copy) with a UId no element of the export has on it and each element below it."""
    for each in el.iter():
        if each.get("UId") is not None:
            each.set("UId", str(next(uids)))
    return el


def _uids(root: etree._Element) -> Iterator[int]:
    return count(max((int(u) for el in root.iter() if (u := el.get("UId", "")).isdigit()), default=0) + 1)


def _element(network: etree._Element, name: str, **attributes: str) -> etree._Element:
    return etree.Element(str(network.tag).replace("StructuredText", name), attributes)


def _label(network: etree._Element, name: str) -> list[etree._Element]:
    """``name: ;`` and a line break, as TIA's token elements."""
    access = _element(network, "Access", Scope="Label")
    label = etree.SubElement(access, str(network.tag).replace("StructuredText", "Label"), {"Name": name})
    etree.SubElement(label, str(network.tag).replace("StructuredText", "Token"), {"Text": ":"})
    return [access, _element(network, "Token", Text=";"), _element(network, "NewLine")]


def _with_st(path: Path) -> tuple[bytes, Any, list[etree._Element]]:
    """The export's bytes, parsed tree and SCL networks (no tree and no networks when it has none)."""
    data = path.read_bytes()
    if b"StructuredText" not in data:
        return data, None, []
    root = etree.fromstring(data, xml_parser())
    return data, root, _networks(root)


def st_label_mutants(path: Path, per_file: int = 2) -> Iterator[Mutant]:
    data, root, networks = _with_st(path)
    for network in networks[:per_file]:
        for second, code in (("MUT_LABEL", "GOTO_DUPLICATE_LABEL"), ("Mut_other", None)):
            added = _label(network, "Mut_label") + _label(network, second)
            uids = _uids(root)
            for index, el in enumerate(added):
                network.insert(index, _fresh(el, uids))
            yield Mutant("duplicate label (SCL network)", path, serialised(root, data), 2, code)
            for el in added:
                network.remove(el)


def st_literal_mutants(path: Path, per_file: int = 3) -> Iterator[Mutant]:
    """Decimal literal constants above 1 of SCL networks, one a network: ``800x`` refused at its line; control:
    ``16#320``."""
    data, root, networks = _with_st(path)
    made = 0
    for network in networks:
        value = next((el for access in network.iter() if local_name(access) == "Access"
                      and access.get("Scope") == "LiteralConstant" for el in access.iter()
                      if local_name(el) == "ConstantValue" and (el.text or "").isdigit() and int(el.text or 0) > 1),
                     None)
        if value is None or made >= per_file:
            continue
        made += 1
        old = value.text or ""
        line = text_line(network, value)
        for text, code in ((old + "x", "NETWORK_SYNTAX"), (f"16#{int(old):X}", None)):
            value.text = text
            yield Mutant("integer literal (SCL network)", path, serialised(root, data), line, code)
        value.text = old


def _inputs(name: str) -> set[str]:
    upper = name.upper()
    if upper in FUNCTIONS:
        return {p.upper() for p, *_ in FUNCTIONS[upper][0]}
    signature = fc_signature(upper)
    return {n.upper() for n, v in signature.members.items() if v.section == "Input"} if signature else set()


def _assigned(parameter: etree._Element) -> etree._Element | None:
    """The ``:=`` token of a parameter given a tag (``=>`` to a literal or expression would add another finding)."""
    tokens = [el for el in parameter if local_name(el) == "Token"]
    accesses = [el for el in parameter if local_name(el) == "Access"]
    if len(tokens) != 1 or tokens[0].get("Text") != ":=" or len(accesses) != 1:
        return None
    return tokens[0] if accesses[0].get("Scope") == "LocalVariable" else None


def st_arrow_mutants(path: Path, per_file: int = 3) -> Iterator[Mutant]:
    data, root, networks = _with_st(path)
    made = 0
    for network in networks:
        for instruction in (el for el in network.iter() if local_name(el) == "Instruction"):
            inputs = _inputs(instruction.get("Name", ""))
            token = next((t for p in instruction if local_name(p) == "Parameter"
                          and p.get("Name", "").upper() in inputs for t in [_assigned(p)] if t is not None), None)
            if token is None or made >= per_file:
                continue
            made += 1
            line = text_line(network, token)
            token.set("Text", "=>")
            yield Mutant("assignment arrow (SCL network instruction input)", path, serialised(root, data), line,
                         "WRONG_PARAMETER")
            token.set("Text", ":=")
            yield Mutant("assignment arrow (SCL network instruction input)", path, serialised(root, data), line, None)


def st_twice_mutants(path: Path, per_file: int = 3) -> Iterator[Mutant]:
    """A call's (an instruction's or a block's) first parameter given again right after it, at its line."""
    data, root, networks = _with_st(path)
    made = 0
    for network in networks:
        for call in (el for el in network.iter() if local_name(el) in ("Instruction", "CallInfo", "Call")):
            first = next((p for p in call if local_name(p) == "Parameter" and _assigned(p) is not None), None)
            if first is None or made >= per_file:
                continue
            made += 1
            uids = _uids(root)
            at = call.index(first) + 1
            added = [_fresh(_element(network, "Token", Text=","), uids), _fresh(copy.deepcopy(first), uids)]
            for index, el in enumerate(added):
                call.insert(at + index, el)
            yield Mutant("parameter twice (SCL network)", path, serialised(root, data), text_line(network, first),
                         "PARAMETER_TWICE")
            for el in added:
                call.remove(el)


def judged(mutant: Mutant, original: list[Diagnostic], got: list[Diagnostic]) -> str | None:
    """:func:`tests.compiler.mutants_statements.judged` (an SCL source's mutant), but a refused literal mutant of a
    network may lose its own network's findings: its one ``NETWORK_SYNTAX`` at its line, and every finding of
    another network kept."""
    if mutant.code != "NETWORK_SYNTAX":
        return judged_statement(mutant, original, got)
    syntax = [d for d in got if d.code == "NETWORK_SYNTAX"]
    if len(syntax) != 1 or syntax[0].line != mutant.line:
        return f"expected one NETWORK_SYNTAX at line {mutant.line}: {[(d.line, d.code) for d in syntax]}"
    def others(found: list[Diagnostic]) -> list[tuple[str | None, str, int | None]]:
        return sorted((d.code, d.message, d.network) for d in found if d.network != syntax[0].network)
    return None if others(original) == others(got) else "a finding of another network changed"
