"""One SimaticML document as text: the object's header, its attributes as ``key: value`` lines, titles and comments
per culture, the interface as declarations (:mod:`.interface`), each network in its language's text (SCL and STL as
source lines, LAD/FBD as a listing, :mod:`.flgnet`; GRAPH, :mod:`.graph`), a tag table's tags one per line.

Left out, as they change with every export and not with the object: ``DocumentInfo`` (``Created``, the installed
products), the ``Engineering`` version and the namespaces, object IDs and UIds, and the read-only timestamps and
compile state of ``WithReadOnly`` exports (:data:`VOLATILE`).
"""

from __future__ import annotations

from simatic_xml import SimaticMLError, flgnet, graph, stl, tokens_to_text
from simatic_xml.model import (CompileUnit, Document, MultilingualText, PlcTag, PlcUserConstant, SwObject,
                               format_scalar)
from simatic_xml.interface import Interface
from simatic_xml.sw_base import NetworkSource
from simatic_xml.xmlnode import XmlNode

from engineering_api.rules.operand_text import stl_text

from .common import INDENT, node_lines, text_lines
from .flgnet import flgnet_lines
from .graph import graph_lines
from .interface import sections_lines

__all__ = ("VOLATILE", "document_text")

VOLATILE = frozenset({"CodeModifiedDate", "CompileDate", "CreationDate", "InterfaceModifiedDate", "ModifiedDate",
                      "ParameterModified", "StructureModified", "IsConsistent", "LibraryConformanceStatus"})
"""Read-only attributes a ``WithReadOnly`` export adds (the corpus's V16 ``FC_CALCUL``): when the block, its
interface or its parameters last changed, when it was compiled, whether it is consistent and library-conformant.
They change on a compile or a recompile of the project without any change to the block."""

_KEYWORDS = {"SW.Blocks.OB": "ORGANIZATION_BLOCK", "SW.Blocks.FB": "FUNCTION_BLOCK", "SW.Blocks.FC": "FUNCTION",
             "SW.Blocks.GlobalDB": "DATA_BLOCK", "SW.Blocks.InstanceDB": "DATA_BLOCK",
             "SW.Blocks.ArrayDB": "DATA_BLOCK", "SW.TechnologicalObjects.TechnologicalInstanceDB": "DATA_BLOCK",
             "SW.Types.PlcStruct": "TYPE", "SW.Tags.PlcTagTable": "TAG_TABLE"}
_SHOWN_ELSEWHERE = frozenset({"Name", "Interface", "NetworkSource", "ProgrammingLanguage", "ParameterData"})


def _scalar(value: object) -> str:
    return format_scalar(value) if isinstance(value, (str, int, bool)) else str(value)


def _attribute_lines(obj: SwObject, indent: str, skip: frozenset[str] = _SHOWN_ELSEWHERE) -> list[str]:
    lines = []
    for key in sorted(obj.attributes or {}):
        value = (obj.attributes or {})[key]
        if key in VOLATILE or key in skip or isinstance(value, (XmlNode, Interface, NetworkSource)):
            continue
        if key == "Namespace" and value == "":
            continue  # V18 and later write an empty <Namespace /> on every block outside a software unit
        lines += [f"{indent}{key}: {line}".rstrip() for line in _scalar(value).replace("\r\n", "\n").split("\n")]
    return lines


def _texts(child: MultilingualText) -> dict[str, str]:
    return {item.culture: item.text for item in child.items}


def _body_lines(body: XmlNode, indent: str) -> list[str]:
    if body.tag == "StructuredText":
        return [(indent + line).rstrip() for line in tokens_to_text(body).split("\n")]
    if body.tag == "FlgNet":
        return flgnet_lines(flgnet.from_xml(body), indent)
    if body.tag == "StatementList":
        return [(indent + line).rstrip() for line in stl_text(stl.from_xml(body)).split("\n")]
    if body.tag == "Graph":
        return graph_lines(graph.from_xml(body), indent)
    return node_lines(body, indent)


def _network_lines(index: int, unit: CompileUnit) -> list[str]:
    language = unit.programming_language or ""
    lines = ["", f"NETWORK {index} ({language})"]
    lines += _attribute_lines(unit, INDENT)
    lines += _children_lines(unit, INDENT)
    source = unit.network_source
    body = source.body if source is not None else None
    if body is not None:
        try:
            lines += _body_lines(body, INDENT)
        except SimaticMLError as exc:  # a shape the typed views do not know: every element of it, still without UIds
            lines.append(f"{INDENT}(elements as exported: {exc})")
            lines += node_lines(body, INDENT)
    return lines


def _tag_lines(tag: PlcTag | PlcUserConstant, indent: str) -> list[str]:
    skip = _SHOWN_ELSEWHERE | {"DataTypeName", "LogicalAddress", "Value"}
    pairs = [line.strip().replace(": ", " := '", 1) + "'" for line in _attribute_lines(tag, "", skip)]
    braces = " { " + "; ".join(pairs) + " }" if pairs else ""
    if isinstance(tag, PlcTag):
        where = f" AT {tag.logical_address}" if tag.logical_address else ""
        head = f'{indent}TAG "{tag.name}"{braces} : {tag.data_type}{where};'
    else:
        head = f'{indent}CONSTANT "{tag.name}"{braces} : {_scalar(tag.attr("DataTypeName"))} := {tag.value};'
    return [head, *_children_lines(tag, indent + INDENT)]


def _children_lines(obj: SwObject, indent: str) -> list[str]:
    """Titles and comments (each culture), tags, networks, and any other object as its attributes."""
    lines: list[str] = []
    networks = 0
    for child in obj.children or ():
        if isinstance(child, MultilingualText):
            lines += text_lines((child.composition_name or "text").lower(), _texts(child), indent)
        elif isinstance(child, CompileUnit):
            networks += 1
            lines += _network_lines(networks, child)
        elif isinstance(child, (PlcTag, PlcUserConstant)):
            lines += _tag_lines(child, indent)
        else:
            lines.append(f'{indent}OBJECT {child.element} "{child.name or ""}"')
            lines += _attribute_lines(child, indent + INDENT)
            lines += _children_lines(child, indent + INDENT)
    return lines


def document_text(doc: Document) -> str:
    """The text of ``doc`` (LF line ends, a final newline)."""
    obj = doc.object
    keyword = _KEYWORDS.get(obj.element, obj.element)
    lines = [f'{keyword} "{obj.name or ""}"']
    language = obj.attr("ProgrammingLanguage")
    if language is not None:
        lines.append(f"ProgrammingLanguage: {_scalar(language)}")
    lines += _attribute_lines(obj, "")
    interface = obj.attr("Interface")
    if isinstance(interface, Interface):
        lines.append("")
        lines += sections_lines(interface.sections, 0)
    parameters = obj.attr("ParameterData")
    if isinstance(parameters, XmlNode):
        lines += ["", "PARAMETER_DATA", *node_lines(parameters, INDENT)]
    lines += _children_lines(obj, "")
    lines += ["", f"END_{keyword}" if obj.element in _KEYWORDS else f"END {keyword}"]
    return "\n".join(lines) + "\n"
