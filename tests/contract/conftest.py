"""The one parametrised fixture that runs every contract test over every backend adapter.

Adapters: ``fake`` (the in-process TIA model) and ``bridge`` (the Openness bridge over the C# stand-in,
loaded with Mono). The bridge is delivered in slices, so only the contract tests of what it implements run
against it; the rest are skipped for the bridge with one stated reason (see ``BRIDGE_CONTRACT_TESTS``).
Article numbers used across the files live here as well.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from engineering_api.backend.port import EngineeringBackend

CPU = "6ES7 516-3AN02-0AB0"
IM = "6ES7 155-6AU01-0BN0"
HMI = "6AV2 124-0GC01-0AX0"
DI = "6ES7 521-1BH00-0AB0"
UNKNOWN_ARTICLE = "6ES7 999-9ZZ99-0AB0"


def _fake(state_dir: Path) -> EngineeringBackend:
    from fakes.backend import FakeBackend

    return FakeBackend(state_dir)


def _bridge(state_dir: Path) -> EngineeringBackend:
    """The Openness bridge over the stand-in; skips (fails in CI) when Mono or pythonnet is missing."""
    from openness_bridge.standin import missing_prerequisites, standin_backend

    missing = missing_prerequisites()
    if missing:
        reason = "bridge tests need Mono and pythonnet; missing: " + "; ".join(missing)
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason} (CI must run the bridge tests; .ci/run installs Mono through 'make test')")
        pytest.skip(reason)
    return standin_backend(state_dir)


def _openness(state_dir: Path) -> EngineeringBackend:
    """The Openness bridge over the real TIA Portal installed here (``--backend openness``, Windows only)."""
    from engineering_api.config import Settings
    from openness_bridge import BridgeUnavailableError, create_openness_backend

    try:
        return create_openness_backend(Settings(data_dir=state_dir))
    except BridgeUnavailableError as exc:
        pytest.fail(f"--backend openness needs a real TIA Portal on Windows: {exc}")


ADAPTERS: dict[str, Callable[[Path], EngineeringBackend]] = {"fake": _fake, "bridge": _bridge, "openness": _openness}
"""Adapter name → factory taking a state directory. ``--backend`` picks which run (default fake and bridge)."""

_BRIDGE_ADAPTERS = frozenset({"bridge", "openness"})
"""Adapters that run the bridge's code, so the bridge's skips apply to them."""

BRIDGE_CONTRACT_TESTS = frozenset({
    "test_no_project_open_is_a_conflict",
    "test_installed_versions",
    "test_diagnostics_and_status_never_raise_without_a_portal",
    "test_launch_attach_detach_shutdown",
    "test_attach_unknown_pid_is_not_found",
    "test_launch_unknown_version_is_a_validation_error",
    "test_shutdown_closes_the_project_without_saving",
    "test_create_open_save_close",
    "test_create_with_a_bad_name_is_a_validation_error",
    "test_create_existing_folder_already_exists",
    "test_create_while_a_project_is_open_conflicts",
    "test_open_errors",
    "test_a_project_open_in_another_portal_is_locked",
    "test_long_non_ascii_names_are_saved_or_refused_cleanly",
    "test_a_copied_and_renamed_project_file_is_that_project",
    "test_add_get_list",
    # second slice: compile (the stand-in does not compile, so only the tests that need no compiler verdict)
    "test_compile_errors",
    "test_compile_needs_a_portal_and_a_project",
    # PLC software documents (blocks and PLC data types; the stand-in keeps the SimaticML bytes)
    "test_import_list_and_export_program_objects",
    "test_program_objects_survive_save_and_reopen",
    "test_unsaved_program_changes_are_discarded_on_close",
    "test_existing_name_needs_overwrite",
    "test_block_number_used_once_per_block_type",
    "test_instance_db_needs_its_fb",
    "test_newer_documents_and_garbage_are_refused",
    "test_a_failed_batch_imports_nothing_and_reports_per_file",
    "test_only_plcs_have_software",
})
"""Contract tests the bridge's slices (portals, projects, devices list/add; compile; block/UDT documents) pass.

Everything else in ``tests/contract`` touches a method in ``openness_bridge.pending`` and is skipped for the
bridge. Grow this set as the bridge grows; the fake always runs everything."""

BRIDGE_SKIP_REASON = (
    "not in the Openness bridge's slices so far (portals, projects, devices list/add, compile, block/UDT "
    "documents); "
    "see openness_bridge/pending.py and tests/contract/conftest.py BRIDGE_CONTRACT_TESTS"
)


def _pending_bridge_methods() -> frozenset[str]:
    from openness_bridge.backend import OpennessBackend

    return frozenset(OpennessBackend.__mro__[1].NAMES)


_PORT_METHODS = frozenset(EngineeringBackend.__abstractmethods__)


def _bridge_skip_reason(item: pytest.Item, pending_methods: frozenset[str]) -> str | None:
    """Why ``item`` does not run for the bridge, or None when it does.

    A test parametrised by a port method's ``name`` skips while that method is pending. A module that defines
    ``BRIDGE_PENDING`` (test name -> reason) runs every other test on the bridge; the others run only when
    listed in ``BRIDGE_CONTRACT_TESTS``.
    """
    name = getattr(item, "originalname", item.name)
    method = item.callspec.params.get("name")  # type: ignore[attr-defined]
    by_method = method in _PORT_METHODS
    if by_method and method in pending_methods:
        return f"'{method}' is not implemented by the Openness bridge yet (openness_bridge/pending.py)"
    pending = getattr(item.module, "BRIDGE_PENDING", None)
    if pending is not None:
        return pending.get(name)
    return None if name in BRIDGE_CONTRACT_TESTS or by_method else BRIDGE_SKIP_REASON


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip, for the bridge only, the contract tests of what it does not implement yet, with the reason."""
    here = Path(__file__).parent
    pending_methods: frozenset[str] | None = None
    for item in items:
        if not item.path.is_relative_to(here):
            continue
        callspec = getattr(item, "callspec", None)
        if callspec is None or callspec.params.get("backend") not in _BRIDGE_ADAPTERS:
            continue
        if pending_methods is None:
            pending_methods = _pending_bridge_methods()
        reason = _bridge_skip_reason(item, pending_methods)
        if reason is not None:
            item.add_marker(pytest.mark.skip(reason=reason))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrise ``backend`` over the adapters ``--backend`` names."""
    if "backend" in metafunc.fixturenames:
        chosen = [name.strip() for name in metafunc.config.getoption("--backend").split(",") if name.strip()]
        unknown = sorted(set(chosen) - set(ADAPTERS))
        if unknown:
            raise pytest.UsageError(f"--backend: unknown adapter(s) {', '.join(unknown)}; known: {', '.join(ADAPTERS)}")
        metafunc.parametrize("backend", chosen, indirect=True, ids=chosen)


@pytest.fixture
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[EngineeringBackend]:
    """A fresh adapter, set up as on the worker thread, closed afterwards."""
    adapter = ADAPTERS[request.param](tmp_path / "state")
    adapter.on_worker_thread_started()
    try:
        yield adapter
    finally:
        if request.param == "openness":
            _shut_down_what_the_test_launched(adapter)
        adapter.close()


def _shut_down_what_the_test_launched(adapter: EngineeringBackend) -> None:
    """On a real TIA Portal, end the portal a test launched (its project closes unsaved), best effort."""
    try:
        if adapter.session_status().connected and adapter.portal_process_diagnostics().get("launchedByThisService"):
            adapter.shutdown_portal()
    except Exception:  # noqa: BLE001 - teardown must not hide the test's own result
        pass


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """The file root: paths reach the port already confined and absolute."""
    path = tmp_path / "workspace"
    path.mkdir()
    return path
