"""Find the diagnostic codes the code can produce, by reading its source.

A code reaches a :class:`simatic_xml.diagnostics.Diagnostic` as a literal in one of a few places; this module
reads them all so that ``test_diagnostic_codes.py`` can hold the registry (:mod:`simatic_xml.diagnostic_codes`)
to the code both ways: every produced code is registered (and so documented), and every registered code is still
produced. The places:

- ``code=`` of a call whose name ends in ``Diagnostic`` (or of ``DiagnosticInfo``), or its seventh positional
  argument;
- a literal argument of the checkers' and generators' reporting helpers (``err``, ``err_line``, ``note``,
  ``found``, ``finding``);
- the code of an opt-in style rule's declaration, ``StyleRule("CODE", ...)`` or ``StyleRule(code="CODE", ...)``
  (``engineering_api/rules/compiler/style.py``: each rule bound to its code once);
- a class attribute ``code = "..."`` of an exception in ``simatic_xml.errors`` (carried into a diagnostic);
- in a function that builds diagnostics: the default of a parameter named ``code``, and the literals of the
  tables its ``for`` loops walk (``for pattern, code in ((..., "MISSING_TAG"), ...)``).
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

__all__ = ("PRODUCERS", "produced_codes")

ROOT = Path(__file__).resolve().parents[1]
PRODUCERS = ("simatic_xml", "engineering_api", "fakes", "openness_bridge")
"""The packages whose source is read."""
_CODE = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$|^[A-Z]{4,}$")
_REPORTERS = frozenset({"err", "err_line", "note", "found", "finding"})
_RULE_DECLARATIONS = frozenset({"StyleRule"})
_MAY_PRODUCE = re.compile(r"Diagnostic|StyleRule|\b(?:" + "|".join(sorted(_REPORTERS)) + r")(?:\s|\\|#[^\n]*)*\(")
"""Text every producing file has: a name ending in ``Diagnostic``, or a reporter's name then its call's ``(``
(with only what Python allows between them: blanks, line breaks, continuations, comments). Only such files (and
the exceptions module) are parsed: a small share of the source tree."""
_EXCEPTIONS_MODULE = "simatic_xml/errors.py"


def _literals(node: ast.AST | None) -> Iterator[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and _CODE.match(node.value):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _literals(node.body)
        yield from _literals(node.orelse)
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            yield from _literals(value)


def _call_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _is_diagnostic(name: str) -> bool:
    return name.endswith("Diagnostic") or name == "DiagnosticInfo"


def _codes_in(tree: ast.AST, *, exceptions_module: bool) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _call_name(node)
            if _is_diagnostic(name):
                for keyword in node.keywords:
                    if keyword.arg == "code":
                        yield from _literals(keyword.value)
                if len(node.args) >= 7:
                    yield from _literals(node.args[6])
            elif name in _REPORTERS:
                for arg in node.args:
                    yield from _literals(arg)
            elif name in _RULE_DECLARATIONS:
                yield from _literals(node.args[0] if node.args else None)
                for keyword in node.keywords:
                    if keyword.arg == "code":
                        yield from _literals(keyword.value)
        elif exceptions_module and isinstance(node, ast.ClassDef):
            for statement in node.body:
                if isinstance(statement, ast.Assign) and any(
                        isinstance(target, ast.Name) and target.id == "code" for target in statement.targets):
                    yield from _literals(statement.value)
        elif isinstance(node, ast.FunctionDef) and _builds_diagnostics(node):
            arguments = node.args
            positional = arguments.posonlyargs + arguments.args
            for parameter, default in zip(positional[len(positional) - len(arguments.defaults):], arguments.defaults):
                if parameter.arg == "code":
                    yield from _literals(default)
            for kw_parameter, kw_default in zip(arguments.kwonlyargs, arguments.kw_defaults):
                if kw_parameter.arg == "code":
                    yield from _literals(kw_default)
            for inner in ast.walk(node):
                if isinstance(inner, ast.Call) and _is_diagnostic(_call_name(inner)):
                    for keyword in inner.keywords:
                        if keyword.arg == "code" and isinstance(keyword.value, ast.BoolOp):
                            yield from _literals(keyword.value)
                elif isinstance(inner, ast.For):
                    for element in ast.walk(inner.iter):
                        yield from _literals(element)


def _builds_diagnostics(function: ast.FunctionDef) -> bool:
    return any(isinstance(call, ast.Call) and (_is_diagnostic(_call_name(call)) or _call_name(call) in _REPORTERS)
               for call in ast.walk(function))


@functools.cache
def produced_codes(packages: Iterable[str] = PRODUCERS) -> dict[str, set[str]]:
    """Every code the packages' source can put into a diagnostic, with the files that do (read once per run)."""
    found: dict[str, set[str]] = {}
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            text = path.read_text(encoding="utf-8")
            if relative != _EXCEPTIONS_MODULE and not _MAY_PRODUCE.search(text):
                continue
            tree = ast.parse(text, filename=relative)
            for code in _codes_in(tree, exceptions_module=relative == _EXCEPTIONS_MODULE):
                found.setdefault(code, set()).add(relative)
    return found
