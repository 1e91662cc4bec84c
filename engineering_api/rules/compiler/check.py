"""The one check entry: sources in (each a path and its bytes), diagnostics out.

``scl check``, ``plc check``, ``simaticml check`` and ``scl build`` (:mod:`engineering_api.ci`), the language
server (:mod:`engineering_api.ci.sources`) and the tests (:func:`engineering_api.rules.compiler.check_source`) all
check through :func:`check_sources` (or :func:`load` then :func:`check`, when they keep the program view).
:func:`load` reads every source once into one program view (:class:`~.program.Program`), remembering which
source each object came from; :func:`check` reports reading findings, duplicate block names and block numbers,
then each object's compile in dependency order, each with its file. The REST compile
(:mod:`.plc_compile`) checks a PLC's stored objects through :func:`check`, each object its own source.

Source rules (a git repository of TIA exports also holds other XML: project files, HMI screens, CI configs):

* an ``.xml`` source whose root is ``<Tagtable>`` is the tag editor's export of a tag table
  (:mod:`simatic_xml.tag_editor`): its tags and user constants are read, and one that cannot be is an Error
  ``INVALID_TAG_TABLE``;
* an ``.xml`` source whose root is none of those is skipped with a Warning ``NOT_SIMATICML``, a binary
  ``.scl``/``.db``/``.udt`` file (a TIA project's SQLite ``XRef.db``) with a Warning ``NOT_SCL``;
* a ``<Document>`` that cannot be read is an Error ``INVALID_SIMATICML``;
* a watch or force table's entries are judged by the REST tables' operand rules (:mod:`.watch_table_check`);
* a SimaticML object that is no block, PLC data type, tag table or watch or force table (technology objects'
  parameters, HMI) is skipped with a Warning ``UNSUPPORTED_OBJECT``;
* an SCL source that does not parse is an Error ``SYNTAX_ERROR`` (``CLASSIC_SCL`` for STEP 7 classic SCL);
* an SCL source's declarations are read as TIA's generation from source reads them (``INVALID_DECLARATION``:
  start values, String lengths, array bounds), so a check refuses what ``scl build`` refuses; a SimaticML block's or
  UDT's interface meets the same rules (:mod:`simatic_xml.generate.declarations`, read by :mod:`.project`);
* the tags and user constants of every tag table read are judged together (:mod:`.tag_tables`: each by the tag API's
  rules, names unique across the tables, overlaps, the CPU family's areas), and each block's number by its kind
  (:mod:`.block_numbers`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Collection, Container, Iterable, Optional, Sequence

from engineering_api.rules.type_graph import uses_first
from simatic_xml import parse_bytes
from simatic_xml.diagnostic_codes import message
from simatic_xml.diagnostics import Diagnostic
from simatic_xml.errors import SimaticMLError
from simatic_xml.generate.from_source import declaration_errors
from simatic_xml.objects import (Block, InstanceDB, PlcStruct, PlcTagTable, TechnologicalInstanceDB,
                                 is_auto_numbered)
from simatic_xml.scl import parse
from simatic_xml.scl.errors import ClassicSclNotSupportedError, SclSyntaxError
from simatic_xml.tag_editor import is_tag_editor_root, read_tag_editor_xml, root_name
from simatic_xml.watchtables import TABLE_ELEMENTS

from . import checker
from .block_numbers import number_findings
from .export_lines import declaration_line
from .program import BlockDef, Program, from_block
from .project import add_tag_table, add_tags, block_def_from_document
from .tag_tables import TableTag, editor_table_tags, simaticml_table_findings, simaticml_table_tags, tag_findings
from .watch_table_check import watch_table_findings

if TYPE_CHECKING:
    from collections.abc import Callable

    from simatic_xml.model import Document
    from simatic_xml.scl.ast import SourceFile

__all__ = ("SCL_SUFFIXES", "Loaded", "Source", "binary_source", "check", "check_edited", "check_source",
           "check_sources", "identity_findings", "load", "source_text")

SCL_SUFFIXES = frozenset({".scl", ".db", ".udt"})
"""Sources TIA's "generate blocks from source" reads: SCL (.scl), data blocks (.db) and PLC data types (.udt)."""

_RANK = {"UDT": 0, "FB": 1, "FC": 2, "DB": 3, "OB": 4}
_VERSION = re.compile(r"V(\d+)(?:\s*SP(\d+))?", re.IGNORECASE)
_BINARY_PROBE = 8192


@dataclass(frozen=True)
class Source:
    """One source of a check: its path (None: a text of no file, checked as SCL) and its bytes, or, for a file
    that could not be read, None and why (a ``READ_ERROR``)."""

    path: Optional[str]
    data: Optional[bytes]
    problem: Optional[str] = None

    @property
    def is_scl(self) -> bool:
        return self.path is None or os.path.splitext(self.path)[1].lower() in SCL_SUFFIXES


@dataclass
class Loaded:
    """The program view of a set of sources and what reading them found."""

    program: Program
    files: list[str]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    file_of: dict[int, str] = field(default_factory=dict)
    """``id(BlockDef)`` -> the file it came from (none for a text of no file)."""
    documents: dict[str, bytes] = field(default_factory=dict)
    """SimaticML file -> its bytes (``simaticml check`` round-trips them without reading the file again)."""
    auto_numbered: set[int] = field(default_factory=set)
    """``id(BlockDef)`` of blocks exported with ``AutoNumber`` true: TIA gives them a free number on import."""
    lines: int = 0
    """Lines read (for the benchmark's lines/s)."""
    borrowed: set[int] = field(default_factory=set)
    """``id(BlockDef)`` of objects taken from another program of the run (``engineering_api.ci.program``)."""
    scl: list[tuple[Optional[str], str, SourceFile]] = field(default_factory=list)
    """Each SCL source that parsed, with its text: :func:`check` reads its declarations as generation does."""
    tags: list[TableTag] = field(default_factory=list)
    """The tags of the tag tables read, in order: :func:`check` judges them together (:mod:`.tag_tables`)."""
    watch_tables: list[tuple[str, bytes]] = field(default_factory=list)
    """The watch and force table exports read: :func:`check` judges their entries (:mod:`.watch_table_check`)."""

    def finding(self, path: Optional[str], text: str, code: str, *, severity: str = "Error", line: int = 0) -> None:
        """Note a finding about a whole file (one that could not be read, or was skipped), at ``line`` where the
        reader knows it."""
        self.diagnostics.append(Diagnostic(text, line, file=path, severity=severity, code=code))


def binary_source(path: Optional[str], head: bytes) -> Optional[Diagnostic]:
    """A Warning ``NOT_SCL`` when ``head`` (the file's first bytes) shows a binary file, else None.

    A repository that holds a whole TIA project folder also holds the project's own ``.db`` files, SQLite
    databases such as ``XRef/XRef.db`` and ``Vci/Vci.db`` (ArturTrela/PRZYPINKA@99a25b9, a V17 project):
    no SCL source has a NUL byte, so such a file is skipped, not reported as an SCL syntax error."""
    if b"\x00" not in head[:_BINARY_PROBE]:
        return None
    what = "an SQLite database" if head.startswith(b"SQLite format 3\x00") else "a binary file"
    return Diagnostic(f"Not an SCL source: {what}; skipped.", file=path, severity="Warning", code="NOT_SCL")


def _version_number(text: str) -> float:
    match = _VERSION.search(text or "")
    return int(match.group(1)) + int(match.group(2) or 0) / 10 if match else 0.0


def load(sources: Iterable[Source], *, tia_version: Optional[str] = None, closed: bool = True,
         cpu_family: Optional[str] = None) -> Loaded:
    """Read ``sources`` (SimaticML, SCL) into one program view, for a CPU of ``cpu_family`` (``S7-1200``/
    ``S7-1500``: the signatures of system instructions; None: either's).

    ``closed`` (the default, as ``scl check`` and ``plc check``): the sources are the whole program (what a PLC
    holding exactly these objects would compile); a name they do not define is a ``MISSING_*`` error, an unquoted
    type name that is no type TIA knows an ``UNKNOWN_TYPE``. Open: the sources are part of a program whose rest is
    elsewhere; what they do not define is a warning."""
    program = Program(closed=closed, cpu_family=cpu_family)
    loaded = Loaded(program, [])
    target = _version_number(tia_version) if tia_version else None
    for source in sources:
        path, data = source.path, source.data
        if path is not None:
            loaded.files.append(path)
        if data is None:
            loaded.finding(path, f"cannot read the file: {source.problem}", "READ_ERROR")
            continue
        loaded.lines += data.count(b"\n") + 1
        try:
            if source.is_scl:
                binary = binary_source(path, data)
                if binary is not None:
                    loaded.diagnostics.append(binary)
                else:
                    _load_scl(loaded, path, data)
            else:
                _load_xml(loaded, path or "", data, target)
        except Exception as exc:  # one file the reader trips on must not stop a pipeline's run
            loaded.diagnostics.append(_internal(path, None, exc))
    return loaded


def _internal(path: Optional[str], block: Optional[str], exc: BaseException) -> Diagnostic:
    # A defect of the checker, not of the user's code: a warning, so it never fails a pipeline on valid code,
    # but it is in every report.
    return Diagnostic(f"The checker could not check this {'block' if block else 'file'} "
                      f"({type(exc).__name__}: {exc}); please report it.", block=block, file=path,
                      severity="Warning", code="CHECKER_FAILED")


def source_text(data: bytes) -> str:
    """An SCL source's text: UTF-8 (with or without BOM), else Windows-1252 as older TIA versions wrote it."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # as TIA's exports of older versions, and read_source


def _load_scl(loaded: Loaded, path: Optional[str], data: bytes) -> None:
    text = source_text(data)
    try:
        source = parse(text, path)
    except ClassicSclNotSupportedError as err:
        loaded.diagnostics.append(Diagnostic(err.message, err.line, err.col, file=path, code="CLASSIC_SCL"))
        return
    except SclSyntaxError as err:
        loaded.diagnostics.append(Diagnostic(err.message, err.line, err.col, file=path, code="SYNTAX_ERROR"))
        return
    loaded.scl.append((path, text, source))
    for block in source.blocks:
        bd = from_block(block)
        if path is not None:
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
        loaded.finding(path, f"The SimaticML document cannot be read: {exc}", "INVALID_SIMATICML", line=exc.line)
        return
    if target is not None and _version_number(doc.engineering_version) > target:
        loaded.finding(path, f"The document was exported by TIA Portal {doc.engineering_version}; a TIA "
                       f"Portal V{target:g} project cannot import documents of a newer version.", "NEWER_VERSION")
        return
    obj = doc.object
    if isinstance(obj, PlcTagTable):
        add_tag_table(loaded.program, doc)
        loaded.tags += simaticml_table_tags(doc, data, path)
        loaded.diagnostics += simaticml_table_findings(doc, data, path)
        loaded.documents[path] = data
        return
    if obj.element in TABLE_ELEMENTS.values():
        loaded.watch_tables.append((path, data))
        loaded.documents[path] = data
        return
    if not isinstance(obj, (Block, PlcStruct)):
        loaded.finding(path, f"<{obj.element}> is no block, PLC data type or tag table; skipped.",
                       "UNSUPPORTED_OBJECT", severity="Warning")
        return
    if not obj.name:  # TIA's import names the object it stores by its Name (the fake's reader refuses it so too)
        loaded.finding(path, f"The SimaticML document cannot be read: <{obj.element}> has no Name.",
                       "INVALID_SIMATICML", line=_element_line(data, obj.element))
        return
    loaded.documents[path] = data
    bd = _block_def(doc, data)
    loaded.file_of[id(bd)] = path
    if is_auto_numbered(doc):
        loaded.auto_numbered.add(id(bd))
    loaded.program.add(bd)


def _element_line(data: bytes, element: str) -> int:
    """The line of the first ``<element`` tag in ``data`` (0: none)."""
    at = data.find(b"<" + element.encode())
    return data.count(b"\n", 0, at) + 1 if at >= 0 else 0


def _load_tag_editor_xml(loaded: Loaded, path: str, data: bytes) -> None:
    """A tag table as the tag editor exports it (:mod:`simatic_xml.tag_editor`): its tags and constants."""
    try:
        tables = read_tag_editor_xml(data)
    except SimaticMLError as exc:
        loaded.finding(path, f"The tag table export cannot be read: {exc}", "INVALID_TAG_TABLE", line=exc.line)
        return
    loaded.tags += editor_table_tags(tables, data, path)
    for table in tables:
        add_tags(loaded.program, ((tag.name, tag.data_type) for tag in table.tags),
                 ((const.name, const.data_type) for const in table.constants))


def _block_def(doc: Document, data: bytes) -> BlockDef:
    """The compiler's BlockDef of a parsed block or UDT document (the fake's own reader of stored objects)."""
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
    return block_def_from_document(doc, stand_in)  # parses nothing again


def _ordered(program: Program) -> list[BlockDef]:
    """PLC data types, FBs, FCs, DBs, OBs; inside a kind, what a block uses first (as a PLC compile)."""
    objects = list(program.types.values()) + list(program.blocks.values())
    by_name = {o.name.lower(): o for o in objects}

    def rank(o: BlockDef) -> int:
        return _RANK.get(o.kind, 9)

    def uses(o: BlockDef) -> list[BlockDef]:
        return [d for dep in sorted(o.uses) if (d := by_name.get(dep.lower())) is not None]

    return uses_first(sorted(objects, key=lambda o: (rank(o), o.name.lower())), rank, uses)


def identity_findings(loaded: Loaded, wanted: Collection[Optional[str]] | None = None) -> list[Diagnostic]:
    """Duplicate block names and block numbers in use twice: the program-wide rules (the only copy of them).

    Two objects of one name in one file are a ``DUPLICATE_BLOCK`` error. In two files they are a repository
    holding variants of a source, or copies: a PLC holds the one imported into it, so that is a ``DUPLICATE_NAME``
    warning, each file being checked with its own definitions. A number is not judged for an object borrowed from
    another program of the run or exported with ``AutoNumber`` (TIA gives it a free number on import)."""
    program, file_of = loaded.program, loaded.file_of
    out: list[Diagnostic] = []
    for dup, first in program.duplicates:
        where, first_file = file_of.get(id(dup)), file_of.get(id(first))
        if wanted is not None and where not in wanted:
            continue
        if where == first_file:
            out.append(Diagnostic(message("DUPLICATE_BLOCK", name=dup.name), dup.line, dup.col, dup.name, "Error",
                                  where, "DUPLICATE_BLOCK"))
        else:
            out.append(Diagnostic(message("DUPLICATE_NAME_ACROSS_FILES", name=dup.name, other=first_file),
                                  dup.line, dup.col, dup.name, "Warning", where, "DUPLICATE_NAME"))
    numbers: dict[tuple[str, int], BlockDef] = {}
    for blk in program.blocks.values():
        if blk.number is None or id(blk) in loaded.borrowed:
            continue
        where = file_of.get(id(blk))
        if id(blk) not in loaded.auto_numbered and (wanted is None or where in wanted):
            for code, severity, fields in number_findings(blk.kind, blk.number, blk.ob_type, program.cpu_family):
                out.append(Diagnostic(message(code, **fields), blk.line, blk.col, blk.name, severity, where, code))
        other = numbers.setdefault((blk.kind, blk.number), blk)
        if other is not blk and id(blk) not in loaded.auto_numbered and (wanted is None or where in wanted):
            out.append(Diagnostic(
                message("NUMBER_IN_USE", cls=blk.kind, number=blk.number, other=other.name), blk.line,
                blk.col, blk.name, "Error", where, "NUMBER_IN_USE"))
    return out


def _declaration_errors(loaded: Loaded, wanted: Callable[[Optional[str]], bool]) -> list[Diagnostic]:
    """The declaration errors of the SCL sources that TIA's "generate blocks from source" refuses
    (:func:`simatic_xml.generate.from_source.declaration_errors`: start values, String lengths, array bounds), so
    that a check refuses what ``scl build`` refuses."""
    program = loaded.program
    # Built once for the program and only asked by each source's check (a copy per source or block was quadratic).
    fbs = frozenset(b.name for b in program.blocks.values() if b.kind == "FB")
    udts = frozenset(b.name for b in program.types.values())
    return _source_declaration_errors([s for s in loaded.scl if wanted(s[0])], fbs, udts)


def _source_declaration_errors(sources: Iterable[tuple[Optional[str], str, SourceFile]], fbs: Container[str],
                               udts: Container[str]) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for path, text, source in sources:
        try:
            out += declaration_errors(source, text, path, known_fbs=fbs, known_udts=udts)
        except Exception as exc:  # see _internal
            out.append(_internal(path, None, exc))
    return out


def _compiled(program: Program, blk: BlockDef, where: Optional[str]) -> list[Diagnostic]:
    """One object's compile findings (a checker defect: a ``CHECKER_FAILED`` warning)."""
    try:
        return checker.check_block(program, blk, where)
    except Exception as exc:  # see _internal
        return [_internal(where, blk.name, exc)]


def _unfaulted(out: list[Diagnostic], declarations: list[Diagnostic]) -> list[Diagnostic]:
    """The declaration errors on no line the checker already faults (a member declared twice keeps its finding:
    one finding, one diagnostic)."""
    faulted = {(d.file, d.line) for d in out if d.severity == "Error"}
    return [d for d in declarations if (d.file, d.line) not in faulted]


def check_edited(loaded: Loaded, objects: Sequence[BlockDef], sources: Sequence[tuple[Optional[str], str, SourceFile]],
                 fbs: Container[str], udts: Container[str]) -> list[Diagnostic]:
    """What :func:`check` with ``info`` and ``only`` the files of ``objects`` and ``sources`` finds, for SCL
    objects that read without finding, no duplicate shadows and have no block number (so the program-wide rules
    find nothing on them), without walking the whole program: an editor's edit of one block of a large source.
    ``fbs``/``udts``: the names of the program's FBs and UDTs (as :func:`check` lists them). In no order."""
    program, file_of = loaded.program, loaded.file_of
    out = [d for blk in objects for d in _compiled(program, blk, file_of.get(id(blk)))]
    return out + _unfaulted(out, _source_declaration_errors(sources, fbs, udts))


def check(loaded: Loaded, *, info: bool = False, only: Optional[Collection[Optional[str]]] = None) -> list[Diagnostic]:
    """Every diagnostic of the loaded sources: reading, duplicates and block numbers, then each object's
    compile in dependency order. Info notes are dropped unless ``info``. With ``only``, the findings of those
    files alone: the other files are context (what the checked objects use), not compiled."""
    program = loaded.program
    file_of = loaded.file_of

    def wanted(path: Optional[str]) -> bool:
        return only is None or path in only

    out = [d for d in loaded.diagnostics if wanted(d.file)]
    out += identity_findings(loaded, only)
    if loaded.tags:
        out += tag_findings(loaded.tags, [t.name for t in program.types.values()], cpu_family=program.cpu_family,
                            wanted=None if only is None else set(only))
    if loaded.watch_tables:
        out += watch_table_findings(loaded.watch_tables, program, loaded.tags, wanted)
    declarations = _declaration_errors(loaded, wanted)
    # A file that defines a name another file defines too sees its own definitions (its calls were written
    # against them); the copies are checked too, after the objects of the first file.
    own: dict[Optional[str], list[int]] = {}
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
    views = {where: _overlay(program, [by_id[i] for i in ids if i in by_id]) for where, ids in own.items()}
    found: dict[int, list[Diagnostic]] = {}
    for blk in by_id.values():
        where = file_of.get(id(blk))
        found[id(blk)] = _compiled(views.get(where, program), blk, where)
    shown = set()
    for blk in _ordered(program) + [dup for dup, _ in program.duplicates]:
        if id(blk) in found and id(blk) not in shown:
            shown.add(id(blk))
            out.extend(d for d in found[id(blk)] if info or d.severity != "Info")
    out += _unfaulted(out, declarations)
    for d in out:  # a SimaticML block's declarations and identity have no text line: the file's line of the element
        data = loaded.documents.get(d.file or "")
        if data is not None and d.network is None and not d.line:
            d.line = declaration_line(data, d.code, d.message)
    return out


def check_sources(sources: Iterable[Source], *, only: Optional[Collection[Optional[str]]] = None,
                  closed: bool = True, info: bool = False, tia_version: Optional[str] = None,
                  cpu_family: Optional[str] = None) -> list[Diagnostic]:
    """:func:`check` of :func:`load`: the findings of ``sources`` (those of the files in ``only``, the others being
    their context)."""
    return check(load(sources, tia_version=tia_version, closed=closed, cpu_family=cpu_family), info=info, only=only)


def _overlay(program: Program, blocks: list[BlockDef]) -> Program:
    """The program as one file sees it: its own blocks and types in place of others of the same name."""
    view = replace(program, blocks=dict(program.blocks), types=dict(program.types), duplicates=[])
    for blk in blocks:
        table = view.types if blk.kind == "UDT" else view.blocks
        (view.blocks if blk.kind == "UDT" else view.types).pop(blk.name.lower(), None)
        table[blk.name.lower()] = blk
    return view


def check_source(text: str, path: str | None = None, *, closed: bool = False) -> list[Diagnostic]:
    """The diagnostics of one SCL source (its notes included): :func:`check_sources` of that text alone.

    Open (the default): the file is one part of a program, so unknown globals, blocks and quoted types are
    warnings. ``closed=True`` treats the file as the whole program, as ``scl check`` does."""
    return check_sources([Source(path, text.encode("utf-8", "replace"))], closed=closed, info=True)
