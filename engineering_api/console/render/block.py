"""A block's SimaticML as the console shows it: each network drawn in its own language, and the member tree."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from engineering_api.console.render.ladder import draw_network
from engineering_api.console.render.scl import code_html
from engineering_api.console.render.operand_types import local_types
from engineering_api.console.render.structure import MemberRow, graph_html, member_rows
from engineering_api.rules.operand_text import stl_text
from simatic_xml import SimaticMLError, flgnet, graph, stl, tokens_to_text
from simatic_xml.model import Document

__all__ = ("BlockView", "NetworkView", "block_view", "stl_text")


@dataclass(slots=True)
class NetworkView:
    """One network ready for the page: ``html`` is SVG (LAD/FBD), numbered code (SCL/STL) or the sequence."""

    index: int
    title: str
    comment: str
    language: str
    kind: str
    """``ladder``, ``code``, ``graph`` or ``unknown``."""
    html: str
    parts_drawn: int = 0
    wires_drawn: int = 0
    error: str | None = None


@dataclass(slots=True)
class BlockView:
    """The block's kind, networks and members."""

    name: str
    block_type: str
    language: str
    number: int | None
    title: str
    comment: str
    networks: list[NetworkView] = field(default_factory=list)
    members: list[MemberRow] = field(default_factory=list)


def _text(texts: Any) -> str:
    if texts is None:
        return ""
    return texts.text("en-US") or next((i.text for i in texts.items if i.text), "") or ""


def _network(index: int, unit: Any, block_language: str, addresses: Mapping[str, str] | None,
             diagnostics: Mapping[int, Mapping[int, list[dict[str, Any]]]],
             types: Mapping[str, str] | None = None) -> NetworkView:
    language = unit.programming_language or block_language
    view = NetworkView(index, _text(unit.title), _text(unit.comment), language, "unknown", "")
    source = unit.network_source
    body = source.body if source is not None else None
    if body is None:
        view.kind, view.html = "code", ""
        return view
    anchor = f"n{index}"
    try:
        if body.tag == "FlgNet":
            picture = draw_network(flgnet.from_xml(body), language, addresses, types)
            view.kind, view.html = "ladder", picture.svg
            view.parts_drawn, view.wires_drawn = picture.parts_drawn, picture.wires_drawn
        elif body.tag == "StructuredText":
            view.kind, view.html = "code", code_html(tokens_to_text(body), anchor, diagnostics.get(index))
        elif body.tag == "StatementList":
            text = stl_text(stl.from_xml(body))
            view.kind, view.html = "code", code_html(text, anchor, diagnostics.get(index), plain=True)
        elif body.tag == "Graph":
            sequence = graph_html(graph.from_xml(body), addresses)
            view.kind, view.html = "graph", sequence.html
            view.parts_drawn, view.wires_drawn = sequence.parts_drawn, sequence.wires_drawn
        else:
            view.error = f"a <{body.tag}> network is not drawn by the console"
    except SimaticMLError as exc:  # shown on the page at its network; the other networks still render
        view.error = f"this network could not be read: {exc}"
    return view


def diagnostics_by_line(diagnostics: Iterable[Mapping[str, Any]]) -> dict[int, dict[int, list[dict[str, Any]]]]:
    """Diagnostics (the one shape) grouped by network, then line; those without a line go to line 1."""
    grouped: dict[int, dict[int, list[dict[str, Any]]]] = {}
    for diagnostic in diagnostics:
        network = diagnostic.get("network") or 1
        line = diagnostic.get("line") or 1
        grouped.setdefault(int(network), {}).setdefault(int(line), []).append(dict(diagnostic))
    return grouped


def block_view(doc: Document, addresses: Mapping[str, str] | None = None,
               diagnostics: Iterable[Mapping[str, Any]] = (), tag_types: Mapping[str, str] | None = None) -> BlockView:
    """The view of a block, UDT or DB document; ``addresses`` maps global tags to their addresses, ``tag_types``
    to their data types (with the interface's, for the type an ``Auto`` box resolves to)."""
    obj = doc.object
    language = getattr(obj, "programming_language", None) or ""
    view = BlockView(
        name=obj.name or "", block_type=obj.ELEMENT.rsplit(".", 1)[-1] if hasattr(obj, "ELEMENT") else "",
        language=language, number=getattr(obj, "number", None), title=_text(obj.title), comment=_text(obj.comment),
    )
    grouped = diagnostics_by_line(diagnostics)
    interface = getattr(obj, "interface", None)
    types = {f'"{name}"': datatype for name, datatype in (tag_types or {}).items()}
    for section in interface.sections.sections if interface is not None else ():
        types.update(local_types(section.members))
    for index, unit in enumerate(getattr(obj, "compile_units", None) or [], start=1):
        view.networks.append(_network(index, unit, language, addresses, grouped, types))
    if interface is not None:
        view.members = member_rows(interface.sections)
    return view
