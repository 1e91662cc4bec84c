"""SCL source text <-> the StructuredText token stream TIA exports (notes §7).

:func:`tokens_to_text` renders a ``StructuredText`` body as the SCL a human reads in the editor
(``#local``, ``"Global"``, comments and layout exactly as in the token stream).
:func:`text_to_tokens` goes back. Some facts are not in the text, just as TIA resolves them against
the project; they come from a :class:`SclContext`:

* whether ``#name`` / an unquoted or quoted global name is a *constant* (from the interface's
  Constant section or the tag tables) rather than a variable;
* what a called name is: ``CallInfo BlockType``/``Name`` of an FB instance or FC (from the project);
* the ``TemplateValue`` of typed instructions such as ``SCALE_X`` / ``LIMIT`` / ``SHL``;
* two per-network spellings of V16–V18: ``Num="1"`` written out, and the ``Inserted``/
  ``NoClosingBracket`` attributes of ``LineComment``.

:func:`context_from_tokens` harvests all of these from an existing network and
:func:`context_from_interface` the constants from a block interface. Without context, ``#x`` is a
local variable, a quoted name followed by ``(`` is an FC call (v4) and instructions carry no template.

Block comments ``(* *)`` and ``/* */`` become a ``Comment`` element holding ``Text`` and ``NewLine``
(no corpus export holds one; see :meth:`simatic_xml.scl_parse_io.StElements.block_comment`); they read back as
``(* … *)``. Tabs count as one blank each.
"""

from __future__ import annotations

import re

from .errors import SchemaError, UnsupportedConstructError
from .model import Interface
from .scl_context import KEYWORDS, SclContext, call_key
from .scl_parse import parse_scl
from .template_value import TemplateValue
from .xmlnode import XmlNode

__all__ = (
    "KEYWORDS",
    "SclContext",
    "context_from_interface",
    "call_key",
    "constant_name",
    "context_from_tokens",
    "needs_quotes",
    "strip_uids",
    "text_to_tokens",
    "tokens_to_text",
)

# ---------------------------------------------------------------- tokens -> text


def _symbol_text(node: XmlNode) -> str:
    """Components joined by their ``.`` tokens; quoted where the tokens say so or the name needs it."""
    children = node.children
    if len(children) == 1 and children[0].tag == "Component":  # a plain name, most operands: nothing to join
        return _component_text(children[0])
    parts: list[str] = []
    for child in children:
        if child.tag == "Component":
            parts.append(_component_text(child))
        elif child.tag == "Token":
            parts.append(child.attrs.get("Text", ""))
        elif child.tag in ("Blank", "NewLine", "LineComment", "Comment"):
            # Layout inside an operand ("HMI DB".ACIDIC ."CYCLE TIME MIN" in a real TIA export) is kept.
            parts.append(_text(child))
        elif child.tag == "Address":
            parts.append(_address_text(child, first=not parts))
        else:
            raise SchemaError(f"unexpected <{child.tag}> in Symbol", "StructuredText")
    return "".join(parts)


# Area_TE of SimaticML's Access schema (SW.PlcBlocks.Access v1-v5); Periphery* are the :P I/O accesses.
_AREA_LETTER = {"Input": "I", "Output": "Q", "Memory": "M", "PeripheryInput": "I", "PeripheryOutput": "Q",
                "Timer": "T", "Counter": "C"}
_SIZE_LETTER = {"BOOL": "X", "BYTE": "B", "CHAR": "B", "SINT": "B", "USINT": "B", "WORD": "W", "INT": "W", "UINT": "W",
                "DWORD": "D", "DINT": "D", "UDINT": "D", "REAL": "D", "TIME": "D", "LWORD": "L", "LINT": "L",
                "ULINT": "L", "LREAL": "L"}


def _address_text(node: XmlNode, *, first: bool = True) -> str:
    """An absolute address (``Access Scope="Address"``): ``%I1.3``, ``%MW10``, ``%DB7.DBW2``; inside a Symbol
    the DB (``Type="Raw"``) and its member address come as two ``Address`` elements joined by ``.``."""
    attrs = node.attrs
    area = attrs.get("Area", "")
    kind = attrs.get("Type", "Bool").upper()
    byte, bit = divmod(int(attrs.get("BitOffset", "0") or 0), 8)
    prefix = "%" if first else ""
    if area == "DB" and kind == "RAW":
        return f"{prefix}DB{attrs.get('BlockNumber', '')}"
    size = _SIZE_LETTER.get(kind, "B")
    where = f"{byte}.{bit}" if size == "X" else str(byte)
    if area == "DB":
        member = f"DB{size}{where}"
        return f"{prefix}DB{attrs['BlockNumber']}.{member}" if attrs.get("BlockNumber") and first else prefix + member
    letter = _AREA_LETTER.get(area, area[:1])
    text = f"{letter}{where}" if size == "X" else f"{letter}{size}{byte}"
    return prefix + text + (":P" if area.startswith("Peripher") else "")


_IDENTIFIER = re.compile(r"[^\W\d]\w*\Z")  # Unicode letters, as the SCL editor accepts

# Names that collide with keywords or data types must be quoted when used as operands or parameters.
_RESERVED = KEYWORDS | frozenset(
    """TRUE FALSE BOOL BYTE WORD DWORD LWORD SINT INT DINT LINT USINT UINT UDINT ULINT REAL LREAL TIME LTIME
    S5TIME DATE TOD LTOD TIME_OF_DAY DT LDT DTL DATE_AND_TIME CHAR WCHAR STRING WSTRING VARIANT VOID ANY
    POINTER ARRAY STRUCT""".split()
)


def needs_quotes(name: str, reserved: bool = False) -> bool:
    """Names that are not plain identifiers must be quoted in SCL text; with ``reserved``, so must
    keywords and type names (parameter names such as ``"Time"``, which have no quote flag)."""
    return _IDENTIFIER.match(name) is None or (reserved and name.upper() in _RESERVED)


def _has_quotes(node: XmlNode) -> bool:
    return any(
        c.tag == "BooleanAttribute" and c.attrs.get("Name") == "HasQuotes" and c.text == "true" for c in node.children
    )


def _component_text(node: XmlNode) -> str:
    name = node.attrs.get("Name", "")
    kids = node.children  # most components have none: no generator then, for the flag or the text
    text = f'"{name}"' if (kids and _has_quotes(node)) or needs_quotes(name) else name
    if kids:
        text += "".join(_text(c) for c in kids if c.tag != "BooleanAttribute")
    # the I/O access of a tag, "tag":P (SimpleAccessModifier="Periphery", as LAD/FBD exports write it)
    return text + ":P" if node.attrs.get("SimpleAccessModifier") == "Periphery" else text


def constant_name(constant: XmlNode) -> str:
    """The name of a named (user, local or system) constant: ``<Constant Name="C"/>``, as LAD/FBD and SCL networks
    write it, or ``<Constant><ConstantValue>C</ConstantValue></Constant>``, as a real SCL network wrote a user
    constant in an index (``"DB_Sensor".OP[C_OP10]``, quoted in "博图Openness" notes of an exported template:
    ``Access Scope="GlobalConstant"`` > ``Constant`` > ``ConstantValue`` ``C_OP10``)."""
    name = constant.attrs.get("Name")
    if name:
        return name
    value = constant.find("ConstantValue")
    return (value.text or "").strip() if value is not None else ""


def _access_text(node: XmlNode) -> str:
    scope = node.attrs.get("Scope")
    inner = node.children[0] if node.children else None
    if inner is None:
        raise SchemaError(f"empty Access Scope={scope}", "StructuredText")
    if scope in ("LiteralConstant", "TypedConstant", "AlarmConstant"):
        # AlarmConstant: a C_Alarm constant (<ConstantType>C_Alarm</ConstantType><ConstantValue>16#0000_0001<…>),
        # one of the constant scopes Siemens' Openness manual lists since V14 SP1 ("New constant scopes").
        value = inner.find("ConstantValue")
        return value.text or "" if value is not None else ""
    if scope == "LocalConstant":
        name = constant_name(inner)
        return f'#"{name}"' if needs_quotes(name) else "#" + name
    if scope in ("GlobalConstant", "AddressConstant"):
        # AddressConstant (<Constant Name="Tag_1"/>, the same manual's list) names a tag; read as that global.
        return '"' + constant_name(inner) + '"'
    if scope == "LocalVariable":
        return "#" + _symbol_text(inner)
    if scope == "GlobalVariable":
        return _symbol_text(inner)
    if scope in ("Call", "Label"):
        return _text(inner)
    if scope == "Address":
        return _symbol_text(inner) if inner.tag == "Symbol" else _address_text(inner)
    if scope == "PredefinedVariable":  # <PredefinedVariable Name="ENO"/>, the only name the schema allows
        return inner.attrs.get("Name", "")
    if scope in _SCHEMA_SCOPES:
        raise UnsupportedConstructError(f"Access Scope {scope!r} is not read by this tool", "StructuredText")
    raise SchemaError(f"unknown Access Scope {scope!r}", "StructuredText")


_SCHEMA_SCOPES = frozenset({
    "Undef", "Instruction", "Statusword", "Expression", "Unnamed", "CallWithType", "UserType", "SystemType",
    "Reference",
})
"""The rest of the ``Scope_TE`` enumeration of TIA's SW.PlcBlocks.Access_v4.xsd (which StructuredText uses), as
the schema documentation generated from the XSDs lists it (Repsay/tia-portal-schemas
``workspace/results/siemens/SW.PlcBlocks.Access_v4.html``): valid SimaticML no export read here has shown in an
SCL network."""


def _text(node: XmlNode) -> str:
    tag = node.tag
    if tag == "Token":
        return node.attrs.get("Text", "")
    if tag == "Blank":  # without Num: one (most of them: no int() then)
        num = node.attrs.get("Num")
        return " " if num is None else " " * int(num)
    if tag == "NewLine":
        num = node.attrs.get("Num")
        return "\n" if num is None else "\n" * int(num)
    if tag == "Text":
        return node.text or ""
    if tag == "LineComment":
        body = "".join(_text(c) for c in node.children)
        if node.attrs.get("Inserted") == "true":
            # StructuredText v3 (V16-V18) writes a (* ... *) comment as a LineComment with Inserted="true"
            # (NoClosingBracket="true": the *) is missing). Real V17 exports: one in the middle of an IF
            # condition, `IF #a (*AND NOT (#b[#i])*) AND #c THEN`, and one around several lines of commented-out
            # code, with // comments inside (TurboLouis/TestRepo FB10191_SheetTrackingProcess.xml,
            # FB10112_OrientalMotorModbusManager.xml). Read as //, the rest of the line became code.
            return "(*" + body + ("" if node.attrs.get("NoClosingBracket") == "true" else "*)")
        return "//" + body
    if tag == "Comment":
        return "(*" + "".join(_text(c) for c in node.children) + "*)"
    if tag == "Access":
        return _access_text(node)
    if tag == "Instruction":
        return node.attrs.get("Name", "") + "".join(_text(c) for c in node.children)
    if tag == "CallInfo":
        return "".join(_text(c) for c in node.children)
    if tag == "Instance":
        prefix = "#" if node.attrs.get("Scope") == "LocalVariable" else ""
        return prefix + _symbol_text(node)
    if tag in ("Parameter", "Label"):
        name = node.attrs.get("Name", "")
        # a parameter written with quotes ("State" => #s) carries <BooleanAttribute Name="HasQuotes"> first,
        # as a Component does (V20: Fwaldt/EssaisGit_TiaPortalV20 FB_LoaderAxis.xml)
        quoted = needs_quotes(name, reserved=tag == "Parameter") or _has_quotes(node)
        return (f'"{name}"' if quoted else name) + "".join(
            _text(c) for c in node.children if c.tag != "BooleanAttribute")
    if tag == "NamelessParameter":
        return "".join(_text(c) for c in node.children)
    if tag == "TemplateValue":
        return ""  # not shown in the editor; see SclContext.templates
    raise SchemaError(f"unexpected <{tag}> in a StructuredText network", "StructuredText")


def tokens_to_text(body: XmlNode) -> str:
    """The SCL source text of a ``StructuredText`` network body."""
    if body.tag != "StructuredText":
        raise SchemaError(f"not an SCL network: <{body.tag}>", "NetworkSource")
    parts: list[str] = []
    previous = None
    for child in body.children:
        text = _text(child)
        # a set lookup of one character each, where two regex calls per element were a fifth of the reading
        if previous is not None and text[:1] in _WORD_START and parts[-1][-1:] in _WORD_END:
            parts[-1] = _quoted_global(previous, parts[-1])
        parts.append(text)
        previous = child
    return "".join(parts)


_WORD_END = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
"""The characters that may end a word (ASCII: a global name that needs no quotes is one)."""
_WORD_START = _WORD_END - frozenset("0123456789")


def _quoted_global(node: XmlNode, text: str) -> str:
    """``text`` of a global operand written right before a word (``IF "FirstScan"THEN``: no blank between),
    with its first name in quotes as TIA's editor shows every global name. An export may leave out the
    operand's HasQuotes (TurboLouis/TestRepo FB10270_HiwinDoorActuatorManager.xml, V17); without the quotes
    the two words would read as one name. Other nodes are left as they are."""
    if node.tag != "Access" or node.attrs.get("Scope") != "GlobalVariable" or not node.children:
        return text
    first = next((c for c in node.children[0].children if c.tag == "Component"), None)
    name = first.attrs.get("Name", "") if first is not None else ""
    if not name or not text.startswith(name):
        return text
    return f'"{name}"' + text[len(name):]


# ---------------------------------------------------------------- context


def context_from_interface(interface: Interface | None, context: SclContext | None = None) -> SclContext:
    """Add the members of the interface's ``Constant`` section as local constants."""
    ctx = context or SclContext()
    section = interface.section("Constant") if interface is not None else None
    for member in section.members if section is not None else ():
        ctx.local_constants.add(member.name)
    return ctx


def context_from_tokens(body: XmlNode) -> SclContext:
    """Harvest everything :func:`text_to_tokens` cannot see in the text from an existing network."""
    ctx = SclContext()
    for node in body.iter():
        for prev, cur in zip(node.children, node.children[1:]):
            # Operand + Access Call > nameless Instruction: a call through that instance.
            if cur.tag == "Access" and cur.attrs.get("Scope") == "Call" and prev.tag == "Access":
                inner = cur.children[0] if cur.children else None
                symbol = prev.find("Symbol")
                if (
                    inner is not None
                    and inner.tag == "Instruction"
                    and "Name" not in inner.attrs
                    and symbol is not None
                ):
                    ctx.calls[call_key(symbol.children)] = None
        if node.tag == "Access":
            scope = node.attrs.get("Scope")
            inner = node.children[0] if node.children else None
            if inner is not None and scope == "LocalConstant":
                ctx.local_constants.add(constant_name(inner))
            elif inner is not None and scope == "GlobalConstant":
                ctx.global_constants.add(constant_name(inner))
        elif node.tag == "CallInfo":
            instance = node.find("Instance")
            if instance is not None:
                ctx.calls[call_key(instance.children)] = (node.attrs.get("BlockType", "FC"), node.attrs.get("Name"))
        elif node.tag == "Component" and not _has_quotes(node) and needs_quotes(node.attrs.get("Name", "")):
            ctx.unflagged_names.add(node.attrs.get("Name", ""))
        elif node.tag == "Instruction" and "Name" in node.attrs:
            tvs = [TemplateValue(t.attrs.get("Name", ""), t.attrs.get("Type", ""), t.text or "")
                   for t in node.findall("TemplateValue")]
            ctx.templates.setdefault(node.attrs["Name"], []).append(tvs)
        elif node.tag in ("Blank", "NewLine") and node.attrs.get("Num") == "1":
            ctx.explicit_num_one = True
        elif node.tag == "LineComment" and node.attrs:
            ctx.line_comment_attrs = dict(node.attrs)
            ctx.line_comment_attrs.pop("UId", None)
    return ctx


def strip_uids(node: XmlNode) -> XmlNode:
    """A copy without ``UId`` attributes, for comparing token streams."""
    attrs = {k: v for k, v in node.attrs.items() if k != "UId"}
    return XmlNode(node.tag, node.ns, attrs, [strip_uids(c) for c in node.children], node.text)


# ---------------------------------------------------------------- text -> tokens


def text_to_tokens(text: str, *, version: str = "v4", context: SclContext | None = None) -> XmlNode:
    """Parse SCL text into a ``StructuredText`` body (namespace ``version`` v3 or v4), UIds from 21.

    Raises:
        SclSyntaxError: the text cannot be tokenised or its brackets do not match.
    """
    return parse_scl(text, version=version, context=context or SclContext())
