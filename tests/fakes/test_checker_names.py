"""The compiler's rules are split by topic; every name the single-module checker had stays importable."""

from __future__ import annotations

from engineering_api.rules.compiler import checker
from engineering_api.rules.compiler.check_expressions import _EXPR
from engineering_api.rules.compiler.check_statements import _STMT

_OLD_NAMES = (
    "A", "ArrayT", "BITSTRINGS", "BIT_LIT", "BlockChecker", "BlockDef", "CompilerDiagnostic", "Diagnostic", "FUNCTIONS",
    "INTEGERS", "INT_LIT", "KNOWN_UPPER", "MESSAGES", "NamedT", "OB_START_INFO", "Program", "REALS", "REAL_LIT",
    "STR_LIT", "SYSTEM_FBS", "SYSTEM_TYPES", "StructT", "TIMER_TYPES", "_ADDR", "_ARITH", "_BOOL_PARTS", "_COMPARE",
    "_DEFAULT_KIND", "_EXPR", "_LIT_PREFIX", "_LOGIC", "_LOOSE_SYSTEM_TYPES", "_SIZE", "_STMT", "_TIMEISH",
    "_access_expr", "_access_text", "_loop", "_text", "assignable", "canonical", "check_block", "check_program",
    "common_type", "conversion", "display", "is_integer", "is_numeric",
)


def test_old_names_are_importable() -> None:
    assert [name for name in _OLD_NAMES if not hasattr(checker, name)] == []


def test_dispatch_tables_hold_the_checker_methods() -> None:
    # The tables call functions, not bound methods: an override in BlockChecker would be passed over.
    methods = [getattr(checker.BlockChecker, name) for name in dir(checker.BlockChecker)]
    for table in (_STMT, _EXPR):  # the tables the checker module re-exports (above)
        assert all(any(function is method for method in methods) for function in table.values())
