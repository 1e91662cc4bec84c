"""Every Openness name the bridge uses, literal or built at run time, and its status in each TIA version, from the
reference of the real API (``openness_bridge/reference/openness_api.tsv``) and the C# stand-in's declarations.

A member name is matched to the types the stand-in declares it on (it plays the real API's shapes, checked against
the reference by ``tests/bridge/test_api_reference.py``); its status in a version is the best of those types'. The
bridge's uses come from :func:`tools.bridge_names.bridge_uses` (``obj.Name``, ``getattr``/``hasattr``/``setattr``
with a constant or a value :mod:`tools.built_names` resolves). :func:`bridge_contradictions` is the check (a name
used unguarded that a version lacks); :func:`names_page_section` the table ``docs/openness-members.md`` ends with.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from openness_bridge.api_reference import COMPLETE_VERSIONS, ApiReference, reference
from openness_bridge.standin import PLAYED as PLAYED_DEFINES
from tools.bridge_names import Use, bridge_uses
from tools.csharp_decls import Declared, standin_declarations

__all__ = ("BRIDGE", "CHECKED_VERSIONS", "PAGE_VERSIONS", "PLAYED", "PLUMBING", "STANDIN", "UsedName",
           "bridge_contradictions", "member_of_held_type", "member_owners", "names_page_section", "standin",
           "used_names")

ROOT = Path(__file__).resolve().parents[1]
BRIDGE = ROOT / "openness_bridge"
STANDIN = BRIDGE / "standin"
PLAYED = {version: set(defines.split(";")) for version, defines in PLAYED_DEFINES.items()}
"""The versions the stand-in is built as whose reference has evidence, with their defines (as ``build_standin``)."""
CHECKED_VERSIONS = ("V17", "V18", "V19", "V20", "V21")
"""The TIA versions the bridge claims (the check and the page cover each)."""
PLUMBING = frozenset({"Dispose", "Equals", "GetHashCode", "ToString", "GetType", "GetEnumerator"})
"""``IDisposable``, ``IEnumerable`` and ``object`` members: .NET's, not the Openness API's."""


@cache
def standin(version: str) -> tuple[Declared, ...]:
    """The stand-in's public declarations as built for ``version``."""
    return tuple(standin_declarations(sorted(STANDIN.glob("*.cs")), PLAYED[version]))


@cache
def member_owners() -> dict[str, frozenset[str]]:
    """Member (and enum value) name -> the types the stand-in declares it on, in any version it plays."""
    owners: dict[str, set[str]] = {}
    for version in PLAYED:
        for d in standin(version):
            if d.kind in {"property", "method", "enum_value"}:  # an enum name is dotted like a member
                owners.setdefault(d.member, set()).add(d.type)
    return {name: frozenset(types) for name, types in owners.items()}


def member_of_held_type(ref: ApiReference, version: str, type_name: str, member: str) -> str:
    """The member's status where ``version`` has the type; ``unconfirmed`` where it lacks the type (the name check
    matches members to stand-in types by name alone, and the gate refuses a member of a missing type itself)."""
    if version in COMPLETE_VERSIONS and not ref.type_rows(version, type_name):
        return "unconfirmed"
    return ref.member_status(version, type_name, member)


def _settable(ref: ApiReference, version: str, owner_types: Iterable[str], member: str) -> bool:
    """Whether some owner's ``member`` may be assigned in ``version``: a property with a setter there, or one the
    evidence does not show (unconfirmed)."""
    for type_name in owner_types:
        rows = ref.member_rows(version, type_name, member)
        if not rows and member_of_held_type(ref, version, type_name, member) != "absent":
            return True
        if any(r.kind == "property" and r.access != "get" for r in rows):
            return True
    return False


def bridge_contradictions(ref: ApiReference, version: str, bridge: Path = BRIDGE) -> list[str]:
    """Names the bridge (the modules in ``bridge``) uses unguarded that ``version``'s reference shows missing: a
    member on every type the stand-in declares it on, a namespaced type (unless after a gate refusing there), a
    type in another namespace, a read-only property assigned."""
    owners = member_owners()
    found = []
    for use in bridge_uses(bridge):
        if use.guarded or use.name in PLUMBING:
            continue
        if use.namespace:
            types = ref.type_rows(version, use.name)
            namespaces = {t.namespace for t in types}
            if (not types and _product(use.namespace) == "TIA" and ref.type_status(version, use.name) == "absent"
                    and not _guarded_in(ref, version, [use])):
                found.append(f"{use.file}:{use.line}: {use.namespace}.{use.name} is not in {version}'s API")
            elif types and use.namespace not in namespaces:
                found.append(f"{use.file}:{use.line}: {use.namespace}.{use.name}; the real {use.name} is in "
                             f"{sorted(namespaces)} ({types[0].source})")
            continue
        # A member or enum name the stand-in declares on some types: the reference must not show it absent from all.
        owner_types = owners.get(use.name, frozenset())
        statuses = {member_of_held_type(ref, version, t, use.name) for t in owner_types}
        if owner_types and statuses == {"absent"}:
            found.append(f"{use.file}:{use.line}: .{use.name} is on none of {sorted(owner_types)} in {version}")
        elif use.assigned and owner_types and not _settable(ref, version, owner_types, use.name):
            found.append(f"{use.file}:{use.line}: assigns .{use.name}, read-only on {sorted(owner_types)} in {version}")
    return found


@dataclass(frozen=True, slots=True)
class UsedName:
    """One name the bridge uses: a member (``owners``: the types it is on) or a type (``namespace``: where the
    bridge or, for a bare name, the reference puts it), the modules using it, and its status per version of
    :data:`PAGE_VERSIONS`."""

    name: str
    namespace: str
    owners: tuple[str, ...]
    modules: tuple[str, ...]
    statuses: tuple[str, ...]


PAGE_VERSIONS = (*CHECKED_VERSIONS, "PLCSIM")
"""The page's columns: the TIA versions the bridge claims, and PLCSIM Advanced's API."""
_RANK = {"absent": 0, "unconfirmed": 1, "present": 2}


@cache
def _plcsim_owners() -> dict[str, frozenset[str]]:
    """Member name -> the PLCSIM Advanced types its stand-in declares it on."""
    owners: dict[str, set[str]] = {}
    for d in standin_declarations(sorted((STANDIN / "plcsim").glob("*.cs")), set()):
        if d.kind in {"property", "method", "enum_value", "event"}:
            owners.setdefault(d.member, set()).add(d.type)
    return {name: frozenset(types) for name, types in owners.items()}


def _guarded_in(ref: ApiReference, version: str, uses: list[Use]) -> bool:
    """Whether no use of a name is reached unguarded in ``version``: each is guarded itself, or comes after a gate
    that refuses there."""
    return all(u.guarded or any(ref.member_status(version, t, m) == "absent" for t, m in u.gates) for u in uses)


def _product(namespace: str) -> str:
    """Which API a namespace belongs to: PLCSIM Advanced's or TIA's (Openness)."""
    return "PLCSIM" if namespace.startswith("Siemens.Simatic.Simulation") else "TIA"


def _member_status(ref: ApiReference, version: str, name: str, owners: Iterable[str], guarded: bool) -> str:
    """The best status of ``name`` on ``owners`` in ``version``; where all lack it, ``no type`` when the version has
    none of the types (reached only through what a gate refuses there), else ``gated`` or ``missing``."""
    owners = list(owners)
    if not owners:
        return "-"
    found = max((ref.member_status(version, t, name) for t in owners), key=_RANK.__getitem__)
    if found != "absent":
        return found
    if all(ref.type_status(version, t) == "absent" for t in owners):
        return "no type"
    return "gated" if guarded else "missing"


def _type_status(ref: ApiReference, version: str, name: str, namespace: str, guarded: bool) -> str:
    if _product(namespace) != ("PLCSIM" if version == "PLCSIM" else "TIA"):
        return "-"
    found = ref.type_status(version, name)
    return found if found != "absent" else ("gated" if guarded else "missing")


def used_names(ref: ApiReference | None = None, bridge: Path = BRIDGE) -> tuple[list[UsedName], list[str]]:
    """The Openness and PLCSIM Advanced names the bridge uses, each with its status per version; and the capitalised
    names it uses that are neither a member the stand-ins declare (or a gate names) nor a type the reference holds
    (.NET's own, pythonnet's, the bridge's own classes)."""
    ref = ref or reference()
    tia, plcsim = member_owners(), _plcsim_owners()
    namespaces: dict[str, set[str]] = {}
    for row in ref.rows:
        if row.kind == "type":
            namespaces.setdefault(row.type, set()).add(row.namespace)
    by_name: dict[tuple[str, str], list[Use]] = {}
    for use in bridge_uses(bridge):
        if use.name not in PLUMBING:
            by_name.setdefault((use.namespace, use.name), []).append(use)
    names, others = [], set()
    for (namespace, name), uses in sorted(by_name.items(), key=lambda item: (item[0][1], item[0][0])):
        modules = tuple(sorted({u.file.removesuffix(".py") for u in uses}))
        if not namespace and name not in tia and name not in plcsim and name in namespaces:
            namespace = ", ".join(sorted(namespaces[name]))
        if namespace:
            statuses = tuple(_type_status(ref, v, name, namespace, _guarded_in(ref, v, uses)) for v in PAGE_VERSIONS)
            names.append(UsedName(name, namespace, (), modules, statuses))
            continue
        owners_tia, owners_plcsim = tia.get(name, frozenset()), plcsim.get(name, frozenset())
        if not owners_tia and not owners_plcsim:  # a member no version has, which the stand-in leaves out: its gate's
            owners_tia = frozenset(t for u in uses for t, m in u.gates if m == name)
        if not owners_tia and not owners_plcsim:
            others.add(name)
            continue
        statuses = tuple(_member_status(ref, v, name, owners_plcsim if v == "PLCSIM" else owners_tia,
                                        _guarded_in(ref, v, uses)) for v in PAGE_VERSIONS)
        names.append(UsedName(name, "", tuple(sorted(owners_tia | owners_plcsim)), modules, statuses))
    return names, sorted(others)


def names_page_section() -> str:
    """The page's last section: every name the bridge uses and its status per version."""
    names, others = used_names()
    lines = ["## Every name the bridge uses, per TIA version", "",
             f"The {len(names)} Openness names the bridge's Python uses: each member (with the types the stand-in "
             "declares it on) and each type it names with its namespace, as written (`obj.Name`, `getattr(obj, "
             "\"Name\")`) or built at run time (`getattr(obj, variable)` with every value the variable may hold, "
             "resolved by `tools/built_names.py`; the few values known only at run time are listed there with the "
             "reason). Status in each version, from the reference of the real API: **present**; **unconfirmed** "
             "(V20/V21: no public assembly, V19's metadata has it, so it is called); **gated** (the version lacks it "
             "and every use is behind a version gate, a `getattr` default or `hasattr`, or after a gate that refuses "
             "in that version: refused with 501 or left out); **no type** (the version has none of the types it is "
             "on: reached only through a member that version lacks); **-** (not that product's API: TIA's "
             "Openness or PLCSIM Advanced's); **missing** (lacking and used unguarded: "
             "`tests/bridge/test_api_reference.py` fails on it). "
             "Generated by `make docs` (`tools/bridge_members.py`); `tests/lib/test_reference_pages.py` fails when "
             "it is stale.", "",
             f"| name | on | used in | {' | '.join(PAGE_VERSIONS)} |",
             f"|---|---|---|{'---|' * len(PAGE_VERSIONS)}"]
    for used in names:
        where = f"`{used.namespace}`" if used.namespace else ", ".join(f"`{t}`" for t in used.owners)
        modules = ", ".join(used.modules)
        lines.append(f"| `{used.name}` | {where} | {modules} | {' | '.join(used.statuses)} |")
    lines += ["", "Other capitalised names the bridge's Python uses, neither a member the stand-ins declare (or a gate "
              "names) nor a type the reference holds: .NET's own (reflection, `System.IO`, the registry), "
              f"pythonnet's and the bridge's own classes and constants: {', '.join(f'`{n}`' for n in others)}."]
    return "\n".join(lines) + "\n"
