"""Rebuild ``openness_bridge/reference/openness_api.tsv`` (and ``assemblies.tsv``) from public evidence.

Run it by hand (``make test`` never needs the assemblies; both files are committed)::

    python -m openness_bridge.reference_build MIRROR_ROOT
    python -m openness_bridge.reference_build --plcsim-enums   # standin/plcsim/Enums.cs from the reference

``MIRROR_ROOT`` holds git directories of the repositories named in :data:`ASSEMBLIES` and
``Czarnak/totally-integrated-claude`` as ``<owner>+<name>/repo`` (bare mirrors work: files are read with ``git
show``). Requires ``dnfile`` (the ``test`` extra).

* **V15.1, V16, V17, V18, V19 and PLCSIM Advanced**: the metadata tables of the real ``Siemens.Engineering.dll`` and
  ``Siemens.Engineering.Hmi.dll`` (and PLCSIM Advanced's ``Siemens.Simatic.Simulation.Runtime.Api.x64.dll``) that
  public repositories commit, read with :mod:`openness_bridge.assembly_metadata`: nothing is executed, and neither
  the binaries nor their code are copied, only the names, kinds and signatures of the public surface. These are
  complete: a member a version's metadata lacks is absent from that version. Where two builds of one version were
  found (V17, V18), a version has what either build has, and each type row names every build that has it.
* **V20 and V21**: no assembly is public. V21 rows come from the V21 IntelliSense catalogue
  (``Czarnak/totally-integrated-claude``, ``skills/**/references/*.md``, generated from
  ``PublicAPI\\V21\\net48\\*.xml``) and ``reference/evidence.tsv`` (hand-written, each fact cited: the V21 manual's
  exception table, members called by code compiled against V20). That is best evidence:
  :mod:`openness_bridge.api_reference` gates a V20/V21 member that neither this evidence nor the V19 metadata has
  (the gate fails closed).

Only the types the C# stand-ins declare, the bridge names or builds from a table (:func:`built_type_names`; by
simple name, so a type in the wrong namespace still finds its real one), their bases and every exception type are
kept of ``Siemens.Engineering``, every public type of the smaller assemblies (``Siemens.Engineering.Hmi``, PLCSIM
Advanced). A member row's ``source`` is empty: it is its type row's.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from openness_bridge.assembly_metadata import AssemblyInfo, TypeInfo, read_assembly

__all__ = ("ASSEMBLIES", "COLUMNS", "PLCSIM_ENUMS", "PublicAssembly", "build_rows", "built_type_names", "main",
           "plcsim_enums_source", "standin_type_names")

PACKAGE = Path(__file__).resolve().parent
STANDIN = PACKAGE / "standin"
REFERENCE = PACKAGE / "reference"
COLUMNS = ("version", "namespace", "type", "kind", "member", "signature", "access", "value", "source")
ASSEMBLY_COLUMNS = ("version", "repository", "path", "commit", "assembly", "assemblyVersion", "gitBlob")


@dataclass(frozen=True)
class PublicAssembly:
    """A real assembly committed in a public repository, and the TIA version it belongs to."""

    version: str
    repository: str
    path: str


_KUKO = "kuko22/TIA15_1_AlarmExport"
_TIALINK = "DataBreezeInc/TIALink"
_PLCSIM_REPO = "rew-masevon/siemens-plc-sim-adv-integration"
_V19_REPO = "cangkui/TIACompileService"
ASSEMBLIES = (
    PublicAssembly("V15.1", _KUKO, "PublicAPI/V15.1/Siemens.Engineering.dll"),
    PublicAssembly("V15.1", _KUKO, "PublicAPI/V15.1/Siemens.Engineering.Hmi.dll"),
    PublicAssembly("V16", _KUKO, "PublicAPI/V16/Siemens.Engineering.dll"),
    PublicAssembly("V16", _KUKO, "PublicAPI/V16/Siemens.Engineering.Hmi.dll"),
    PublicAssembly("V17", _KUKO, "PublicAPI/V17/Siemens.Engineering.dll"),
    PublicAssembly("V17", _KUKO, "PublicAPI/V17/Siemens.Engineering.Hmi.dll"),
    PublicAssembly("V17", _TIALINK, "libs/Siemens.Engineering.dll"),
    PublicAssembly("V18", _KUKO, "PublicAPI/V18/Siemens.Engineering.dll"),
    PublicAssembly("V18", _KUKO, "PublicAPI/V18/Siemens.Engineering.Hmi.dll"),
    PublicAssembly("V18", _PLCSIM_REPO, "Siemens.Engineering.dll"),
    PublicAssembly("V19", _V19_REPO, "Lib/Siemens.Engineering.dll"),
    PublicAssembly("V19", _V19_REPO, "Lib/Siemens.Engineering.Hmi.dll"),
    PublicAssembly("PLCSIM", _PLCSIM_REPO, "Siemens.Simatic.Simulation.Runtime.Api.x64.dll"),
)
"""Every real assembly the reference reads (found 2026-11-27)."""
_PLUMBING = frozenset({"Equals", "GetHashCode", "ToString", "GetType", "GetEnumerator", "value__", ".ctor"})


def _git(git_dir: Path, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", str(git_dir), *args], capture_output=True, text=True, check=True).stdout


def _git_dir(root: Path, repository: str) -> Path:
    return root / repository.replace("/", "+") / "repo"


def standin_type_names() -> set[str]:
    """Simple names of the types the stand-ins declare in ``Siemens.*`` namespaces."""
    names: set[str] = set()
    for path in sorted(STANDIN.rglob("*.cs")):
        namespace = ""
        for line in path.read_text(encoding="utf-8").splitlines():
            ns = re.match(r"^namespace ([\w.]+)", line)
            if ns:
                namespace = ns.group(1)
            decl = re.search(r"\b(?:class|interface|enum|struct|delegate [\w<>.]+) (\w+)", line)
            if decl and namespace.startswith("Siemens") and re.match(r"^\s*public\b", line):
                names.add(decl.group(1))
    return names


def bridge_type_names() -> set[str]:
    """Capitalised names the bridge's Python spells (attributes and string constants): any may be a type's."""
    names: set[str] = set()
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr[:1].isupper():
                names.add(node.attr)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and re.fullmatch(r"[A-Z]\w+",
                                                                                                 node.value):
                names.add(node.value)
    return names


def built_type_names() -> set[str]:
    """Type names the bridge builds at run time from a table, which neither scan above sees: each WinCC Unified
    screen item class an exchange document may name (found by name in the item namespaces) and its
    ``<Type>EventType`` enum (:mod:`openness_bridge.hmi_unified`)."""
    from engineering_api.rules.hmi_unified import SCREEN_ITEM_TYPES

    return set(SCREEN_ITEM_TYPES) | {f"{name}EventType" for name in SCREEN_ITEM_TYPES}


def _kept(types: list[TypeInfo], wanted: set[str]) -> list[TypeInfo]:
    by_name: dict[str, list[TypeInfo]] = {}
    for t in types:
        by_name.setdefault(t.name, []).append(t)
    keep = {t.name for t in types if t.name in wanted or t.name.endswith("Exception")}
    todo = list(keep)
    while todo:  # bases, transitively, so inherited members are found
        for t in by_name.get(todo.pop(), []):
            for base in t.bases:
                simple = base.split("[")[0]
                if simple in by_name and simple not in keep:
                    keep.add(simple)
                    todo.append(simple)
    return [t for t in types if t.name in keep]


def _type_rows(version: str, t: TypeInfo) -> set[tuple[str, ...]]:
    """The member rows of one type (its type row is written by the caller, with every build's source)."""
    rows: set[tuple[str, ...]] = set()
    for name, (returned, setter, static) in t.properties.items():
        rows.add((version, t.namespace, t.name, "property", name, returned, "get;set" if setter else "get",
                  "static" if static else "", ""))
    for name, overloads in t.methods.items():
        if name in _PLUMBING:
            continue
        for signature, static in overloads:
            rows.add((version, t.namespace, t.name, "method", name, signature, "", "static" if static else "", ""))
    for name, handler in t.events.items():
        rows.add((version, t.namespace, t.name, "event", name, handler, "", "", ""))
    for name, number in t.enum_values.items():
        rows.add((version, t.namespace, t.name, "enum_value", name, "", "", str(number), ""))
    return rows


def _metadata_rows(root: Path, wanted: set[str]) -> tuple[set[tuple[str, ...]], list[tuple[str, ...]]]:
    """Rows of every assembly in :data:`ASSEMBLIES`, and one line of ``assemblies.tsv`` each."""
    rows: set[tuple[str, ...]] = set()
    listed: list[tuple[str, ...]] = []
    type_sources: dict[tuple[str, str, str], tuple[str, list[str]]] = {}
    with tempfile.TemporaryDirectory(prefix="openness-reference-") as scratch:
        for number, public in enumerate(ASSEMBLIES):
            git_dir = _git_dir(root, public.repository)
            commit = _git(git_dir, "log", "-1", "--format=%H", "HEAD", "--", public.path).strip()
            blob = _git(git_dir, "rev-parse", f"{commit}:{public.path}").strip()
            target = Path(scratch) / f"{number}.dll"
            with target.open("wb") as out:
                subprocess.run(["git", "--git-dir", str(git_dir), "show", f"{commit}:{public.path}"], stdout=out,
                               check=True)
            info: AssemblyInfo = read_assembly(target)
            listed.append((public.version, public.repository, public.path, commit, info.name, info.version, blob))
            source = f"{public.repository}@{commit[:12]}:{public.path} ({info.name} {info.version})"
            kept = _kept(info.types, wanted) if info.name == "Siemens.Engineering" else info.types
            for t in kept:
                key = (public.version, t.namespace, t.name)
                bases, sources = type_sources.setdefault(key, (",".join(t.bases), []))
                sources.append(source)
                rows |= _type_rows(public.version, t)
    for (version, namespace, name), (bases, sources) in type_sources.items():
        rows.add((version, namespace, name, "type", "", "", "", bases, "; ".join(sources)))
    return rows, listed


_V21_TYPE = re.compile(r"^## \S+ (Siemens\.[\w.]+)\s*$")
_V21_MEMBER = re.compile(r"^- (\S+) `(\w+)(?:``\d+)?(?:\((.*?)\))?`")


def _v21_rows(git_dir: Path, wanted: set[str]) -> set[tuple[str, ...]]:
    """Rows of the V21 catalogue (``Czarnak/totally-integrated-claude``) for the wanted types."""
    commit = _git(git_dir, "rev-parse", "HEAD").strip()
    rows: set[tuple[str, ...]] = set()
    for path in _git(git_dir, "ls-tree", "-r", "--name-only", commit).splitlines():
        if not (path.startswith("skills/") and path.endswith(".md")):
            continue
        source = f"Czarnak/totally-integrated-claude@{commit[:12]}:{path} (V21 IntelliSense XML)"
        namespace = name = ""
        for line in _git(git_dir, "show", f"{commit}:{path}").splitlines():
            heading = _V21_TYPE.match(line)
            if heading:
                namespace, _, name = heading.group(1).rpartition(".")
                if name in wanted:
                    rows.add(("V21", namespace, name, "type", "", "", "", "", source))
                continue
            member = _V21_MEMBER.match(line)
            if member and name in wanted and member.group(2) not in _PLUMBING:
                if member.group(3) is None and "🔧" in member.group(1):
                    rows.add(("V21", namespace, name, "property", member.group(2), "", "?", "", ""))
                else:
                    params = (member.group(3) or "").replace("{", "[").replace("}", "]")
                    rows.add(("V21", namespace, name, "method", member.group(2), f"({params}) -> ?", "", "", ""))
    return rows


BEST_EVIDENCE = {
    "V20": "no V20 assembly is public; code compiled against V20 (evidence.tsv) shows a few members present. A member "
           "that evidence lacks is called when the V19 metadata has it, and refused (NOT_IN_THIS_TIA_VERSION) when "
           "V19 lacks it too: the gate fails closed",
    "V21": "no V21 assembly is public; the V21 IntelliSense catalogue and manual are partial. A member they lack is "
           "called when the V19 metadata has it, and refused when V19 lacks it too: the gate fails closed",
}
"""The versions without assemblies: each keeps one wildcard ``unconfirmed`` row with the reason."""


def build_rows(root: Path, evidence: Path) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """Every row of the reference, sorted, and the assemblies read."""
    wanted = standin_type_names() | bridge_type_names() | built_type_names()
    rows, listed = _metadata_rows(root, wanted)
    rows |= _v21_rows(_git_dir(root, "Czarnak/totally-integrated-claude"), wanted)
    for version, reason in BEST_EVIDENCE.items():
        rows.add((version, "*", "*", "unconfirmed", "*", "", "", reason, "no public assembly found"))
    for line in evidence.read_text(encoding="utf-8").splitlines()[1:]:
        if line.strip() and not line.startswith("#"):
            rows.add(tuple(line.split("\t")))
    return sorted(rows), listed


def _read(path: Path) -> list[tuple[str, ...]]:
    return [tuple(line.split("\t")) for line in path.read_text(encoding="utf-8").splitlines()[1:]]


def _write(path: Path, columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write("\t".join(columns) + "\n")
        for row in rows:
            out.write("\t".join(row) + "\n")


def main(argv: list[str]) -> int:
    if argv[1:] == ["--plcsim-enums"]:
        (STANDIN / "plcsim" / "Enums.cs").write_text(plcsim_enums_source(_read(REFERENCE / "openness_api.tsv")),
                                                     encoding="utf-8", newline="\n")
        return 0
    if len(argv) < 2:
        print(__doc__)
        return 2
    rows, listed = build_rows(Path(argv[1]), REFERENCE / "evidence.tsv")
    _write(REFERENCE / "openness_api.tsv", COLUMNS, rows)
    _write(REFERENCE / "assemblies.tsv", ASSEMBLY_COLUMNS, listed)
    print(f"{len(rows)} rows from {len(listed)} assemblies")
    return 0



PLCSIM_ENUMS = ("EArea", "ECommunicationInterface", "ECommunicationMode", "ECPUType", "EDataType", "EOperatingMode",
                "EOperatingState", "EPrimitiveDataType", "ERuntimeErrorCode", "ETagListDetails")
"""The PLCSIM Advanced enumerations the stand-in declares (``standin/plcsim/Enums.cs``, written from the reference)."""


def plcsim_enums_source(rows: list[tuple[str, ...]]) -> str:
    """``standin/plcsim/Enums.cs``: each of :data:`PLCSIM_ENUMS` with the names and numbers of the real API's
    metadata (the ``PLCSIM`` rows of the reference), in the real order of their numbers."""
    values: dict[str, list[tuple[int, str]]] = {name: [] for name in PLCSIM_ENUMS}
    namespace = ""
    for row in rows:
        if row[0] == "PLCSIM" and row[3] == "enum_value" and row[2] in values:
            values[row[2]].append((int(row[7]), row[4]))
            namespace = row[1]
    assembly = next(r for r in rows if r[0] == "PLCSIM" and r[3] == "type" and r[2] == "ECPUType")[8]
    lines = ["// Generated by openness_bridge/reference_build.py from the real PLCSIM Advanced API's metadata, do not",
             "// edit: python -m openness_bridge.reference_build --plcsim-enums. The bridge reads names only",
             "// (API 1.0's SingleStep and the newer SingleStep_C/_CP/...: openness_bridge/simulation_support).",
             f"// Source: {assembly}",
             f"namespace {namespace}", "{"]
    for name in PLCSIM_ENUMS:
        members = ", ".join(f"{member} = {number}" for number, member in sorted(values[name]))
        lines.append(f"    public enum {name} {{ {members} }}")
    lines.append("}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main(sys.argv))
