"""The member table is complete: every public type and member of the stand-ins appears in it
(``openness_bridge/reference/members.tsv``, shown as ``docs/openness-members.md``).

The stand-ins declare only what the bridge touches, each with the public source of its shape, so a member the
table does not name is either unused (remove it) or undocumented (add its row). Enum values are left to their
type's row, and the ``Item`` indexer to its composition's.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

from openness_bridge.member_table import members
from openness_bridge.reflection import member_table_words, type_members
from tools.csharp_decls import standin_declarations

_PACKAGE = Path(__file__).resolve().parents[2] / "openness_bridge"

_SKIPPED = frozenset({"GetEnumerator", "ToString", "Equals", "GetHashCode", "Invoke", "BeginInvoke", "EndInvoke",
                      "Item"})


def _undocumented(assembly_path: Path, words: set[str]) -> list[str]:
    from System.Reflection import Assembly

    missing = []
    for exported in Assembly.LoadFrom(str(assembly_path)).GetExportedTypes():
        if not str(exported.Namespace).startswith("Siemens"):
            continue  # StandIn.Control: test-only controls, not Siemens API
        if str(exported.Name) not in words:
            missing.append(f"type {exported.FullName}")
        if exported.IsEnum:
            continue
        for member in type_members(exported):  # as the bridge's reflection reports them (accessors left out)
            name = member.name
            if name in _SKIPPED:
                continue  # object and delegate plumbing
            if name not in words:
                missing.append(f"{exported.FullName}.{name}")
    return missing


def test_every_stand_in_member_is_in_the_member_table(bridge: Any) -> None:
    words = member_table_words()
    engineering = Path(bridge._api.assemblies[0])
    missing = _undocumented(engineering, words)
    missing += _undocumented(engineering.parent / "Siemens.Simatic.Simulation.Runtime.Api.x64.dll", words)
    assert missing == [], "members without a row in openness_bridge/reference/members.tsv:\n" + "\n".join(missing)


def _enum_values_named(package: Path, values: set[tuple[str, str]]) -> list[tuple[str, int, str, str]]:
    """(file, line, enum, value) for each ``….Enum.Value`` the bridge's Python spells of a stand-in enum."""
    found = []
    for path in sorted(package.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute):
                if (node.value.attr, node.attr) in values:
                    found.append((path.name, node.lineno, node.value.attr, node.attr))
    return found


def test_every_enum_value_the_bridge_names_is_in_its_types_row() -> None:
    """An enum value the bridge passes (``CaxImportOptions.RetainTiaDevice``) is named with its type in the type's
    own row, as the real metadata has it, not only somewhere in a citation."""
    declared = standin_declarations(sorted((_PACKAGE / "standin").rglob("*.cs")), set())
    values = {(d.type, d.member) for d in declared if d.kind == "enum_value"}
    rows = [set(re.findall(r"\w+", m.member)) for m in members()]
    used = _enum_values_named(_PACKAGE, values)
    assert ("hardware_cax.py", "CaxImportOptions", "RetainTiaDevice") in {(f, t, v) for f, _, t, v in used}
    missing = [f"{f}:{line}: {t}.{v}" for f, line, t, v in used if not any(t in r and v in r for r in rows)]
    assert missing == [], "enum values without their type's row naming them:\n" + "\n".join(missing)
