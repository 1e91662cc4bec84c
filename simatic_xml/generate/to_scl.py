"""A block's SimaticML -> the SCL source text TIA's "Generate source from blocks" writes.

    from simatic_xml.generate.to_scl import document_to_scl, SourceRefused, interface_spec
    text = document_to_scl(parse_bytes(xml))      # raises SourceRefused(reason) for LAD/FBD/GRAPH/STL

Covered: FB, FC (with return type), OB, global DBs, instance DBs (``"FB"`` after the header), PLC data
types (TYPE ... END_TYPE); header attributes (``S7_Optimized_Access``), TITLE/AUTHOR/FAMILY/NAME/VERSION;
every VAR section (RETAIN members get their own ``VAR RETAIN`` section, constants ``VAR CONSTANT``),
member attributes (``ExternalAccessible/Visible/Writable``, ``S7_SetPoint``), data types, start values,
comments, nested structs; the SCL networks' text (via :func:`simatic_xml.scl_text.tokens_to_text`).
Data blocks write their start values in the BEGIN part (``Count := 5;``), as the brief asks.

Not written (documented gaps): block comments, array element start values (``Subelement``), network
titles; several SCL networks are written one after another (TIA's SCL blocks have one network).
"""

from __future__ import annotations

from typing import Any

from simatic_xml.errors import SimaticMLError
from simatic_xml.interface import Member
from simatic_xml.model import FB, FC, OB, Block, Document, GlobalDB, InstanceDB, PlcStruct
from simatic_xml.scl_text import tokens_to_text

from .source_names import needs_quotes

__all__ = ("SECTION_KEYWORDS", "SourceRefused", "document_to_scl", "interface_spec", "member_spec", "network_texts",
           "source_name")

SECTION_KEYWORDS = {"Input": "VAR_INPUT", "Output": "VAR_OUTPUT", "InOut": "VAR_IN_OUT", "Static": "VAR",
                    "Temp": "VAR_TEMP", "Constant": "VAR CONSTANT"}
_FLAG_ATTRS = {"ExternalAccessible", "ExternalVisible", "ExternalWritable", "S7_SetPoint"}
_INDENT = "   "


class SourceRefused(SimaticMLError):
    """The block cannot become SCL source; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _text(texts: dict[str, str] | None) -> str | None:
    if not texts:
        return None
    return texts.get("en-US") or next((t for t in texts.values() if t), None)


def _multilingual(obj: Any, name: str) -> str | None:
    texts = obj.texts(name) if hasattr(obj, "texts") else None
    if texts is None:
        return None
    return next((i.text for i in texts.items if i.text), None)


def _flags(member: Member) -> dict[str, bool]:
    out: dict[str, bool] = {}
    for attr in member.attributes or ():
        if attr.name in _FLAG_ATTRS:
            out[attr.name] = str(attr.value).lower() == "true"
    return out


def member_spec(member: Member) -> dict[str, Any]:
    """An interface member as a JSON spec member (for regenerating a block)."""
    spec: dict[str, Any] = {"name": member.name, "dataType": member.datatype}
    if member.members:
        spec["members"] = [member_spec(m) for m in member.members]
    if member.start_value is not None and member.start_value.value != "":
        spec["startValue"] = member.start_value.value
    comment = _text(member.comment.texts) if member.comment else None
    if comment:
        spec["comment"] = member.comment.texts if member.comment and len(member.comment.texts) > 1 else comment
    if member.remanence == "Retain":
        spec["retain"] = True
    flags = _flags(member)
    for attr, key in (("ExternalAccessible", "accessibleFromHmi"), ("ExternalVisible", "visibleInHmi"),
                      ("ExternalWritable", "writableFromHmi")):
        if flags.get(attr) is False:
            spec[key] = False
    if flags.get("S7_SetPoint"):
        spec["setpoint"] = True
    return spec


def interface_spec(doc: Document) -> dict[str, list[dict[str, Any]]]:
    """The interface of a block or UDT as the spec's ``interface`` dict (Return and Base sections left out)."""
    interface = getattr(doc.object, "interface", None)
    out: dict[str, list[dict[str, Any]]] = {}
    if interface is None:
        return out
    for section in interface.sections.sections:
        if section.name in ("Return", "Base"):
            continue
        members = [member_spec(m) for m in section.members if m.informative != "true"]
        if members:
            out[section.name] = members
    return out


def network_texts(block: Block) -> list[str]:
    """The SCL text of each network.

    Raises:
        SourceRefused: a network is not SCL.
    """
    texts = []
    for index, unit in enumerate(block.compile_units, start=1):
        source = unit.network_source
        body = source.body if source is not None else None
        language = unit.programming_language or block.programming_language
        if body is None:
            texts.append("")
            continue
        if body.tag != "StructuredText":
            raise SourceRefused(
                f"network {index} of '{block.name}' is {language or body.tag}; only SCL networks can be written "
                "as SCL source (TIA generates sources for SCL blocks, not LAD, FBD or GRAPH)"
            )
        texts.append(tokens_to_text(body))
    return texts


def _decl(member: Member, depth: int, *, db: bool) -> list[str]:
    pad = _INDENT * depth
    flags = _flags(member)
    attrs = "; ".join(f"{k} := '{'True' if v else 'False'}'" for k, v in flags.items()
                      if (k == "S7_SetPoint" and v) or (k != "S7_SetPoint" and not v))
    attr_text = f" {{ {attrs}}}" if attrs else ""
    comment = _text(member.comment.texts) if member.comment else None
    tail = f"   // {comment}" if comment else ""
    if member.members and member.datatype.lower() == "struct":
        lines = [f"{pad}{source_name(member.name)}{attr_text} : Struct{tail}"]
        for child in member.members:
            lines.extend(_decl(child, depth + 1, db=db))
        lines.append(f"{pad}END_STRUCT;")
        return lines
    start = ""
    if not db and member.start_value is not None and member.start_value.value != "":
        start = f" := {member.start_value.value}"
    return [f"{pad}{source_name(member.name)}{attr_text} : {member.datatype}{start};{tail}"]


def source_name(name: str) -> str:
    """A member's name as TIA's source export writes it: quoted when it is no identifier or a data type keyword
    (:mod:`.source_names`)."""
    plain = name.replace("_", "a").isalnum() and not name[0].isdigit() and not needs_quotes(name)
    return name if plain else f'"{name}"'


def _sections(doc: Document, *, db: bool) -> list[str]:
    interface = getattr(doc.object, "interface", None)
    lines: list[str] = []
    if interface is None:
        return lines
    for section in interface.sections.sections:
        keyword = SECTION_KEYWORDS.get(section.name)
        if keyword is None or not section.members:
            continue
        groups: list[tuple[str, list[Member]]] = []
        for member in section.members:
            qualifier = (" RETAIN" if member.remanence == "Retain"
                         and keyword in ("VAR", "VAR_INPUT", "VAR_OUTPUT", "VAR_IN_OUT") else "")
            if not groups or groups[-1][0] != qualifier:
                groups.append((qualifier, []))
            groups[-1][1].append(member)
        for qualifier, members in groups:
            lines.append(f"{_INDENT}{keyword}{qualifier} ")
            for member in members:
                lines.extend(_decl(member, 2, db=db))
            lines.append(f"{_INDENT}END_VAR")
            lines.append("")
    return lines


def _start_assignments(members: list[Member], prefix: str = "") -> list[str]:
    lines = []
    for member in members:
        path = f"{prefix}{source_name(member.name)}"
        if member.members:
            lines.extend(_start_assignments(member.members, path + "."))
        elif member.start_value is not None and member.start_value.value != "":
            lines.append(f"{_INDENT}{path} := {member.start_value.value};")
    return lines


def _header(obj: Block | PlcStruct, keyword: str, suffix: str = "") -> list[str]:
    lines = [f'{keyword} "{obj.name}"{suffix}']
    if isinstance(obj, Block):
        layout = obj.attr("MemoryLayout")
        lines.append(f"{{ S7_Optimized_Access := '{'FALSE' if layout == 'Standard' else 'TRUE'}' }}")
    title = _multilingual(obj, "Title")
    if title:
        lines.append(f"TITLE = {title}")
    for attr, word in (("HeaderAuthor", "AUTHOR"), ("HeaderFamily", "FAMILY"), ("HeaderName", "NAME")):
        value = obj.attr(attr)
        if value:
            lines.append(f"{word} : {value}")
    version = obj.attr("HeaderVersion") or "0.1"
    lines.append(f"VERSION : {version}")
    return lines


def document_to_scl(doc: Document) -> str:
    """The SCL source of one block or PLC data type.

    Raises:
        SourceRefused: LAD/FBD/GRAPH/STL blocks, know-how protected blocks and other objects.
    """
    obj = doc.object
    if isinstance(obj, PlcStruct):
        lines = _header(obj, "TYPE")
        interface = obj.interface
        members = interface.sections.sections[0].members if interface and interface.sections.sections else []
        lines.append(f"{_INDENT}STRUCT")
        for member in members:
            lines.extend(_decl(member, 2, db=False))
        lines.append(f"{_INDENT}END_STRUCT;")
        lines += ["", "END_TYPE", ""]
        return "\n".join(lines)
    if not isinstance(obj, Block):
        raise SourceRefused(f"'{obj.name}' is a {obj.element}; only blocks and PLC data types have an SCL source")
    if obj.attr("IsKnowHowProtected") is True:
        raise SourceRefused(f"'{obj.name}' is know-how protected; TIA does not generate its source")
    language = obj.programming_language
    if isinstance(obj, (GlobalDB, InstanceDB)):
        if isinstance(obj, InstanceDB):
            lines = _header(obj, "DATA_BLOCK")
            lines.append(f'"{obj.attr("InstanceOfName")}"')
            lines.append("")
            starts: list[str] = []
        else:
            lines = _header(obj, "DATA_BLOCK")
            lines.extend(_sections(doc, db=True))
            static = obj.interface.sections.section("Static") if obj.interface else None
            starts = _start_assignments(static.members if static else [])
        lines.append("BEGIN")
        lines.extend(starts)
        lines += ["", "END_DATA_BLOCK", ""]
        return "\n".join(lines)
    if language not in ("SCL", None):
        raise SourceRefused(
            f"'{obj.name}' is a {language} block; TIA generates SCL sources only for SCL blocks and data blocks "
            "(LAD, FBD and GRAPH have no textual source)"
        )
    if isinstance(obj, FB):
        keyword, end, suffix = "FUNCTION_BLOCK", "END_FUNCTION_BLOCK", ""
    elif isinstance(obj, FC):
        ret = obj.interface.sections.section("Return") if obj.interface else None
        ret_type = ret.members[0].datatype if ret and ret.members else "Void"
        keyword, end, suffix = "FUNCTION", "END_FUNCTION", f" : {ret_type}"
    elif isinstance(obj, OB):
        keyword, end, suffix = "ORGANIZATION_BLOCK", "END_ORGANIZATION_BLOCK", ""
    else:
        raise SourceRefused(f"'{obj.name}' is a {type(obj).__name__}; it has no SCL source")
    texts = network_texts(obj)
    lines = _header(obj, keyword, suffix)
    lines.extend(_sections(doc, db=False))
    lines.append("BEGIN")
    body = "\n".join(t.rstrip("\n") for t in texts if t.strip())
    if body:
        # TIA's source export puts one tab before each line of the block's text (corpus: Amadeusz97/TIA_H4
        # Initialisation.scl); generating from the source takes it off again (from_scl.without_export_tab)
        lines.append("\n".join("\t" + line for line in body.split("\n")))
    lines += [end, ""]
    return "\n".join(lines)
