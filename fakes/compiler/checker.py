"""The semantic rules: TIA's compiler checks on a block of the program view.

Messages follow the wording of TIA Portal's compiler where it is known (English UI); every
diagnostic carries the block, the network (SimaticML) or the source line, and the column.
"""
from __future__ import annotations

from dataclasses import dataclass

from simatic_xml.scl import ast as A
from simatic_xml.scl.check import Diagnostic

from .builtins import (
    FUNCTIONS,
    KNOWN_UPPER,
    OB_START_INFO,
    SYSTEM_FBS,
    SYSTEM_TYPES,
    TIMER_TYPES,
    conversion,
)
from .program import BlockDef, Program
from .types import (
    BIT_LIT,
    BITSTRINGS,
    INT_LIT,
    INTEGERS,
    REAL_LIT,
    REALS,
    STR_LIT,
    ArrayT,
    NamedT,
    StructT,
    assignable,
    canonical,
    common_type,
    display,
    is_integer,
    is_numeric,
)

__all__ = ["MESSAGES", "CompilerDiagnostic", "check_block", "check_program"]


@dataclass(slots=True)
class CompilerDiagnostic(Diagnostic):
    """A :class:`simatic_xml.scl.check.Diagnostic` that also names the network (1-based) of a SimaticML block."""

    network: int | None = None


MESSAGES = {
    "undeclared": 'Tag "{name}" not defined.',
    "not-local": 'The operand "#{name}" is not a local tag; "{name}" is a global tag or block (write "{name}" without "#").',
    "unknown-global": 'Tag "{name}" not defined.',
    "unknown-member": 'Tag "{name}" not defined: "{type}" has no element "{member}".',
    "unknown-type": 'Data type "{name}" not defined.',
    "missing-block": 'Block "{name}" not defined.',
    "unknown-instruction": 'Unknown instruction "{name}".',
    "unchecked-instruction": 'Instruction "{name}" is not known to the offline checker; its parameters were not checked.',
    "unknown-parameter": 'The parameter "{param}" is not defined in "{callee}".',
    "missing-parameter": 'The formal parameter "{param}" of "{callee}" must be supplied.',
    "wrong-parameter": 'The parameter "{param}" of "{callee}" is an {section} and must be assigned with "{op}".',
    "inout-operand": 'The actual parameter of the in/out parameter "{param}" of "{callee}" must be a tag.',
    "parameter-type": 'The data type "{src}" of the actual parameter cannot be implicitly converted into the data '
                      'type "{dst}" of the formal parameter "{param}".',
    "type-mismatch": 'Implicit conversion of the data type "{src}" into the data type "{dst}" is not possible.',
    "operator-type": 'The operator "{op}" is not defined for the data types "{left}" and "{right}".',
    "condition-type": 'The expression must be of data type "Bool", not "{src}".',
    "void-value": 'The function "{name}" has no function value (Void) and cannot be used in an expression.',
    "write-input": 'The input parameter "#{name}" of a function (FC) cannot be written.',
    "write-constant": 'The constant "{name}" cannot be written.',
    "duplicate": 'The name "{name}" is declared more than once.',
    "duplicate-block": 'The block name "{name}" already exists.',
    "number-in-use": 'The block number {cls} {number} is already used by "{other}".',
    "exit-outside-loop": "EXIT is only permitted inside a FOR, WHILE or REPEAT loop.",
    "continue-outside-loop": "CONTINUE is only permitted inside a FOR, WHILE or REPEAT loop.",
    "expression-statement": "An expression is not a statement; assign its value or call a block.",
    "return-value": "RETURN does not take a value in SCL; assign the function value to the function name.",
    "not-callable": 'The operand "{name}" of data type "{type}" cannot be called.',
    "flgnet-type": 'The operand "{name}" of data type "{type}" does not fit the instruction "{part}" (Bool required).',
    "flgnet-wire": 'A wire of network {network} connects to a part that does not exist (UId {uid}).',
    "network-syntax": "Syntax error: {message}",
}
_BOOL_PARTS = frozenset(["Contact", "Coil", "SCoil", "RCoil", "PContact", "NContact", "PCoil", "NCoil", "SetCoil",
                         "ResetCoil", "PBox", "NBox", "TrCoil", "Not"])
_SIZE = {"X": "BOOL", "B": "BYTE", "W": "WORD", "D": "DWORD", "L": "LWORD"}
_ADDR = {"": "BOOL", "X": "BOOL", "B": "BYTE", "W": "WORD", "D": "DWORD"}
_LIT_PREFIX = {"B": "BYTE", "W": "WORD", "DW": "DWORD", "LW": "LWORD", "T": "TIME", "TIME": "TIME", "LT": "LTIME",
               "LTIME": "LTIME", "S5T": "S5TIME", "S5TIME": "S5TIME", "D": "DATE", "DATE": "DATE",
               "TOD": "TIME_OF_DAY", "TIME_OF_DAY": "TIME_OF_DAY", "LTOD": "LTIME_OF_DAY",
               "LTIME_OF_DAY": "LTIME_OF_DAY", "DT": "DATE_AND_TIME", "DATE_AND_TIME": "DATE_AND_TIME",
               "LDT": "LDT", "DTL": "DTL", "STRING": "STRING", "WSTRING": "WSTRING", "CHAR": "CHAR",
               "WCHAR": "WCHAR", "BOOL": "BOOL"}
_DEFAULT_KIND = {"real": REAL_LIT, "bool": "BOOL", "string": STR_LIT, "time": "TIME", "date": "DATE",
                 "tod": "TIME_OF_DAY", "dt": "DATE_AND_TIME"}
_ARITH = frozenset(["+", "-", "*", "/", "**", "MOD"])
_COMPARE = frozenset(["=", "<>", "<", ">", "<=", ">="])
_LOGIC = frozenset(["AND", "OR", "XOR", "&"])
_TIMEISH = frozenset(["TIME", "LTIME", "TIME_OF_DAY", "LTIME_OF_DAY", "DATE", "DATE_AND_TIME", "LDT", "S5TIME", "DTL"])
_LOOSE_SYSTEM_TYPES = frozenset(
    ["IEC_TIMER", "IEC_LTIMER", "IEC_COUNTER", "IEC_SCOUNTER", "IEC_DCOUNTER", "IEC_LCOUNTER", "IEC_USCOUNTER", "IEC_UCOUNTER", "IEC_UDCOUNTER", "IEC_ULCOUNTER", "DTL", "NREF", "CREF", "ERROR_STRUCT", "TCON_PARAM", "TCON_IP_V4", "TCON_IP_V6", "TCON_IP_RFC", "TCON_QDN", "TADDR_PARAM", "TADDR_SEND_QDN", "HSC_PERIOD", "PROGRAM_ALARM", "SSL_HEADER", "G7_STEPPLUS_V5", "G7_TRANSITIONPLUS_V5", "G7_STEPPLUS_V6", "G7_TRANSITIONPLUS_V6", "IF_CONF_HEADER", "TRCV_C", "TSEND_C", "TCON", "TDISCON", "TSEND", "TRCV", "TUSEND", "TURCV", "ALARM_S", "ALARM_SQ", "PID_COMPACT", "PID_3STEP", "MB_CLIENT", "MB_SERVER", "RDREC", "WRREC", "RALRM", "DPRD_DAT", "DPWR_DAT", "GET_DIAG", "TO_SPEEDAXIS", "TO_POSITIONINGAXIS", "TO_AXIS", "TO_EXTERNALENCODER", "MC_POWER", "MC_RESET", "MC_HOME", "MC_HALT", "MC_MOVEABSOLUTE", "MC_MOVERELATIVE", "MC_MOVEVELOCITY", "MC_MOVEJOG", "RD_SYS_T", "RUNTIME", "IEC_TIMER_INSTANCE"]
)


def _loop(method):
    def run(self, s):
        self.loops += 1
        try:
            method(self, s)
        finally:
            self.loops -= 1
    return run


class BlockChecker:
    def __init__(self, program: Program, block: BlockDef, out: list, path: str | None = None) -> None:
        self.p = program
        self.b = block
        self.out = out
        self.path = path
        self.vars = block.vars
        self.is_fc = block.kind == "FC"
        self.loops = 0
        self.network: int | None = None
        self._members_cache: dict = {}

    # ---------------------------------------------------------------- reporting
    def err(self, node, code: str, severity: str = "Error", **kw) -> None:
        line = node.line if node is not None else 0
        col = node.col if node is not None else 0
        self.out.append(CompilerDiagnostic(
            MESSAGES[code].format(**kw), line, col, self.b.name, severity, self.path, code, self.network
        ))

    # ---------------------------------------------------------------- declarations
    def check_declarations(self) -> None:
        seen: dict = {}
        for v in self.b.decls:
            key = v.name.lower()
            if v.section == "Struct" or key in seen:
                self.err(v, "duplicate", name=v.name)
            else:
                seen[key] = v
        for issue in self.b.named_types:
            self.check_type_name(issue)

    def check_type_name(self, issue) -> None:
        key = issue.name.lower()
        if key in self.p.types:
            self.b.uses.add(self.p.types[key].name)
            return
        blk = self.p.blocks.get(key)
        if blk is not None and blk.kind == "FB":
            self.b.uses.add(blk.name)
            return
        upper = issue.name.upper()
        if upper in SYSTEM_FBS or upper in SYSTEM_TYPES or upper in _LOOSE_SYSTEM_TYPES:
            return
        if issue.quoted:
            self.err(issue, "unknown-type", "Error" if self.p.closed else "Warning", name=issue.name)
        elif self.p.closed and self.p.strict_types:
            self.err(issue, "unknown-type", name=issue.name)

    # ---------------------------------------------------------------- statements
    def body(self, stmts: list) -> None:
        dispatch = _STMT
        for s in stmts:
            m = dispatch.get(type(s))
            if m is not None:
                m(self, s)

    def s_assign(self, s: A.Assign):
        tt = self.lvalue(s.target)
        v = s.value
        if type(v) is A.Assign:
            vt = self.s_assign(v)
        else:
            vt = self.expr(v)
        if s.op == ":=" and not assignable(vt, tt):
            self.err(v, "type-mismatch", src=display(vt), dst=display(tt))
        return tt

    def s_call(self, s: A.CallStmt) -> None:
        self.call(s.call, True)

    def s_if(self, s: A.If) -> None:
        for br in s.branches:
            self.cond(br.cond)
            self.body(br.body)
        if s.else_body:
            self.body(s.else_body)

    def s_case(self, s: A.Case) -> None:
        self.expr(s.selector)
        for br in s.branches:
            self.body(br.body)
        if s.else_body:
            self.body(s.else_body)

    @_loop
    def s_for(self, s: A.For) -> None:
        self.lvalue(s.var)
        self.expr(s.start)
        self.expr(s.end)
        if s.step is not None:
            self.expr(s.step)
        self.body(s.body)

    @_loop
    def s_while(self, s: A.While) -> None:
        self.cond(s.cond)
        self.body(s.body)

    @_loop
    def s_repeat(self, s: A.RepeatLoop) -> None:
        self.body(s.body)
        self.cond(s.cond)

    def s_exit(self, s) -> None:
        if not self.loops:
            self.err(s, "exit-outside-loop")

    def s_continue(self, s) -> None:
        if not self.loops:
            self.err(s, "continue-outside-loop")

    def s_return(self, s: A.Return) -> None:
        if s.value is not None:
            self.err(s.value, "return-value")
            self.expr(s.value)

    def s_exprstmt(self, s: A.ExprStmt) -> None:
        self.err(s, "expression-statement")
        self.expr(s.expr)

    def s_region(self, s: A.Region) -> None:
        self.body(s.body)

    def cond(self, e) -> None:
        t = self.expr(e)
        if t is not None and t != "BOOL" and isinstance(t, str):
            self.err(e, "condition-type", src=display(t))

    # ---------------------------------------------------------------- operands
    def lvalue(self, e):
        """Type of a write target; reports writes to FC inputs and constants."""
        root = e
        while True:
            t = type(root)
            if t is A.Member or t is A.Index or t is A.Slice or t is A.Deref:
                root = root.base
            else:
                break
        if type(root) is A.Name:
            if root.scope == "global":
                c = self.p.constants.get(root.name.lower())
                if c is not None and root.name.lower() not in self.p.tags:
                    self.err(root, "write-constant", name=root.name)
            else:
                v = self.vars.get(root.name.lower())
                if v is not None:
                    if v.section == "Constant":
                        self.err(root, "write-constant", name=f"#{v.name}")
                    elif v.section == "Input" and self.is_fc:
                        self.err(root, "write-input", name=v.name)
        return self.expr(e)

    def expr(self, e):
        m = _EXPR.get(type(e))
        return m(self, e) if m is not None else None

    def e_literal(self, e: A.Literal):
        tn = e.type_name
        if tn is not None:
            t = _LIT_PREFIX.get(tn)
            if t is not None:
                return t
            c = canonical(tn)
            return c
        if e.kind == "int":
            return BIT_LIT if (e.value == 0 or e.value == 1) and "#" not in e.text else INT_LIT
        return _DEFAULT_KIND.get(e.kind)

    def e_name(self, e: A.Name):
        key = e.name.lower()
        scope = e.scope
        if scope == "local":
            v = self.vars.get(key)
            if v is not None:
                return v.type
            if self.p.global_name(e.name) is not None:
                self.err(e, "not-local", name=e.name)
            elif self.b.kind == "OB" and not any(v.section == "Input" for v in self.vars.values()):
                # OB start information (#LADDR, #IO_State...) is declared by TIA from the OB type
                t = OB_START_INFO.get(key)
                if t is not None:
                    return t
                self.err(e, "undeclared", "Error" if self.p.closed else "Warning", name=f"#{e.name}")
            else:
                self.err(e, "undeclared", name=f"#{e.name}")
            return None
        if scope == "global":
            return self.global_type(e)
        # bare word: a local written without '#', ENO, or a classic-style global
        v = self.vars.get(key)
        if v is not None:
            return v.type
        if key in ("eno", "ok", "en"):
            return "BOOL"
        g = self.p.global_name(e.name)
        if g is not None:
            return self.global_type(e)
        self.err(e, "undeclared", "Error" if self.p.closed else "Warning", name=e.name)
        return None

    def global_type(self, e: A.Name):
        key = e.name.lower()
        p = self.p
        v = p.tags.get(key) or p.constants.get(key)
        if v is not None:
            return v.type
        blk = p.blocks.get(key)
        if blk is not None:
            self.b.uses.add(blk.name)
            if blk.kind == "DB":
                if blk.instance_of is not None and not blk.vars:
                    return NamedT(blk.instance_of, True)
                return blk.as_struct()
            return None
        self.err(e, "unknown-global", "Error" if p.closed else "Warning", name=e.name)
        return None

    def members_of(self, t):
        if type(t) is StructT:
            return t.members
        if type(t) is NamedT:
            key = t.name.lower()
            cache = self._members_cache
            if key in cache:
                return cache[key]
            members = None
            udt = self.p.types.get(key)
            if udt is not None:
                members = udt.vars
            else:
                blk = self.p.blocks.get(key)
                if blk is not None and blk.kind == "FB":
                    members = blk.as_struct().members
                else:
                    sys_t = SYSTEM_FBS.get(t.name.upper()) or SYSTEM_TYPES.get(t.name.upper())
                    if sys_t is not None:
                        members = sys_t.members
            cache[key] = members
            return members
        return None

    def e_member(self, e: A.Member):
        bt = self.expr(e.base)
        if bt is None:
            return None
        members = self.members_of(bt)
        if members is None:
            return None
        v = members.get(e.name.lower())
        if v is None:
            if type(bt) is NamedT and bt.name.upper() in TIMER_TYPES and e.name.upper() in ("TON", "TOF", "TP", "TONR"):
                return None
            if self.p.closed or type(bt) is StructT or (type(bt) is NamedT and bt.name.lower() in self.p.types):
                self.err(e, "unknown-member", name=e.name, type=bt.name if type(bt) is NamedT else "Struct",
                         member=e.name)
            return None
        return v.type

    def e_index(self, e: A.Index):
        bt = self.expr(e.base)
        for i in e.indices:
            self.expr(i)
        if type(bt) is ArrayT:
            return bt.element
        if bt == "STRING":
            return "CHAR"
        if bt == "WSTRING":
            return "WCHAR"
        return None

    def e_slice(self, e: A.Slice):
        self.expr(e.base)
        return _SIZE.get(e.size.upper())

    def e_deref(self, e: A.Deref):
        self.expr(e.base)

    def e_address(self, e: A.Address):
        text = e.text.upper()
        if text.startswith("DB") or "." in text[:1]:
            return None
        letter = text[1:2] if len(text) > 1 and text[1].isalpha() else ""
        if text.startswith("P"):
            letter = text[2:3] if len(text) > 2 and text[2].isalpha() else ""
        return _ADDR.get(letter)

    def e_paren(self, e: A.Paren):
        return self.expr(e.expr)

    def e_unary(self, e: A.UnaryOp):
        t = self.expr(e.operand)
        if t is None or not isinstance(t, str):
            return t
        if e.op == "NOT":
            if t == "BOOL" or t in BITSTRINGS or t in INTEGERS or t == INT_LIT:
                return t
            self.err(e, "operator-type", op="NOT", left=display(t), right=display(t))
            return None
        if is_numeric(t) or t in _TIMEISH:
            return t
        self.err(e, "operator-type", op=e.op, left=display(t), right=display(t))
        return None

    def e_binary(self, e: A.BinaryOp):
        lt = self.expr(e.left)
        rt = self.expr(e.right)
        op = e.op
        if lt is None or rt is None or not isinstance(lt, str) or not isinstance(rt, str):
            return "BOOL" if op in _COMPARE else (lt if op in _LOGIC and lt == "BOOL" else None)
        if op in _LOGIC:
            if lt == "BOOL" and rt == "BOOL":
                return "BOOL"
            if lt != "BOOL" and rt != "BOOL":
                c = common_type(lt, rt)
                if c != "!":
                    return c
            self.err(e, "operator-type", op=op, left=display(lt), right=display(rt))
            return None
        if op in _COMPARE:
            if lt in _TIMEISH or rt in _TIMEISH:
                return "BOOL"
            c = common_type(lt, rt)
            if c == "!" and not ({lt, rt} <= {"STRING", "WSTRING", "CHAR", "WCHAR", STR_LIT}):
                self.err(e, "operator-type", op=op, left=display(lt), right=display(rt))
            return "BOOL"
        # arithmetic
        if lt in _TIMEISH or rt in _TIMEISH:
            if lt in _TIMEISH and rt in _TIMEISH:
                if op == "-" and lt == rt:
                    return "LTIME" if lt in ("LTIME", "LTIME_OF_DAY", "LDT") else "TIME"
                if op in ("+", "-") and rt in ("TIME", "LTIME"):
                    return lt
                if op == "+" and lt in ("TIME", "LTIME"):
                    return rt
                return None
            if (lt in _TIMEISH and is_integer(rt)) or (rt in _TIMEISH and is_integer(lt)):
                return lt if lt in _TIMEISH else rt
            self.err(e, "operator-type", op=op, left=display(lt), right=display(rt))
            return None
        if not (is_numeric(lt) or lt in BITSTRINGS) or not (is_numeric(rt) or rt in BITSTRINGS):
            self.err(e, "operator-type", op=op, left=display(lt), right=display(rt))
            return None
        if op == "MOD" and (lt in REALS or rt in REALS):
            self.err(e, "operator-type", op=op, left=display(lt), right=display(rt))
            return None
        c = common_type(lt, rt)
        if c == "!":
            self.err(e, "operator-type", op=op, left=display(lt), right=display(rt))
            return None
        if op == "/" and c == INT_LIT:
            return INT_LIT
        return c

    def e_call(self, e: A.Call):
        t = self.call(e, False)
        return t

    # ---------------------------------------------------------------- calls
    def call(self, e: A.Call, statement: bool):
        callee = e.callee
        tc = type(callee)
        if tc is A.Name:
            scope = callee.scope
            key = callee.name.lower()
            upper = callee.name.upper()
            local = self.vars.get(key)
            if scope == "local" or (scope == "bare" and local is not None and (
                    type(local.type) is not str or not (upper in FUNCTIONS or upper in KNOWN_UPPER))):
                v = local
                if v is None:
                    self.e_name(callee)
                    return self.args_only(e)
                return self.instance_call(e, v.type, "#" + v.name)
            if scope == "global":
                return self.block_call(e, callee, statement)
            fn = FUNCTIONS.get(upper)
            if fn is not None:
                return self.typed_function(e, upper, fn)
            conv = conversion(upper)
            if conv is not None:
                return self.conversion_call(e, upper, conv)
            if key in self.p.blocks:
                return self.block_call(e, callee, statement)
            if upper in KNOWN_UPPER or upper in SYSTEM_FBS:
                return self.args_only(e)
            if "_TO_" in upper:
                self.err(callee, "unknown-instruction", name=callee.name)
            else:
                self.err(callee, "unchecked-instruction", "Info", name=callee.name)
            return self.args_only(e)
        if tc is A.Member:
            up = callee.name.upper()
            if up in ("TON", "TOF", "TP", "TONR"):
                bt = self.expr(callee.base)
                if type(bt) is NamedT and bt.name.upper() in TIMER_TYPES:
                    suffix = "_LTIME" if TIMER_TYPES[bt.name.upper()] == "LTIME" else ""
                    return self.check_params(e, SYSTEM_FBS[up + suffix].members, up, fc=False, ret="VOID")
                if bt is None:
                    return self.args_only(e)
        t = self.expr(callee)
        return self.instance_call(e, t, _text(callee))

    def args_only(self, e: A.Call):
        for a in e.args:
            if a.op == "=>":
                self.lvalue(a.value)
            else:
                self.expr(a.value)

    def instance_call(self, e: A.Call, t, name: str):
        if t is None:
            return self.args_only(e)
        if type(t) is ArrayT:
            t = t.element
        if type(t) is NamedT:
            blk = self.p.blocks.get(t.name.lower())
            if blk is not None and blk.kind == "FB":
                self.b.uses.add(blk.name)
                return self.check_params(e, blk.vars, blk.name, fc=False, ret="VOID")
            sys_fb = SYSTEM_FBS.get(t.name.upper())
            if sys_fb is not None:
                return self.check_params(e, sys_fb.members, t.name, fc=False, ret="VOID")
            return self.args_only(e)
        if isinstance(t, str) and t not in ("VARIANT", "ANY", "DB_ANY"):
            self.err(e.callee, "not-callable", name=name, type=display(t))
        return self.args_only(e)

    def block_call(self, e: A.Call, callee: A.Name, statement: bool):
        key = callee.name.lower()
        blk = self.p.blocks.get(key)
        if blk is None:
            if key in self.p.types or key in self.p.tags:
                self.err(callee, "not-callable", name=f'"{callee.name}"', type="PLC data type" if key in self.p.types else "tag")
            else:
                self.err(callee, "missing-block", "Error" if self.p.closed else "Warning", name=callee.name)
            return self.args_only(e)
        self.b.uses.add(blk.name)
        if blk.kind == "FC":
            ret = blk.return_type if blk.return_type is not None else "VOID"
            t = self.check_params(e, blk.vars, blk.name, fc=True, ret=ret)
            if not statement and t == "VOID":
                self.err(callee, "void-value", name=blk.name)
                return None
            return t
        if blk.kind == "DB":
            fb_name = blk.instance_of
            if fb_name is None:
                self.err(callee, "not-callable", name=f'"{blk.name}"', type="global data block")
                return self.args_only(e)
            return self.instance_call(e, NamedT(fb_name, True), f'"{blk.name}"')
        if blk.kind == "FB":
            return self.check_params(e, blk.vars, blk.name, fc=False, ret="VOID")
        self.err(callee, "not-callable", name=f'"{blk.name}"', type="organization block")
        return self.args_only(e)

    def check_params(self, e: A.Call, members: dict, callee: str, *, fc: bool, ret):
        args = e.args
        if len(args) == 1 and args[0].name is None:
            params = [v for v in members.values() if v.section in ("Input", "InOut")]
            vt = self.expr(args[0].value)
            if len(params) == 1 and not assignable(vt, params[0].type):
                self.err(args[0].value, "parameter-type", src=display(vt), dst=display(params[0].type),
                         param=params[0].name)
            return ret
        given = set()
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
                self.err(a, "unknown-parameter", param=a.name, callee=callee)
                (self.lvalue if a.op == "=>" else self.expr)(a.value)
                continue
            sec = p.section
            if sec == "Output":
                if a.op != "=>":
                    self.err(a, "wrong-parameter", param=p.name, callee=callee, section="output", op="=>")
                    self.expr(a.value)
                    continue
                tt = self.lvalue(a.value)
                if not assignable(p.type, tt):
                    self.err(a.value, "parameter-type", src=display(p.type), dst=display(tt), param=p.name)
                continue
            if a.op == "=>":
                self.err(a, "wrong-parameter", param=p.name, callee=callee,
                         section="input" if sec == "Input" else "in/out parameter", op=":=")
                self.lvalue(a.value)
                continue
            if sec == "InOut":
                root = a.value
                while type(root) in (A.Member, A.Index, A.Slice, A.Deref):
                    root = root.base
                if type(root) is not A.Name:
                    self.err(a.value, "inout-operand", param=p.name, callee=callee)
                    self.expr(a.value)
                    continue
                vt = self.lvalue(a.value)
                ok = assignable(vt, p.type) and (not isinstance(vt, str) or not isinstance(p.type, str)
                                                 or assignable(p.type, vt))
            else:
                vt = self.expr(a.value)
                ok = assignable(vt, p.type)
            if not ok:
                self.err(a.value, "parameter-type", src=display(vt), dst=display(p.type), param=p.name)
        if fc or any(v.section == "InOut" for v in members.values()):
            for v in members.values():
                if (v.section == "InOut" or (fc and v.section == "Input")) and v.name.lower() not in given:
                    self.err(e, "missing-parameter", param=v.name, callee=callee)
        return ret

    def typed_function(self, e: A.Call, name: str, spec):
        params = spec[0]
        result = spec[1]
        variadic = spec[2] if len(spec) > 2 else None
        args = e.args
        types = []
        for i, a in enumerate(args):
            if a.name is None:
                kind = params[i][1] if i < len(params) else (params[-1][1] if variadic else "any")
                pname = params[i][0] if i < len(params) else f"IN{i + 1}"
            else:
                up = a.name.upper()
                match = next((p for p in params if p[0] == up), None)
                if match is None and variadic and up.startswith(variadic) and up[len(variadic):].isdigit():
                    match = (up, "same")
                if match is None and up in ("EN", "ENO"):
                    match = (up, "any")
                if match is None:
                    self.err(a, "unknown-parameter", param=a.name, callee=name)
                    self.expr(a.value)
                    continue
                pname, kind = match
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
                self.err(a.value, "parameter-type", src=display(t), dst={"num": "ANY_NUM", "bool": "Bool",
                                                                      "int": "ANY_INT"}[kind], param=pname)
            types.append((kind, t))
        if result is None:
            return None
        if result == "VOID" or result == "INT":
            return result
        if result == "first":
            return types[0][1] if types else None
        same = [t for k, t in types if k in ("same", "num")]
        if any(t is None for t in same) or not same:
            return None
        c = same[0]
        for t in same[1:]:
            n = common_type(c, t)
            if n == "!":
                self.err(e, "operator-type", op=name, left=display(c), right=display(t))
                return None
            c = n
        if result == "real":
            return "LREAL" if c == "LREAL" else ("REAL" if c != REAL_LIT else REAL_LIT)
        return c

    def conversion_call(self, e: A.Call, name: str, conv):
        src, dst = conv
        for a in e.args:
            if a.name is not None and a.name.upper() not in ("IN", "EN", "ENO"):
                self.err(a, "unknown-parameter", param=a.name, callee=name)
            if a.op == "=>":
                self.lvalue(a.value)
                continue
            t = self.expr(a.value)
            if (a.name is None or a.name.upper() == "IN") and not assignable(t, src):
                self.err(a.value, "parameter-type", src=display(t), dst=display(src), param="IN")
        return dst

    # ---------------------------------------------------------------- LAD/FBD
    def flgnet(self, net) -> None:
        from simatic_xml.flgnet import Call as FCall
        from simatic_xml.flgnet import FlgAccess, IdentCon, NameCon, Part
        accesses = {}
        parts = {}
        for item in net.parts or ():
            if isinstance(item, FlgAccess):
                accesses[item.uid] = item
            elif isinstance(item, (Part, FCall)):
                parts[item.uid] = item
        types = {}
        for uid, acc in accesses.items():
            if acc.symbol:
                node = _access_expr(acc)
                if node is not None:
                    types[uid] = self.expr(node)
        for wire in net.wires or ():
            conns = getattr(wire, "connections", None) or []
            operand = None
            pin_parts = []
            for c in conns:
                if isinstance(c, IdentCon):
                    if c.uid not in accesses:
                        self.err(None, "flgnet-wire", network=self.network, uid=c.uid)
                    operand = c.uid
                elif isinstance(c, NameCon):
                    if c.uid not in parts:
                        self.err(None, "flgnet-wire", network=self.network, uid=c.uid)
                    else:
                        pin_parts.append((parts[c.uid], c.name))
            if operand is None:
                continue
            t = types.get(operand)
            if t is None or not isinstance(t, str):
                continue
            for part, pin in pin_parts:
                if isinstance(part, Part) and part.name in _BOOL_PARTS and pin == "operand" and t != "BOOL":
                    self.err(None, "flgnet-type", name=_access_text(accesses[operand]), type=display(t), part=part.name)


def _access_expr(acc):
    comps = acc.symbol
    scope = {"LocalVariable": "local", "GlobalVariable": "global"}.get(acc.scope)
    if scope is None or not comps:
        return None
    node = A.Name(0, 0, comps[0].name, scope)
    if comps[0].access_modifier == "Array":
        node = A.Index(0, 0, node, [])
    for c in comps[1:]:
        node = A.Member(0, 0, node, c.name)
        if c.access_modifier == "Array":
            node = A.Index(0, 0, node, [])
    return node


def _access_text(acc) -> str:
    names = ".".join(c.name for c in acc.symbol or ())
    return ("#" + names) if acc.scope == "LocalVariable" else '"' + names + '"'


def _text(e) -> str:
    t = type(e)
    if t is A.Name:
        return {"local": "#", "global": '"'}.get(e.scope, "") + e.name + ('"' if e.scope == "global" else "")
    if t is A.Member:
        return _text(e.base) + "." + e.name
    if t is A.Index:
        return _text(e.base) + "[..]"
    return "?"


_STMT = {
    A.Assign: BlockChecker.s_assign, A.CallStmt: BlockChecker.s_call, A.If: BlockChecker.s_if,
    A.Case: BlockChecker.s_case, A.For: BlockChecker.s_for, A.While: BlockChecker.s_while,
    A.RepeatLoop: BlockChecker.s_repeat, A.Exit: BlockChecker.s_exit, A.Continue: BlockChecker.s_continue,
    A.Return: BlockChecker.s_return, A.ExprStmt: BlockChecker.s_exprstmt, A.Region: BlockChecker.s_region,
}
_EXPR = {
    A.Literal: BlockChecker.e_literal, A.Name: BlockChecker.e_name, A.Member: BlockChecker.e_member,
    A.Index: BlockChecker.e_index, A.Slice: BlockChecker.e_slice, A.Deref: BlockChecker.e_deref,
    A.Address: BlockChecker.e_address, A.Paren: BlockChecker.e_paren, A.UnaryOp: BlockChecker.e_unary,
    A.BinaryOp: BlockChecker.e_binary, A.Call: BlockChecker.e_call,
}


def check_block(program: Program, block: BlockDef, path: str | None = None) -> list:
    """Every diagnostic of one block (declarations, then the networks in order)."""
    out: list = []
    chk = BlockChecker(program, block, out, path)
    chk.check_declarations()
    for net in block.networks:
        chk.network = net.index
        chk.loops = 0
        if net.error is not None:
            message, line, col = net.error
            out.append(CompilerDiagnostic(MESSAGES["network-syntax"].format(message=message), line, col, block.name,
                                          "Error", path, "syntax", net.index))
        elif net.flgnet is not None:
            chk.flgnet(net.flgnet)
        else:
            chk.body(net.statements)
    return out


def check_program(program: Program, path: str | None = None) -> list:
    """Every diagnostic of every block, plus duplicate block names and numbers."""
    out: list = []
    for dup, first in program.duplicates:
        out.append(CompilerDiagnostic(MESSAGES["duplicate-block"].format(name=dup.name), dup.line, dup.col, dup.name,
                                      "Error", path, "duplicate"))
    numbers: dict = {}
    for blk in program.blocks.values():
        if blk.number is None:
            continue
        cls = "DB" if blk.kind == "DB" else blk.kind
        other = numbers.get((cls, blk.number))
        if other is not None:
            out.append(CompilerDiagnostic(
                MESSAGES["number-in-use"].format(cls=cls, number=blk.number, other=other.name), blk.line, blk.col,
                blk.name, "Error", path, "number-in-use"))
        else:
            numbers[(cls, blk.number)] = blk
    for blk in list(program.types.values()) + list(program.blocks.values()):
        out.extend(check_block(program, blk, path))
    return out
