"""The member table is complete: every public type and member of the stand-ins appears in it
(``openness_bridge/reference/members.tsv``, shown as ``docs/openness-members.md``).

The stand-ins declare only what the bridge touches, each with the public source of its shape, so a member the
table does not name is either unused (remove it) or undocumented (add its row). Enum values are left to their
type's row, and the ``Item`` indexer to its composition's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openness_bridge.reflection import member_table_words, type_members

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
