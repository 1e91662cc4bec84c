"""Call rules of the checker: blocks, instances, system FBs, typed functions and conversions.

A part of :class:`engineering_api.rules.compiler.checker.BlockChecker`; it relies on the checker's state (``p``, ``b``,
``vars``), its ``err`` and the expression rules (``expr``, ``lvalue``, ``e_name``) of the sibling part, all declared
by :class:`~.check_context.CheckContext`.
"""
from __future__ import annotations

from functools import lru_cache

from simatic_xml.scl import ast as A
from simatic_xml.system_types import lookup

from .builtins import (
    FUNCTIONS,
    INSTANCE_INSTRUCTIONS,
    KNOWN_UPPER,
    SYSTEM_FBS,
    SYSTEM_TYPES,
    FunctionSpec,
    conversion,
    instruction_on,
)
from .check_context import CheckContext
from .namespaces import instance_fb, rooted
from .program import access_root, undefined_global
from .signatures import Signature, TypeClass, fb_signature, fc_signature
from .simulation import named, not_simulated_call, not_simulated_instance
from .types import (
    BIT_LIT,
    INT_LIT,
    REAL_LIT,
    ArrayT,
    NamedT,
    SclType,
    StructT,
    Var,
    assignable,
    common_type,
    display,
    inout_fits,
    is_integer,
    is_numeric,
    is_technology_object,
)

__all__ = ["CallChecks", "calls_instruction", "catalog_parameter_types"]

_POINTER_PARAMETERS = frozenset(["VARIANT", "ANY", "POINTER", "TIMER", "COUNTER", "BLOCK_FB", "BLOCK_FC", "BLOCK_DB",
                                 "BLOCK_SDB", "DB_ANY"])
"""Parameter types: a block's in/out of these holds a reference, never a value of its own."""


def _is_pointer(t: SclType) -> bool:
    """A parameter type of :data:`_POINTER_PARAMETERS` (an ARRAY, STRUCT or named type is none, and unhashable)."""
    return isinstance(t, str) and t in _POINTER_PARAMETERS


def _must_be_supplied(v: Var, fc: bool) -> bool:
    """Must the formal parameter ``v`` be supplied at a call?

    STEP 7's rules for supplying block parameters (S7-1200/S7-1500): a function (FC) has no memory of its own,
    so each of its formal parameters, input, output and in/out, needs an actual parameter (STEP 7 help, "Important
    difference between the output parameters of FC and FB": "Functions (FC) have no memory. Unlike with the FB,
    supplying the formal parameters is therefore not optional but mandatory"; quoted in German at
    sps-forum.de/threads/61990, post 434263). A function block (FB) keeps its inputs, outputs and
    the values of *elementary* in/outs in its instance data, so they may be left out (the last value is used);
    an in/out of a structured type (ARRAY, STRUCT, PLC data type, instance) or of a parameter type (VARIANT,
    POINTER, ANY...) holds only a reference to the actual parameter and must be supplied. (Secondary source
    citing Siemens' system manual: industrialmonitordirect.com, "S7-1200/1500 TIA Portal InOut parameter compiler
    error fix"; real code: TIA exports call PID_Compact without its Int in/out ``Mode``, and
    leszczuk/Tia_Portal_Weze StolyDoCiecia calls an FB without its Int in/out ``iLicznikCiec``.) A system FB's
    in/out left out is reported as a warning only (:meth:`CallChecks.check_params`): TIA's V17 export of a library
    calls a WRREC multi-instance without its Variant in/out RECORD, ``#WRREC_Function(REQ := FALSE);``
    (TurboLouis/TestRepo@d5c02c09, ``FB10370_IoLinkDevice.scl``), which the rule above would refuse."""
    if v.section in ("Input", "Output"):
        return fc
    if v.section != "InOut":
        return False
    if fc:
        return True
    t = v.type
    return isinstance(t, (ArrayT, StructT, NamedT)) or t in _POINTER_PARAMETERS


def calls_instruction(local: Var, upper: str) -> bool:
    """Whether a call of the bare name ``upper`` (upper-case) calls the instruction of that name although a local of
    the block has it: ``LEN(s)`` beside ``len : Int`` (a local of an elementary type cannot be called)."""
    return type(local.type) is str and (upper in FUNCTIONS or upper in KNOWN_UPPER)


class CallChecks(CheckContext):
    """Parameters of calls: names, sections (``:=`` or ``=>``), types, and the ones that must be supplied."""

    def call(self, e: A.Call, statement: bool) -> SclType:
        self.parameters_once(e)
        callee = rooted(e.callee, self.p, callee=True)  # _.nsMainPerceuse.fcMain(...): the block's global name
        if isinstance(callee, A.Name):
            scope = callee.scope
            key = callee.name.lower()
            upper = callee.name.upper()
            local = self.vars.get(key)
            if scope == "local" or (scope == "bare" and local is not None and not calls_instruction(local, upper)):
                v = local
                if v is None:
                    self.e_name(callee)
                    return self.args_only(e)
                return self.instance_call(e, v.type, "#" + v.name)
            if scope == "global":
                return self.block_call(e, callee, statement)
            if upper in FUNCTIONS or conversion(upper) is not None or (
                    key not in self.p.blocks and (upper in KNOWN_UPPER or upper in SYSTEM_FBS)):
                # an instruction or a conversion (a name no catalogue knows is UNCHECKED_INSTRUCTION: maybe a block
                # of a file not given, so it is no instruction to call unsimulated)
                self.not_simulated(callee.line, callee.col, lambda: named(callee.name, not_simulated_call(upper)))
            fn = FUNCTIONS.get(upper)
            if fn is not None:
                return self.typed_function(e, upper, fn)
            conv = conversion(upper)
            if conv is not None:
                return self.conversion_call(e, upper, conv)
            if key in self.p.blocks:
                return self.block_call(e, callee, statement)
            sig = fc_signature(upper)
            if sig is not None:
                return self.signature_call(e, callee, sig, statement)
            if upper in KNOWN_UPPER or upper in SYSTEM_FBS:
                self.err(callee, "SIGNATURE_UNKNOWN", "Info", name=callee.name)
                return self.args_only(e)
            if "_TO_" in upper:
                self.err(callee, "UNKNOWN_INSTRUCTION", name=callee.name)
            else:
                self.err(callee, "UNCHECKED_INSTRUCTION", "Info", name=callee.name)
            return self.args_only(e)
        if isinstance(callee, A.Member) and callee.name.upper() in INSTANCE_INSTRUCTIONS:
            return self.instruction_call(e, callee)
        t = self.expr(callee)
        return self.instance_call(e, t, _text(callee))

    def parameters_once(self, e: A.Call) -> None:
        """Each formal parameter of a call supplied once: a second assignment of one (its name in any letter case)
        is ``PARAMETER_TWICE`` at the second, whatever the callee (a block, an instance, an instruction)."""
        seen: set[str] = set()
        for a in e.args:
            if a.name is None:
                continue
            key = a.name.lower()
            if key in seen:
                self.err(a, "PARAMETER_TWICE", param=a.name, callee=_text(e.callee))
            seen.add(key)

    def instruction_call(self, e: A.Call, callee: A.Member) -> SclType:
        """``#t.TON(...)``, ``#c.CTU(...)``, ``"IEC_Timer_0_DB".TON(...)``: the instruction called on an
        instance of a timer/counter type, checked against the instruction's interface for that type."""
        up = callee.name.upper()
        bt = self.expr(callee.base)
        if bt is None:
            return self.args_only(e)
        name = self.instance_type(callee.base, bt)
        iface = instruction_on(name, up)
        if iface is not None:
            return self.check_params(e, iface.members, up, fc=False, ret="VOID", system=True)
        if type(bt) is StructT and (name.upper() in SYSTEM_FBS or name.upper() in SYSTEM_TYPES):
            bt = NamedT(name, False)  # name the system type in the message, not "Struct"
        # no such instruction on this type: a member of that name (a user FB's static) or unknown-member
        return self.instance_call(e, self.member_type(callee, bt), _text(callee))

    def instance_type(self, base: A.Expr, bt: SclType) -> str:
        """The type name an instruction is called on. A single-instance DB of a system FB exported from TIA
        lists the instruction's members in its own interface (``IN``/``PT``/``Q``/``ET``), so its value is
        typed as a struct: what counts for the call is the DB's ``InstanceOfName``."""
        if type(bt) is NamedT:
            return bt.name
        if type(base) is A.Name and (base.scope == "global" or (
                base.scope == "bare" and base.name.lower() not in self.vars)):
            blk = self.p.blocks.get(base.name.lower())
            if blk is not None and blk.kind == "DB" and blk.instance_of is not None:
                return instance_fb(blk, self.p) or blk.instance_of
        return ""

    def args_only(self, e: A.Call, instance_type: str | None = None) -> SclType:
        """The arguments of a call whose interface the checker does not check: each operand on its own, except a
        technology object handed to a TO parameter of a catalog instruction (MC_POWER's Axis). The call's value is
        not known: None."""
        formal = catalog_parameter_types(instance_type) if instance_type else {}
        for a in e.args:
            if a.op == "=>":
                self.lvalue(a.value)
            elif a.name is None or not self.missing_technology_object(a.value, formal.get(a.name.lower())):
                self.expr(a.value)
        return None

    def instance_call(self, e: A.Call, t: SclType, name: str) -> SclType:
        if t is None:
            return self.args_only(e)
        if type(t) is ArrayT:
            t = t.element
        if type(t) is NamedT:
            blk = self.p.blocks.get(t.name.lower())
            if blk is not None and blk.kind == "FB":
                self.b.uses.add(blk.name)
                return self.check_params(e, blk.call_members(), blk.name, fc=False, ret="VOID")
            # an instance of a system FB the runtime may lack (PID_Compact, TCON...)
            self.not_simulated(e.callee.line, e.callee.col, lambda: not_simulated_instance(t.name))
            sys_fb = SYSTEM_FBS.get(t.name.upper())
            if sys_fb is not None:
                return self.check_params(e, sys_fb.members, t.name, fc=False, ret="VOID", system=True)
            sig = fb_signature(t.name, self.p.cpu_family)
            if sig is not None:
                return self.check_params(e, sig.members, t.name, fc=False, ret="VOID", optional=sig.optional,
                                         system=True)
            return self.args_only(e, t.name)
        if isinstance(t, str) and t not in ("VARIANT", "ANY", "DB_ANY"):
            self.err(e.callee, "NOT_CALLABLE", name=name, type=display(t))
        return self.args_only(e)

    def block_call(self, e: A.Call, callee: A.Name, statement: bool) -> SclType:
        key = callee.name.lower()
        blk = self.p.blocks.get(key)
        if blk is None:
            if key in self.p.types or key in self.p.tags:
                self.err(callee, "NOT_CALLABLE", name=callee.name,
                         type="PLC data type" if key in self.p.types else "tag")
            else:
                self.err(callee, "MISSING_BLOCK", "Error" if self.p.closed else "Warning", name=callee.name)
            return self.args_only(e)
        self.b.uses.add(blk.name)
        if blk.kind == "FC":
            ret = blk.return_type if blk.return_type is not None else "VOID"
            t = self.check_params(e, blk.call_members(), blk.name, fc=True, ret=ret)
            if not statement and t == "VOID":
                self.err(callee, "VOID_VALUE", name=blk.name)
                return None
            return t
        if blk.kind == "DB":
            fb_name = instance_fb(blk, self.p)
            if fb_name is None:
                self.err(callee, "NOT_CALLABLE", name=blk.name, type="global data block")
                return self.args_only(e)
            return self.instance_call(e, NamedT(fb_name, True), f'"{blk.name}"')
        if blk.kind == "FB":
            return self.check_params(e, blk.call_members(), blk.name, fc=False, ret="VOID")
        self.err(callee, "NOT_CALLABLE", name=blk.name, type="organization block")
        return self.args_only(e)

    def check_params(self, e: A.Call, members: dict[str, Var], callee: str, *, fc: bool, ret: SclType,
                     optional: frozenset[str] = frozenset(), system: bool = False) -> SclType:
        """The actual parameters of a call of a block or system FB (``system``) with the interface ``members``; a
        name in ``optional`` (lower case) may be left out whatever its section."""
        args = e.args
        if len(args) == 1 and args[0].name is None:
            params = [v for v in members.values() if v.section in ("Input", "InOut")]
            vt = self.expr(args[0].value)
            if len(params) == 1:
                self.fits_parameter(args[0].value, vt, params[0])
            return ret
        given: set[str] = set()
        for a in args:
            if a.name is None:
                self.expr(a.value)
                continue
            key = a.name.lower()
            given.add(key)
            p = members.get(key)
            if key in ("en", "eno") and p is None:
                (self.lvalue if a.op == "=>" else self.expr)(a.value)
                continue
            if p is None or p.section not in ("Input", "Output", "InOut"):
                self.err(a, "UNKNOWN_PARAMETER", param=a.name, callee=callee)
                (self.lvalue if a.op == "=>" else self.expr)(a.value)
                continue
            self.check_argument(a, p, callee)
        for v in members.values():
            if v.name.lower() not in given and v.name.lower() not in optional and _must_be_supplied(v, fc):
                severity = "Warning" if system and v.section == "InOut" else "Error"
                self.err(e, "PARAMETER_NOT_SUPPLIED", severity, param=v.name, callee=callee)
        return ret

    def check_argument(self, a: A.Arg, p: Var, callee: str) -> None:
        """One actual parameter ``a`` for the formal ``p``: its operator (``:=`` or ``=>``) and its type."""
        sec = p.section
        if sec == "Output":
            if a.op != "=>":
                self.err(a, "WRONG_PARAMETER", param=p.name, callee=callee, section="output", op="=>")
                self.expr(a.value)
                return
            tt = self.lvalue(a.value)
            if type(p.type) is TypeClass:
                if not p.type.accepts(tt):
                    self.err(a.value, "OUTPUT_TYPE", src=p.type.name, dst=display(tt), param=p.name)
            elif not _is_pointer(p.type) and not assignable(p.type, tt, self.iec):
                # the formal's value goes into the actual (a Variant output takes any tag: DPRD_DAT's RECORD)
                self.err(a.value, "OUTPUT_TYPE", src=display(p.type), dst=display(tt), param=p.name)
            return
        if a.op == "=>":
            self.err(a, "WRONG_PARAMETER", param=p.name, callee=callee,
                     section="input" if sec == "Input" else "in/out parameter", op=":=")
            self.lvalue(a.value)
            return
        if self.missing_technology_object(a.value, p.type):
            return
        if sec == "InOut":
            if type(access_root(a.value)) is not A.Name:
                self.err(a.value, "INOUT_OPERAND", param=p.name, callee=callee)
                self.expr(a.value)
                return
            # An in/out is passed by reference: its value goes in and comes back, so it must convert both
            # ways and (Siemens, "Overview of data type conversion (S7-1500, S7-1200 G2)") have the bit
            # length of the parameter: without the IEC check a Word for a UInt, never an Int for a DInt.
            vt = self.lvalue(a.value)
            if type(p.type) is TypeClass:
                if not p.type.accepts(vt):
                    self.err(a.value, "INOUT_TYPE", src=display(vt), dst=p.type.name, param=p.name)
            elif not inout_fits(vt, p.type, self.iec):
                self.err(a.value, "INOUT_TYPE", src=display(vt), dst=display(p.type), param=p.name)
        else:
            self.fits_parameter(a.value, self.expr(a.value), p)

    def signature_call(self, e: A.Call, callee: A.Name, sig: Signature, statement: bool) -> SclType:
        """A call of a function-like system instruction with a catalog signature (CONCAT, PEEK, LOWER_BOUND...):
        formal names, their operators and types, the parameters that must be supplied, the function value.

        Arguments without a formal name supply the inputs in their documented order (IEC 61131-3's non-formal
        call, which TIA writes for one-parameter instructions such as ``RD_SYS_T(#t)``)."""
        name = sig.name
        inputs = [v for v in sig.members.values() if v.section in ("Input", "InOut")]
        order = list(sig.members.values())
        positional = [a for a in e.args if a.name is None]
        given: set[str] = set()
        named = [a for a in e.args if a.name is not None and a.name.lower() not in ("en", "eno")]
        if positional and named:
            # IEC 61131-3 (2003), 2.5.1.1 and table 19 a): a call is either formal (every argument named) or
            # non-formal (every argument in order, EN/ENO aside); a list mixing both is neither.
            self.err(named[0], "MIXED_PARAMETERS", callee=name)
        if positional:
            if len(positional) > len(order) and not sig.variadic:
                self.err(positional[len(order)], "TOO_MANY_ARGUMENTS", callee=name, count=len(order))
            for i, a in enumerate(positional):
                if i >= len(order):
                    self.expr(a.value)
                    continue
                formal = order[i]
                given.add(formal.name.lower())
                if formal.section == "Output":
                    tt = self.lvalue(a.value)
                    if not _is_pointer(formal.type) and type(formal.type) is not TypeClass and not assignable(
                            formal.type, tt, self.iec):
                        self.err(a.value, "OUTPUT_TYPE", src=display(formal.type), dst=display(tt), param=formal.name)
                else:
                    self.fits_parameter(a.value, self.expr(a.value), formal)
        for a in e.args:
            if a.name is None:
                continue
            key = a.name.lower()
            p = sig.members.get(key)
            if p is None and sig.variadic and key.upper().startswith(sig.variadic) and key[len(
                sig.variadic):].isdigit():
                p = Var(a.name, inputs[0].type if inputs else None, "Input")
            if p is None:
                if key not in ("en", "eno"):
                    self.err(a, "UNKNOWN_PARAMETER", param=a.name, callee=name)
                (self.lvalue if a.op == "=>" else self.expr)(a.value)
                continue
            given.add(key)
            if a.op == "=>" and p.section == "InOut" and p.type in _POINTER_PARAMETERS:
                # TIA writes a Variant in/out of an instruction with "=>" in its own sources:
                # `Serialize(SRC_VARIABLE := ..., DEST_ARRAY => #bytes, POS := ...)` (lybhb8/S7-1200EasyPlus, a TIA
                # source export: tests/realcode/cases/db_any_variant_err_output.scl)
                self.lvalue(a.value)
                continue
            self.check_argument(a, p, name)
        for v in inputs:
            if v.name.lower() not in given and v.name.lower() not in sig.optional:
                self.err(e, "PARAMETER_NOT_SUPPLIED", param=v.name, callee=name)
        if not statement and sig.returns == "VOID":
            self.err(callee, "VOID_VALUE", name=name)
            return None
        return None if sig.returns == "VOID" and statement else sig.returns

    def missing_technology_object(self, actual: A.Expr, formal: SclType) -> bool:
        """An axis (or another technology object) handed to a TO parameter by a name the export does not define:
        a warning, not MISSING_TAG. TIA keeps technology objects in the PLC's "Technology objects" folder, and
        Version Control Interface repositories of TIA V16/V17 hold motion programs without it, their tag tables
        holding the axis' generated tags (zhjq163/gitlearn@867b3f3 ``Motion.xml``: "PositioningAxis_1" at MC_POWER's
        Axis, tag ``PositioningAxis_1_Actor_Interface_AddressIn(8)``; jinqqjin/2022_Demo, malkos12/plcUkosnica,
        andresvosa/my_Siemens), while V18/V20 ones export it (ChrisSiem/TestChris ``Technology objects/Moteur1.xml``).
        """
        name = undefined_global(self.p, actual, self.vars)
        if name is None or not is_technology_object(formal):
            return False
        self.err(actual, "MISSING_TECHNOLOGY_OBJECT", "Warning", name=name)
        return True

    def fits_parameter(self, e: A.Expr, vt: SclType, p: Var) -> bool:
        """An input's actual converts implicitly into the formal's type; an untyped integer constant lies in its
        range."""
        if type(p.type) is TypeClass:
            if not p.type.accepts(vt):
                self.err(e, "PARAMETER_TYPE", src=display(vt), dst=p.type.name, param=p.name)
                return False
            return True
        if (vt == INT_LIT or vt == BIT_LIT) and not self.fit_literal(e, p.type):
            return False
        if not assignable(vt, p.type, self.iec):
            self.err(e, "PARAMETER_TYPE", src=display(vt), dst=display(p.type), param=p.name)
            return False
        return True

    def arrow_fits(self, a: A.Arg, param: str, output: bool, callee: str) -> None:
        """A named argument of a system instruction is assigned as its parameter's direction wants: ``=>`` for an
        output (ENO, MOVE_BLK's OUT), ``:=`` for an input (STEP 7 help, "Calling ... in SCL": the same rule as for a
        block's parameters, ``WRONG_PARAMETER``)."""
        if output and a.op != "=>":
            self.err(a, "WRONG_PARAMETER", param=param, callee=callee, section="output", op="=>")
        elif not output and a.op == "=>":
            self.err(a, "WRONG_PARAMETER", param=param, callee=callee, section="input", op=":=")

    def typed_function(self, e: A.Call, name: str, spec: FunctionSpec) -> SclType:
        params = spec[0]
        result = spec[1]
        variadic = spec[2] if len(spec) > 2 else None
        named_only = spec[3] if len(spec) > 3 else ()  # MUX's INELSE: named only, never a positional INn
        args = e.args
        types: list[tuple[str, str | None]] = []
        supplied: set[str] = set()
        for i, a in enumerate(args):
            if a.name is None:
                kind = params[i][1] if i < len(params) else (params[-1][1] if variadic else "any")
                pname = params[i][0] if i < len(params) else f"IN{i + 1}"
                supplied.add(pname)
            else:
                up = a.name.upper()
                match = next((p for p in params if p[0] == up), None)
                if match is None and (up in named_only or (
                        variadic and up.startswith(variadic) and up[len(variadic):].isdigit())):
                    match = (up, "same")
                if match is None and up in ("EN", "ENO"):
                    match = (up, "any")
                if match is None:
                    self.err(a, "UNKNOWN_PARAMETER", param=a.name, callee=name)
                    self.expr(a.value)
                    continue
                pname, kind = match
                supplied.add(pname)
                self.arrow_fits(a, pname, kind == "out" or pname == "ENO", name)
            if kind == "out" or a.op == "=>":
                self.lvalue(a.value)
                continue
            t = self.expr(a.value)
            if t is None or not isinstance(t, str):
                types.append((kind, None))
                continue
            bad = (kind == "num" and not is_numeric(t)) or (kind == "bool" and t != "BOOL") or \
                  (kind == "int" and not is_integer(t))
            if bad:
                self.err(a.value, "PARAMETER_TYPE", src=display(t), dst={"num": "ANY_NUM", "bool": "Bool",
                                                                      "int": "ANY_INT"}[kind], param=pname)
            types.append((kind, t))
        # Every input of these instructions is supplied: MIN/MAX take IN1, IN2 and more (S7-1200 System Manual
        # V4.2, A5E02486680-AK, "MIN and MAX": two inputs, expandable up to 32), LIMIT MN, IN and MX, SEL G, IN0
        # and IN1, MUX K, IN0 and IN1 (INELSE optional). Outputs (ERR, MOVE_BLK's OUT) are not judged here.
        for pname, kind in params:
            if kind != "out" and pname not in supplied:
                self.err(e, "PARAMETER_NOT_SUPPLIED", param=pname, callee=name)
        if result is None:
            return None
        if result == "VOID" or result == "INT" or result in ("VARIANT", "DB_ANY"):
            return result
        if result == "first":
            return types[0][1] if types else None
        same = [t for k, t in types if k in ("same", "num")]
        if any(t is None for t in same) or not same:
            return None
        c = same[0]
        for t in same[1:]:
            n = common_type(c, t, self.iec)
            if n == "!":
                self.err(e, "OPERATOR_TYPE", op=name, left=display(c), right=display(t))
                return None
            c = n
        if result == "real":
            return "LREAL" if c == "LREAL" else ("REAL" if c != REAL_LIT else REAL_LIT)
        return c

    def conversion_call(self, e: A.Call, name: str, conv: tuple[str, str]) -> SclType:
        src, dst = conv
        for a in e.args:
            if a.name is not None and a.name.upper() not in ("IN", "EN", "ENO"):
                self.err(a, "UNKNOWN_PARAMETER", param=a.name, callee=name)
            elif a.name is not None:
                self.arrow_fits(a, a.name.upper(), a.name.upper() == "ENO", name)
            if a.op == "=>":
                self.lvalue(a.value)
                continue
            t = self.expr(a.value)
            if a.name is None or a.name.upper() == "IN":
                self.fits_parameter(a.value, t, Var("IN", src))
        return dst


@lru_cache(maxsize=512)
def catalog_parameter_types(name: str) -> dict[str, NamedT]:
    """Lower parameter name -> type of a catalog instruction's Input and InOut parameters (MC_POWER: Axis is a
    TO_Axis), for the calls whose interface is not checked otherwise. Shared between callers: not to be changed."""
    entry = lookup(name)
    members = entry.members if entry is not None else ()
    return {m.name.lower(): NamedT(m.data_type, False) for m in members
            if m.section in ("Input", "InOut") and m.data_type.upper().startswith("TO_")}


def _text(e: A.Expr) -> str:
    if isinstance(e, A.Name):
        return {"local": "#", "global": '"'}.get(e.scope, "") + e.name + ('"' if e.scope == "global" else "")
    if isinstance(e, A.Member):
        return _text(e.base) + "." + e.name
    if isinstance(e, A.Index):
        return _text(e.base) + "[..]"
    return "?"
