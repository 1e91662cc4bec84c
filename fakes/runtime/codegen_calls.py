"""Calls in SCL, as Python source: user FCs and FBs, multi-instances, system FBs (IEC timers, counters,
edges from :mod:`.stdlib`), system functions and conversions; MOVE_BLK/FILL_BLK, DEMUX, INC, DEC, RUNTIME in
:mod:`.codegen_select`.

Conventions (README "Calls"): an FB instance is a dict; the caller copies inputs and in/outs into it,
calls ``fb(rt, mem, inst)`` (user FB) or ``SystemFb.run(rt, inst)``, then copies outputs and in/outs
out. A user FC is ``fc(rt, mem, *inputs_and_inouts)`` and returns its value, or, when it has outputs or
in/outs, the tuple ``(value, *outputs, *inouts)`` in declaration order. Structured in/outs are passed
by reference (S7 passes a pointer), structured inputs are copied.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field
from typing import Any

from engineering_api.rules.compiler.builtins import INSTANCE_INSTRUCTIONS, KNOWN_UPPER, conversion
from engineering_api.rules.compiler.types import BIT_LIT, INT_LIT, STR_LIT
from simatic_xml.scl import ast as A
from simatic_xml.system_types import lookup

from .codegen_expr import ExprGen
from .stdlib_instances import INSTANCE_NAMES, instance_call_lines, instance_path_src
from .codegen_select import BLOCK_MOVES, SELECTIONS, block_move_lines, selection_lines, selection_value
from .errors import UnsupportedInstructionError
from . import stdlib
from .layout import Slot, system_fb
from .stdlib_eno import eno_rule
from .stdlib_fbs import INSTANCE, system_fb_for, update_referenced_timer
from .values import default_value, is_int_type

__all__ = ("CallGen",)

_SIMPLE = re.compile(r"^(?:[A-Za-z_]\w*|-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)$")
"""A Python name or a plain number: what an inlined system FB's body may read instead of an input it never writes."""

_TARGET_TYPED = frozenset(["SHL", "SHR", "ROL", "ROR"])
"""Instructions whose data type, in an assignment, is the target's (IN is converted into it)."""
_SIZED_NAMES = frozenset({"GETBLOCKNAME", *INSTANCE_NAMES})
"""The name instructions, whose SIZE may be left out (None: the whole name)."""
_OUT_TYPED = frozenset(["T_COMBINE", "CONCAT_DATE_TOD", "T_CONV", "T_DIFF"])
"""Instructions whose OUT takes the type of the operand it is stored into (a DTL, DT or LDT from T_COMBINE; a
TIME or LTIME from T_DIFF; any type T_CONV converts into): the checker gives them one type or none."""
_INSTRUCTION_CALLS = INSTANCE_INSTRUCTIONS
"""Instructions called on an instance of a system type (the catalog's ``instructions``): ``#t.TON(...)``,
``#c.CTU(...)``."""
_REFERENCED = ("TON", "TOF", "TP", "TONR")
"""The timers a reference to Q or ET updates: "a timer update is performed when and only when" TP, TON, TOF or TONR
runs or its Q or ELAPSED is referenced (S7-1200 System Manual A5E02486680-05, 7.2, p. 175). A name prefix: the
system FBs are TON_TIME, TONR_LTIME..."""
_TIMER_ALIASES = frozenset(["IEC_TIMER", "IEC_LTIMER"])
"""The timer types whose instance a program calls by an instruction's name (``#t.TOF(...)``)."""


def _instruction_fb(type_name: str, instruction: str) -> Any:
    """The system FB that runs ``instruction`` on an instance of ``type_name`` (stdlib ``system_fb_for``)."""
    return stdlib.system_fb_for(type_name, instruction)


def _stdlib_type(t: Any) -> str | None:
    """A type as the stdlib's specialisers know them: canonical names, None for unknown. The compiler's
    literal pseudo-types (``#STRLIT``, ``#INTLIT``...) are a String, or unknown (the stdlib then goes by
    the result type)."""
    if not isinstance(t, str):
        return None
    if t.startswith("#"):
        return "STRING" if t == STR_LIT else None
    return t


def _takes_names(fn: Any) -> bool:
    """Whether ``fn.specialise`` accepts ``names=`` (the formal name of each actual; an optional extension)."""
    try:
        return "names" in inspect.signature(fn.specialise).parameters
    except (TypeError, ValueError):
        return False


@dataclass
class _Args:
    en: Any = None
    eno: Any = None
    eno_done: bool = False
    """The instruction's ENO was computed and stored (:mod:`.stdlib_eno`); else the call's ENO is TRUE."""
    named: dict[str, A.Arg] = field(default_factory=dict)  # lower name -> Arg
    positional: list[Any] = field(default_factory=list)
    order: list[A.Arg] = field(default_factory=list)


def _split(call: A.Call) -> _Args:
    out = _Args()
    for a in call.args:
        if a.name is None:
            out.positional.append(a.value)
            continue
        key = a.name.lower()
        if key == "en":
            out.en = a.value
        elif key == "eno":
            out.eno = a.value
        else:
            out.named[key] = a
            out.order.append(a)
    return out


class CallGen(ExprGen):
    """The block generator's calls: call statements and calls inside expressions (on :class:`.codegen_expr.ExprGen`,
    whose ``call_expr`` this is)."""

    pre: list[str]
    indent: int
    timers_called: set[str]
    """The instances (as Python source) of the system FBs this block has called so far unconditionally."""

    # ---------------------------------------------------------------- entry points
    def call_stmt(self, call: A.Call) -> list[str]:
        args = _split(call)
        plan = self.plan(call)
        kind = plan[0]
        if kind == "fc":
            lines, _ = self.fc_call(plan[1], args)
        elif kind == "fb":
            path = instance_path_src(call.callee, self.ctx.program, self.value) if self.ctx.instance_names else None
            lines = self.fb_call(plan[1], plan[2], args, path)
        elif kind == "sysfb":
            lines = self.sysfb_call(plan[1], plan[2], plan[3], args)
            if plan[2] in _INSTRUCTION_CALLS and plan[1] is not None and plan[1].name.startswith(_REFERENCED):
                lines.append(f"{plan[3]}['_fn'] = {plan[1].name!r}")  # #t.TP(...): what a reference runs
            if args.en is None and self.indent == 0:  # called whenever the block runs (not in an IF or a loop)
                self.timers_called.add(plan[3])
        elif kind == "move":
            lines = block_move_lines(self, plan[1], args)
        elif kind == "select":
            selected = selection_lines(self, plan[1], args)
            if selected is None:
                return [self.unsupported_src(f"{plan[1]} without its operands")]
            lines = selected
        elif kind == "func":
            src, t, out = self.function(plan[1], call, args)
            lines = [src] if out is None else self.store(out, self.assign_src(out, None, (src, t, False)))
        else:
            return [self.unsupported_src(plan[1])]
        if args.eno is not None and not (kind == "func" and args.eno_done) and kind != "select":
            lines += self.store(args.eno, self.block_eno(plan[1]) if kind in ("fc", "fb") else "True")
        if args.en is not None:
            return self._enabled(args, lines, [])
        return lines

    def _enabled(self, args: _Args, ran: list[str], not_run: list[str]) -> list[str]:
        """``ran`` when the call's EN is TRUE; else ``not_run`` and ENO FALSE: with EN FALSE the instruction or block
        does not run and its ENO is FALSE (STEP 7 help, "EN/ENO mechanism"). The one place the EN-false code is
        written, for a call statement and a call in an expression."""
        skipped = [*not_run, *(self.store(args.eno, "False") if args.eno is not None else [])]
        return [f"if {self.value(args.en)}:", *("    " + x for x in ran),
                *(["else:", *("    " + x for x in skipped)] if skipped else [])]

    def block_eno(self, callee: Any) -> str:
        """What a call's ``ENO => x`` of user block ``callee`` receives: the ENO the block reported when it
        returned, where it may be FALSE (it writes ENO or sets it automatically), else TRUE."""
        return "rt.eno" if callee.name.lower() in self.ctx.eno_blocks else "True"

    def call_expr(self, call: A.Call) -> tuple[str, Any, bool]:
        plan = self.plan(call)
        args = _split(call)
        if plan[0] == "func":
            src, t, out = self.function(plan[1], call, args)
            if out is not None:  # S_CONV has no function value: its value belongs in OUT only
                return self.unsupported_src(f"{plan[1]} as a value"), None, False
            if args.eno is not None and not args.eno_done:
                self.pre.extend(self.store(args.eno, "True"))
            if args.en is not None:  # EN FALSE: not run, ENO FALSE, the type's default value (as for an FC below)
                res = self.tmp("_r")
                self.pre.extend(self._enabled(args, [f"{res} = {src}"],
                                              [f"{res} = {default_value(t if isinstance(t, str) else None)!r}"]))
                return res, t, False
            return src, t, False
        if plan[0] == "fc":
            lines, result = self.fc_call(plan[1], args)
            if args.en is not None:
                return self._fc_expr_enabled(plan[1], args, lines, result), plan[1].return_type, False
            self.pre.extend(lines)
            if args.eno is not None:
                eno = self.block_eno(plan[1])
                if not lines and eno != "True":  # the call runs before its ENO is read
                    res = self.tmp("_r")
                    self.pre.append(f"{res} = {result}")
                    result = res
                self.pre.extend(self.store(args.eno, eno))
            return result, plan[1].return_type, False
        if plan[0] == "select":
            value = selection_value(self, plan[1], args) if args.en is None else None
            if value is not None:
                return value[0], value[1], False
            return self.unsupported_src(f"{plan[1]} in an expression"), None, False
        return self.unsupported_src(plan[1] if plan[0] == "unsupported" else "FB call in an expression"), None, False

    def _fc_expr_enabled(self, fc: Any, args: _Args, lines: list[str], result: str) -> str:
        """An FC called inside an expression with ``EN :=``: when EN is FALSE it does not run and its ENO is FALSE
        (STEP 7 help "EN/ENO mechanism", as for a call statement); its function value is then the return type's
        default (0, FALSE, ''), as IEC 61131-3 peers document (thin: no Siemens page on the value was found)."""
        res = self.tmp("_r")
        ret = fc.return_type if isinstance(fc.return_type, str) else None
        ran = [*lines, f"{res} = {result}", *(self.store(args.eno, self.block_eno(fc)) if args.eno is not None else [])]
        self.pre.extend(self._enabled(args, ran, [f"{res} = {default_value(ret)!r}"]))
        return res

    # ---------------------------------------------------------------- what is called
    def plan(self, call: A.Call) -> tuple:
        callee = call.callee
        program = self.ctx.program
        if type(callee) is A.Name:
            key, upper = callee.name.lower(), callee.name.upper()
            if callee.scope == "global":
                return self._global_plan(key, callee.name)
            lv = self.locals.get(key)
            if lv is not None and lv.slot is not None and lv.slot.kind in ("struct", "sysfb") and (
                    callee.scope == "local" or upper not in KNOWN_UPPER):
                return self.instance_plan(lv.slot, self.local_src(lv, False), "#" + callee.name)
            if upper in BLOCK_MOVES:
                return ("move", upper)
            if upper in SELECTIONS:
                return ("select", upper)
            if upper in stdlib.FUNCTIONS:
                return ("func", upper)
            if key in program.blocks:
                return self._global_plan(key, callee.name)
            if conversion(upper) is not None or upper in KNOWN_UPPER:
                return ("unsupported", upper)
            return ("unsupported", callee.name)
        if type(callee) is A.Member and callee.name.upper() in _INSTRUCTION_CALLS and self.slot_of(callee) is None:
            base = self.slot_of(callee.base)
            if base is not None and base.kind == "sysfb":
                fb = _instruction_fb(base.type or "", callee.name.upper())
                return ("sysfb", fb, callee.name.upper(), self.load(callee.base))
        slot = self.slot_of(callee)
        if slot is None:
            return ("unsupported", "call of an operand of unknown type")
        return self.instance_plan(slot, self.load(callee), "instance")

    def _global_plan(self, key: str, name: str) -> tuple:
        blk = self.ctx.program.blocks.get(key)
        if blk is None:
            return ("unsupported", name)
        if blk.kind == "FC":
            return ("fc", blk)
        if blk.kind == "DB" and key in self.ctx.db_slots:
            return self.instance_plan(self.ctx.db_slots[key], self.db_var(key), name)
        return ("unsupported", f"call of {blk.kind} {name}")

    def instance_plan(self, slot: Slot, src: str, what: str) -> tuple:
        if slot.kind == "sysfb":
            return ("sysfb", system_fb(slot.type or ""), slot.type, src)
        dt = slot.datatype.strip('"').lower()
        fb = self.ctx.program.blocks.get(dt)
        if slot.kind == "struct" and fb is not None and fb.kind == "FB":
            return ("fb", fb, src)
        return ("unsupported", f"call of {what}")

    # ---------------------------------------------------------------- user blocks
    def fc_call(self, fc: Any, args: _Args) -> tuple[list[str], str]:
        params = [v for v in fc.decls if v.section in ("Input", "InOut", "Output")]
        ins = [v for v in params if v.section != "Output"]
        outs = [v for v in params if v.section == "Output"] + [v for v in params if v.section == "InOut"]
        positional = list(args.positional)
        values = []
        for v in ins:
            arg = args.named.get(v.name.lower())
            node = arg.value if arg is not None else (positional.pop(0) if positional else None)
            if node is None:
                values.append(repr(default_value(v.type if isinstance(v.type, str) else None)))
            elif v.section == "InOut" and not isinstance(v.type, str):
                values.append(self.load(node))
            else:
                src, st, raw = self.expr(node)
                values.append(self.convert(src, st, raw, v.type, node))
        call = f"{self.ctx.fn_name(fc.name)}(rt, mem{''.join(', ' + x for x in values)})"
        if not outs:
            return [call] if fc.return_type in (None, "VOID") else [], call
        res = self.tmp("_r")
        lines = [f"{res} = {call}"]
        for i, v in enumerate(outs, 1):
            arg = args.named.get(v.name.lower())
            target = arg.value if arg is not None else None
            if target is None and v.section == "InOut":
                pos = [x.name.lower() for x in ins].index(v.name.lower())
                target = args.positional[pos] if pos < len(args.positional) else None
            if target is None or (v.section == "InOut" and not isinstance(v.type, str)):
                continue
            lines += self.store(target, self.convert(f"{res}[{i}]", v.type, False, self.target_type(target)))
        return lines, f"{res}[0]"

    def fb_call(self, fb: Any, inst: str, args: _Args, path: str | None = None) -> list[str]:
        var = self.tmp("_i")
        lines = [f"{var} = {inst}"]
        after: list[str] = []
        named = dict(args.named)
        if args.positional:
            params = [v for v in fb.decls if v.section in ("Input", "InOut")]
            if params:
                named[params[0].name.lower()] = A.Arg(0, 0, params[0].name, ":=", args.positional[0])
        for key, arg in named.items():
            v = fb.vars.get(key)
            if v is None:
                continue
            lines, after = self._param(lines, after, var, v.name, v.section, v.type, arg)
        return lines + instance_call_lines(f"{self.ctx.fn_name(fb.name)}(rt, mem, {var})", path) + after

    def _param(self, lines: list[str], after: list[str], var: str, name: str, section: str, ptype: Any,
               arg: A.Arg) -> tuple[list[str], list[str]]:
        slot_ref = f"{var}[{name!r}]"
        structured = not isinstance(ptype, str) or ptype == ""
        if section == "Output":
            after = after + self.store(arg.value, self.convert(slot_ref, ptype or None, False,
                                                               self.target_type(arg.value)))
        elif section == "InOut":
            if structured:
                lines = lines + [f"{slot_ref} = {self.load(arg.value)}"]
            else:
                lines = lines + [f"{slot_ref} = {self.value(arg.value, ptype)}"]
                after = after + self.store(arg.value, slot_ref)
        else:
            src, st, raw = self.expr(arg.value)
            lines = lines + [f"{slot_ref} = {self.convert(src, st, raw, ptype or None, arg.value)}"]
        return lines, after

    # ---------------------------------------------------------------- system instructions
    def sysfb_call(self, fb: Any, name: str, inst: str, args: _Args) -> list[str]:
        if fb is None:  # a catalog FB the simulated PLC does not run (PID_Compact, TCON...): TIA's spelling
            system_type = lookup(name)
            return [self.unsupported_src(system_type.name if system_type is not None else name)]
        body: str | None = getattr(fb, "body", None)
        var = INSTANCE if body else self.tmp("_i")  # an inlined body works on INSTANCE
        lines = [f"{var} = {inst}"]
        after: list[str] = []
        members = {n.lower(): (n, sec, t) for n, (sec, t) in fb.members.items()}
        named = dict(args.named)
        if args.positional:
            first = next((m for m in members.values() if m[1] == "Input"), None)
            if first is not None:
                named[first[0].lower()] = A.Arg(0, 0, first[0], ":=", args.positional[0])
        for key, arg in named.items():
            m = members.get(key)
            if m is None:
                continue
            if body and m[1] == "Input":
                lines, body = self._inlined_input(lines, body, m[0], m[2], arg)
                continue
            lines, after = self._param(lines, after, var, m[0], m[1], m[2], arg)
        if body:
            return lines + body.splitlines() + after
        return lines + [f"{self.ctx.bind_once(f'_S_{name}', fb.run, fb)}(rt, {var})"] + after

    def update_on_reference(self, base: Any) -> None:
        """A reference to an IEC timer's Q or ET updates the timer (S7-1200 System Manual A5E02486680-05,
        11/2011, 7.2 "Timers": the timer's Q and ET are updated when the instruction is called and when Q or ET
        is referenced; practitioner reports say the same of S7-1500 CPUs): the timer's run with its stored IN and
        PT before the read. Skipped where this block called the same instance before (same virtual time: the
        update changes nothing). An IEC_TIMER static runs by the instruction it was last called with (its ``_fn``,
        :func:`.stdlib_fbs.update_referenced_timer`). Every path to the timer comes here: a DB's, an instance's or a
        multi-instance's member, an array element."""
        slot = self.slot_of(base)
        if slot is None or slot.kind != "sysfb":
            return
        if (slot.type or "").upper() in _TIMER_ALIASES:
            inst = self.load(base)
            if inst not in self.timers_called:
                self.pre.append(f"{self.ctx.bind('_timer_ref', update_referenced_timer)}(rt, {inst})")
            return
        fb = system_fb_for(slot.type or "")
        if fb is None or fb.body is None or not fb.name.startswith(_REFERENCED):
            return
        inst = self.load(base)
        if inst in self.timers_called:
            return
        self.pre.append(f"{self.ctx.bind_once(f'_S_{fb.name}', fb.run, fb)}(rt, {inst})")

    def _inlined_input(self, lines: list[str], body: str, name: str, ptype: Any, arg: A.Arg) -> tuple[list[str], str]:
        """An input of an inlined system FB: stored into the instance, and, when the body never writes it, read by
        the body from the value's local (or constant) instead of back from the instance."""
        src, st, raw = self.expr(arg.value)
        value = self.convert(src, st, raw, ptype or None, arg.value)
        slot_ref = f"{INSTANCE}[{name!r}]"
        if re.search(re.escape(slot_ref) + r"\s*=(?!=)", body):  # written by the body: read it from the instance
            return lines + [f"{slot_ref} = {value}"], body
        if not _SIMPLE.match(value):  # a Python local or a constant keeps its value while the body runs
            local = self.tmp("_sf_a")
            lines = lines + [f"{local} = {value}"]
            value = local
        return lines + [f"{slot_ref} = {value}"], body.replace(slot_ref, value)

    def function(self, name: str, call: A.Call, args: _Args) -> tuple[str, Any, Any]:
        """A stdlib function or conversion (``FUNCTIONS[name].specialise``): the source of its value, the
        value's type, and the operand the value is stored into when the instruction returns it through an
        output (``SystemFunction.out_param``: ``S_CONV(IN := x, OUT => y)``), else None.

        An ``=>`` actual of one of ``params`` (MOVE_BLK_VARIANT's ``DEST``) is passed as the operand's object
        itself, which the instruction writes in place (arrays and structs are mutable values here).
        """
        fn = stdlib.FUNCTIONS[name]
        params = [p.upper() for p in fn.params]
        out_param = (getattr(fn, "out_param", None) or "").upper()
        nodes: list[Any] = list(args.positional) + [None] * max(0, len(params) - len(args.positional))
        by_ref: set[int] = set()
        extra: list[tuple[str, Any]] = []
        out = None
        for arg in args.order:
            up = (arg.name or "").upper()
            if arg.op == "=>" and up == out_param:
                out = arg.value
            elif up in params:
                nodes[params.index(up)] = arg.value
                if arg.op == "=>":
                    by_ref.add(params.index(up))
            elif arg.op == "=>":
                return self.unsupported_src(f"{name} with output {arg.name}"), None, None
            else:
                extra.append((up, arg.value))
        while nodes and nodes[-1] is None and name not in _SIZED_NAMES:  # their SIZE may be left out: None
            nodes.pop()
        by_ref |= {i for i, p in enumerate(params) if p in fn.by_reference and i < len(nodes)}
        # the formal name of every actual: MUX tells a trailing INELSE from one more INn by it
        names = [params[i] if i < len(params) else "" for i in range(len(nodes))] + [n for n, _v in extra]
        nodes += [v for _n, v in extra]
        types = tuple(_stdlib_type(self.type_of(n)) if n is not None else None for n in nodes)
        result = _stdlib_type(self.target_type(out) if out is not None else self.typer.expr(call))
        target = self.target_of_call[1] if self.target_of_call and self.target_of_call[0] is call else None
        converted: dict[int, str] = {}
        if name in _OUT_TYPED and isinstance(target, str) and not target.startswith("#"):
            result = target
        elif isinstance(target, str) and is_int_type(target) and nodes:
            if name in _TARGET_TYPED and types[0] != target and is_int_type(types[0]):
                # The shift takes the type of the operand it is assigned to; IN is converted into it first:
                # SHR(IN := DInt -1, N := 31) into a DWord is 1 (practitioner report of a real S7-1500, issue
                # 66; thin evidence: no Siemens text found on the instruction's type in SCL).
                converted[0] = self.value(nodes[0], target)
                types, result = (target, *types[1:]), target
            elif result is None or result in (INT_LIT, BIT_LIT):  # SCALE_X(MIN := 0, MAX := 27648): OUT's type
                result = target
        if name == "MAX_LEN" and nodes and nodes[0] is not None:
            slot = self.slot_of(nodes[0])
            if slot is None or slot.kind != "elem" or slot.length is None:
                return self.unsupported_src(f"{name} of an operand whose declared length is not known"), result, None
            converted[0] = repr(slot.length)
        try:
            if _takes_names(fn):
                impl = fn.specialise(types, result, names=names)
            else:
                impl = fn.specialise(types, result)
        except (UnsupportedInstructionError, TypeError):  # TypeError: actuals that do not fit the instruction
            return self.unsupported_src(name), result, None
        ref = self.ctx.bind(f"_F_{name}", impl, unique=True)
        values = ["rt"] if getattr(fn, "needs_rt", False) else []
        if name == "GETBLOCKNAME":  # the name of the block that calls it, known as the block is generated; quoted
            # as a TIA monitor shows it on a real CPU (practitioner report, issue 66; thin evidence)
            values.append(repr(f'"{self.block_name}"'))
        # an output of an elementary type (RD_SYS_T's OUT as an LDT) is passed in a one-element list and stored after
        boxes = {i: self.tmp("_box") for i in by_ref if nodes[i] is not None
                 and (slot := self.slot_of(nodes[i])) is not None and slot.kind == "elem"}
        self.pre += [f"{box} = [{self.value(nodes[i])}]" for i, box in boxes.items()]
        written = [line for i, box in boxes.items() for line in self.store(nodes[i], f"{box}[0]")]
        values += [("None" if n is None else converted[i] if i in converted else boxes[i] if i in boxes
                    else self.load(n) if i in by_ref else self.value(n)) for i, n in enumerate(nodes)]
        # a string instruction's OUT is the string it is assigned to: its maximum length is the target's
        eno_result = target if isinstance(target, str) and target.startswith(("STRING", "WSTRING")) else result
        if out is not None and result in ("STRING", "WSTRING") and (slot := self.slot_of(out)) is not None:
            eno_result = f"{result}[{slot.length}]"  # OUT => s: the declared maximum length of s
        # the instruction's ENO matters where the call writes it, and in a block with "Set ENO automatically", whose
        # ENO an instruction's error resets as an operation's overflow does (ConvertGen.wrap_raw)
        wanted = (args.eno is not None or self.auto_eno) and args.en is None
        rule = eno_rule(name, types, eno_result, names) if wanted else None
        if rule is not None:  # the actuals and the result into locals, then the ENO the instruction reports
            names_ = [self.tmp("_ea") for _ in values]
            self.pre.extend(f"{n} = {v}" for n, v in zip(names_, values))
            res = self.tmp("_er")
            self.pre.append(f"{res} = {ref}({', '.join(names_)})")
            check = self.ctx.bind(f"_ENO_{name}", rule, unique=True)
            args_ = [n for n, v in zip(names_, values) if v != "rt"]
            ok = f"{check}({', '.join([*args_, res])})"
            if self.auto_eno:
                flag = self.tmp("_ok")
                self.pre += [f"{flag} = {ok}", f"if not {flag}: _eno = False"]
                ok = flag
            if args.eno is not None:
                self.pre.extend(self.store(args.eno, ok))
                args.eno_done = True
            self.pre += written
            return res, result, out
        if written:  # the call runs before its outputs are stored
            res = self.tmp("_er")
            self.pre += [f"{res} = {ref}({', '.join(values)})", *written]
            return res, result, out
        return f"{ref}({', '.join(values)})", result, out
