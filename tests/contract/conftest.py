"""The one parametrised fixture that runs every contract test over every backend adapter.

Adapters: ``fake`` (the in-process TIA model), ``bridge`` (the Openness bridge over the C# stand-ins, loaded
with Mono) and ``openness`` (the bridge over a real TIA Portal, Windows only); ``--backend`` picks them. Every
contract test runs on every adapter, except the tests a module lists in ``BRIDGE_PENDING``, which skip for the
bridge adapters with the reason given there. Article numbers used across the files live here as well.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from engineering_api.backend import models as m
from engineering_api.backend.port import EngineeringBackend
from tests.lib.outcomes import skip_or_fail
from tests.contract.played import Played, played

CPU = "6ES7 516-3AN02-0AB0"
IM = "6ES7 155-6AU01-0BN0"
HMI = "6AV2 124-0GC01-0AX0"
TP700 = HMI
"""A TP700 Comfort panel."""
MTP700 = "6AV2 128-3GB06-0AX1"
"""An MTP700 Unified Comfort panel."""
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
        skip_or_fail(reason, "the bridge tests")
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

def _pending_bridge_methods() -> frozenset[str]:
    from openness_bridge.backend import OpennessBackend

    return frozenset(vars(OpennessBackend.__mro__[1])["NAMES"])


_PORT_METHODS = frozenset(EngineeringBackend.__abstractmethods__)


def _bridge_skip_reason(item: pytest.Function, pending_methods: frozenset[str]) -> str | None:
    """Why ``item`` does not run for the bridge, or None when it does.

    A test parametrised by a port method's ``name`` skips while that method is pending; otherwise a test skips
    when its module's ``BRIDGE_PENDING`` (test name -> reason) lists it.
    """
    name = getattr(item, "originalname", item.name)
    method = item.callspec.params.get("name")
    if method in _PORT_METHODS and method in pending_methods:
        return f"'{method}' is not implemented by the Openness bridge yet (openness_bridge/pending.py)"
    return getattr(getattr(item, "module", None), "BRIDGE_PENDING", {}).get(name)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip, for the bridge adapters only, the contract tests listed as pending for them, with the reason."""
    here = Path(__file__).parent
    pending_methods: frozenset[str] | None = None
    for item in items:
        if not isinstance(item, pytest.Function) or not item.path.is_relative_to(here):
            continue
        callspec = getattr(item, "callspec", None)  # only a parametrized function has one
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
    except Exception:  # teardown must not hide the test's own result
        pass


def open_plc_project(backend: EngineeringBackend, root: Path, project: str = "P", author: str = "") -> str:
    """Launch a portal, create ``project`` in ``root`` and add a CPU as ``PLC_1``; returns the device name."""
    backend.launch_portal(with_ui=False, version=None)
    backend.create_project(root, project, author=author, comment="")
    backend.devices.add_device(CPU, None, "PLC_1")
    return "PLC_1"


@pytest.fixture
def tia(backend: EngineeringBackend) -> Played:
    """The TIA Portal version the adapter under test plays (tests/contract/played.py): its file extensions, the
    SimaticML version of the documents a test writes, the members its Openness lacks."""
    return played(backend)


@pytest.fixture
def portal(backend: EngineeringBackend) -> m.PortalInfo:
    """A launched portal (no UI, the default version)."""
    return backend.launch_portal(with_ui=False, version=None)


@pytest.fixture
def project(backend: EngineeringBackend, portal: m.PortalInfo, root: Path) -> m.ProjectInfo:
    """The project ``Line1`` in ``root``."""
    return backend.create_project(root, "Line1", author="", comment="")


@pytest.fixture
def plc(backend: EngineeringBackend, project: m.ProjectInfo) -> str:
    """A CPU ``PLC_1`` in ``project``; its device name (the online modules' CPU with an address and simulation
    support is :func:`online_plc`)."""
    backend.devices.add_device(CPU, None, "PLC_1")
    return "PLC_1"


@pytest.fixture
def powered_instance(backend: EngineeringBackend) -> str:
    """A simulation instance ``SIM`` (CPU 1516, SingleStep: nothing runs between calls), powered on."""
    backend.simulation.create_instance("SIM", "CPU1516", "SingleStep")
    backend.simulation.power_on("SIM")
    return "SIM"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """The file root: paths reach the port already confined and absolute."""
    path = tmp_path / "workspace"
    path.mkdir()
    return path


@pytest.fixture
def online_plc(backend: EngineeringBackend, root: Path) -> EngineeringBackend:
    """A portal, a project with simulation support, a CPU PLC_1 at 192.168.0.1."""
    backend.launch_portal(with_ui=False, version=None)
    backend.create_project(root, "Line", author="", comment="")
    backend.devices.add_device(CPU, None, "PLC_1")
    backend.devices.configure_network("PLC_1", ip_address="192.168.0.1", subnet_mask="255.255.255.0", interface=None,
                              subnet=None, router_address=None)
    backend.set_simulation_support(True)
    return backend


@pytest.fixture
def panel(backend: EngineeringBackend, plc: str) -> str:
    """A TP700 Comfort ``HMI_1`` beside PLC_1."""
    backend.devices.add_device(TP700, None, "HMI_1")
    return "HMI_1"


@pytest.fixture
def unified_panel(backend: EngineeringBackend, plc: str) -> str:
    """An MTP700 Unified Comfort ``HMI_U`` beside PLC_1, connected to it (``HMI_Connection_1``) in TIA's network
    view where the adapter is the bridge: Openness cannot set a connection's partner (``HmiConnection.Partner`` is
    get-only), so the bridge keeps only a partner TIA already holds."""
    backend.devices.add_device(MTP700, None, "HMI_U")
    if backend.name == "openness":
        from StandIn.Control import NetworkView  # the stand-in; a real TIA needs the panel connected by hand

        NetworkView.ConnectPanel("HMI_U", "HMI_Connection_1", "PLC_1")
    return "HMI_U"
