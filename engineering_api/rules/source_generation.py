"""TIA's "generate blocks from source", written against the port, so every adapter does it the same way.

:func:`generated` reads what the PLC already holds (FBs, UDTs, other blocks, user constants, and tags where a
global name bounds an array) and generates the source's blocks with :mod:`simatic_xml.generate.from_source`;
:func:`generate_blocks` then imports them in dependency order, all or nothing, and keeps the blocks that refer to
objects the PLC lacks inconsistent until they compile, as TIA does: through the adapter's
``import_generated`` when it has one (the fake stores each block from the model it was written from, see
:class:`GeneratedDocument`), else as SimaticML documents through its program area. It is the default of the port's
``generate_blocks_from_source``, so in a farm the whole generation runs on the agent holding the project (one call, the
source text sent instead of its 50 generated documents), and the API node only relays it.

A source with errors raises one ``ValidationError`` whose ``details.diagnostics`` lists every finding (the wire
shape of :class:`simatic_xml.diagnostics.Diagnostic`, lines and columns in the source text).
"""

from __future__ import annotations

import re
from functools import partial
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Protocol

from engineering_api.backend import errors as e
from engineering_api.backend.models import ProgramDocument, SourceGeneration
from engineering_api.errors import codes
from engineering_api.lib.collector import collections_held
from simatic_xml import SimaticMLError
from simatic_xml.diagnostics import wire_list
from simatic_xml.generate import SpecError, SpecVersionError
from simatic_xml.generate.from_source import SourceContext, SourceResult, add_export, generate_source
from simatic_xml.generate.order import order_documents
from simatic_xml.scl.limits import BlockTooLargeError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from engineering_api.backend.areas.tags import ConstantInfo, ConstantKind, TagInfo, TagTableInfo
    from engineering_api.backend.models import ProgramImportReport, ProgramObjectInfo
    from simatic_xml.diagnostics import Diagnostic
    from simatic_xml.model import Document

__all__ = (
    "CompileMarks",
    "ConstantReads",
    "GeneratedDocument",
    "GeneratedImport",
    "GenerationAccess",
    "ProgramAccess",
    "ProgramDocuments",
    "TagReads",
    "WORD_SET_FROM",
    "device_context",
    "generate_blocks",
    "generated",
    "is_word_of",
    "named_objects",
    "refuse_existing",
    "source_names",
    "spec_failure",
    "words_of",
)

_QUOTED = re.compile(r'"([^"]+)"')
_GLOBAL_BOUND = re.compile(r'\.\.\s*"|\[\s*"', re.IGNORECASE)
_NAME = re.compile(r"[^\W\d]\w*")
_DEFINED = re.compile(r'(?=[FDOT])\b(?:FUNCTION_BLOCK|FUNCTION|DATA_BLOCK|ORGANIZATION_BLOCK|TYPE)\s+"([^"]+)"')
"""The names the source's own blocks and types get (not the PLC's tags or constants). The lookahead lets the
search skip to the letters the keywords start with (half the time of trying ``\\b`` at every position)."""


class TagReads(Protocol):
    """The tag area's reads the generation uses (``EngineeringBackend.tags``, a
    :class:`~engineering_api.backend.areas.tags.TagsPort`)."""

    def list_tag_tables(self, device: str) -> list[TagTableInfo]: ...

    def list_all_tags(self, device: str) -> list[TagInfo]: ...


class ConstantReads(Protocol):
    """The constants area's read the generation uses (``EngineeringBackend.tag_constants``, a
    :class:`~engineering_api.backend.areas.tags.TagConstantsPort`)."""

    def list_constants(self, device: str, table: str, kind: ConstantKind = "all") -> list[ConstantInfo]: ...


class CompileMarks(Protocol):
    """The compile area's marking the generation uses (``EngineeringBackend.compile``, a
    :class:`~engineering_api.backend.areas.compile.CompilePort`)."""

    def mark_needs_compile(self, device: str, names: Iterable[str]) -> list[str]: ...


class ProgramDocuments(Protocol):
    """The program area's calls the generation uses (``EngineeringBackend.program``, a
    :class:`~engineering_api.backend.areas.program.ProgramPort`)."""

    def list_program_objects(self, device: str) -> list[ProgramObjectInfo]: ...

    def find_program_objects(self, device: str, names: Iterable[str]) -> list[ProgramObjectInfo]: ...

    def export_program_object(self, device: str, name: str) -> bytes: ...

    def import_program_documents(self, device: str, documents: list[ProgramDocument], *,
                                 overwrite: bool) -> list[ProgramImportReport]: ...


@dataclass(frozen=True, slots=True)
class GeneratedDocument:
    """A block the generation wrote, to import: its SimaticML (``data``, what an adapter over TIA imports) and the
    renumbered model it was written from (``document``, shared with the generation: read, never changed; None when
    the generator kept none, then ``data`` is read)."""

    source: str
    data: bytes
    document: Document | None
    folder: str = ""

    def program_document(self) -> ProgramDocument:
        """The document as any adapter imports SimaticML (``import_program_documents``)."""
        return ProgramDocument(source=self.source, data=self.data, folder=self.folder)


class GeneratedImport(Protocol):
    """An adapter's import of generated blocks: ``import_program_documents``' contract (all or nothing, a report
    per document), the blocks stored from their models instead of parsing their bytes back."""

    def __call__(self, device: str, documents: list[GeneratedDocument], *,
                 overwrite: bool) -> list[ProgramImportReport]: ...


class ProgramAccess(Protocol):
    """The port areas the generation uses (every :class:`~engineering_api.backend.port.EngineeringBackend` holds
    them, with the errors their docstrings name). Named here so that the rules depend on these calls only, not on
    the port module that calls the rules."""

    @property
    def program(self) -> ProgramDocuments:
        """The program area (listing, export and import of SimaticML documents)."""
        ...

    @property
    def compile(self) -> CompileMarks:
        """The compile area (its marking of blocks that need a compile)."""
        ...

    @property
    def tags(self) -> TagReads:
        """The tag area (its two reads)."""
        ...

    @property
    def tag_constants(self) -> ConstantReads:
        """The constants area (the user constants of a table)."""
        ...


@dataclass(frozen=True, slots=True)
class GenerationAccess:
    """A :class:`ProgramAccess` made of an adapter's areas: what an adapter's blocks area is given to generate
    through (the adapter's own program, compile, tag and constants areas, never the backend itself, so a farm never
    sends ``import_generated``'s models anywhere)."""

    program: ProgramDocuments
    compile: CompileMarks
    tags: TagReads
    tag_constants: ConstantReads
    import_generated: GeneratedImport | None = None
    """The adapter's import of generated blocks from their models; None: they are imported as SimaticML through
    ``program`` (an adapter over TIA hands TIA the bytes anyway)."""


def spec_failure(exc: SimaticMLError) -> e.EngineeringError:
    """A generator error as a domain error naming the field."""
    if isinstance(exc, BlockTooLargeError):
        return e.ValidationError(str(exc), code=exc.code, details=exc.details)
    if isinstance(exc, SpecVersionError):
        return e.ValidationError(str(exc), code=codes.VERSION_CANNOT_EXPRESS,
                                 details={"field": exc.field, "reason": exc.reason})
    if isinstance(exc, SpecError):
        details: dict[str, Any] = {"field": exc.field, "reason": exc.reason}
        if exc.diagnostics:
            details["diagnostics"] = wire_list(exc.diagnostics)
        errors = sum(1 for d in exc.diagnostics if d.severity == "Error")
        more = f" (and {errors - 1} more error(s), see details.diagnostics)" if errors > 1 else ""
        return e.ValidationError(f"{exc}{more}", code=codes.INVALID_SPEC, details=details)
    return e.ValidationError(str(exc), code=codes.INVALID_SPEC)


def is_word_of(text: str, name: str) -> bool:
    """Whether ``name`` is one of the words of ``text`` (``_NAME.findall(text)``: each run of word characters from
    its first that is no digit, as the scan finds them), without making them all: a word is where ``name`` stands
    with no word character after it and, before it, digits alone back to a character that is none (or the text's
    start). A word character is what ``\\w`` matches (``str.isalnum()`` or ``_``), a digit what ``\\d`` does
    (``str.isdecimal()``). Making every word of a source to look up the PLC's few FBs and UDTs was ~1.4% of
    generating the pipeline's sources (issue 71)."""
    if _NAME.fullmatch(name) is None:
        return False
    at = text.find(name)
    while at >= 0:
        after = at + len(name)
        if after == len(text) or not _is_word_char(text[after]):
            before = at
            while before and text[before - 1].isdecimal():
                before -= 1
            if not before or not _is_word_char(text[before - 1]):
                return True
        at = text.find(name, at + 1)
    return False


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


WORD_SET_FROM = 40
"""From this many names to look up in one text, the text's words are made once (``_NAME.findall``) and the names
looked up in them, instead of :func:`is_word_of` searching the text for each: that search costs about as much as
making the words for every 30-110 names, over a corpus source of 1,400 characters as over the largest (357,000),
and for 2,000 names over the largest the searches took 246 ms of CPU against 7 ms (24 names: 3.5 ms either
way). Measured 2026-11-27 19:51 UTC, load ~1.7, ``time.process_time`` medians of 5-7, names absent from the text
and names among its words."""


def words_of(text: str, names: int) -> Callable[[str], bool]:
    """Whether a name is one of the words of ``text`` (:func:`is_word_of`), for ``names`` names to look up: made
    the cheaper way for that many (:data:`WORD_SET_FROM`)."""
    if names >= WORD_SET_FROM:
        return set(_NAME.findall(text)).__contains__
    return partial(is_word_of, text)


_UDT_KINDS = ("UDT", "PlcStruct", "PlcType")
_SPEC_KINDS = ("FB", *_UDT_KINDS)
"""The kinds of program object whose spec a source that names them takes from the PLC."""


def source_names(text: str) -> set[str]:
    """Every name by which ``text`` can refer to an object of the PLC: its quoted names and its words (a type or
    FB named unquoted, as ``IEC_TIMER``). A source refers to no object by another name, so the objects of the PLC
    with these names (:func:`named_objects`) are all the generation needs to know of the PLC."""
    return set(_QUOTED.findall(text)) | set(_NAME.findall(text))


def named_objects(backend: ProgramAccess, device: str, text: str) -> list[ProgramObjectInfo]:
    """The PLC's program objects that ``text`` names (:func:`source_names`), looked up by name: what a
    generation reads of the PLC, in proportion to the source, not to the program."""
    return backend.program.find_program_objects(device, sorted(source_names(text)))  # a list travels to an agent


def device_context(backend: ProgramAccess, device: str, text: str, objects: list[ProgramObjectInfo]
                   ) -> SourceContext:
    """What the PLC already holds (``objects``: the objects ``text`` names, :func:`named_objects`, or the whole
    program listing): FBs (with their interface when an instance
    DB of the source needs it), UDTs, other blocks, user constants (written as constants) and tags, so references
    into the project are not reported as missing."""
    context = SourceContext()
    quoted = _QUOTED.findall(text)
    named = set(quoted)
    is_word = words_of(text, sum(obj.kind in _SPEC_KINDS for obj in objects))

    def wanted(name: str) -> bool:  # quoted or not
        return name in named or is_word(name)

    for obj in objects:
        if obj.kind == "FB":
            context.fbs[obj.name] = _object_spec(backend, device, obj.name) if wanted(obj.name) else None
        elif obj.kind in _UDT_KINDS:
            context.udts[obj.name] = _object_spec(backend, device, obj.name) if wanted(obj.name) else None
        else:
            context.names.add(obj.name)
    known = {obj.name.casefold() for obj in objects} | {name.casefold() for name in _DEFINED.findall(text)}
    if any(name.casefold() not in known for name in quoted):
        # A quoted name that is no block may be a user constant, which an SCL network writes as GlobalConstant.
        try:
            for table in backend.tags.list_tag_tables(device):
                for constant in backend.tag_constants.list_constants(device, table.name, "user"):
                    context.names.add(constant.name)
                    context.constants.add(constant.name)
            if _GLOBAL_BOUND.search(text):  # tags matter only for a global name as array bound
                for tag in backend.tags.list_all_tags(device):
                    context.names.add(tag.name)
        except e.EngineeringError:
            pass
    return context


def _object_spec(backend: ProgramAccess, device: str, name: str) -> Any:
    """An FB or UDT of the PLC as a spec read with the source rules (an instance DB takes the FB's members,
    start values go into UDT members), or None when it cannot be read."""
    try:
        probe = SourceContext()
        add_export(probe, backend.program.export_program_object(device, name))
        return probe.fbs.get(name) or probe.udts.get(name)
    except (e.EngineeringError, SimaticMLError):
        return None


def _failure(source_name: str, diagnostics: list[Diagnostic]) -> e.EngineeringError:
    """422 with every diagnostic as structured data (``details.diagnostics``), the first error in the message."""
    errors = [d for d in diagnostics if d.severity == "Error"]
    first = errors[0]
    more = f" (and {len(errors) - 1} more error(s))" if len(errors) > 1 else ""
    where = f"line {first.line}, column {first.column}: " if first.line else ""
    block = f"{first.block}: " if first.block else ""
    # The answer's code keeps the ones clients know: SCL_SYNTAX_ERROR, INVALID_SPEC (declarations and
    # operands), or the finding's own (BLOCK_TOO_LARGE …).
    if first.code in ("SYNTAX_ERROR", "CLASSIC_SCL"):
        code = codes.SCL_SYNTAX_ERROR
    elif first.code in ("INVALID_DECLARATION", "UNDECLARED"):
        code = codes.INVALID_SPEC
    else:
        code = first.code
    return e.ValidationError(
        f"{source_name}: {where}{block}{first.message}{more}", code=code,
        details={"source": source_name, "line": first.line, "column": first.column, "reason": first.message,
                 "diagnostics": wire_list(diagnostics)},
    )


def generated(backend: ProgramAccess, device: str, source_name: str, text: str, *, version: str,
              objects: list[ProgramObjectInfo]) -> tuple[SourceResult, list[Diagnostic]]:
    """The blocks a source generates for ``device``, whose program ``objects`` are, with its diagnostics (the call
    and its preview).

    Raises:
        ValidationError: the source has errors, or the target version cannot express it.
    """
    context = device_context(backend, device, text, objects)
    with collections_held():
        return _generated_in(context, source_name, text, version)


def _generated_in(context: SourceContext, source_name: str, text: str, version: str
                  ) -> tuple[SourceResult, list[Diagnostic]]:
    """:func:`generated` once the PLC's ``context`` is known: the in-process work alone.

    Raises:
        ValidationError: as :func:`generated`.
    """
    try:
        result = generate_source(text, file=source_name, version=version, context=context)
    except SimaticMLError as exc:  # the target version cannot express the source (GRAPH, V16 …)
        failure = spec_failure(exc)
        failure.message = f"{source_name}: {failure.message}"
        failure.details["source"] = source_name
        raise failure from None
    diagnostics = [replace(d, file=source_name) for d in result.diagnostics]
    if not result.ok:
        raise _failure(source_name, diagnostics)
    return result, diagnostics


def refuse_existing(objects: list[ProgramObjectInfo], device: str, source_name: str, names: list[str]) -> None:
    """Without overwrite, a generated block whose name the PLC already holds (``objects``) refuses the whole source.

    Raises:
        AlreadyExistsError: ``OBJECT_EXISTS``, with the names in ``details.names``.
    """
    existing = {o.name.lower() for o in objects}
    clash = [n for n in names if n.lower() in existing]
    if clash:
        raise e.AlreadyExistsError(
            f"{source_name}: {', '.join(clash)} already exist(s) in '{device}'; generate with overwrite to replace.",
            code=codes.OBJECT_EXISTS, details={"source": source_name, "names": clash},
        )


def generate_blocks(backend: GenerationAccess, device: str, source_name: str, text: str, *, version: str,
                    overwrite: bool, folder: str, progress: Callable[[int, str], None] | None) -> SourceGeneration:
    """Generate the source's blocks and import them into ``device``; see the port's ``generate_blocks_from_source``.

    The in-process work (generating, ordering, an in-process adapter's import) holds the garbage collector
    (:func:`engineering_api.lib.collector.collections_held`): it builds syntax trees, specs, network bodies and
    documents that live until it ends, and each collection of the young generations walked them again, ~10% of the
    CPU of the pipeline's import (43 young and 3 middle collections for its 84 sources at the served app's
    threshold of 10,000, ``engineering_api.asgi``; measured 2026-11-27 with ``gc.callbacks``). The adapter's calls
    that may wait on TIA for minutes (the listing, the exports, the import of SimaticML) are not held: a thread the
    worker's watchdog abandons there must not leave the process without automatic collection."""
    objects = named_objects(backend, device, text)  # one lookup for the context and the clash check
    context = device_context(backend, device, text, objects)
    with collections_held():
        # One hold from the generation to the in-process import, and the models dropped before it ends: a
        # collection between the two (when a hold ended) walked every block's model, still alive, and one at the
        # end walked them again (8 young collections and a middle one, 6% of the pipeline's import, 2026-11-27)
        result, diagnostics = _generated_in(context, source_name, text, version)
        names = [b.name for b in result.blocks]
        if not overwrite:
            refuse_existing(objects, device, source_name, names)
        in_process = backend.import_generated is not None
        if progress is not None and in_process:  # a job's own report; an agent's posts to Redis, which may block
            progress(50, f"importing {len(names)} blocks")
        try:
            order = order_documents([(f"{b.name}.xml", b.document) for b in result.blocks])
        except SimaticMLError as exc:
            raise spec_failure(exc) from None
        by_source = {f"{b.name}.xml": b for b in result.blocks}
        documents = [GeneratedDocument(s, by_source[s].xml, by_source[s].document, folder) for s in order]
        del result, by_source
        if backend.import_generated is not None:  # the adapter's in-process model
            reports = backend.import_generated(device, documents, overwrite=overwrite)
            del documents
    if not in_process:
        if progress is not None:
            progress(50, f"importing {len(names)} blocks")
        reports = backend.program.import_program_documents(
            device, [d.program_document() for d in documents], overwrite=overwrite)
    # TIA keeps a block that refers to user objects the PLC lacks inconsistent until it compiles
    missing = sorted({d.block for d in diagnostics if (d.code or "").startswith("MISSING_") and d.block})
    if missing:
        backend.compile.mark_needs_compile(device, missing)
    return SourceGeneration(blocks=names, order=[o.removesuffix(".xml") for o in order], reports=reports,
                            diagnostics=wire_list(diagnostics))
