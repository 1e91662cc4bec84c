"""The bridge's security area on a TIA Portal older than its features: the refusal names the version.

A :class:`~openness_bridge.security.BridgeSecurity` is given a session of an older TIA (V16 assemblies, no
``Siemens.Engineering.Umac`` namespace (V17 has one: 15.1-V17 generator stubs), a CPU whose item offers access levels
but no master secret configurator), so these run without Mono. Before the area was composed, the mixin called the
session's ``_version`` property as a method, and both refusals ended in a TypeError (a 500) instead of their 422.
"""

from __future__ import annotations

from types import ModuleType, SimpleNamespace
from typing import TYPE_CHECKING, Any

from engineering_api.backend.errors import ValidationError
from openness_bridge.loader import OpennessApi
from openness_bridge.security import BridgeSecurity
from openness_bridge.portal_events import PortalEvents
from openness_bridge.session import BridgeSession
from tests.lib.outcomes import raises_code

if TYPE_CHECKING:
    from contextlib import AbstractContextManager
    from pathlib import Path

ACCESS_LEVELS = object()
MASTER_SECRET = object()


def _namespace(name: str) -> Any:
    if name == "Siemens.Engineering.HW.Features":
        return SimpleNamespace(PlcAccessLevelProvider=ACCESS_LEVELS, PlcMasterSecretConfigurator=MASTER_SECRET)
    raise ImportError(f"No module named '{name}'")  # V16 has no Siemens.Engineering.Umac


def _no_scratch(purpose: str) -> AbstractContextManager[Path]:
    raise AssertionError(f"the security area exchanges no files with TIA (asked for a {purpose} folder)")


def _older_tia(version: str = "V16") -> BridgeSecurity:
    cpu_item = object()
    # An older API: only its version is read here, so its namespaces are empty modules
    api = OpennessApi(version, "mono", (), engineering=ModuleType("Siemens.Engineering"),
                      hw=ModuleType("Siemens.Engineering.HW"),
                      hw_features=ModuleType("Siemens.Engineering.HW.Features"),
                      system=ModuleType("System"), io=ModuleType("System.IO"))
    return BridgeSecurity(BridgeSession(
        api=api,
        call=lambda operation, fn, **_: fn(), change=lambda operation, fn, **_: fn(), project=lambda: "project",
        find_device=lambda project, name: SimpleNamespace(TypeIdentifier="OrderNumber:6ES7 516-3AN02-0AB0/V2.9"),
        plc_software=lambda project, name: object(), export_bytes=lambda obj: b"", import_bytes=lambda *a, **k: None,
        plc_item=lambda project, name: (cpu_item, object()),
        service=lambda obj,
        kind: SimpleNamespace(PlcProtectionAccessLevel="FullAccess") if kind is ACCESS_LEVELS else None,
        namespace=_namespace, scratch=_no_scratch, portal=lambda: None,
        events=PortalEvents(api.engineering, version),
    ))


def test_project_users_need_v18_and_the_refusal_says_which_tia_this_is() -> None:
    security = _older_tia()
    for call in (security.umac_users, security.umac_roles):
        refused = raises_code(ValidationError, "UMAC_NEEDS_V18", call)
        assert "this is V16" in refused.message


def test_the_master_secret_needs_v17_services_and_the_refusal_says_which_tia_this_is() -> None:
    refused = raises_code(ValidationError, "MASTER_SECRET_NEEDS_V17", _older_tia().master_secret, "PLC_1", "protect",
                          "Secret-123", None)
    assert "Portal (V16)" in refused.message

