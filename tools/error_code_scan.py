"""Every API error code the product's source raises, read from its syntax tree.

An API error code is the ``code`` of a problem response (``engineering_api.lib.responses``) and of the domain
error behind it. The source names one in these ways, and the scan reads each:

- ``SomeError(..., code="X")`` where ``SomeError`` is :class:`~engineering_api.backend.errors.EngineeringError` or
  a subclass (the product's own subclasses are found by their ``class`` lines);
- ``default_code = "X"`` in the body of such a class; ``code=TABLE[key]`` (each value of a module's dict
  ``TABLE``); ``(SomeError, "X")`` pairs (tables that map a foreign error to ours);
- ``helper(..., "X")`` where ``helper`` passes that parameter on as ``code=`` to such a class (``refusal``,
  ``table_not_found``...; the error class may be a parameter too, the call naming it), and the parameter's
  default;
- ``error_body(status, "X", ...)``, ``error_response(status, "X", ...)`` and ``send_problem(send, status, "X", ...)``;
- ``code="X"`` given to any other call: a record that carries a code to a client outside a problem response
  (``JobError(code="X", status=...)``, an MCP tool's ``ToolOutcome``, one HMI tag's ``ValueProblem``, a tag's
  ``TagWarning``), with the status its ``status=`` names; only a diagnostic's (``Diagnostic(code=...)``) is left
  to its own registry (``tools.diagnostic_code_scan``);
- a function that passes one of its parameters on as such a ``code=`` (``_failed(tag, "X", ...)``), called with a
  literal there;
- a registry constant, ``codes.X`` (:mod:`engineering_api.errors.codes`, the form raise sites use), read through
  the registry itself: a name it lacks is reported as ``codes.X``; and the fallback of ``exc.code or "X"``;
- ``ClientException(..., extra={"code": "X"})``, ``_bad_request("X", ...)`` (400) and any other ``{"code": "X"}``
  literal (MCP error data);
- ``FieldError(column, "X", ...)``, ``Refusal(status, "X", ...)``, ``ItemError("X", ..., status)``,
  ``failed_reading(tag, "X", ..., status)``, a keyword ``something_code="X"``, ``code = "X" if ... else "Y"`` and
  ``("ForeignName", "X", status)`` triples (a client library's error mapped to ours);
- module constants ``SOMETHING_CODE = "X"`` and the values of ``_HTTP_CODES`` (the codes of plain HTTP errors).

A code built at run time (``code=f"..."``, ``code=variable``) cannot be read here; the runtime guard of
``engineering_api.errors.registry`` names those in tests. ``python -m tools.error_code_scan`` prints the codes
the source raises that :data:`engineering_api.errors.registry.ERROR_CODES` does not declare (exit 1 if any);
``--stub`` prints a first declaration for each (:func:`stub`) to review and paste into its area's module of
``engineering_api/errors/codes/``.
"""

from __future__ import annotations

import ast
import functools
import re
import sys
import textwrap
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from engineering_api.errors.entry import ErrorCode

__all__ = ("PACKAGES", "ROOT", "RaisedCode", "codes_in", "entry_line", "main", "missing_codes", "raised_codes",
           "sources", "stub")

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("engineering_api", "fakes", "openness_bridge", "simatic_xml")
_CODE = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$")
_POSITIONAL = {"FieldError": (1, None), "Refusal": (1, 0), "ItemError": (0, 2), "failed_reading": (1, 3)}
"""Records that carry a code positionally -> (the code's position, the status's position or None): a tag field's
breach (422 once raised), a runtime refusal, one item's failure in a runtime bulk call (the whole answer's code
when the call names one item)."""
_OTHER_REGISTRY_SUFFIXES = ("Diagnostic", "DiagnosticInfo")
"""Calls whose ``code=`` is a diagnostic code, not an API error code (see :func:`_carries_code`)."""


@dataclass(frozen=True, slots=True)
class RaisedCode:
    """One place a code is raised: the code, ``file:line``, and the status it answers with when the scan can tell
    (None: a domain error class outside the mapped tree, or a status not written as a number)."""

    code: str
    where: str
    status: int | None
    raiser: str
    message: str = ""
    """The message raised with it, placeholders shown as ``…`` (empty when not written at the raise)."""
    literal: bool = False
    """Written as a string (``code="X"``, or a module constant holding one) rather than a registry constant
    (``codes.X``)."""


_DECLARATIONS = "engineering_api/errors/"
"""The registry itself: it declares codes, it raises none (its modules are not read)."""
_GROUND_FLOOR_CODE = re.compile(r"^\s+code = [\"']", re.MULTILINE)
"""The only thing the ground floor's modules are read for (:func:`_ground_floor_codes`): the rest are not parsed."""


def _read(path: str, text: str) -> bool:
    return not path.startswith(_DECLARATIONS) and (
        not path.startswith("simatic_xml/") or _GROUND_FLOOR_CODE.search(text) is not None)


@functools.cache
def sources() -> tuple[tuple[str, ast.Module], ...]:
    """The product's modules that can send a code, parsed: (path from the repository's root, syntax tree)."""
    texts = ((str(path.relative_to(ROOT)), path.read_text(encoding="utf-8"))
             for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py")))
    return tuple((path, ast.parse(text)) for path, text in texts if _read(path, text))


@functools.cache
def _nodes(module: ast.Module) -> tuple[ast.AST, ...]:
    """Every node of ``module``, walked once for the several readings of it."""
    return tuple(ast.walk(module))


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _error_classes(modules: Sequence[tuple[str, ast.Module]]) -> dict[str, str]:
    """Each EngineeringError subclass of the product -> the class of ``engineering_api.backend.errors`` it
    derives from (by name, across modules; names are unique enough in this tree, and the test checks the count)."""
    from engineering_api.backend import errors

    known = {name: name for name in dir(errors)
             if isinstance(getattr(errors, name), type) and issubclass(getattr(errors, name), errors.EngineeringError)}
    parents: dict[str, str] = {}
    for _, module in modules:
        for node in _nodes(module):
            if isinstance(node, ast.ClassDef) and node.bases:
                parents.setdefault(node.name, _name(node.bases[0]))
    changed = True
    while changed:
        changed = False
        for name, parent in parents.items():
            if name not in known and parent in known:
                known[name] = known[parent]
                changed = True
    return known


def _status_of_callee(callee: str, classes: dict[str, str]) -> int | None:
    """The status a call of ``callee`` answers with: an error class's; None for a record (its status, if any, is
    the answer's)."""
    return _status_of(classes[callee]) if callee in classes else None


def _status_of(error_class: str) -> int | None:
    from engineering_api.backend import errors
    from engineering_api.lib.responses import status_for

    cls = getattr(errors, error_class, None)
    return status_for(cls("")) if isinstance(cls, type) else None


@functools.cache
def registry_constants() -> dict[str, str]:
    """The registry's importable constants (``codes.NOT_ACCESSIBLE``, :mod:`engineering_api.errors.codes`) -> their
    code: the scan reads a raise site's ``codes.X`` through the registry itself."""
    from engineering_api.errors import codes

    return {name: value for name, value in vars(codes).items() if name.isupper() and isinstance(value, str)}


def _text(node: ast.expr | None, constants: Mapping[str, str]) -> str | None:
    """The code ``node`` names: a literal, a module constant, a registry constant (``codes.X``; a name the registry
    lacks reads as ``codes.X`` itself, which no registry declares), or the fallback of ``exc.code or "X"``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    if isinstance(node, ast.Attribute) and _name(node.value) == "codes":
        return registry_constants().get(node.attr, f"codes.{node.attr}")
    if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
        return next((text for value in node.values if (text := _text(value, constants)) is not None), None)
    return None


def _literal(written: ast.expr | None, literal_names: set[str]) -> bool:
    """Whether a code is written as a string: a literal, a module constant holding one, or a literal fallback."""
    if isinstance(written, ast.BoolOp):
        return any(_literal(value, literal_names) for value in written.values)
    return isinstance(written, ast.Constant) or (isinstance(written, ast.Name) and written.id in literal_names)


def _message(node: ast.expr | None) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(str(v.value) if isinstance(v, ast.Constant) else "…" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _message(node.left) + _message(node.right)
    return ""


def _number(node: ast.expr | None) -> int | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, int) else None


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _dict_code(node: ast.expr | None) -> ast.expr | None:
    if isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values, strict=True):
            if isinstance(key, ast.Constant) and key.value == "code":
                return value
    return None


def _carries_code(callee: str) -> bool:
    """Whether a call's ``code=`` goes to a client as an API error code: every call but a diagnostic's (its codes
    are another registry's, :mod:`simatic_xml.diagnostic_codes`, read by ``tools.diagnostic_code_scan``)."""
    return bool(callee) and not callee.endswith(_OTHER_REGISTRY_SUFFIXES)


def _forwarders(modules: Sequence[tuple[str, ast.Module]]) -> dict[str, tuple[int, str, str]]:
    """Functions that pass one of their parameters on as the ``code=`` of a call that carries a code (an error
    class, a record sent to a client) -> (the parameter's position, its name, the callee): ``refusal(code,
    message)``, ``table_not_found``, the HMI values' ``_failed(tag, code, message)``... A call of one with a
    literal code raises that code; so does the parameter's default."""
    found: dict[str, tuple[int, str, str]] = {}
    for _, module in modules:
        if not any(isinstance(node, ast.keyword) and node.arg == "code" and isinstance(node.value, ast.Name)
                   for node in _nodes(module)):
            continue  # no code=<a name> anywhere: no function of this module passes a parameter on
        for node in _nodes(module):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or node.name.startswith("__"):
                continue
            params = [a.arg for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs)]
            for call in ast.walk(node):
                if isinstance(call, ast.Call) and _carries_code(_name(call.func)):
                    value = _keyword(call, "code")
                    if isinstance(value, ast.Name) and value.id in params:
                        found.setdefault(node.name, (params.index(value.id) - (params[0] in ("self", "cls")),
                                                     value.id, _name(call.func)))
    return found


def _parameter_default(module: ast.Module, function: str, parameter: str) -> ast.expr | None:
    for node in _nodes(module):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == function:
            positional = [*node.args.posonlyargs, *node.args.args]
            defaults = dict(zip([a.arg for a in positional][len(positional) - len(node.args.defaults):],
                                node.args.defaults, strict=True))
            defaults |= {a.arg: d for a, d in zip(node.args.kwonlyargs, node.args.kw_defaults, strict=True) if d}
            return defaults.get(parameter)
    return None


def _scan_module(path: str, module: ast.Module, classes: dict[str, str],
                 forwarders: dict[str, tuple[int, str, str]] | None = None) -> list[RaisedCode]:
    constants = {target.id: text for node in module.body if isinstance(node, ast.Assign)
                 and isinstance(node.value, ast.Constant | ast.Attribute) and (text := _text(node.value, {}))
                 for target in node.targets if isinstance(target, ast.Name)}
    tables = {target.id: node.value for node in module.body if isinstance(node, ast.Assign)
              and isinstance(node.value, ast.Dict) for target in node.targets if isinstance(target, ast.Name)}
    forwarders = forwarders or {}
    found: list[RaisedCode] = []

    literal_names = {target.id for node in module.body if isinstance(node, ast.Assign)
                     and isinstance(node.value, ast.Constant)
                     for target in node.targets if isinstance(target, ast.Name)}

    def add(written: ast.expr | None, node: ast.AST, status: int | None, raiser: str) -> None:
        """Note the code ``written`` names, raised at ``node``."""
        code = _text(written, constants)
        if code is not None and (_CODE.match(code) or code.startswith("codes.")):
            said = ""
            if isinstance(node, ast.Call):
                said = _message(node.args[0] if callee in classes and node.args else _keyword(node, "detail"))
                if callee in ("error_body", "error_response", "send_problem"):
                    said = _message(node.args[3 if callee == "send_problem" else 2]) if len(node.args) > (
                        3 if callee == "send_problem" else 2) else ""
                elif callee == "_bad_request" and len(node.args) > 1:
                    said = _message(node.args[1])
                elif not said:  # a record sent to a client: a failed job's error, an MCP tool's error result
                    said = _message(_keyword(node, "message") or _keyword(node, "text") or _keyword(node, "summary"))
            found.append(RaisedCode(code, f"{path}:{getattr(node, 'lineno', 0)}", status, raiser, said,
                                    _literal(written, literal_names)))

    for node in _nodes(module):
        callee = _name(node.func) if isinstance(node, ast.Call) else ""
        if isinstance(node, ast.ClassDef) and node.name in classes:
            for statement in node.body:
                if (isinstance(statement, ast.Assign) and any(_name(t) == "default_code" for t in statement.targets)):
                    add(statement.value, statement, _status_of(classes[node.name]), node.name)
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            target = node.targets[0].id
            if target == "code" and isinstance(node.value, ast.IfExp):  # code = "A" if ... else "B"
                for branch in (node.value.body, node.value.orelse):
                    add(branch, node, None, "code")
            elif target == "code":  # code = "A", raised below
                add(node.value, node, None, "code")
            elif target.endswith("_CODE") and target != "_CODE":
                add(node.value, node, None, target)
            elif target == "_HTTP_CODES" and isinstance(node.value, ast.Dict):
                for key, value in zip(node.value.keys, node.value.values, strict=True):
                    add(value, value, _number(key), "HTTPException")
        elif isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg and keyword.arg.endswith("_code"):  # not_found_code="PUSH_NOT_FOUND"
                    add(keyword.value, node, None, callee)
            if callee in classes:
                code = _keyword(node, "code")
                if isinstance(code, ast.Subscript) and isinstance(code.value, ast.Name) and code.value.id in tables:
                    for value in tables[code.value.id].values:  # code=_NOT_FOUND[kind]: each value of the table
                        add(value, node, _status_of(classes[callee]), callee)
                add(code, node, _status_of(classes[callee]), callee)
            elif callee == "Meaning" and len(node.args) >= 2 and _name(node.args[0]) in classes:
                # the bridge's meanings of Openness exception subclasses: (error class, code, next step)
                add(node.args[1], node, _status_of(classes[_name(node.args[0])]), callee)
            elif callee in _POSITIONAL:
                at, status_at = _POSITIONAL[callee]
                status = _number(node.args[status_at]) if status_at is not None and len(node.args) > status_at else None
                add(node.args[at] if len(node.args) > at else None, node, status or 422
                    if callee == "FieldError" else status, callee)
            elif callee in ("error_body", "error_response") and len(node.args) >= 2:
                add(node.args[1], node, _number(node.args[0]), callee)
            elif callee == "send_problem" and len(node.args) >= 3:
                add(node.args[2], node, _number(node.args[1]), callee)
            elif callee == "_bad_request" and node.args:
                add(node.args[0], node, 400, callee)
            elif callee == "ClientException":
                status = _number(_keyword(node, "status_code")) or 400
                add(_dict_code(_keyword(node, "extra")), node, status, callee)
            elif callee in forwarders:
                index, parameter, receiver = forwarders[callee]
                bound = _keyword(node, parameter) or (node.args[index] if 0 <= index < len(node.args) else None)
                # the receiver may be a parameter too (``refusal(code, message, ConflictError)``): then the error
                # class the call passes says the status
                passed = [_name(arg) for arg in (*node.args, *(k.value for k in node.keywords))]
                status = _status_of_callee(receiver, classes) or next(
                    (_status_of(classes[name]) for name in passed if name in classes), None)
                add(bound, node, status, callee)
            elif _carries_code(callee) and _keyword(node, "code") is not None:
                # any other record that takes a code=: a failed job's error, an MCP tool's result, an item's problem
                add(_keyword(node, "code"), node, _number(_keyword(node, "status")), callee)
        elif isinstance(node, ast.Tuple) and len(node.elts) == 3 and _number(node.elts[2]) is not None and (
                isinstance(node.elts[0], ast.Constant) and isinstance(node.elts[0].value, str)):
            add(node.elts[1], node, _number(node.elts[2]), "table")  # (foreign name, code, status)
        elif isinstance(node, ast.Tuple) and len(node.elts) == 2 and _name(node.elts[0]) in classes:
            add(node.elts[1], node, _status_of(classes[_name(node.elts[0])]), _name(node.elts[0]))
        elif isinstance(node, ast.FunctionDef) and node.name in forwarders:
            index, parameter, receiver = forwarders[node.name]
            add(_parameter_default(module, node.name, parameter), node,
                _status_of_callee(receiver, classes), node.name)
        elif isinstance(node, ast.Dict):
            add(_dict_code(node) if _dict_code(node) is not None
                and not isinstance(_dict_code(node), ast.Name) else None, node, None, "data")
    return found


def _ground_floor_codes(path: str, module: ast.Module) -> list[RaisedCode]:
    """The ground floor raises no API errors, but the class-level ``code = "X"`` of its exceptions
    (``BlockTooLargeError``) goes out as the code of the domain error the layers above raise for them."""
    found = []
    for node in _nodes(module):
        if isinstance(node, ast.ClassDef) and node.name.endswith("Error"):
            for statement in node.body:
                if (isinstance(statement, ast.Assign) and [_name(t) for t in statement.targets] == ["code"]
                        and isinstance(statement.value, ast.Constant) and isinstance(statement.value.value, str)
                        and _CODE.match(statement.value.value)):
                    found.append(RaisedCode(statement.value.value, f"{path}:{statement.lineno}", None, node.name))
    return found


@functools.cache
def raised_codes() -> dict[str, tuple[RaisedCode, ...]]:
    """Every code the product's source raises -> the places, in file order."""
    return codes_in(sources())


def codes_in(modules: Sequence[tuple[str, ast.Module]]) -> dict[str, tuple[RaisedCode, ...]]:
    """Every code ``modules`` (as :func:`sources` gives them) raise -> the places, in file order."""
    classes = _error_classes(modules)
    forwarders = _forwarders(modules)
    by_code: dict[str, list[RaisedCode]] = defaultdict(list)
    for path, module in modules:
        seen: set[tuple[str, str]] = set()
        for raised in (_ground_floor_codes(path, module) if path.startswith("simatic_xml/")
                       else _scan_module(path, module, classes, forwarders)):
            if (raised.code, raised.where) not in seen:
                seen.add((raised.code, raised.where))
                by_code[raised.code].append(raised)
    return {code: tuple(places) for code, places in sorted(by_code.items())}


def missing_codes(raised: Mapping[str, tuple[RaisedCode, ...]] | None = None) -> dict[str, tuple[RaisedCode, ...]]:
    """The codes the source raises (or ``raised``, from :func:`codes_in`) that the registry does not declare, with
    where."""
    from engineering_api.errors.registry import is_declared

    found = raised_codes() if raised is None else raised
    return {code: places for code, places in found.items() if not is_declared(code)}


def _title(code: str) -> str:
    words = code.lower().split("_")
    return " ".join([words[0].capitalize(), *words[1:]])


def stub(code: str, places: tuple[RaisedCode, ...]) -> str:
    """A first declaration for ``code``, from where it is raised: its most frequent status (the others as
    ``also``), a title from its name and its first raise's message as the meaning. Review both before committing:
    the meaning must say what the code means to a client, not one occurrence."""
    counted: dict[int, int] = {}
    for place in places:
        if place.status is not None:
            counted[place.status] = counted.get(place.status, 0) + 1
    statuses = sorted(counted, key=lambda s: (-counted[s], s)) or [0]
    said = max((p.message for p in places), key=lambda m: len(m.replace("…", "").strip()), default="")
    meaning = " ".join(said.split())
    meaning = meaning[:1].upper() + meaning[1:] if meaning else f"Raised at {places[0].where}."
    from engineering_api.errors.entry import ErrorCode

    return entry_line(ErrorCode(code, statuses[0], _title(code), meaning, tuple(sorted(statuses[1:]))))


def entry_line(entry: ErrorCode) -> str:
    """``entry`` as its declaration in an area module of ``engineering_api/errors/codes/`` (a line, or lines wrapped
    at 120 characters)."""
    also = f", also={entry.also!r}" if entry.also else ""
    head = f"{entry.code}: Final = declare({entry.code!r}, {entry.status}, {entry.title!r},"
    line = f"{head} {entry.meaning!r}{also})"
    if len(line) <= 120:
        return line
    if len(head) > 120:
        head = f"{entry.code}: Final = declare(\n    {entry.code!r}, {entry.status}, {entry.title!r},"
    pieces = textwrap.wrap(entry.meaning, 100, drop_whitespace=False) or [""]
    return "\n".join([head, *(f"    {piece!r}" for piece in pieces[:-1]), f"    {pieces[-1]!r}{also})"])


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    missing = missing_codes() if "--all" not in args else raised_codes()
    for code, places in missing.items():
        if "--stub" in args or "--all" in args:
            print(stub(code, places))
            continue
        statuses = sorted({p.status for p in places if p.status is not None})
        print(f"{code}\t{'/'.join(map(str, statuses)) or '?'}\t{places[0].where}\t{places[0].raiser}")
    if missing and "--all" not in args:
        print(f"{len(missing)} codes raised but not declared in engineering_api/errors/codes/", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
