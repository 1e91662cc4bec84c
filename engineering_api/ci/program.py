"""A PLC's program from export files: the files of a run grouped by PLC, each group read once and checked by
the one check entry (:mod:`engineering_api.rules.compiler.check`, which holds the source rules).

:func:`load` reads every file once and hands its bytes to :func:`engineering_api.rules.compiler.check.load`;
:func:`check_files` checks each PLC's files on their own (:mod:`engineering_api.ci.grouping`), a program without
tag tables, types or blocks borrowing them from its neighbours. ``plc check``, ``simaticml check`` and ``scl check``
share this.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator, Mapping, Optional

from simatic_xml.diagnostics import Diagnostic

from engineering_api.lib.file_walk import read_regular
from engineering_api.rules.compiler import check as entry
from engineering_api.rules.compiler.check import Loaded, Source
from engineering_api.rules.compiler.style import StyleSettings

from . import grouping as _grouping

__all__ = ("ProgramGroup", "check_files", "load", "load_groups", "read_sources")


@dataclass
class ProgramGroup:
    """One program a run formed: its key (PLC folder, None for loose files), files and what it borrowed."""

    key: Optional[str]
    files: list[str]
    borrowed: int = 0
    """Names (blocks, types, tags, constants) this program lacked and took from the run's other programs."""

    def as_json(self) -> dict[str, object]:
        return {"program": self.key, "files": len(self.files), "borrowed_names": self.borrowed}


def check_files(files: Iterable[str], *, tia_version: Optional[str] = None, one_program: bool = False,
                groups: Optional[list[ProgramGroup]] = None, info: bool = False,
                cpu_family: Optional[str] = None, simulation: bool = False,
                style: Optional[StyleSettings] = None) -> list[Diagnostic]:
    """The one check of each PLC's files (:func:`engineering_api.rules.compiler.check.check`; the PLCs:
    :func:`engineering_api.ci.grouping.plc_groups`), in the order of the files; with ``one_program`` every file is
    one PLC. ``groups`` (a list) receives the :class:`ProgramGroup` of each.

    A program without any tag table (PLC data types, blocks) takes them from the programs in folders side by
    side with it (one PLC's folders as siblings: blocks in ``Neuer Ordner/Program blocks``, tags in
    ``PLC_1/PLC tags``); what is borrowed is not checked again and takes part in no duplicate or number check
    of the borrower. With ``simulation``, each call of what the simulated PLC does not run is a ``NOT_SIMULATED``
    warning (:attr:`~engineering_api.rules.compiler.program.Program.simulation`): the program is to run there.
    ``style``: the opt-in style rules the settings turn on."""
    out: list[Diagnostic] = []
    for group, one in load_groups(files, tia_version=tia_version, one_program=one_program, cpu_family=cpu_family,
                                  style=style):
        if groups is not None:
            groups.append(group)
        one.program.simulation = simulation
        out.extend(entry.check(one, info=info))
    return out


def load_groups(files: Iterable[str], *, tia_version: Optional[str] = None, one_program: bool = False,
                cpu_family: Optional[str] = None, style: Optional[StyleSettings] = None
                ) -> list[tuple[ProgramGroup, Loaded]]:
    """Each program of ``files`` loaded (see :func:`check_files`), with what it borrows from the others, checked
    with the ``style`` rules."""
    files = list(files)
    parts = {None: files} if one_program else _grouping.plc_groups(files)
    loaded = [(key, load(group, tia_version=tia_version, cpu_family=cpu_family, style=style))
              for key, group in parts.items()]
    result: list[tuple[ProgramGroup, Loaded]] = []
    for key, one in loaded:
        lenders = [other for k, other in loaded if k != key and _grouping.side_by_side(key, k)]
        if key is None and len(loaded) == 2:
            # Loose files and a single PLC folder are one PLC's software: blocks exported at the top, the tag
            # table in PLC_1/Variables PLC (fquispe-iot/lab-vci@9ba2ef0). With several PLCs they stay alone.
            lenders = [other for k, other in loaded if k is not None]
        borrowed = _borrow(one, lenders) if lenders else 0
        result.append((ProgramGroup(key, one.files, borrowed), one))
    return result


def _borrow(loaded: Loaded, others: list[Loaded]) -> int:
    """Give ``loaded`` the tags, PLC data types or blocks of ``others`` when it has none of that kind at all
    (a folder of blocks next to the PLC's tag table); borrowed blocks' ids go to ``loaded.borrowed``.

    Only a whole missing kind is borrowed: a program with a tag table of its own is another PLC's software
    whose missing tags stay MISSING_TAG (a tag of the same name in a neighbour may have another type)."""
    program = loaded.program
    want_tags = not program.tags and not program.constants
    want_types, want_blocks = not program.types, not program.blocks
    count = 0
    for other in others:
        source = other.program
        tables = [(program.types, source.types)] if want_types else []
        if want_blocks:
            tables.append((program.blocks, source.blocks))
        for mine, theirs in tables:
            for name, bd in theirs.items():
                if name not in program.blocks and name not in program.types:
                    mine[name] = bd
                    loaded.borrowed.add(id(bd))
                    count += 1
        if want_tags:
            for own_names, lent_names in ((program.tags, source.tags), (program.constants, source.constants)):
                for name, var in lent_names.items():
                    if name not in own_names:
                        own_names[name] = var
                        count += 1
    return count


def load(files: Iterable[str], *, tia_version: Optional[str] = None, cpu_family: Optional[str] = None,
         texts: Optional[Mapping[str, bytes]] = None, style: Optional[StyleSettings] = None) -> Loaded:
    """Read ``files`` (SimaticML ``.xml``, SCL ``.scl``/``.db``/``.udt``) into one closed program view, for a CPU
    of ``cpu_family``, to be checked with the ``style`` rules, each file once. A file in ``texts`` is taken from
    there instead of the disk (an editor's unsaved text)."""
    loaded = entry.load(read_sources(files, texts), tia_version=tia_version, cpu_family=cpu_family)
    loaded.program.style = style
    return loaded


def read_sources(files: Iterable[str], texts: Optional[Mapping[str, bytes]] = None) -> Iterator[Source]:
    """Each file as a :class:`~engineering_api.rules.compiler.check.Source`, read once (from ``texts`` when there);
    one that cannot be read carries why."""
    for path in files:
        if texts is not None and path in texts:
            yield Source(path, texts[path])
            continue
        try:
            yield Source(path, read_regular(path))
        except OSError as exc:
            yield Source(path, None, exc.strerror or str(exc))
