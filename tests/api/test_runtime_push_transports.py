"""The steps of ``docs/add-a-push-transport.md``, each named by a test: a transport (or a pull source kind) is a
class over the family's base, registered in the family's one table, which saving and delivering read and nothing
else replaces with a decision by URL scheme, and which ``docs/runtime-api.md`` lists row by row."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from engineering_api.runtime import pulls, pushes
from engineering_api.runtime.pulls.source_kind import PullSourceKind
from engineering_api.runtime.pulls.source_kinds import SOURCE_KINDS
from engineering_api.runtime.pushes.outbox import Outbox
from engineering_api.runtime.pushes.transport import Attempt, PushTransport
from engineering_api.runtime.pushes.transports import TRANSPORTS
from tests.conftest import data
from tools.bounds import until

if TYPE_CHECKING:
    from collections.abc import Mapping
    from types import ModuleType

    from litestar import Litestar
    from litestar.testing import TestClient

    from engineering_api.runtime.pushes.definitions import PushTarget, StoredPush

RUNTIME_API_PAGE = Path(__file__).resolve().parents[2] / "docs" / "runtime-api.md"
PUSHES = "/api/runtime/pushes"
FAMILIES: tuple[tuple[ModuleType, type[Any], Mapping[str, Any], str], ...] = (
    (pushes, PushTransport, TRANSPORTS, "TRANSPORTS in pushes/transports.py"),
    (pulls, PullSourceKind, SOURCE_KINDS, "SOURCE_KINDS in pulls/source_kinds.py"),
)


def _modules(package: ModuleType) -> list[ModuleType]:
    return [importlib.import_module(f"{package.__name__}.{info.name}")
            for info in pkgutil.iter_modules(package.__path__)]


def _kind_classes(package: ModuleType, base: type[Any]) -> set[type[Any]]:
    """The concrete subclasses of ``base`` that the package's modules define."""
    return {member for module in _modules(package) for _, member in inspect.getmembers(module, inspect.isclass)
            if issubclass(member, base) and not inspect.isabstract(member) and member.__module__ == module.__name__}


@pytest.mark.parametrize(("package", "base", "table", "where"), FAMILIES, ids=["pushes", "pulls"])
def test_a_transport_class_is_registered(package: ModuleType, base: type[Any], table: Mapping[str, Any],
                                         where: str) -> None:
    registered = {type(kind) for kind in table.values()}
    unregistered = sorted(c.__qualname__ for c in _kind_classes(package, base) - registered)
    assert not unregistered, f"step 2 of docs/add-a-push-transport.md: register {unregistered} in {where}"
    served = [scheme for kind in {id(k): k for k in table.values()}.values() for scheme in kind.schemes]
    shared = sorted({s for s in served if served.count(s) > 1})
    assert not shared, f"step 1: each scheme has one transport, {shared} has more (the table keeps only the last)"
    assert all(scheme == scheme.lower() for scheme in table), "step 1: schemes are lower case"


def _scheme_literals(module: ModuleType, schemes: set[str]) -> list[str]:
    """Where a module's code (docstrings aside) spells one of ``schemes`` as a string: a decision by scheme."""
    tree = ast.parse(inspect.getsource(module))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
                  and node.body and isinstance(node.body[0], ast.Expr)}
    return [f"{module.__name__}:{node.lineno} {node.value!r}" for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
            and (node.value.lower() in schemes or re.match(r"^[a-z]+://", node.value.lower()) is not None
                 and node.value.lower().split("://")[0] in schemes)]


@pytest.mark.parametrize(("package", "base", "table", "where"), FAMILIES, ids=["pushes", "pulls"])
def test_no_module_of_pushes_decides_by_scheme(package: ModuleType, base: type[Any], table: Mapping[str, Any],
                                               where: str) -> None:
    """Only a transport's own module names its schemes: the outbox, the definitions and the calls read the table."""
    kind_modules = {c.__module__ for c in _kind_classes(package, base)}
    found = [hit for module in _modules(package) if module.__name__ not in kind_modules
             for hit in _scheme_literals(module, set(table))]
    assert not found, f"step 2 of docs/add-a-push-transport.md: decide by {where}, not by scheme here: {found}"


def _rows(page: str) -> dict[str, str]:
    return {m.group(1): m.group(0) for m in re.finditer(r"^\| `([a-z0-9-]+)` \|.*$", page, re.MULTILINE)}


@pytest.mark.parametrize(("package", "base", "table", "where"), FAMILIES, ids=["pushes", "pulls"])
def test_every_transport_has_its_docs_row(package: ModuleType, base: type[Any], table: Mapping[str, Any],
                                          where: str) -> None:
    rows = _rows(RUNTIME_API_PAGE.read_text(encoding="utf-8"))
    folder = package.__name__.rsplit(".", 1)[1]
    for kind in {id(k): k for k in table.values()}.values():
        schemes = ", ".join(f"`{s}`" for s in kind.schemes)
        module = f"`{folder}/{type(kind).__module__.rsplit('.', 1)[1]}.py`"
        expected = f"| `{kind.name}` | {schemes} | {module} |"
        assert rows.get(kind.name, "").startswith(expected), (
            f"step 3 of docs/add-a-push-transport.md: docs/runtime-api.md needs the row {expected} ...")


def test_saving_and_delivery_go_to_the_tables_transport(
    client: TestClient[Litestar], admin_headers: dict[str, str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """For every scheme in the table: saving a target checks it with that scheme's transport, and a period of that
    push is delivered by it (and recorded as its attempt says)."""
    checked: list[str] = []
    delivered: list[tuple[str, str]] = []

    def recorded(transport: PushTransport) -> None:
        def check(target: PushTarget) -> None:
            checked.append(f"{transport.name} {target.url}")

        def deliver(push: StoredPush, payload: str, period_end_ms: int) -> Attempt:
            delivered.append((f"{transport.name} {push.view.target.url}", payload))
            return Attempt(True, False, None, "DELIVER", 200)

        monkeypatch.setattr(transport, "check", check)
        monkeypatch.setattr(transport, "deliver", deliver)

    for transport in {id(t): t for t in TRANSPORTS.values()}.values():
        recorded(transport)
    # the payload as rendered: rendering is the templates' tests', this one follows the dispatch
    monkeypatch.setattr(Outbox, "_render", lambda *_args, **_kwargs: '{"rendered": true}')
    for scheme, transport in TRANSPORTS.items():
        url = f"{scheme}://127.0.0.1:9/kinds/{scheme}"
        body = {"name": f"Kind {scheme}", "schedule": {"cron": "0 * * * *"}, "format": "json", "template": "{}",
                "target": {"url": url}}
        push_id = data(client.post(PUSHES, json=body, headers=admin_headers), 201)["pushId"]
        assert f"{transport.name} {url}" in checked, (
            f"step 2 of docs/add-a-push-transport.md: saving a {scheme}:// target did not check it with "
            f"{transport.name}")
        data(client.post(f"{PUSHES}/{push_id}/deliveries/resend", json={"periodEnd": "2026-01-05T13:00:00Z"},
                         headers=admin_headers), 202)
        deliveries = f"{PUSHES}/{push_id}/deliveries"
        [outcome] = until(lambda: [d for d in data(client.get(deliveries, headers=admin_headers))
                                   if d["status"] != "pending"], f"the {scheme}:// delivery's outcome")
        assert (f"{transport.name} {url}", '{"rendered": true}') in delivered, (
            f"step 2 of docs/add-a-push-transport.md: a {scheme}:// period did not go to {transport.name}")
        assert (outcome["status"], outcome["responseCode"]) == ("delivered", None)


def test_the_how_to_names_these_tests() -> None:
    """Each step of the how-to names the test that fails without it; a renamed test renames it there."""
    named = set(re.findall(r"`(test_[a-z_]+)`", (RUNTIME_API_PAGE.parent / "add-a-push-transport.md").read_text(
        encoding="utf-8")))
    here = {name for name in globals() if name.startswith("test_")}
    assert named and named <= here, f"docs/add-a-push-transport.md names tests that are not here: {named - here}"
    assert here - named == {"test_the_how_to_names_these_tests"}, f"a step's test the how-to leaves out: {here - named}"
