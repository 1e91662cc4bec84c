"""A program view from export files: SimaticML blocks, UDTs and tag tables, and SCL sources.

:func:`load` reads every file once into one closed :class:`engineering_api.rules.compiler.program.Program` (what a PLC
holding exactly these objects would compile), remembering which file each object came from;
:func:`check` runs the compiler (:mod:`engineering_api.rules.compiler`) over it in dependency order and gives every
diagnostic with its file. ``plc check`` and ``simaticml check`` share this.

File rules (a git repository of TIA exports also holds other XML: project files, HMI screens, CI configs):

* an ``.xml`` file whose root is ``<Tagtable>`` is the tag editor's export of a tag table
  (:mod:`simatic_xml.tag_editor`): its tags and user constants are read, and one that cannot be is an Error
  ``INVALID_TAG_TABLE``;
* an ``.xml`` file whose root is none of those is skipped with a Warning ``NOT_SIMATICML``, a binary
  ``.scl``/``.db``/``.udt`` file (a TIA project's SQLite ``XRef.db``) with a Warning ``NOT_SCL``;
* a ``<Document>`` that cannot be read is an Error ``INVALID_SIMATICML``;
* a SimaticML object that is no block, PLC data type or tag table (watch tables, technology objects'
  parameters, HMI) is skipped with a Warning ``UNSUPPORTED_OBJECT``;
* an SCL source that does not parse is an Error ``SYNTAX_ERROR`` (``CLASSIC_SCL`` for STEP 7 classic SCL).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Collection, Iterable, Mapping, Optional

from simatic_xml import parse_bytes
from simatic_xml.diagnostic_codes import message
from simatic_xml.diagnostics import Diagnostic
from simatic_xml.errors import SimaticMLError
from simatic_xml.objects import (Block, InstanceDB, PlcStruct, PlcTagTable, TechnologicalInstanceDB,
                                 is_auto_numbered)
from simatic_xml.scl import parse
from simatic_xml.scl.errors import ClassicSclNotSupportedError, SclSyntaxError
from simatic_xml.tag_editor import is_tag_editor_root, read_tag_editor_xml, root_name

from . import grouping as _grouping
from .paths import SCL_SUFFIXES, binary_source
from .xml_lines import declaration_line

if TYPE_CHECKING:
    from simatic_xml.model import Document

    from engineering_api.rules.compiler.program import BlockDef, Program

__all__ = ("Loaded", "ProgramGroup", "check", "check_files", "load", "load_groups", "plc_groups")

_RANK = {"UDT": 0, "FB": 1, "FC": 2, "DB": 3, "OB": 4}
_VERSION = re.compile(r"V(\d+)(?:\s*SP(\d+))?", re.IGNORECASE)


@dataclass
class Loaded:
    """The program view of a set of files and what reading them found."""

    program: Program
    files: list[str]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    file_of: dict[int, str] = field(default_factory=dict)
    """``id(BlockDef)`` -> the file it came from."""
    documents: dict[str, bytes] = field(default_factory=dict)
    """SimaticML file -> its bytes (``simaticml check`` round-trips them without reading the file again)."""
    auto_numbered: set[int] = field(default_factory=set)
    """``id(BlockDef)`` of blocks exported with ``AutoNumber`` true: TIA gives them a free number on import."""
    lines: int = 0
    """Lines read (for the benchmark's lines/s)."""
    borrowed: set[int] = field(default_factory=set)
    """``id(BlockDef)`` of objects taken from another program of the run (see :func:`check_files`)."""

    def finding(self, path: str, message: str, code: str, *, severity: str = "Error") -> None:
        """Note a finding about a whole file (one that could not be read, or was skipped)."""
        self.diagnostics.append(Diagnostic(message, file=path, severity=severity, code=code))


def plc_groups(files: Iterable[str]) -> dict[Optional[str], list[str]]:
    """Files by the PLC they belong to (the rule: :mod:`engineering_api.ci.grouping`)."""
    return _grouping.plc_groups(files)


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
                cpu_family: Optional[str] = None) -> list[Diagnostic]:
    """:func:`check` of each PLC's files (see :func:`plc_groups`), in the order of the files; with
    ``one_program`` every file is one PLC. ``groups`` (a list) receives the :class:`ProgramGroup` of each.

    A program without any tag table (PLC data types, blocks) takes them from the programs in folders side by
    side with it (one PLC's folders as siblings: blocks in ``Neuer Ordner/Program blocks``, tags in
    ``PLC_1/PLC tags``); what is borrowed is not checked again and takes part in no duplicate or number check
    of the borrower."""
    out: list[Diagnostic] = []
    for group, one in load_groups(files, tia_version=tia_version, one_program=one_program, cpu_family=cpu_family):
        if groups is not None:
            groups.append(group)
        out.extend(check(one, info=info))
    return out


def load_groups(files: Iterable[str], *, tia_version: Optional[str] = None, one_program: bool = False,
                cpu_family: Optional[str] = None) -> list[tuple[ProgramGroup, Loaded]]:
    """Each program of ``files`` loaded (see :func:`check_files`), with what it borrows from the others."""
    files = list(files)
    parts = {None: files} if one_program else plc_groups(files)
    loaded = [(key, load(group, tia_version=tia_version, cpu_family=cpu_family)) for key, group in parts.items()]
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


def _version_number(text: str) -> float:
    match = _VERSION.search(text or "")
    return int(match.group(1)) + int(match.group(2) or 0) / 10 if match else 0.0


def load(files: Iterable[str], *, tia_version: Optional[str] = None, strict_types: bool = True,
         cpu_family: Optional[str] = None, texts: Optional[Mapping[str, bytes]] = None) -> Loaded:
    """Read ``files`` (SimaticML ``.xml``, SCL ``.scl``/``.db``/``.udt``) into one closed program view, for a CPU
    of ``cpu_family`` (``S7-1200``/``S7-1500``: the signatures of system instructions; None: either's).
    A file in ``texts`` is read from there instead of the disk (an editor's unsaved text)."""
    from engineering_api.rules.compiler.program import Program

    program = Program(closed=True, strict_types=strict_types, cpu_family=cpu_family)
    loaded = Loaded(program, list(files))
    target = _version_number(tia_version) if tia_version else None
    for path in loaded.files:
        try:
            data = texts[path] if texts is not None and path in texts else open(path, "rb").read()
        except OSError as exc:
            loaded.finding(path, f"cannot read the file: {exc.strerror or exc}", "READ_ERROR")
            continue
        loaded.lines += data.count(b"\n") + 1
        try:
            if os.path.splitext(path)[1].lower() in SCL_SUFFIXES:
                binary = binary_source(path, data)
                if binary is not None:
                    loaded.diagnostics.append(binary)
                else:
                    _load_scl(loaded, path, data)
            else:
                _load_xml(loaded, path, data, target)
        except Exception as exc:  # one file the reader trips on must not stop a pipeline's run
            loaded.diagnostics.append(_internal(path, None, exc))
    return loaded


def _internal(path: Optional[str], block: Optional[str], exc: BaseException) -> Diagnostic:
    # A defect of the checker, not of the user's code: a warning, so it never fails a pipeline on valid code,
    # but it is in every report.
    return Diagnostic(f"The checker could not check this {'block' if block else 'file'} "
                      f"({type(exc).__name__}: {exc}); please report it.", block=block, file=path,
                      severity="Warning", code="CHECKER_FAILED")


def _load_scl(loaded: Loaded, path: str, data: bytes) -> None:
    from engineering_api.rules.compiler.program import from_block

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # as TIA's exports of older versions, and read_source
    try:
        source = parse(text, path)
    except ClassicSclNotSupportedError as err:
        loaded.diagnostics.append(Diagnostic(err.message, err.line, err.col, file=path, code="CLASSIC_SCL"))
        return
    except SclSyntaxError as err:
        loaded.diagnostics.append(Diagnostic(err.message, err.line, err.col, file=path))
        return
    for block in source.blocks:
        bd = from_block(block)
        loaded.file_of[id(bd)] = path
        loaded.program.add(bd)


def _load_xml(loaded: Loaded, path: str, data: bytes, target: Optional[float]) -> None:
    root = root_name(data)
    if is_tag_editor_root(root):
        _load_tag_editor_xml(loaded, path, data)
        return
    if root != b"Document":
        what = f"its root element is <{root.decode('utf-8', 'replace')}>" if root else "it has no root element"
        loaded.finding(path, f"Not a TIA Portal export (SimaticML): {what}; skipped.", "NOT_SIMATICML",
                       severity="Warning")
        return
    try:
        doc = parse_bytes(data)
    except SimaticMLError as exc:
        loaded.finding(path, f"The SimaticML document cannot be read: {exc}", "INVALID_SIMATICML")
        return
    if target is not None and _version_number(doc.engineering_version) > target:
        loaded.finding(path, f"The document was exported by TIA Portal {doc.engineering_version}; a TIA "
                       f"Portal V{target:g} project cannot import documents of a newer version.", "NEWER_VERSION")
        return
    obj = doc.object
    if isinstance(obj, PlcTagTable):
        from engineering_api.rules.compiler.project import add_tag_table

        add_tag_table(loaded.program, doc)
        loaded.documents[path] = data
        return
    if not isinstance(obj, (Block, PlcStruct)):
        loaded.finding(path, f"<{obj.element}> is no block, PLC data type or tag table; skipped.",
                       "UNSUPPORTED_OBJECT", severity="Warning")
        return
    loaded.documents[path] = data
    bd = _block_def(doc, data)
    if bd is not None:
        loaded.file_of[id(bd)] = path
        if is_auto_numbered(doc):
            loaded.auto_numbered.add(id(bd))
        loaded.program.add(bd)


def _load_tag_editor_xml(loaded: Loaded, path: str, data: bytes) -> None:
    """A tag table as the tag editor exports it (:mod:`simatic_xml.tag_editor`): its tags and constants."""
    from engineering_api.rules.compiler.project import add_tags

    try:
        tables = read_tag_editor_xml(data)
    except SimaticMLError as exc:
        loaded.finding(path, f"The tag table export cannot be read: {exc}", "INVALID_TAG_TABLE")
        return
    for table in tables:
        add_tags(loaded.program, ((tag.name, tag.data_type) for tag in table.tags),
                 ((const.name, const.data_type) for const in table.constants))


def _block_def(doc: Document, data: bytes) -> BlockDef:
    """The compiler's BlockDef of a parsed block or UDT document (the fake's own reader of stored objects)."""
    from engineering_api.rules.compiler import project
    from engineering_api.rules.program_objects import ProgramObject

    obj = doc.object
    kind = "UDT" if isinstance(obj, PlcStruct) else type(obj).__name__
    language = obj.attr("ProgrammingLanguage") if isinstance(obj, Block) else None
    instance_of = obj.attr("InstanceOfName") if isinstance(obj, (InstanceDB, TechnologicalInstanceDB)) else None
    number = obj.attr("Number") if isinstance(obj, Block) else None
    if instance_of and kind == "TechnologicalInstanceDB":
        kind = "InstanceDB"  # an instance of its technology FB (CONT_C, PID_Compact): called as one
    stand_in = ProgramObject(kind=kind, name=obj.name or "", xml=data,
                             number=number if isinstance(number, int) else None,
                             language=str(language) if language else None,
                             instance_of=str(instance_of) if instance_of else None)
    return project.block_def_from_document(doc, stand_in)  # parses nothing again


def _ordered(program: Program) -> list[BlockDef]:
    """PLC data types, FBs, FCs, DBs, OBs; inside a kind, what a block uses first (as a PLC compile)."""
    objects = list(program.types.values()) + list(program.blocks.values())
    by_name = {o.name.lower(): o for o in objects}
    done: list[BlockDef] = []
    seen: set[int] = set()

    def visit(o: BlockDef, stack: frozenset[int]) -> None:
        if id(o) in seen or id(o) in stack:
            return
        for dep in sorted(o.uses):
            d = by_name.get(dep.lower())
            if d is not None and _RANK.get(d.kind, 9) <= _RANK.get(o.kind, 9):
                visit(d, stack | {id(o)})
        seen.add(id(o))
        done.append(o)

    for o in sorted(objects, key=lambda o: (_RANK.get(o.kind, 9), o.name.lower())):
        visit(o, frozenset())
    return sorted(done, key=lambda o: _RANK.get(o.kind, 9))


def check(loaded: Loaded, *, info: bool = False, only: Optional[Collection[str]] = None) -> list[Diagnostic]:
    """Every diagnostic of the loaded files: reading, duplicates and block numbers, then each object's
    compile in dependency order. Info notes are dropped unless ``info``. With ``only``, the findings of those
    files alone: the other files are context (what the checked objects use), not compiled."""
    from engineering_api.rules.compiler.checker import check_block

    program = loaded.program
    file_of = loaded.file_of

    def wanted(path: Optional[str]) -> bool:
        return only is None or path in only

    out = [d for d in loaded.diagnostics if wanted(d.file)]
    for dup, first in program.duplicates:
        where, first_file = file_of.get(id(dup)), file_of.get(id(first))
        if not wanted(where):
            continue
        if where == first_file:
            out.append(Diagnostic(message("DUPLICATE_BLOCK", name=dup.name), dup.line, dup.col, dup.name, "Error",
                                  where, "DUPLICATE_BLOCK"))
        else:
            # Two files of one name: a repository holding variants of a source, or copies. A PLC holds the one
            # imported into it, so this is no compile error; each file is checked with its own definitions.
            out.append(Diagnostic(f'"{dup.name}" is also defined in {first_file}; a PLC holds only one of them '
                                  "(each file is checked with its own).",
                                  dup.line, dup.col, dup.name, "Warning", where, "DUPLICATE_NAME"))
    numbers: dict[tuple[str, int], BlockDef] = {}
    for blk in program.blocks.values():
        if blk.number is None or id(blk) in loaded.borrowed:
            continue
        other = numbers.setdefault((blk.kind, blk.number), blk)
        if other is not blk and id(blk) not in loaded.auto_numbered and wanted(file_of.get(id(blk))):
            out.append(Diagnostic(
                message("NUMBER_IN_USE", cls=blk.kind, number=blk.number, other=other.name), blk.line,
                blk.col, blk.name, "Error", file_of.get(id(blk)), "NUMBER_IN_USE"))
    # A file that defines a name another file defines too sees its own definitions (its calls were written
    # against them); the copies are checked too, after the objects of the first file.
    own: dict[str, list[int]] = {}
    for dup, first in program.duplicates:
        where = file_of.get(id(dup))
        if where is not None and where != file_of.get(id(first)):
            own.setdefault(where, [])
    for blk_id, where in file_of.items():
        if where in own:
            own[where].append(blk_id)
    by_id = {id(b): b for b in list(program.types.values()) + list(program.blocks.values())
             if id(b) not in loaded.borrowed and wanted(file_of.get(id(b)))}
    by_id.update((id(dup), dup) for dup, _ in program.duplicates if wanted(file_of.get(id(dup))))
    views: dict[str | None,
                Program] = {where: _overlay(program, [by_id[i] for i in ids if i in by_id])
                            for where, ids in own.items()}
    found: dict[int, list[Diagnostic]] = {}
    for blk in by_id.values():
        where = file_of.get(id(blk))
        try:
            found[id(blk)] = check_block(views.get(where, program), blk, where)
        except Exception as exc:  # see _internal
            found[id(blk)] = [_internal(where, blk.name, exc)]
    shown = set()
    for blk in _ordered(program) + [dup for dup, _ in program.duplicates]:
        if id(blk) in found and id(blk) not in shown:
            shown.add(id(blk))
            out.extend(d for d in found[id(blk)] if info or d.severity != "Info")
    for d in out:  # a SimaticML block's declarations and identity have no text line: the file's line of the element
        data = loaded.documents.get(d.file or "")
        if data is not None and d.network is None and not d.line:
            d.line = declaration_line(data, d.code, d.message)
    return out


def _overlay(program: Program, blocks: list[BlockDef]) -> Program:
    """The program as one file sees it: its own blocks and types in place of others of the same name."""
    from dataclasses import replace

    view = replace(program, blocks=dict(program.blocks), types=dict(program.types), duplicates=[])
    for blk in blocks:
        table = view.types if blk.kind == "UDT" else view.blocks
        (view.blocks if blk.kind == "UDT" else view.types).pop(blk.name.lower(), None)
        table[blk.name.lower()] = blk
    return view
