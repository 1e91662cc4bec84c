"""The reference of the real Openness API (``reference/openness_api.tsv``), and the bridge's version gates on it.

The reference is built from public evidence of the real assemblies (``openness_bridge/reference_build.py`` says
which): the metadata of the real ``Siemens.Engineering.dll`` of V15.1 to V19 and of PLCSIM Advanced's API, complete
for each (a member they lack is ``absent``); for V20 and V21, of which no assembly is public, best evidence (the V21
IntelliSense catalogue and manual, code compiled against V20). The gate fails closed there: a V20/V21 member that
evidence does not show is ``unconfirmed`` (called, and TIA answers) when the V19 metadata has it, and ``absent``
(refused) when V19 lacks it too.

:func:`require_member` is the gate: a member the reference shows absent from the attached TIA version answers 501
``NOT_IN_THIS_TIA_VERSION`` naming the version, before anything is changed, instead of a .NET ``AttributeError``
(a 500) in the middle of an operation.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from engineering_api.backend.errors import NotSupportedError
from engineering_api.errors import codes

__all__ = ("BEST_EVIDENCE_BASE", "COMPLETE_VERSIONS", "NOT_IN_VERSION", "REFERENCE_FILE", "ApiReference", "Row",
           "Status", "has_member", "reference", "require_member")

NOT_IN_VERSION = codes.NOT_IN_THIS_TIA_VERSION
REFERENCE_FILE = Path(__file__).parent / "reference" / "openness_api.tsv"
COMPLETE_VERSIONS = frozenset({"V15.1", "V16", "V17", "V18", "V19", "PLCSIM"})
"""Versions whose evidence lists every public member of a type (the real assemblies' metadata)."""
BEST_EVIDENCE_BASE = {"V20": "V19", "V21": "V19"}
"""Versions without a public assembly, each with the newest version whose metadata stands in for what their own
evidence does not show (the gate fails closed: what that version lacks is refused)."""

Status = Literal["present", "absent", "unconfirmed"]


@dataclass(frozen=True, slots=True)
class Row:
    """One fact of the reference (``kind``: type, property, method, enum_value, unconfirmed)."""

    version: str
    namespace: str
    type: str
    kind: str
    member: str
    signature: str
    access: str
    value: str
    source: str


class ApiReference:
    """The reference's rows, indexed by version and simple type name."""

    def __init__(self, rows: list[Row]) -> None:
        self.rows = rows
        self._types: dict[tuple[str, str], list[Row]] = {}
        self._members: dict[tuple[str, str, str], list[Row]] = {}
        self._gaps: set[tuple[str, str, str]] = set()
        for row in rows:
            if row.kind == "unconfirmed":
                self._gaps.add((row.version, row.type, row.member))
            elif row.kind == "type":
                self._types.setdefault((row.version, row.type), []).append(row)
            else:
                self._members.setdefault((row.version, row.type, row.member), []).append(row)
        self.versions = sorted({r.version for r in rows})

    def type_rows(self, version: str, name: str) -> list[Row]:
        """The types of that simple name in ``version`` (several namespaces may hold one name)."""
        return self._types.get((version, name), [])

    def member_rows(self, version: str, type_name: str, member: str) -> list[Row]:
        """The rows of ``type_name.member`` in ``version``, found on the type or its bases (none where the evidence
        has a known gap for that member)."""
        if (version, type_name, member) in self._gaps:
            return []
        seen: set[str] = set()
        todo = [type_name]
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            found = self._members.get((version, name, member))
            if found:
                return found
            for row in self.type_rows(version, name):
                todo += [b for b in row.value.split(",") if b]
        return []

    def cite(self, row: Row) -> str:
        """Where ``row`` comes from: its own source, or (a member's) its type row's."""
        if row.source:
            return row.source
        return next((t.source for t in self.type_rows(row.version, row.type) if t.namespace == row.namespace), "")

    def member_status(self, version: str, type_name: str, member: str, arity: int | None = None) -> Status:
        """Whether the real ``type_name`` of ``version`` has ``member`` (a method taking ``arity`` parameters, when
        given), as far as the evidence says."""
        rows = self.member_rows(version, type_name, member)
        if rows and (arity is None or any(_arity(r.signature) in {arity, None} for r in rows)):
            return "present"
        if (version, type_name, member) in self._gaps:
            return "unconfirmed"
        if version in COMPLETE_VERSIONS:
            # Complete metadata lists every type: a member of a type the version lacks is absent too (fail closed).
            return "absent"
        base = BEST_EVIDENCE_BASE.get(version)
        if base is not None:
            return "unconfirmed" if self.member_status(base, type_name, member, arity) == "present" else "absent"
        return "unconfirmed"

    def type_status(self, version: str, type_name: str) -> Status:
        """Whether ``version``'s API has a type of that simple name, as far as the evidence says: absent only where
        the evidence of that version lists every type."""
        if self.type_rows(version, type_name):
            return "present"
        if version in COMPLETE_VERSIONS:
            return "absent"
        base = BEST_EVIDENCE_BASE.get(version)
        if base is not None:
            return "unconfirmed" if self.type_status(base, type_name) == "present" else "absent"
        return "unconfirmed"


def _arity(signature: str) -> int | None:
    """How many parameters ``(T1,T2) -> R`` takes (None when the source did not say)."""
    inner = signature.split(" -> ")[0].strip()[1:-1]
    if "?" in inner:
        return None
    depth, count = 0, 1 if inner else 0
    for char in inner:
        depth += (char in "[<") - (char in "]>")
        count += char == "," and depth == 0
    return count


@cache
def reference() -> ApiReference:
    """The committed reference, read once."""
    with REFERENCE_FILE.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader)
        return ApiReference([Row(*line) for line in reader])


def _version_key(version: str) -> str:
    """``V17``, ``V17 SP1``, ``17.0`` -> the reference's spelling (``V17``)."""
    text = version.strip().upper().removeprefix("V").split()[0] if version.strip() else ""
    return "V" + (text.split(".")[0] if not text.startswith("15.1") else "15.1")


def _source_of_absence(ref: ApiReference, version: str, type_name: str) -> str:
    """What shows ``type_name``'s member missing in ``version``: that version's metadata of the type, or, where the
    version has no assembly, the version whose metadata the gate falls back on."""
    rows = ref.type_rows(version, type_name)
    base = BEST_EVIDENCE_BASE.get(version)
    if base is not None:
        base_rows = ref.type_rows(base, type_name)
        fallback = f"no {version} assembly is public and {base}'s metadata lacks it too"
        return f"{fallback} ({base_rows[0].source})" if base_rows else fallback
    return rows[0].source if rows else f"{version}'s metadata has no {type_name}"


def require_member(version: str, type_name: str, member: str, operation: str, *, arity: int | None = None) -> None:
    """Refuse ``operation`` (501) when the reference shows ``type_name.member`` (a method of ``arity`` parameters,
    when given) absent from TIA ``version``.

    Raises:
        NotSupportedError: ``NOT_IN_THIS_TIA_VERSION``, naming the version, the member and the reference's source.
    """
    key = _version_key(version)
    ref = reference()
    if ref.member_status(key, type_name, member, arity) != "absent":
        return
    source = _source_of_absence(ref, key, type_name)
    raise NotSupportedError(
        f"{operation} needs {type_name}.{member}, which TIA Portal {key}'s Openness API does not have "
        f"(reference: {source}).",
        code=NOT_IN_VERSION,
        details={"tiaVersion": key, "member": f"{type_name}.{member}", "source": source},
    )


def has_member(version: str, type_name: str, member: str) -> bool:
    """Whether TIA ``version`` may have ``type_name.member``: False where the reference shows it absent (a read then
    leaves out what the version cannot hold; a change that needs it calls :func:`require_member`)."""
    return reference().member_status(_version_key(version), type_name, member) != "absent"
