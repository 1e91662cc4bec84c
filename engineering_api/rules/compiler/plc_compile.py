"""Compile a PLC's stored software (the REST compile of the fake) as TIA does, through the one check entry.

The software's objects are read into a program view (:func:`~.project.program_from_software`), each object being
its own source, and checked by :func:`.check.check`: the same rules, in the same code, as ``scl check`` and the
language server (duplicate names and block numbers, then every object's compile). The findings are nested as
TIA's CompilerResult: device software > object > messages. Consistency: an object is consistent when its
``compiled_against`` equals the current interface digests of itself and of what it uses; a successful compile
returns new digests.

A stored object is no file: its findings carry no ``file`` on the wire (the object's name keys it in the check
only). A defect of the checker on one object is a Warning ``CHECKER_FAILED`` on that object, as in every check,
not a failed request: the other objects' findings still reach the client.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from engineering_api.backend.models import CompileMessage, CompileResult, CompileState, DiagnosticInfo
from engineering_api.lib.collector import collections_held
from engineering_api.rules.type_graph import uses_first
from simatic_xml.diagnostics import Diagnostic, capped

from . import checker
from .check import Loaded, check
from .project import OBJECT_KINDS, program_from_software

if TYPE_CHECKING:
    from engineering_api.rules.program_objects import ProgramObject

    from .program import BlockDef, Program
    from .project import CompiledSoftware, Software

logger = logging.getLogger(__name__)

__all__ = ["CompileRun", "compile_software"]

_RANK = {"UDT": 0, "FB": 1, "FC": 1, "DB": 2, "OB": 3}
_FOLDER = {"UDT": "PLC data types"}


def _ordered(software: Software, program: Program) -> list[ProgramObject]:
    """The order of TIA's CompilerResult tree: UDTs, then FBs/FCs, then DBs, then OBs; inside a rank what an
    object uses comes first."""
    objs = [o for o in list(software.types.values()) + list(software.blocks.values()) if o.kind in OBJECT_KINDS]
    by_name = {o.name.lower(): o for o in objs}

    def rank(o: ProgramObject) -> int:
        return _RANK[OBJECT_KINDS[o.kind]]

    def uses(o: ProgramObject) -> list[ProgramObject]:
        bd = _def_in_program(program, o)
        names = set(o.uses_types) | (set(bd.uses) if bd is not None else set())
        if o.instance_of:
            names.add(o.instance_of)
        return [d for name in sorted(names) if (d := by_name.get(name.lower())) is not None]

    return uses_first(sorted(objs, key=rank), rank, uses)


def _def_in_program(program: Program, obj: ProgramObject) -> BlockDef | None:
    return (program.types if obj.kind == "UDT" else program.blocks).get(obj.name.lower())


@dataclass
class CompileRun:
    result: CompileResult
    compiled: dict[str, dict[str, str]] = field(default_factory=dict)
    """Object name -> new ``compiled_against`` digests for objects that compiled without errors."""
    diagnostics: dict[str, list[Diagnostic]] = field(default_factory=dict)
    """Object name -> its diagnostics (``Diagnostic``)."""
    program: Program | None = None
    """The program view the run checked: a caller that needs it too (the runtime's ``build_image``) reuses
    it instead of reading and parsing every object a second time."""
    failed: set[str] = field(default_factory=set)
    """Names of the checked objects with errors: TIA keeps them inconsistent until a compile succeeds."""
    calls: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Object name -> the blocks and types its code uses (sorted names): its callees, for the consistency rule
    (an object calling one whose compile failed is inconsistent too). Every checked object, and in a compile of
    one object that fails, every other object as well (so its callers are known)."""


def _where(d: Diagnostic, textless: set[int | None]) -> str:
    """``Network N, line L, column C``; a LAD/FBD network (in ``textless``) has no text lines (its findings' lines
    are the export's), so TIA's message names the network only."""
    parts: list[str] = []
    if d.network:
        parts.append(f"Network {d.network}")
    if d.line and d.network not in textless:
        parts.append(f"line {d.line}, column {d.col}")
    return ", ".join(parts)


def _node(path: str, description: str, children: list[CompileMessage]) -> CompileMessage:
    errors = sum(c.error_count if c.messages else (1 if c.state == "Error" else 0) for c in children)
    warnings = sum(c.warning_count if c.messages else (1 if c.state == "Warning" else 0) for c in children)
    state: CompileState = "Error" if errors else "Warning" if warnings else "Success"
    return CompileMessage(path=path, description=description, state=state, messages=children,
                          error_count=errors, warning_count=warnings)


def _findings(software: CompiledSoftware, only: str | None, cpu_family: str | None) -> tuple[Program, dict[
        str, list[Diagnostic]]]:
    """The program view of ``software`` and :func:`.check.check`'s findings of each object (of ``only``, the
    others being its context), by object name."""
    program = program_from_software(software)
    program.cpu_family = cpu_family
    loaded = Loaded(program, [])
    for obj in software.all():
        bd = _def_in_program(program, obj) if obj.kind in OBJECT_KINDS else None
        if bd is not None:
            loaded.file_of[id(bd)] = obj.name
    by_object: dict[str, list[Diagnostic]] = {}
    for d in check(loaded, only=None if only is None else {only}):
        name, d.file = d.file, None
        if name is not None:
            by_object.setdefault(name, []).append(d)
    return program, by_object


def compile_software(software: CompiledSoftware, device: str, only: str | None = None, *,
                     cpu_family: str | None = None) -> CompileRun:
    """Check the software (or one object, ``only``) of a CPU of ``cpu_family`` (the signatures of the system
    instructions: :mod:`.signatures`; None: either family's) and nest the findings as TIA does.

    The garbage collector is held while it runs (:func:`engineering_api.lib.collector.collections_held`): the
    compiler's view of the program (about ten objects a block) lives until the compile ends, so each young
    collection walked it again and moved it to the old generation, whose growth started a full collection of the
    whole heap (the project included) about once a compile: at 8,000 blocks 1.2 full collections of ~400,000
    objects, 285 of 852 ms, measured with ``gc.callbacks``. A compile makes no cyclic garbage
    (tests/perf/test_plant_growth.py), so holding keeps nothing longer. Pure CPU: nothing here waits."""
    with collections_held():
        return _compiled(software, device, only, cpu_family)


def _compiled(software: CompiledSoftware, device: str, only: str | None, cpu_family: str | None) -> CompileRun:
    program, found = _findings(software, only, cpu_family)
    digests = {o.name.lower(): (o.name, o.interface_hash) for o in software.all() if o.kind in OBJECT_KINDS}
    run = CompileRun(CompileResult(state="Success", error_count=0, warning_count=0), program=program)
    block_nodes: list[CompileMessage] = []
    reported: list[Diagnostic] = []
    for obj in _ordered(software, program):
        bd = _def_in_program(program, obj)
        if bd is None or (only is not None and obj.name != only):
            continue
        diags = found.get(obj.name, [])
        deps = set(bd.uses) | set(obj.uses_types) | ({obj.instance_of} if obj.instance_of else set())
        current = {obj.name: obj.interface_hash}
        for dep in deps:
            known = digests.get(dep.lower())
            if known is not None and known[0] != obj.name:
                current[known[0]] = known[1]
        path = f"{device}/{_FOLDER.get(obj.kind, 'Program blocks')}/{obj.name}"
        leaves: list[CompileMessage] = []
        if obj.compiled_against is not None and obj.compiled_against != current:
            changed = sorted(n for n in current if n != obj.name and obj.compiled_against.get(n) != current[n])
            if changed:
                names = ", ".join(f'"{n}"' for n in changed)
                leaves.append(CompileMessage(
                    path=path, state="Warning",
                    description=f"The block was inconsistent: the interface of {names} changed since its last "
                                "compile; it was compiled again.",
                ))
        textless = {n.index for n in bd.networks if n.flgnet is not None}
        for d in diags:
            where = _where(d, textless)
            leaves.append(CompileMessage(
                path=path + (f"/Network {d.network}" if d.network else ""),
                description=f"{where}: {d.message}" if where else d.message,
                state="Error" if d.severity == "Error" else "Warning",  # an Info shows as a Warning
            ))
        run.diagnostics[obj.name] = diags
        reported.extend(diags)
        run.calls[obj.name] = _callees(obj, bd)
        if any(d.severity == "Error" for d in diags):
            run.failed.add(obj.name)
        else:
            run.compiled[obj.name] = current
            if not leaves:
                leaves.append(CompileMessage(path=path, description="Block was successfully compiled.",
                                             state="Success"))
        block_nodes.append(_node(path, obj.name, leaves))
    top = _node(device, f"{device} (PLC software)", block_nodes)
    if not block_nodes:
        top.messages = [CompileMessage(path=device, description="Compiling finished (errors: 0; warnings: 0)",
                                       state="Success")]
    if only is not None and run.failed:
        _callers_too(software, program, run)
    run.result = CompileResult(state=top.state, error_count=top.error_count, warning_count=top.warning_count,
                               messages=[top], diagnostics=[DiagnosticInfo.of(d) for d in capped(reported)])
    return run


def _callees(obj: ProgramObject, bd: BlockDef) -> tuple[str, ...]:
    names = set(bd.uses) | ({obj.instance_of} if obj.instance_of else set())
    names.discard(obj.name)
    return tuple(sorted(names))


def _callers_too(software: CompiledSoftware, program: Program, run: CompileRun) -> None:
    """A compile of one object that failed: what the other objects use, so that its callers show inconsistent.
    Their diagnostics are not reported (they were not compiled); what an object uses is known once its code was
    walked (the walk fills ``BlockDef.uses``). A defect of the checker on a caller is logged and that caller keeps
    what the walk found before it: the compile asked for answers as it would without it."""
    for obj in software.all():
        if obj.kind not in OBJECT_KINDS or obj.name in run.calls:
            continue
        bd = _def_in_program(program, obj)
        if bd is not None:
            try:
                checker.check_block(program, bd)
            except Exception:  # a checker defect on a block that was not asked for
                logger.warning("the checker failed on %r while finding the callers of a failed block", obj.name,
                               exc_info=True)
            run.calls[obj.name] = _callees(obj, bd)
