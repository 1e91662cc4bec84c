"""SCL statements (and LAD/FBD networks, via :mod:`.ladder`) to Python functions, one per block.

Each block becomes Python source that is compiled once (``compile``/``exec`` into one namespace per
program image), so a scan runs straight-line Python: a temp is a Python local, an FB static is
``I['Name']`` on the instance dict, a global DB is a dict bound once per call, a tag on %I/%Q/%M is
a byte operation on the area's bytearray. Over a stretch of statements without calls, the DB and instance members
and area values used there live in Python locals, read once before and written back once after the stretch
(:mod:`.codegen_cache`).

Signatures: ``ob(rt, mem)``, ``fb(rt, mem, inst)``, ``fc(rt, mem, *inputs_and_inouts)`` (see
:mod:`.codegen_calls`). Source positions cost nothing at run time: every generated line remembers
its (network, SCL line), and :meth:`CodeImage.locate` maps a traceback back to them.

Semantics chosen where S7 leaves a choice: integer ``/`` truncates toward zero and a division by
zero gives 0 without stopping (see :mod:`.rtlib`); a FOR, WHILE or REPEAT loop running more than
``rt.pass_limit`` times in one entry exceeds the maximum cycle time (``rtlib._overrun``: OB80, or the CPU's
``cycle-time-exceeded`` STOP the second time in a cycle); a block with GOTO runs as a dispatcher
over the stretches between its labels (:mod:`.codegen_jumps`).
"""

from __future__ import annotations

from typing import Any

from engineering_api.rules.compiler.types import Var
from simatic_xml.scl import ast as A

from .codegen_cache import MemberCache, contains_type, has_barrier
from .codegen_calls import CallGen
from .codegen_context import CodeImage, Context, LocalVar, TagRef, ident, new_code_image
from .codegen_coverage import CoverageHooks
from .codegen_convert import py_literal, wrap_src
from .codegen_expr import Typer
from .codegen_jumps import generate_jumps, goto_src
from .codegen_local_errors import handles_errors, local_error_assign
from .codegen_local_errors import namespace as local_error_namespace
from .errors import UnsupportedInstructionError
from .layout import Slot, make_value
from .stdlib_instances import uses_instance_names
from .values import default_value, is_int_type

__all__ = ("UNSUPPORTED_STATEMENTS", "BlockGen", "CodeImage", "Context", "LocalVar", "TagRef", "eno_writers",
           "generate_program", "new_code_image")

_FILE = "<plc:{}>"
_ALL_SECTIONS = ("Input", "Output", "InOut", "Static", "Temp", "Constant", "Return")


_VALUE_TYPES = frozenset({"BOOL", "REAL", "LREAL", "CHAR", "WCHAR", "STRING", "WSTRING"})
"""Elementary parameter types besides the integers (and durations, dates, times of day), passed by value."""
_TIME_ERROR_INFO = frozenset({"fault_id", "csg_obnr", "csg_prio"})
"""The start information of the time error OB (S7-1200 System Manual V4.2, A5E02486680-AK, 5.1.3.6, Table 5-6)."""

_COMBINED = frozenset({"+=", "-=", "*=", "/="})
"""Combined assignments, each the assignment of its operation."""

UNSUPPORTED_STATEMENTS: frozenset[str] = frozenset()
"""Statements the generated Python does not run (none since GOTO runs: :mod:`.codegen_jumps`); the simulation
catalogue (:mod:`.simulated`) reads it."""


class BlockGen(CallGen, CoverageHooks):
    """Generates one block's function."""

    def __init__(self, ctx: Context, bd: Any) -> None:
        self.ctx = ctx
        self.bd = bd
        self.block_name = bd.name
        self.typer = Typer(ctx.program, bd, {})
        self.locals: dict[str, LocalVar] = {}
        self.lines: list[tuple[str, tuple | None]] = []
        self.indent = 0
        self.pos: tuple | None = None
        self.pre: list[str] = []
        self.loops: list[tuple[str, Any]] = []
        self.jump_targets: dict[str, int] = {}
        self.dbs: dict[str, str] = {}
        self.areas: dict[str, str] = {}
        key = bd.name.lower()
        self.auto_eno = key in ctx.auto_eno
        self.reports_eno = key in ctx.eno_blocks
        self.uses_eno = self.reports_eno
        self.uses_real32 = False
        self.timers_called: set[str] = set()
        self.local_errors = handles_errors(bd)
        """The block calls GET_ERR_ID or GET_ERROR: access errors are handled in it (:mod:`.codegen_local_errors`)."""
        self._tmp = 0
        self._declare()
        self.cache = MemberCache(self._caching())

    # ---------------------------------------------------------------- declarations
    def _declare(self) -> None:
        bd, kind = self.bd, self.bd.kind
        sections = self.ctx.interfaces.get(bd.name.lower())
        slots = self.ctx.builder.sections(sections, bd.name, _ALL_SECTIONS) if sections is not None else None
        for v in bd.decls:
            key = v.name.lower()
            if key in self.locals:
                continue
            slot = slots.member(v.name) if slots is not None else None
            sec = v.section
            if sec == "Constant":
                value = slot.start if slot is not None and slot.start is not None else default_value(
                    v.type if isinstance(v.type, str) else None)
                self.locals[key] = LocalVar(v.name, sec, "const", py_literal(value), v.type, slot)
            elif kind == "FB" and sec in ("Input", "Output", "InOut", "Static"):
                self.locals[key] = LocalVar(v.name, sec, "inst", f"I[{v.name!r}]", v.type, slot)
            else:
                prefix = {"Input": "p_", "InOut": "p_", "Output": "o_", "Return": "_ret"}.get(sec, "t_")
                code = "_ret" if sec == "Return" else f"{prefix}{ident(v.name)}_{len(self.locals)}"
                lv = LocalVar(v.name, sec, "py", code, v.type, slot)
                if not (kind == "FC" and sec in ("Input", "InOut")):
                    lv.init = self._initial(v, slot)
                self.locals[key] = lv

    def _caching(self) -> bool:
        """Whether the block may keep DB and instance members in locals (:mod:`.codegen_cache`): not when a
        parameter may be passed by reference (a structured InOut, a VARIANT, a DB_ANY...), since it may be one of
        the DBs, or the instance, under a second name."""
        if self.ctx.time_error_ob:  # OB80 may run amid any loop and must see (and keep) the values of that moment
            return False
        return all(v.section not in ("Input", "Output", "InOut") or (
            isinstance(v.type, str) and (is_int_type(v.type) or v.type in _VALUE_TYPES)) for v in self.bd.decls)

    def _initial(self, v: Var, slot: Slot | None) -> str:
        if self.bd.kind == "OB" and v.name.lower() == "initial_call":
            return "rt.first_scan"
        if self.bd.kind == "OB" and self.bd.ob_type == "TimeErrorInterrupt" and v.name.lower() in _TIME_ERROR_INFO:
            return f"rt.start_info[{v.name.lower()!r}]"  # set by the CPU that calls OB80 (cpu.SimulatedCpu._overrun)
        if slot is not None and slot.kind != "elem":
            template = make_value(slot)
            return f"_clone({self.ctx.bind('_T', template, unique=True)})"
        t = slot.type if slot is not None else (v.type if isinstance(v.type, str) else None)
        return py_literal(default_value(t))

    # ---------------------------------------------------------------- services for the mixins
    def tmp(self, prefix: str = "_t") -> str:
        self._tmp += 1
        return f"{prefix}{self._tmp}"

    def unsupported_src(self, name: str) -> str:
        net, line = self.pos if self.pos else (None, None)
        where = f' in "{self.block_name}"' + (f" network {net}" if net else "") + (f" line {line}" if line else "")
        self.ctx.warn(f'The instruction "{name}"{where} is not supported by the simulated PLC.')
        return f"_raise(_unsupported({name!r}, {self.block_name!r}, {net!r}, {line!r}))"

    def db_var(self, key: str) -> str:
        if key not in self.dbs:
            self.dbs[key] = f"D_{ident(key)}_{len(self.dbs)}"
        return self.dbs[key]

    def area_var(self, letter: str) -> str:
        return self.areas.setdefault(letter, f"_A{letter}")

    # ---------------------------------------------------------------- emission
    def emit(self, text: str) -> None:
        self.lines.append(("    " * self.indent + text, self.pos))

    def flush_pre(self) -> None:
        for line in self.pre:
            self.emit(line)
        self.pre = []

    def body(self, stmts: list) -> None:
        before = len(self.lines)
        cache = self.cache
        if cache.region is not None or not cache.enabled:
            for s in stmts:
                self.stmt(s)
        else:  # regions of statements without barriers (codegen_cache), each statement list on its own
            in_repeat = bool(self.loops) and self.loops[-1][0] == "repeat"
            for s in stmts:
                region, cache.region = cache.region, None  # looking at the statement records no uses
                barrier = has_barrier(s, self.is_barrier, in_repeat, len(self.loops))
                cache.region = region
                if barrier:
                    cache.close(len(self.lines))
                elif cache.region is None:
                    cache.open(len(self.lines), self.indent, len(self.loops))
                self.stmt(s)
            cache.close(len(self.lines))
        if len(self.lines) == before:
            self.emit("pass")

    def _aliased(self) -> bool:
        """Whether the FB names a DB that holds (or is) an instance of the FB: ``I`` may then be that instance, and
        ``I['x']`` and ``"Unit_1".x`` the same member under two names."""
        if self.bd.kind != "FB":
            return False
        name = self.bd.name.lower()
        slots = self.ctx.db_slots
        return any(contains_type(slots[key], name) for key in self.dbs if key in slots)

    def is_barrier(self, node: Any) -> bool:
        """A call of a user block, or a whole DB used as a value (see :func:`.codegen_cache.has_barrier`)."""
        if type(node) is A.Name:
            return self.root(node)[0] == "db"
        return self.plan(node)[0] in ("fc", "fb")

    def stmt(self, s: Any) -> None:
        if type(s) not in (A.Region,):
            self.pos = (self.network, s.line)
            self.cover_statement(s)
        method = getattr(self, "s_" + type(s).__name__.lower(), None)
        if method is None:
            self.emit(self.unsupported_src(type(s).__name__))
            return
        method(s)

    # ---------------------------------------------------------------- statements
    def s_assign(self, s: A.Assign) -> None:
        if s.op in _COMBINED and not isinstance(s.value, A.Assign):  # a += b is a := a + b (TIA V14+)
            combined = A.BinaryOp(line=s.line, col=s.col, op=s.op[0], left=s.target, right=s.value)
            s = A.Assign(line=s.line, col=s.col, target=s.target, value=combined)
        if s.op != ":=":
            self.emit(self.unsupported_src(f"assignment {s.op}"))
            return
        value = s.value
        if type(value) is A.Assign:
            self.s_assign(value)
            src = self.convert(self.load(value.target), self.target_type(value.target), False,
                               self.target_type(s.target), value.target)
        elif self.local_errors and (caught := local_error_assign(self, s.target, value)) is not None:
            self.flush_pre()
            for line in caught:
                self.emit(line)
            return
        else:
            src = self.assign_value(s.target, value)
        lines = self.store(s.target, src)
        self.flush_pre()
        for line in lines:
            self.emit(line)

    def assign_value(self, target: Any, value: Any) -> str:
        """:meth:`assign_src` of an assignment's value; into a Real, the rounding to single precision is two
        statements before the store, through the memory's scratch (``_R32[0] = x``, ``_v = _R32[0]``: a C
        conversion each way), cheaper than the struct round trip an expression needs (:func:`real32_src`)."""
        if self.target_type(target) != "REAL":
            return self.assign_src(target, value)
        src, rounded = self.real_value(*self.expr(value))
        if rounded:
            return src
        self.uses_real32 = True
        self.pre.append(f"_R32[0] = {src}")
        self.check_finite("_R32[0]")
        if _plain_path(target):  # nothing runs between reading the scratch and the store
            return "_R32[0]"
        var = self.tmp("_v")  # a local: a call in the target's subscripts may use the scratch too
        self.pre.append(f"{var} = _R32[0]")
        return var

    def single(self, src: str) -> str:
        """An intermediate Real result rounded to single precision before the next operation uses it, through the
        memory's scratch as an assignment rounds (two statements before the statement, no call)."""
        self.uses_real32 = True
        var = self.tmp("_v")
        self.pre.append(f"_R32[0] = {src}")
        self.pre.append(f"{var} = _R32[0]")
        self.check_finite(var)
        return var

    def check_finite(self, var: str) -> None:
        """In a block with "Set ENO automatically": a Real operation's invalid result (NaN, inf: an overflow, a
        division by 0) resets the block's ENO."""
        if self.auto_eno:
            self.pre.append(f"if not _isfinite({var}): _eno = False")

    def s_callstmt(self, s: A.CallStmt) -> None:
        lines = self.call_stmt(s.call)
        self.flush_pre()
        for line in lines:
            self.emit(line)

    def cond(self, e: Any) -> str:
        src, t, raw = self.expr(e)
        return self.wrapped(src, t, raw)

    def s_if(self, s: A.If) -> None:
        opened = 0
        for index, br in enumerate(s.branches):
            i = index  # 0 again below when an ELSIF opens a nested IF
            cond = self.cond(br.cond)
            if i and self.pre:  # an ELSIF whose condition calls an FC: evaluate it only when reached
                self.emit("else:")
                self.indent += 1
                opened += 1
                i = 0
            self.flush_pre()
            self.emit(f"{'elif' if i else 'if'} {cond}:")
            self.indent += 1
            self.cover_branch(s.line, index, "ELSIF" if index else "IF")
            self.body(br.body)
            self.indent -= 1
        if s.else_body:
            self.emit("else:")
            self.indent += 1
            self.cover_branch(s.line, len(s.branches), "ELSE")
            self.body(s.else_body)
            self.indent -= 1
        else:
            self.cover_implicit_else(s.line, len(s.branches))
        self.indent -= opened

    def s_case(self, s: A.Case) -> None:
        sel = self.tmp("_k")
        src = self.cond(s.selector)
        self.flush_pre()
        self.emit(f"{sel} = {src}")
        for i, br in enumerate(s.branches):
            tests = []
            singles = []
            for label in br.labels:
                if type(label) is A.CaseRange:
                    tests.append(f"{self.value(label.low)} <= {sel} <= {self.value(label.high)}")
                else:
                    singles.append(self.value(label))
            if len(singles) == 1:
                tests.append(f"{sel} == {singles[0]}")
            elif singles:
                tests.append(f"{sel} in ({', '.join(singles)})")
            self.emit(f"{'elif' if i else 'if'} {' or '.join(tests) or 'False'}:")
            self.indent += 1
            self.cover_branch(s.line, i, "CASE")
            self.body(br.body)
            self.indent -= 1
        if s.else_body:
            if s.branches:
                self.emit("else:")
                self.indent += 1
            self.cover_branch(s.line, len(s.branches), "ELSE")
            self.body(s.else_body)
            if s.branches:
                self.indent -= 1
        elif s.branches:
            self.cover_implicit_else(s.line, len(s.branches))

    def s_for(self, s: A.For) -> None:
        vt = self.target_type(s.var)
        start = self.assign_src(s.var, s.start)
        end = self.value(s.end)
        step_node = s.step
        step = self.value(step_node) if step_node is not None else "1"
        self.flush_pre()
        f, r, st = self.tmp("_f"), self.tmp("_r"), self.tmp("_s")
        self.emit(f"{f} = {start}")
        self.emit(f"{st} = {step}")
        for line in self.store(s.var, f):
            self.emit(line)
        const_step = step.lstrip("(-").rstrip(")").isdigit()
        if const_step:
            sign = "-1" if step.startswith(("(-", "-")) else "1"
            if step.strip("()-") == "0":
                self.emit(f"_step0(rt, {self.block_name!r})")
                return
        else:
            sign = f"(1 if {st} > 0 else -1)"
            self.emit(f"if {st} == 0: _step0(rt, {self.block_name!r})")
        self.emit(f"{r} = range({f}, {end} + {sign}, {st})")
        self.emit(f"for {f} in ({r} if len({r}) <= rt.pass_limit else _passes({r}, rt, {self.block_name!r})):")
        self.indent += 1
        for line in self.store(s.var, f):
            self.emit(line)
        self.loops.append(("for", None))
        self.body(s.body)
        self.loops.pop()
        self.indent -= 1
        self.emit("else:")
        self.indent += 1
        self.emit(f"if {r}:")
        last = wrap_src(f"{r}[-1] + {st}", vt) if is_int_type(vt) else f"{r}[-1] + {st}"
        for line in self.store(s.var, last):
            self.emit("    " + line)
        self.indent -= 1

    def _guard(self, counter: str) -> None:
        """A pass of a loop: ``counter`` counts the passes left before the maximum cycle time (``rtlib._overrun``)."""
        self.emit(f"{counter} -= 1")
        self.emit(f"if {counter} < 0: {counter} = _overrun(rt, {self.block_name!r})")

    def s_while(self, s: A.While) -> None:
        n = self.tmp("_n")
        self.emit(f"{n} = rt.pass_limit")
        cond = self.cond(s.cond)
        if self.pre:
            pre, self.pre = self.pre, []
            self.emit("while True:")
            self.indent += 1
            for line in pre:
                self.emit(line)
            self.emit(f"if not {cond}: break")
        else:
            self.emit(f"while {cond}:")
            self.indent += 1
        self._guard(n)
        self.loops.append(("while", None))
        self.body(s.body)
        self.loops.pop()
        self.indent -= 1

    def s_repeatloop(self, s: A.RepeatLoop) -> None:
        n = self.tmp("_n")
        self.emit(f"{n} = rt.pass_limit")
        self.emit("while True:")
        self.indent += 1
        self._guard(n)
        cond = self.cond(s.cond)
        test, self.pre = [*self.pre, f"if {cond}: break"], []
        self.loops.append(("repeat", test))
        self.body(s.body)
        self.loops.pop()
        for line in test:
            self.emit(line)
        self.indent -= 1

    def s_exit(self, s: A.Exit) -> None:
        self.emit("break")

    def s_continue(self, s: A.Continue) -> None:
        if self.loops and self.loops[-1][0] == "repeat":
            for line in self.loops[-1][1]:  # CONTINUE in REPEAT goes to the UNTIL test
                self.emit(line)
        self.emit("continue")

    def s_return(self, s: A.Return) -> None:
        self.emit(self.return_stmt())

    def s_region(self, s: A.Region) -> None:
        self.body(s.body)

    def s_empty(self, s: A.Empty) -> None:
        return None

    def s_label(self, s: A.Label) -> None:
        return None

    def s_goto(self, s: A.Goto) -> None:
        self.emit(goto_src(self, s))

    def return_stmt(self) -> str:
        """The return; a block whose ENO may be FALSE reports it to its caller in ``rt.eno`` first."""
        report = "rt.eno = _eno; " if self.reports_eno else ""
        return report + self._return_value()

    def _return_value(self) -> str:
        if self.bd.kind != "FC":
            return "return"
        outs = [lv for lv in self.locals.values() if lv.section == "Output"] + [
            lv for lv in self.locals.values() if lv.section == "InOut"]
        ret = "_ret" if any(lv.section == "Return" for lv in self.locals.values()) else "None"
        if not outs:
            return f"return {ret}"
        return f"return ({ret}, {', '.join(lv.code for lv in outs)})"

    # ---------------------------------------------------------------- networks and the function
    def network_body(self, net: Any) -> None:
        self.network = net.index
        self.pos = (net.index, None)
        self.cover_network(net.index)
        language = (net.language or "SCL").upper().removeprefix("F_")
        if net.flgnet is None and language == "SCL":
            self.body(net.statements)
            return
        if net.flgnet is None:  # STL, GRAPH, or a LAD/FBD network the program view could not read
            self.emit(self.unsupported_src(f"{language} network"))
            return
        try:
            from . import ladder

            result = ladder.network_statements(net.flgnet, self.bd, self.ctx.program, network=net.index)
        except UnsupportedInstructionError as exc:
            self.emit(self.unsupported_src(exc.instruction))
            return
        except Exception:  # no translation (yet): the network raises when it runs, never a no-op
            self.emit(self.unsupported_src(f"{language} network"))
            return
        for v in result.temps:
            key = v.name.lower()
            if key not in self.locals:
                lv = LocalVar(v.name, "Temp", "py", f"t_{ident(v.name)}_{len(self.locals)}", v.type)
                lv.init = py_literal(default_value(v.type if isinstance(v.type, str) else None))
                self.locals[key] = lv
                self.typer.vars[key] = v
        self.body(result.statements)

    def generate(self) -> tuple[str, list]:
        self.typer.vars = dict(self.bd.vars)
        self.network = None
        if not generate_jumps(self):
            for net in self.bd.networks:
                self.network_body(net)
        self.pos = None
        bd = self.bd
        name = self.ctx.fn_name(bd.name)
        if bd.kind == "FB":
            head = f"def {name}(rt, mem, I):"
        elif bd.kind == "FC":
            params = [lv.code for lv in self.locals.values() if lv.section in ("Input", "InOut")]
            head = f"def {name}(rt, mem{''.join(', ' + p for p in params)}):"
        else:
            head = f"def {name}(rt, mem):"
        prologue = []
        if self.dbs:
            prologue.append("_dbs = mem.dbs")
            prologue += [f"{var} = _dbs[{key!r}]" for key, var in self.dbs.items()]
        attrs = {"I": "inputs", "Q": "outputs", "M": "markers"}
        prologue += [f"{var} = mem.{attrs[letter]}" for letter, var in self.areas.items()]
        if self.uses_real32:
            prologue.append("_R32 = mem.real32")
        prologue += [f"{lv.code} = {lv.init}" for lv in self.locals.values() if lv.kind == "py" and lv.init]
        if self.uses_eno:
            prologue.append("_eno = True")
        if self.local_errors:  # the block's error information: the first error's ID and REACTION
            self.ctx.ns.update(local_error_namespace())
            prologue.append("_le = [0, 0]")
        out = [(head, None)] + [("    " + p, None) for p in prologue]
        out += [("    " + text, pos) for text, pos in self.cache.finish(self.lines, cached=not self._aliased())]
        out.append(("    " + self.return_stmt(), None))
        return "\n".join(text for text, _ in out) + "\n", [pos for _, pos in out]


def _plain_path(e: Any) -> bool:
    """A name or a chain of member accesses on one: storing into it evaluates nothing."""
    while type(e) is A.Member:
        e = e.base
    return type(e) is A.Name


def eno_writers(blocks: list) -> frozenset[str]:
    """Lower-case names of the FBs and FCs whose SCL assigns their own ``ENO`` (STEP 7 help "EN/ENO mechanism":
    an SCL block may assign its ENO, which its caller's ``ENO => x`` receives)."""
    found = set()
    for bd in blocks:
        if bd.kind in ("FB", "FC") and any(
                type(node) is A.Assign and type(node.target) is A.Name and node.target.name.upper() == "ENO"
                for net in bd.networks for stmt in net.statements for node in A.walk(stmt)):
            found.add(bd.name.lower())
    return frozenset(found)


def generate_program(ctx: Context, blocks: list) -> CodeImage:
    """Generate, compile and bind every code block (FB, FC, OB) of the program."""
    code = ctx.code
    ctx.instance_names = uses_instance_names(blocks)
    ctx.time_error_ob = any(bd.kind == "OB" and bd.ob_type == "TimeErrorInterrupt" for bd in blocks)
    for bd in blocks:
        ctx.fn_name(bd.name)
    for bd in blocks:
        gen = BlockGen(ctx, bd)
        source, positions = gen.generate()
        filename = _FILE.format(bd.name)
        exec(compile(source, filename, "exec"), code.ns)  # our own generated code
        code.functions[bd.name.lower()] = code.ns[ctx.fn_name(bd.name)]
        code.sources[bd.name] = source
        code.positions[filename] = (bd.name, positions)
    return code
