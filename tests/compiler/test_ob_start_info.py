"""An undeclared ``#name`` in an OB without inputs is accepted only as start information of the OB's own type,
where its number (OB 1, OB 100...) or its export's ``SecondaryType`` tells the type; a quoted OB of a source
(``"Startup"``, no number) keeps accepting the start information of any OB type (S7-1200 System Manual V4.2,
A5E02486680-AK, 9.7, tables 9-130 to 9-146: the optimized start information per OB class)."""

from __future__ import annotations

import pytest

from engineering_api.rules.compiler.check import check_source
from engineering_api.rules.compiler.builtins import ob_start_info

__all__: list[str] = []


def _errors(name: str, operand: str) -> list[str]:
    source = (f"ORGANIZATION_BLOCK {name}\n{{ S7_Optimized_Access := 'TRUE' }}\nVERSION : 0.1\nVAR_TEMP\n"
              f"  x : Bool;\nEND_VAR\nBEGIN\n  #x := #{operand};\nEND_ORGANIZATION_BLOCK\n")
    # the operand is read into a Bool: only whether it is declared counts here, not its type
    return [d.code for d in check_source(source, closed=True) if d.code == "UNDECLARED"]


@pytest.mark.parametrize(("name", "operand", "expected"), [
    ("OB100", "LostRTC", []),
    ("OB100", "Initial_Call", ["UNDECLARED"]),  # a program cycle's, not a startup OB's
    ("OB1", "Remanence", []),
    ("OB1", "LostRetentive", ["UNDECLARED"]),
    ("OB35", "Event_Count", []),
    ("OB35", "Remanence", ["UNDECLARED"]),  # Remanence is OB class 1's only
    ("OB82", "MultiError", []),
    ("OB82", "Event_Class", ["UNDECLARED"]),
    ('"Startup"', "Initial_Call", []),  # no number: the type is not known, any start information is taken
    ("OB200", "LADDR", []),  # from 123 up a number fixes no type
])
def test_undeclared_start_information_is_the_ob_types_own(name: str, operand: str, expected: list[str]) -> None:
    assert _errors(name, operand) == expected


def test_the_export_type_wins_over_the_number() -> None:
    assert ob_start_info(124, "Startup") == frozenset(["lostretentive", "lostrtc"])
    assert ob_start_info(124, None) is None
    assert ob_start_info(None, "TimeOfDay") is None  # a type whose list is not certain: unrestricted
