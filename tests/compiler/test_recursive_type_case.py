"""A type that contains itself under another case of its name is still recursive: TIA keeps names unique whatever
their case, and the checker resolves a type's name so (``"fb_self"`` is ``FB_Self``)."""

from __future__ import annotations

import pytest

from engineering_api.rules.compiler.check import Source, check_sources
from engineering_api.rules.type_graph import udt_chain

FB = """FUNCTION_BLOCK "FB_Self"
VERSION : 0.1
   VAR
      count : Int;
      me : "{name}";
   END_VAR

BEGIN
	#count := #count + 1;
END_FUNCTION_BLOCK
"""

UDTS = """TYPE "UDT_A"
VERSION : 0.1
   STRUCT
      b : "{name}";
   END_STRUCT;
END_TYPE

TYPE "UDT_B"
VERSION : 0.1
   STRUCT
      a : "udt_a";
   END_STRUCT;
END_TYPE
"""


def _codes(text: str) -> list[str]:
    return [d.code for d in check_sources([Source("Types.scl", text.encode())]) if d.severity == "Error"]


@pytest.mark.parametrize("name", ["FB_Self", "fb_self", "FB_SELF"])
def test_an_fb_naming_itself_in_any_case_is_recursive(name: str) -> None:
    assert _codes(FB.format(name=name)) == ["RECURSIVE_TYPE"]


@pytest.mark.parametrize("name", ["UDT_B", "udt_b"])
def test_two_types_naming_each_other_in_another_case_are_recursive(name: str) -> None:
    assert "RECURSIVE_TYPE" in _codes(UDTS.format(name=name))


def test_the_chain_compares_names_whatever_their_case() -> None:
    uses = {"udt_a": ["UDT_B"], "udt_b": ["udt_A"]}
    assert udt_chain(["udt_b"], "UDT_A", lambda name: uses.get(name.lower())) == ["udt_b", "udt_A"]
    assert udt_chain(["UDT_C"], "UDT_A", lambda name: uses.get(name.lower())) is None
