"""TIA's "generate blocks from source", offline: SCL source text -> one SimaticML document per block/UDT.

    from simatic_xml.generate.from_source import SourceContext, generate_source
    result = generate_source(text, file="Motor.scl", version="V19", context=SourceContext())
    result.blocks        # [GeneratedBlock(name, block_type, xml)], in source order
    result.diagnostics   # [Diagnostic]: errors stop the block; warnings (MISSING_*) do not

Every diagnostic's line and column are counted in the source file the user gave (a network error found
in the text after BEGIN is moved to its file line; the first body line keeps BEGIN's column offset).
All errors are reported (every declaration error of every block, every undeclared ``#operand``, one
syntax error per block: the SCL parser stops at its first error, so each block is then parsed on its own),
up to :data:`simatic_xml.diagnostics.DIAGNOSTIC_CAP`. A source with an error generates no block.

What TIA does with references to user objects that are not there (a UDT, the FB of an instance DB, a
global constant as array bound): it generates the block, which stays inconsistent until the object
exists. Here the block is generated and a ``MISSING_TYPE``/``MISSING_BLOCK``/``MISSING_CONSTANT`` warning
is returned. ``context`` makes objects of other files visible (:func:`context_from_files`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from collections.abc import Container
from typing import TYPE_CHECKING, Any, Iterable

from ..diagnostics import Diagnostic, capped
from ..errors import SclError, SimaticMLError
from ..model import Document
from ..system_constants import is_system_constant
from ..tag_editor import is_tag_editor_root, read_tag_editor_xml, root_name
from ..xmltext import NOT_IN_XML
from .errors import SpecError
from .source_names import reserved_name_errors
from .spec import BlockSpec, MemberSpec

if TYPE_CHECKING:
    from ..scl.ast import SourceFile as SclSource

__all__ = (
    "GeneratedBlock", "SourceContext", "SourceResult", "add_export", "add_source", "add_tag_editor_tables",
    "context_from_files", "declaration_errors", "generate_source", "global_constants", "iter_files", "read_text",
)

_PARTS = {"dataType": "data type", "startValue": "start value", "name": "name", "members": "members",
          "retain": "retain", "setpoint": "setpoint", "comment": "comment"}
_LINE_COL = re.compile(r"line (\d+)(?:, column (\d+))?:\s*")
_QUOTED = re.compile(r'"([^"]+)"')


@dataclass(slots=True)
class SourceContext:
    """Objects outside the source: FB and UDT specs (None when only the name is known) and other names."""

    fbs: dict[str, BlockSpec | None] = field(default_factory=dict)
    udts: dict[str, BlockSpec | None] = field(default_factory=dict)
    names: set[str] = field(default_factory=set)
    """Other blocks, DBs, tags and global constants (for the MISSING_* warnings)."""
    constants: set[str] = field(default_factory=set)
    """The PLC's user constants (also in :attr:`names`): an SCL network writes them as ``GlobalConstant``."""

    def knows(self, name: str) -> bool:
        folded = name.casefold()
        return any(folded == n.casefold() for n in (*self.fbs, *self.udts, *self.names))


@dataclass(slots=True)
class GeneratedBlock:
    name: str
    block_type: str
    xml: bytes
    namespace: str = ""
    """A software unit's namespace (V18+): the block is ``namespace.name`` in the PLC."""
    document: Document | None = field(default=None, repr=False, compare=False)
    """The model ``xml`` was written from (an import orders blocks by it without reading ``xml`` again); shared,
    not to be changed."""

    @property
    def qualified_name(self) -> str:
        return f"{self.namespace}.{self.name}" if self.namespace else self.name


@dataclass(slots=True)
class SourceResult:
    blocks: list[GeneratedBlock]
    diagnostics: list[Diagnostic]

    @property
    def ok(self) -> bool:
        """No errors (warnings allowed)."""
        return not any(d.severity == "Error" for d in self.diagnostics)


def _locate(locations: dict[str, tuple[int, int]], field_path: str) -> tuple[int, int]:
    """The file position of the longest recorded prefix of ``field_path``."""
    best = ""
    for key in locations:
        if (field_path == key or field_path.startswith(key + ".")
            or field_path.startswith(key + "[")) and len(key) >= len(best):
            best = key
    return locations.get(best, (0, 0))


def _tab(locations: dict[str, tuple[int, int]]) -> int:
    """1 when the statement text lost the tab TIA's source export adds to each line (its columns count it)."""
    from .from_scl import EXPORT_TAB_KEY

    return 1 if EXPORT_TAB_KEY in locations else 0


def _spec_diagnostic(exc: SimaticMLError, block: str, file: str | None,
                     locations: dict[str, tuple[int, int]]) -> Diagnostic:
    if isinstance(exc, SpecError):
        field_path, reason = exc.field, exc.reason
    else:
        field_path, reason = "", str(exc)
    line, column = _locate(locations, field_path)
    m = _LINE_COL.match(reason)
    if m and field_path.startswith("networks["):
        body_line, body_col = locations.get(field_path.split(".")[0], (line, column))
        rel_line, rel_col = int(m.group(1)), int(m.group(2) or 0)
        line = body_line + rel_line - 1
        column = rel_col + (body_col - 1 if rel_line == 1 else 0) + _tab(locations)
        reason = reason[m.end():]
    elif m and field_path.startswith("source"):
        line, column = int(m.group(1)), int(m.group(2) or 1)
        reason = reason[m.end():]
    if isinstance(exc, SpecError):  # the finding's own code where the check gave one (GENERATION_NOT_SUPPORTED)
        code = exc.diagnostics[0].code if exc.diagnostics and exc.diagnostics[0].code != "SYNTAX_ERROR" else None
    else:
        code = getattr(exc, "code", None)
    if code is None and (isinstance(exc, SclError) or "networks[" in field_path and m):
        code = "SYNTAX_ERROR"
    where = f"{field_path}: " if field_path and not field_path.startswith(("source", "networks[")) else ""
    if field_path.startswith("interface."):  # the file position names the member; say which of its parts
        last = field_path.rsplit(".", 1)[-1]
        where = f"{_PARTS.get(last, last)}: " if not last.startswith(("Input", "Output", "InOut", "Static", "Temp",
                                                                      "Constant", "None")) else ""
    return Diagnostic(f"{where}{reason}", line, column, block=block, file=file,
                      code=code or "INVALID_DECLARATION")


def _blank(text: str) -> str:
    from ..scl_blanking import blank_block_comments

    text = blank_block_comments(text, regions=True)
    return re.sub(r"\.#", ". ", text) if ".#" in text else text


def _member_names(members: list[dict[str, Any]]) -> set[str]:
    return {str(m.get("name", "")).casefold() for m in members}


def _undeclared(spec: dict[str, Any], file: str | None, locations: dict[str, tuple[int, int]]) -> list[Diagnostic]:
    """Every ``#name`` of the SCL text that the interface does not declare (TIA refuses to generate)."""
    from .checks import scl_locals

    if spec.get("blockType") == "OB":
        return []  # an OB's event inputs come from its OB type, which the source does not declare

    declared: set[str] = set()
    for members in (spec.get("interface") or {}).values():
        declared |= _member_names(members)
    if spec.get("blockType") == "FC":
        declared.add(str(spec["name"]).casefold())  # an FC's own name is its return value
    out = []
    for i, net in enumerate(spec.get("networks") or []):
        text = net.get("scl")
        if not isinstance(text, str):
            continue
        body_line, body_col = locations.get(f"networks[{i}]", (0, 0))
        blanked = _blank(text)
        for name, rel_line in scl_locals(blanked):
            if name.casefold() in declared:
                continue
            lines = blanked.split("\n")
            col = lines[rel_line - 1].find("#" + name) + 1 if rel_line <= len(lines) else 0
            if col <= 0:
                col = lines[rel_line - 1].find("#") + 1 if rel_line <= len(lines) else 1
            out.append(Diagnostic(f"#{name} is not declared in the block interface.",
                                  body_line + rel_line - 1,
                                  col + (body_col - 1 if rel_line == 1 else 0) + _tab(locations),
                                  block=str(spec["name"]), file=file, code="UNDECLARED"))
    return out


def _missing(spec: dict[str, Any], parsed: BlockSpec, own: dict[str, str], context: SourceContext, file: str | None,
             locations: dict[str, tuple[int, int]]) -> list[Diagnostic]:
    """MISSING_TYPE / MISSING_BLOCK / MISSING_CONSTANT warnings for user objects neither here nor in context."""
    out: list[Diagnostic] = []
    block = parsed.name

    def known(name: str) -> bool:
        return name.casefold() in own or context.knows(name)

    def walk(members: list[MemberSpec], path: str) -> None:
        for i, member in enumerate(members):
            here = f"{path}[{i}]"
            element = member.datatype
            bounds = ""
            m = re.match(r"Array\[(.*?)\] of (.*)\Z", element)
            if m:
                bounds, element = m.group(1), m.group(2)
            for name in _QUOTED.findall(bounds):
                if not known(name):
                    line, col = _locate(locations, here)
                    out.append(Diagnostic(f'Constant "{name}" (array bound of {member.name}) is not defined.', line,
                                          col,
                                          block=block, file=file, severity="Warning", code="MISSING_CONSTANT"))
            for name in _QUOTED.findall(element):
                if not known(name):
                    line, col = _locate(locations, here)
                    out.append(Diagnostic(f'Data type "{name}" (of {member.name}) is not defined; the block stays '
                                          "inconsistent until it exists.", line, col, block=block, file=file,
                                          severity="Warning", code="MISSING_TYPE"))
            walk(member.members, f"{here}.members")

    for section, members in parsed.sections.items():
        walk(members, f"interface.{section}")
    if parsed.block_type == "InstanceDB" and parsed.instance_of and parsed.instance_of_type != "System" \
            and not known(parsed.instance_of):
        line, col = _locate(locations, "")
        kind = "Data type" if parsed.instance_of_type == "UDT" else "Block"
        out.append(Diagnostic(f'{kind} "{parsed.instance_of}" of instance data block {block} is not defined; the '
                              "data block is generated without its members and stays inconsistent.", line, col,
                              block=block, file=file, severity="Warning",
                              code="MISSING_TYPE" if parsed.instance_of_type == "UDT" else "MISSING_BLOCK"))
    return out


_MEMBER_PATH = re.compile(r"interface\.(\w+)\[(\d+)\]((?:\.members\[\d+\])*)")
_MAX_DECLARATION_ERRORS = 100


def _parse_all(spec: dict[str, Any], name: str, file: str | None,
               locations: dict[str, tuple[int, int]]) -> tuple[list[Diagnostic], BlockSpec | None]:
    """Every declaration error of a block: after each :class:`SpecError` the offending member (or header
    field) is set aside in a copy and the spec parsed again. Returns the errors and the parsed spec (None
    when there was an error)."""
    import copy

    from .spec import parse_spec

    errors: list[Diagnostic] = []
    work = spec
    for _ in range(_MAX_DECLARATION_ERRORS):
        try:
            parsed = parse_spec(work, source=True)
        except SimaticMLError as exc:
            errors.append(_spec_diagnostic(exc, name, file, locations))
            field_path = exc.field if isinstance(exc, SpecError) else ""
            if work is spec:
                work = copy.deepcopy(spec)
            if not _set_aside(work, field_path):
                return errors, None
            continue
        return errors, (parsed if not errors else None)
    return errors, None


def _set_aside(spec: dict[str, Any], field_path: str) -> bool:
    """Neutralise what ``field_path`` names so parsing can go on; False when it cannot be (a network)."""
    m = _MEMBER_PATH.match(field_path)
    if m:
        # The spec as the user wrote it: any shape (a wrong one is a TypeError or KeyError below).
        members: Any = (spec.get("interface") or {}).get(m.group(1))
        try:
            member = members[int(m.group(2))]
            for index in re.findall(r"\[(\d+)\]", m.group(3)):
                members, member = member["members"], member["members"][int(index)]
        except (TypeError, KeyError, IndexError):
            return False
        name = member.get("name") if isinstance(member.get("name"), str) else None
        stand_in = {"name": name if name and not field_path.endswith(".name") else f"__error_{id(member)}",
                    "dataType": "Bool"}
        members[members.index(member)] = stand_in
        return True
    top = field_path.split(".")[0].split("[")[0]
    if top in ("author", "family", "headerName", "version", "number", "memoryLayout", "title", "comment",
               "startValues"):
        spec.pop(top, None)
        return True
    return False


_BLOCK_START = re.compile(r"^[ \t]*(FUNCTION_BLOCK|FUNCTION|ORGANIZATION_BLOCK|DATA_BLOCK|TYPE)\b",
                          re.IGNORECASE | re.MULTILINE)


def _unwritable(text: str, file: str | None) -> Diagnostic | None:
    """The error for the first character of ``text`` SimaticML cannot hold, at its line and column; None if none."""
    found = NOT_IN_XML.search(text)  # in a comment or a string, where the lexer takes any character
    if found is None:
        return None
    at = found.start()
    line_start = text.rfind("\n", 0, at) + 1
    return Diagnostic(f"the character U+{ord(found.group()):04X} cannot be written into SimaticML (XML 1.0 has no "
                      "such character)", text.count("\n", 0, at) + 1, at - line_start + 1, file=file,
                      code="SYNTAX_ERROR")


def _syntax_diagnostic(exc: SclError, file: str | None, offset: int = 0) -> Diagnostic:
    code = getattr(exc, "code",
                   None) or ("CLASSIC_SCL" if type(exc).__name__ == "ClassicSclNotSupportedError" else "SYNTAX_ERROR")
    return Diagnostic(exc.message, exc.line + offset if exc.line else 0, exc.col, file=file, code=code)


def _syntax_errors(text: str, file: str | None, first: SclError) -> list[Diagnostic]:
    """The parser stops at its first error; each block of the source is parsed on its own to report the
    syntax errors of the other blocks too (lines stay the file's)."""
    from ..scl import parse

    starts = [m.start() for m in _BLOCK_START.finditer(text)]
    if len(starts) < 2:
        return [_syntax_diagnostic(first, file)]
    out: list[Diagnostic] = []
    for begin, end in zip(starts, [*starts[1:], len(text)]):
        offset = text.count("\n", 0, begin)
        try:
            parse(text[begin:end], file)
        except SclError as exc:
            out.append(_syntax_diagnostic(exc, file, offset))
    return out or [_syntax_diagnostic(first, file)]


def declaration_errors(source: SclSource, text: str, file: str | None, *, known_fbs: Container[str] = frozenset(),
                       known_udts: Container[str] = frozenset()) -> list[Diagnostic]:
    """The declaration errors of a parsed source that :func:`generate_source` refuses a block for
    (``INVALID_DECLARATION``: a start value that is no value of its data type or outside its range, a String length
    outside 1..254, array bounds in the wrong order, ...), block by block, with their file positions. The code and
    a data block's BEGIN assignments are not read (the checker reads them); what generation alone cannot do
    (``GENERATION_NOT_SUPPORTED``) is not an error in the code and is left to :func:`generate_source`.
    ``known_fbs``/``known_udts``: the FBs and UDTs of the other sources, as for :func:`~.from_scl.source_to_specs`
    (asked, never copied: a program's checker passes the same sets for each of its sources).

    The checker reports these, so that ``scl check``, the editor and the REST compile refuse the declarations
    ``scl build`` refuses."""
    from ..scl.lexer import source_lines
    from .from_scl import source_to_specs

    out = reserved_name_errors(source, file)
    lines = source_lines(text)  # split once for all the blocks
    for block in source.blocks:
        locations: dict[str, dict[str, tuple[int, int]]] = {}
        try:
            specs = source_to_specs(replace(source, blocks=[replace(block, body=[])]), text, known_fbs=known_fbs,
                                    known_udts=known_udts, locations=locations, notes=[], lines=lines)
        except SimaticMLError:
            continue  # a block the spec cannot hold: a generation limit, which generate_source reports
        for spec in specs:
            name = str(spec["name"])
            errors, _ = _parse_all({**spec, "networks": []}, name, file, locations.get(name, {}))
            out.extend(d for d in errors if d.code == "INVALID_DECLARATION")
    return out


def generate_source(text: str, *, file: str | None = None, version: str | None = None,
                    context: SourceContext | None = None) -> SourceResult:
    """Generate every block and UDT of an SCL source (see the module docstring)."""
    from ..scl.parser import parse_source
    from ..scl.token_slices import source_scope

    context = context or SourceContext()
    if text.startswith("\ufeff"):
        text = text[1:]
    unwritable = _unwritable(text, file)
    if unwritable is not None:
        return SourceResult([], [unwritable])
    try:
        source, tokens = parse_source(text, file)
    except SclError as exc:
        return SourceResult([], capped(_syntax_errors(text, file, exc)))
    if tokens is None:
        return _generated(source, text, file, version, context)
    with source_scope(text, tokens):  # the networks' tokens cut from the source's (offered by source_to_specs)
        return _generated(source, text, file, version, context)


def _generated(source: SclSource, text: str, file: str | None, version: str | None,
               context: SourceContext) -> SourceResult:
    """:func:`generate_source` of the parsed ``source``."""
    from ..writer import to_bytes
    from .builder import build_document
    from ..scl.lexer import source_lines
    from .from_scl import source_callees, source_to_specs

    diagnostics: list[Diagnostic] = []
    diagnostics.extend(reserved_name_errors(source, file))
    locations: dict[str, dict[str, tuple[int, int]]] = {}
    notes: list[tuple[str, int, int, str, str]] = []
    known_fbs = set(context.fbs) | {b.name for b in source.blocks if b.kind == "FUNCTION_BLOCK"}
    known_udts = set(context.udts) | {b.name for b in source.blocks if b.kind == "TYPE"}
    callees = source_callees(source, known_fbs)
    lines = source_lines(text)  # split once for all the blocks
    specs: list[dict[str, Any]] = []
    for block in source.blocks:  # block by block, so an error in one does not hide those of the others
        single = replace(source, blocks=[block])
        try:
            specs.extend(source_to_specs(single, text, known_fbs=known_fbs, known_udts=known_udts, callees=callees,
                                         locations=locations, notes=notes, lines=lines))
        except SimaticMLError as exc:
            diagnostics.append(_spec_diagnostic(exc, block.name, file, locations.get(block.name, {})))
    for noted, line, col, code, message in notes:
        diagnostics.append(Diagnostic(message, line, col, block=noted, file=file, severity="Warning", code=code))

    own = {str(s["name"]).casefold(): str(s["blockType"]) for s in specs}
    parsed: dict[str, BlockSpec] = {}
    failed: set[str] = set()
    for spec in specs:
        name = str(spec["name"])
        where = locations.get(name, {})
        errors = _undeclared(spec, file, where)
        block_errors, result = _parse_all(spec, name, file, where)
        errors.extend(d for d in block_errors if not (errors and "is not declared" in d.message))
        if result is not None:
            parsed[name] = result
        if errors:
            diagnostics.extend(errors)
            failed.add(name)
            continue
        diagnostics.extend(_missing(spec, parsed[name], own, context, file, where))

    types: dict[str, BlockSpec] = {k: v for k, v in {**context.fbs, **context.udts}.items() if v is not None}
    types.update(parsed)
    constants = global_constants(text, context)
    blocks: list[GeneratedBlock] = []
    for spec in specs:
        name = str(spec["name"])
        if name in failed:
            continue
        block_spec = parsed[name]
        warnings: list[tuple[str, str]] = []
        try:
            document = build_document(block_spec, version, types=types, warnings=warnings, global_constants=constants)
            xml = to_bytes(document)
        except SimaticMLError as exc:
            diagnostics.append(_spec_diagnostic(exc, name, file, locations.get(name, {})))
            continue
        for path, reason in warnings:
            line, col = _locate(locations.get(name, {}), path)
            diagnostics.append(Diagnostic(f"{path}: {reason}", line, col, block=name, file=file, severity="Warning",
                                          code="START_VALUE_NOT_WRITTEN"))
        blocks.append(GeneratedBlock(name, block_spec.block_type, xml, block_spec.namespace, document))
    if any(d.severity == "Error" for d in diagnostics):
        blocks = []  # TIA generates nothing from a source with errors in its declarations or code
    return SourceResult(blocks, capped(diagnostics))


def global_constants(text: str, context: SourceContext) -> set[str]:
    """The names an SCL network of ``text`` writes as ``GlobalConstant``: the context's user constants, and the
    system constants the text names (``"Local~Common"``, :mod:`simatic_xml.system_constants`) that the context
    does not define as something else."""
    found = set(context.constants)
    for name in _QUOTED.findall(text):
        if is_system_constant(name) and not context.knows(name):
            found.add(name)
    return found


# ---------------------------------------------------------------- context from other files


def _add_spec(context: SourceContext, spec: BlockSpec) -> None:
    if spec.block_type == "FB":
        context.fbs[spec.name] = spec
    elif spec.block_type == "UDT":
        context.udts[spec.name] = spec
    else:
        context.names.add(spec.name)


def add_source(context: SourceContext, text: str, file: str) -> None:
    """Add the FBs, UDTs (with their interfaces) and other block names of an SCL source to ``context``."""
    from ..scl import parse
    from .from_scl import source_to_specs
    from .spec import parse_spec

    try:
        source = parse(text, file)
        specs = source_to_specs(source, text)
    except SimaticMLError:
        return
    for spec in specs:
        spec.pop("networks", None)
        try:
            _add_spec(context, parse_spec(spec, source=True))
        except SimaticMLError:
            kind = spec.get("blockType")
            (context.fbs if kind == "FB" else context.udts if kind == "UDT" else {})[str(spec["name"])] = None
            context.names.add(str(spec["name"]))


def add_export(context: SourceContext, data: bytes) -> None:
    """Add one SimaticML export to ``context``: an FB or UDT with its interface, another block by name, a
    tag table's tags and user constants by name. Unreadable documents are skipped."""
    from .. import parse_bytes
    from .spec import parse_spec
    from .to_scl import interface_spec

    try:
        doc = parse_bytes(data)
    except SimaticMLError:
        return
    obj = doc.object
    kind = type(obj).__name__
    name = getattr(obj, "name", None)
    if not name:
        return
    if kind in ("FB", "PlcStruct"):
        spec: dict[str, Any] = {"blockType": "UDT" if kind == "PlcStruct" else "FB", "name": name}
        if kind == "FB":
            spec["language"] = "SCL"
        try:
            iface = interface_spec(doc)
            if kind == "PlcStruct":
                iface = {"None": iface.get("None", [])}
            else:
                iface = {k: v for k, v in iface.items() if k in ("Input", "Output", "InOut", "Static")}
            if iface:
                spec["interface"] = iface
            parsed = parse_spec(spec, source=True)
            _attach_type_members(parsed, doc)
            _add_spec(context, parsed)
            return
        except (SimaticMLError, KeyError, TypeError, ValueError):
            (context.fbs if kind == "FB" else context.udts)[name] = None
            return
    context.names.add(name)
    for tag in _tag_names(obj):
        context.names.add(tag)
    for constant in getattr(obj, "user_constants", None) or ():
        if constant.name:
            context.constants.add(constant.name)


def add_tag_editor_tables(context: SourceContext, data: bytes) -> None:
    """Add the tags and user constants of a tag table as the tag editor exports it (``<Tagtable>``,
    :mod:`simatic_xml.tag_editor`); an unreadable one is skipped, as an unreadable export is."""
    try:
        tables = read_tag_editor_xml(data)
    except SimaticMLError:
        return
    for table in tables:
        context.names.update(tag.name for tag in table.tags)
        context.names.update(constant.name for constant in table.constants)
        context.constants.update(constant.name for constant in table.constants)


def _attach_type_members(spec: BlockSpec, doc: Any) -> None:
    """Keep the members an export lists inside a member of a system type (``Version=`` with ``<Sections>``),
    so an instance DB's source may set their start values: a GRAPH FB's steps are ``G7_StepPlus_V5``
    members whose T_MAX/T_WARN TIA's instance DB source sets (komatic1/testGraphProject@afe0776
    ``PLC_1/Program blocks/InstSequencer.db:8``, FB ``Sequencer.xml:1523``), and TIA's own export of such an
    instance DB writes the same ``<Sections><Section Name="None">`` inside each step (Nastiajd/NTI_plc@bdc6960, V16)."""
    interface = getattr(doc.object, "interface", None)
    if interface is None:
        return
    for section in interface.sections.sections:
        exported = {m.name: m for m in section.members}
        for member in spec.sections.get(section.name, []):
            source = exported.get(member.name)
            if source is not None:
                member.type_members = _type_members(source)


def _type_members(member: Any) -> list[MemberSpec]:
    if member.version is None or member.sections is None or member.members:
        return []
    # The start values inside are Informative (derived from the type or, for steps, from the GRAPH code): left out.
    return [MemberSpec(m.name, m.datatype, members=[], type_members=_type_members(m))
            for section in member.sections.sections if section.name == "None" for m in section.members]


def _tag_names(obj: Any) -> Iterable[str]:
    """Tag and user-constant names of a tag table object (empty for other objects)."""
    for attr in ("tags", "user_constants", "constants"):
        for item in getattr(obj, attr, None) or ():
            name = getattr(item, "name", None)
            if name:
                yield name


_SOURCE_SUFFIXES = (".scl", ".db", ".udt")


def iter_files(paths: Iterable[str | Path], suffixes: tuple[str, ...]) -> list[Path]:
    """Files under ``paths`` (recursively for directories) with one of ``suffixes``, sorted."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in suffixes))
        elif path.is_file():
            out.append(path)
    return out


def read_text(path: Path) -> str:
    """A source file's text: UTF-8 (with or without BOM), else Windows-1252 as older TIA versions wrote it."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def context_from_files(paths: Iterable[str | Path]) -> SourceContext:
    """UDTs, FBs, blocks and tag tables of SimaticML exports (``.xml``) and SCL sources under ``paths``."""
    context = SourceContext()
    for path in iter_files(paths, (*_SOURCE_SUFFIXES, ".xml")):
        if path.suffix.lower() == ".xml":
            data = path.read_bytes()
            if is_tag_editor_root(root_name(data)):
                add_tag_editor_tables(context, data)
            else:
                add_export(context, data)
        else:
            add_source(context, read_text(path), str(path))
    return context
