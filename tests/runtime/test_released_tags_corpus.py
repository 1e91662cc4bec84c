"""The released-tag list, the simulated OPC UA server and the runtime tag import agree on every DB and FB instance
of the corpus (TIA's own exports): one rule decides (``rules.released_tags.leaf_access``).

For each corpus DB, and each corpus FB read as the interface of its instance DB, the test lists the leaves as the
CPU lists them (elementary members, arrays and structs expanded, a system FB multi-instance by its parameters
*and* its internal statics such as ``SD_0``): the import's tags, plus what it skips for want of an OPC UA type,
must be exactly the leaves the rule releases (for a DB: :func:`released_tags`, the list the simulated PLC answers
and its OPC UA server serves), with the same writability, and no internal static of a system FB instance is ever
released. Before the import decided with a flag walk of its own.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from engineering_api.rules.released_tags import instance_parameters, leaf_access, member_segment, released_tags
from engineering_api.runtime.opcua.names import variant_type_name
from engineering_api.runtime.tag_import import db_walk
from simatic_xml import SimaticMLError, parse_bytes
from simatic_xml.objects import DB
from simatic_xml.system_types import lookup
from tests.lib.shared_corpus import READS_SHARED, SHARED

CORPUS = (SHARED / "corpus/simaticml")
_ARRAY = re.compile(r"^Array\s*\[\s*(-?\d+)\s*\.\.\s*(-?\d+)\s*\]\s+of\s+(.+)$", re.IGNORECASE)
_SECTIONS = frozenset({"Input", "Output", "InOut", "Static", "None"})


def _documents() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted([*CORPUS.glob("db/*.xml"), *CORPUS.glob("fb/*.xml")])


def _cpu_leaves(members: list[Any], prefix: str, out: list[tuple[str, str]]) -> None:
    """The leaves below ``members`` as a CPU's tag list names them (a member whose name holds a dot quoted)."""
    for member in members:
        name, data_type = f"{prefix}.{member_segment(member.name)}", (member.datatype or "").strip()
        array = _ARRAY.match(data_type)
        system = lookup(data_type.strip('"')) if data_type else None
        if member.members and not array:
            _cpu_leaves(list(member.members), name, out)
        elif array and int(array.group(2)) - int(array.group(1)) < 1000:
            for index in range(int(array.group(1)), int(array.group(2)) + 1):
                out.append((f"{name}[{index}]", array.group(3).strip()))
        elif system is not None and system.kind == "instance":
            # the CPU holds the instance's every member: its parameters and its internal statics
            out += [(f"{name}.{inner.name}", inner.data_type) for inner in system.members]
            listed = {inner.name.lower() for inner in system.members}
            out += [(f"{name}.{p.name}", p.data_type) for p in instance_parameters(data_type) or ()
                    if p.name.lower() not in listed]
        else:
            out.append((name, data_type))


def _interface(path: Path) -> tuple[Any, list[Any], bytes] | None:
    xml = path.read_bytes()
    try:
        obj = parse_bytes(xml).object
    except SimaticMLError:
        return None
    interface: Any = getattr(obj, "interface", None)
    if interface is None:
        return None
    members = [m for sec in interface.sections.sections if sec.name in _SECTIONS for m in sec.members]
    return obj, members, xml


@READS_SHARED
@pytest.mark.parametrize("path", _documents(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_the_import_and_the_released_list_agree_on_a_corpus_block(path: Path) -> None:
    found = _interface(path)
    if found is None:
        pytest.skip("no interface in this export")
    obj, members, xml = found
    name = obj.name or path.stem
    leaves: list[tuple[str, str]] = []
    _cpu_leaves(members, f'"{name}"', leaves)
    if isinstance(obj, DB):  # the list the simulated PLC answers (and its OPC UA server serves)
        listed = {t.name: t.writable for t in released_tags(leaves, [xml])}
    else:  # an FB: the interface of its instance DB
        listed = {leaf: access[1] for leaf, _ in leaves if (access := leaf_access(members, leaf))[0]}
    open_to_opcua = str(obj.attr("DBAccessibleFromOPCUA")).lower() != "false" if isinstance(obj, DB) else True
    if not open_to_opcua:
        listed = {}
    types = dict(leaves)
    servable = {leaf: writable for leaf, writable in listed.items() if variant_type_name(types[leaf]) is not None}
    walk = db_walk(obj, name, "opcua")
    imported = {tag.name: tag.writable for tag in walk.tags}
    untyped = {s.name for s in walk.skipped}
    assert imported == servable, (sorted(set(imported) ^ set(servable))[:10], path.name)
    assert untyped == set(listed) - set(servable), (sorted(untyped ^ (set(listed) - set(servable)))[:10])
    for leaf, _ in leaves:  # a system FB instance's internal statics are never released
        head, _, member = leaf.rpartition(".")
        parent_type = next((t for n, t in leaves if n == head), None)
        if parent_type is None:
            continue
        parameters = instance_parameters(parent_type)
        if parameters is not None and member.lower() not in {p.name.lower() for p in parameters}:
            assert leaf not in listed and leaf not in imported


def test_the_corpus_has_system_fb_instances_to_check() -> None:
    """The test above checks something: the corpus holds system FB multi-instances (R_TRIG, MC_POWER, TSEND...)."""
    if not _documents():
        pytest.skip("no corpus")
    count = 0
    for path in _documents():
        found = _interface(path)
        if found is None:
            continue
        leaves: list[tuple[str, str]] = []
        _cpu_leaves(found[1], '"X"', leaves)
        count += sum(1 for n, _ in leaves if n.endswith((".Q", ".CLK", ".Status", ".Busy")))
    assert count >= 10, count
