"""The compiler's rules are split by topic; the dispatch tables hold the checker's own methods."""

from __future__ import annotations

from engineering_api.rules.compiler import checker
from engineering_api.rules.compiler.check_expressions import _EXPR
from engineering_api.rules.compiler.check_statements import _STMT


def test_dispatch_tables_hold_the_checker_methods() -> None:
    # The tables call functions, not bound methods: an override in BlockChecker would be passed over.
    methods = [getattr(checker.BlockChecker, name) for name in dir(checker.BlockChecker)]
    for table in (_STMT, _EXPR):
        assert all(any(function is method for method in methods) for function in table.values())
