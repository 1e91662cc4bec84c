"""Layout never changes what the StructuredText writer builds: the writer walks the front end's syntax tree, so a
blank, a line break or a comment between any two tokens of a statement leaves its operands, calls, parameters and
labels as they are, and the layout lands where the text has it (the text reads back unchanged).

TIA itself keeps a blank inside an operand: ``"HMI DB".ACIDIC ."CYCLE TIME MIN"`` is exported as a ``Blank`` in the
``Symbol`` before the ``.`` (ebinchandycheriyil/tia@29c336d ``PROCESS.xml:2249``, ``tests/realcode`` case
``scl_network_blank_in_symbol.xml``), and ESS's TIA sources call an instance with a blank before ``(``
(notes/scl.md §7). The writer's own reading of the tokens, before issue 75, ended such an operand or call at the
blank and wrote the rest as loose tokens.
"""

from __future__ import annotations

import pytest

from simatic_xml.errors import SclSyntaxError
from simatic_xml.scl import tokenize
from simatic_xml.scl_context import SclContext
from simatic_xml.scl_text import strip_uids, text_to_tokens, tokens_to_text
from simatic_xml.xmlnode import XmlNode

FORMS = [
    "#a := #b.c[#i, 2].%X3;",
    '#a := "DB"."x y"[1].z + "T".u;',
    "#inst(IN := #x, PT := T#1s, Q => #q);",
    "#a := LEN(#s) + SCALE_X(MIN := 0.0, VALUE := #v, MAX := 1.0);",
    '"FC"(x := 1, y => #z);',
    "#arr[#i](x := 1);",
    "Start: #a := 1;\nGOTO Start;",
    "CASE #x OF 1, 2..5: #a := (#b + 1) * 2; ELSE #a := 0; END_CASE;",
    "CASE TypeOf(#v) OF Real: #a := 1; END_CASE;",
    "IF #a AND NOT #b OR %I0.1 THEN #c := %DB1.DBX0.0; END_IF;",
]
LAYOUTS = [" ", "\n  ", " (* c *) ", "// c\n"]
_LAYOUT_TAGS = frozenset({"Blank", "NewLine", "Comment", "LineComment"})


def _structure(node: XmlNode) -> XmlNode:
    """``node`` without its layout elements and UIds."""
    kept = [_structure(child) for child in node.children if child.tag not in _LAYOUT_TAGS]
    return XmlNode(node.tag, node.ns, dict(node.attrs), kept, node.text)


def _context() -> SclContext:
    return SclContext(calls={"inst": None})


def _variants(form: str) -> list[str]:
    """``form`` with each layout inserted between each two adjacent tokens."""
    tokens = [t for t in tokenize(form) if t.kind != "EOF"]
    out = []
    for before, after in zip(tokens, tokens[1:]):
        end = before.pos + len(before.text)
        for layout in LAYOUTS:
            out.append(form[:end] + layout + form[after.pos:])
    return out


@pytest.mark.parametrize("form", FORMS)
def test_layout_between_any_two_tokens_changes_no_element(form: str) -> None:
    expected = _structure(strip_uids(text_to_tokens(form, context=_context())))
    for variant in _variants(form):
        body = text_to_tokens(variant, context=_context())
        assert _structure(strip_uids(body)) == expected, variant
        assert tokens_to_text(body) == variant


def test_a_blank_inside_an_operand_stays_in_its_symbol_as_tia_exports_it() -> None:
    body = text_to_tokens("#copy := #rec .minutes;", version="v3")
    symbol = list(body.iter("Symbol"))[1]
    assert [c.tag for c in symbol.children] == ["Component", "Blank", "Token", "Component"]


def test_a_call_with_a_blank_before_its_parenthesis_is_a_call() -> None:
    body = text_to_tokens('"DEV_iDB" (EPICSToPLCLength:=5, Enable := TRUE);', context=SclContext(
        calls={"DEV_iDB": ("FB", "DEV")}))
    [info] = body.iter("CallInfo")
    assert [c.tag for c in info.children][:3] == ["Instance", "Blank", "Token"]
    assert [p.attrs["Name"] for p in info.iter("Parameter")] == ["EPICSToPLCLength", "Enable"]
    assert not [n for n in body.iter("Component") if n.attrs["Name"] == "EPICSToPLCLength"]


def test_nesting_too_deep_for_the_walk_is_a_syntax_error_not_a_crash() -> None:
    depth = 300  # far beyond real code; the front end reads it, the walk (a frame or two more per level) gives up
    with pytest.raises(SclSyntaxError, match="nested too deeply"):
        text_to_tokens("#a := " + "#b[" * depth + "1" + "]" * depth + ";")


@pytest.mark.parametrize("text", [
    "#a := -(*c*)5;", "#a := -//c\n5;", "#a := 2 ** -(*c*)5;", "#a := #b * -(*c*)1;", "#a := -5;", "#a := - 5;",
])
def test_a_comment_after_a_minus_sign_stays_after_it(text: str) -> None:
    """A comment glued to "-" was taken for the number it precedes: ``-(*c*)5`` read back as ``(*c*)-5``."""
    assert tokens_to_text(text_to_tokens(text)) == text
