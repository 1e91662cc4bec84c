"""Which export files form one PLC program (``plc check``, ``simaticml check``).

Real repositories of TIA exports (VCI, TIA add-ins, Openness exporters, hand exports) lay one PLC out in
several ways; seen in public repositories (issue 13, held-out survey):

* ``PLC_1/Program blocks/Main.xml`` next to ``PLC_1/PLC_1/Program blocks/...`` (an exporter that writes the
  PLC's folder again below the one a user made): one PLC;
* ``<CPU>/Software units/<Unit>/Program blocks`` and ``<CPU>/PLC tags`` (TIA V20 software units): every unit
  and the CPU's own folders are one PLC (a unit is a namespace of the PLC, not a PLC);
* a block directly in ``PLC_1/`` next to ``PLC_1/Program blocks``: part of that PLC;
* ``Program blocks/`` at the top with ``<Project>/PLC tags`` below: the top folder's PLC holds everything below;
* ``PLC_1/`` and ``PLC_2/`` side by side, each with ``Program blocks``: two PLCs.

The rule: a *PLC folder* is the folder above ``Program blocks``/``PLC tags``/``PLC data types``/...
(above ``Software units`` when a file is in one). A PLC folder inside another PLC folder is part of it. A file
outside these trees belongs to the PLC folder it lies in (or below); otherwise it is one of the loose files,
which form a program of their own. PLC folders side by side (one parent) stay separate programs, but one
that has no tag table at all (or no PLC data types, or no blocks) takes them from its siblings (see
:func:`engineering_api.ci.program.check_files`): a repository keeping its tag table in a sibling folder of its
blocks (``PLC_1/PLC tags`` next to ``Neuer Ordner/Program blocks``) then has no false MISSING_TAG, and two real
PLCs, each with its tag table, keep their own names, block numbers and duplicates. ``--one-program`` checks
every file as one PLC.
"""

from __future__ import annotations

from typing import Iterable, Optional

__all__ = ("PLC_FOLDERS", "plc_folder", "plc_groups", "side_by_side")

# The folders TIA's export tools (and Openness-based exporters) write below a PLC's folder.
PLC_FOLDERS = frozenset({"program blocks", "plc tags", "plc data types", "technology objects",
                         "external source files", "watch and force tables", "software units"})


def plc_folder(path: str) -> tuple[Optional[tuple[str, ...]], tuple[str, ...]]:
    """(the PLC folder of ``path`` as path parts, or None when it is in no PLC tree; the file's folder parts)."""
    parts = tuple(p for p in path.replace("\\", "/").split("/") if p not in ("", "."))
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
    # Outermost first: a nested PLC folder maps to the outermost one that contains it.
    outer: list[tuple[str, ...]] = []
    for root in sorted(roots, key=len):
        if not any(root[:len(o)] == o for o in outer):
            outer.append(root)

    def enclosing(folder: tuple[str, ...]) -> Optional[tuple[str, ...]]:
        for o in outer:
            if folder[:len(o)] == o:
                return o
        return None

    groups: dict[Optional[str], list[str]] = {}
    for path, root, folder in located:
        owner = enclosing(root if root is not None else folder)
        groups.setdefault(_key(owner) if owner is not None else None, []).append(path)
    return groups


def side_by_side(key: Optional[str], other: Optional[str]) -> bool:
    """Whether two programs' PLC folders are siblings (same parent folder): only they lend each other a kind
    of object one lacks entirely. The loose files and the top folder have no siblings."""
    if key is None or other is None or key == "." or other == ".":
        return False
    return key.rpartition("/")[0] == other.rpartition("/")[0]
