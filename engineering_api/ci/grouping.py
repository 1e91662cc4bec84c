"""Which export files form one PLC program (``plc check``, ``simaticml check``).

Real repositories of TIA exports (VCI, TIA add-ins, Openness exporters, hand exports) lay one PLC out in
several ways; seen in public repositories (issue 13, held-out survey):

* ``PLC_1/Program blocks/Main.xml`` next to ``PLC_1/PLC_1/Program blocks/...`` (an exporter that writes the
  PLC's folder again below the one a user made): one PLC; but ``PLC_New/PLC_Example/Program blocks`` next to
  ``PLC_New/Program blocks``, each with its own Main and FB 1 (Cameron-Paton-RSE/SampleLibrary): two PLCs;
* ``<CPU>/Software units/<Unit>/Program blocks`` and ``<CPU>/PLC tags`` (TIA V20 software units): every unit
  and the CPU's own folders are one PLC (a unit is a namespace of the PLC, not a PLC);
* a block directly in ``PLC_1/`` next to ``PLC_1/Program blocks``: part of that PLC;
* ``Program blocks/`` at the top with ``<Project>/PLC tags`` and ``<Project>/PLC data types`` below
  (Elektron33/vci): the blocks use the tags and types below;
* ``PLC_1/`` and ``PLC_2/`` side by side, each with ``Program blocks``: two PLCs.

The rule: a *PLC folder* is the folder above ``Program blocks``/``PLC tags``/``PLC data types``/...
(above ``Software units`` when a file is in one). A PLC folder inside another one of the same name is part of
it. A file outside these trees belongs to the innermost PLC folder it lies in; otherwise it is one of the
loose files, which form a program of their own. Other PLC folders are separate programs, but one that has no
tag table at all (or no PLC data types, or no blocks) takes them from its relatives: PLC folders side by side
(one parent) and PLC folders holding or held by it (see :func:`engineering_api.ci.program.check_files`). A
repository keeping its tag table in a sibling folder of its blocks (``PLC_1/PLC tags`` next to
``Neuer Ordner/Program blocks``) then has no false MISSING_TAG, and two real PLCs, each with its tag table,
keep their own names, block numbers and duplicates. ``--one-program`` checks every file as one PLC.
"""

from __future__ import annotations

from typing import Iterable, Optional

__all__ = ("PLC_FOLDERS", "plc_folder", "plc_groups", "side_by_side")

# The folders TIA's export tools (and Openness-based exporters) write below a PLC's folder.
PLC_FOLDERS = frozenset({"program blocks", "plc tags", "plc data types", "technology objects",
                         "external source files", "watch and force tables", "software units"}) | frozenset({
    # TIA's Version Control Interface names them in the user interface's language; only the names seen in
    # exports are listed: German (TommyEwald/TIA_TEST@e59883e, JonDrop/testone@670fd4a), French
    # (afgitest/my_repo@e58dd25), Spanish (Sklodox/awl@304169f, lsanchezMCR/ProbaGit@b7754c8), Italian
    # (benniredds/myContinuousIntegration@d4b16c3), Chinese (liulei0914/test@e16474d: PLC_1/ and PPS/ are two
    # PLCs, AimenYOU/PowerAssembly_9Station@425d134).
    "programmbausteine", "plc-variablen", "blocs de programme", "variables api", "bloques de programa",
    "variables plc", "blocchi di programma", "variabili plc", "程序块", "plc 变量", "plc 数据类型"})


def plc_folder(path: str) -> tuple[Optional[tuple[str, ...]], tuple[str, ...]]:
    """(the PLC folder of ``path`` as path parts, or None when it is in no PLC tree; the file's folder parts)."""
    raw = path.replace("\\", "/").split("/")
    # An absolute path keeps its leading "" so the program's name is the folder's real path ("/repo/PLC_1").
    parts = tuple(p for i, p in enumerate(raw) if p not in ("", ".") or (i == 0 and p == "" and len(raw) > 1))
    folder = parts[:-1]
    lowered = [p.lower() for p in folder]
    if "software units" in lowered:  # the CPU above the units, whatever the unit's own folders are
        return folder[:lowered.index("software units")], folder
    for i in range(len(folder) - 1, -1, -1):
        if lowered[i] in PLC_FOLDERS:
            return folder[:i], folder
    return None, folder


def _key(parts: tuple[str, ...]) -> str:
    return "/".join(parts) or "."


def plc_groups(files: Iterable[str]) -> dict[Optional[str], list[str]]:
    """Files by the PLC they belong to (see the module's rule), keyed by the PLC folder (``.`` for the folder
    the paths start in); the loose files share the key None. Files keep their order inside a group."""
    files = list(files)
    located = [(path, *plc_folder(path)) for path in files]
    roots = {root for _, root, _ in located if root is not None}
    # Outermost first: a PLC folder inside one of its own name (PLC_1/PLC_1) is part of it. A PLC folder of
    # another name inside (PLC_New/PLC_Example, each with its Main and FB1) is a PLC of its own.
    outer: list[tuple[str, ...]] = []
    for root in sorted(roots, key=len):
        if not any(root[:len(o)] == o and o and root[-1].lower() == o[-1].lower() for o in outer):
            outer.append(root)

    def enclosing(folder: tuple[str, ...]) -> Optional[tuple[str, ...]]:
        # The innermost PLC folder that holds ``folder`` (outer is sorted by length).
        found = None
        for o in outer:
            if folder[:len(o)] == o:
                found = o
        return found

    groups: dict[Optional[str], list[str]] = {}
    for path, plc_root, folder in located:
        owner = enclosing(plc_root if plc_root is not None else folder)
        groups.setdefault(_key(owner) if owner is not None else None, []).append(path)
    return groups


def side_by_side(key: Optional[str], other: Optional[str]) -> bool:
    """Whether two programs' PLC folders are siblings (same parent folder) or one holds the other: only they
    lend each other a kind of object one lacks entirely. The loose files have no relatives here (beside a single
    PLC folder they use its objects: :func:`engineering_api.ci.program.load_groups`)."""
    if key is None or other is None:
        return False
    if key == "." or other == "." or other.startswith(key + "/") or key.startswith(other + "/"):
        return True
    return key.rpartition("/")[0] == other.rpartition("/")[0]
