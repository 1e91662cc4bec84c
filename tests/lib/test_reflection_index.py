"""The diagnostics query rules over a type index, on small hand-made indexes: what the stand-in cannot show
(two enums with one short name, a type found by both names, the listing cap, members read lazily)."""

from __future__ import annotations

import pytest

from engineering_api.backend.areas import reflection_index as rules
from engineering_api.backend.areas.reflection import EnumValue, MemberInfo, TypeDetails, TypeIndex
from engineering_api.backend.errors import NotFoundError, ValidationError
from tests.lib.outcomes import raises_code


def _enum(namespace: str, name: str) -> TypeDetails:
    return TypeDetails(name=name, full_name=f"{namespace}.{name}", namespace=namespace, kind="enum",
                       enum_values=[EnumValue(name="A", value=0)])


def test_a_short_name_of_two_enums_is_ambiguous_and_the_full_name_is_not() -> None:
    index = TypeIndex([_enum("Siemens.Engineering.A", "Mode"), _enum("Siemens.Engineering.B", "Mode")], [], "test")
    err = raises_code(ValidationError, "AMBIGUOUS_TYPE", rules.enum_values, index, "mode")
    assert err.details["types"] == ["Siemens.Engineering.A.Mode", "Siemens.Engineering.B.Mode"]
    assert rules.enum_values(index, "Siemens.Engineering.B.Mode").full_name == "Siemens.Engineering.B.Mode"
    assert rules.search(index, "Mode").count == 2


def test_the_filter_lists_at_most_500_and_counts_all() -> None:
    index = TypeIndex([_enum("Siemens.Engineering", f"E{i:04}") for i in range(620)], [], "test")
    found = rules.filter_types(index, "e0")
    assert (found.count, found.truncated, len(found.types)) == (620, True, rules.MAX_TYPES)
    assert found.types[0].name == "E0000"


def test_members_are_read_once_when_a_search_asks() -> None:
    calls: list[str] = []

    def members(name: str) -> list[MemberInfo]:
        calls.append(name)
        return [MemberInfo(kind="method", name="Go", signature="Void Go()")]

    plain = TypeDetails(name="P", full_name="Siemens.Engineering.P", namespace="Siemens.Engineering", kind="class")
    index = TypeIndex([plain], [], "reflection", members=members)
    assert rules.search(index, "p").matches[0].members[0].name == "Go"
    rules.search(index, "Siemens.Engineering.P")
    assert calls == ["Siemens.Engineering.P"]


def test_unknown_names_suggest_close_ones() -> None:
    index = TypeIndex([_enum("Siemens.Engineering.Online", "OnlineState")], [], "test")
    with pytest.raises(NotFoundError) as exc:
        rules.search(index, "Siemens.Engineering.Online.OnlinState")
    assert exc.value.details["suggestions"] == ["OnlineState"] and "OnlineState" in str(exc.value)
