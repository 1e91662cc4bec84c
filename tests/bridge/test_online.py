"""The bridge's online area over the stand-in: OnlineProvider's asynchronous GoOnline, the PLCSIM route through
the connection configuration, the cached DownloadProvider, the pre/post download delegates, CompareToOnline's
result tree, refusals keeping TIA's detail text, and what has no Openness equivalent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engineering_api.backend.areas.simulation_models import SimIpSuite
from engineering_api.backend.errors import ConflictError, NotSupportedError
from tests.lib.outcomes import raises_code
from tests.contract.stub_engine import SCL, load_scl
from tests.bridge.online_session import cpu


def provider(bridge: Any, service: str) -> Any:
    """The OnlineProvider/DownloadProvider of PLC_1's CPU item, fresh from Openness."""
    online = bridge.online
    namespace = online._binding.online_namespace(service.replace("Provider", ""))
    return bridge._call("test",
                        lambda: bridge._service(online._binding.cpu_item(bridge.link.project(), "PLC_1"),
                                                getattr(namespace, service)))


def test_go_online_applies_the_plcsim_route_and_waits_for_online(online_plc: Any) -> None:
    online = provider(online_plc, "OnlineProvider")
    assert str(online.State) == "Offline"
    status = online_plc.online.go_online("PLC_1")
    assert (status.online, status.instance_name) == (True, "Sim_A")
    assert str(online.State) == "Online"  # GoOnline answered Connecting; the bridge polled until Online
    target = online_plc._call("test", lambda: online_plc.online._binding.plcsim_target(online.Configuration, "PLC_1"))
    assert (str(target.Name), [str(a.Address) for a in target.Addresses]) == ("1 X1", ["192.168.0.1"])


def test_go_online_to_a_silent_address_says_so(online_plc: Any) -> None:
    # named, but at another address
    online_plc.simulation.set_instance_network("Sim_A", [SimIpSuite(ip_address="192.168.0.99")])
    with pytest.raises(ConflictError) as failed:
        online_plc.online.go_online("PLC_1", instance_name="Sim_A")
    assert (failed.value.code, failed.value.details["onlineState"]) == ("ONLINE_FAILED", "NotReachable")


def test_a_refused_go_online_keeps_tias_detail_text(online_plc: Any, faults: Any) -> None:
    faults.ArmNext("OnlineProvider.GoOnline", "TargetInvocation", "Error when calling method 'GoOnline'.",
                   "The module is protected by a password.", "access denied")
    with pytest.raises(ConflictError) as refused:
        online_plc.online.go_online("PLC_1")
    assert "protected by a password" in str(refused.value)
    assert online_plc.online.online_status("PLC_1").online is False


def test_the_download_provider_is_cached_and_fetched_again_after_a_reopen(online_plc: Any) -> None:
    load_scl(online_plc, SCL)
    online_plc.online.download("PLC_1")
    (cached,) = online_plc.online._binding._download_providers.values()
    online_plc.online.download("PLC_1")
    assert next(iter(online_plc.online._binding._download_providers.values())) is cached  # the same proxy, reused
    path = Path(online_plc.save_project().path)
    online_plc.close_project()
    online_plc.open_project(path)
    assert online_plc.online.download("PLC_1").object_count == 2  # the stale proxy was dropped, a fresh one fetched


def test_the_delegates_stop_and_start_only_when_asked(online_plc: Any) -> None:
    load_scl(online_plc, SCL)
    online_plc.online.start_cpu("PLC_1")
    result = online_plc.online.download("PLC_1", stop_cpu=True)
    assert (result.stopped_cpu, cpu().OperatingState) == (True, "Stop")  # StopModules answered StopAll
    assert online_plc.online.download("PLC_1",
                                      start_after_download=True).operating_state == "Run"  # StartModules: StartModule
    assert cpu().OperatingState == "Run"
    assert (cpu().Device, sorted(cpu().Blocks.Keys)) == ("PLC_1", ["Data", "Main"])


def test_tia_refusing_a_running_cpu_is_a_failed_download(online_plc: Any) -> None:
    load_scl(online_plc, SCL)
    online_plc.online.download("PLC_1")
    original = online_plc.online._answers
    # a delegate saying "no"
    online_plc.online._answers = lambda _stop, start, unanswered, *pw: original(False, start, unanswered, *pw)
    online_plc.online.start_cpu("PLC_1")
    refused = raises_code(ConflictError, "DOWNLOAD_FAILED", online_plc.online.download, "PLC_1", stop_cpu=True)
    assert "not stopped" in str(refused.details["messages"])  # nested DownloadResultMessages kept
    assert cpu().OperatingState == "Run"


def test_a_download_fault_keeps_detail_text_and_loads_nothing(online_plc: Any, faults: Any) -> None:
    load_scl(online_plc, SCL)
    faults.ArmNext("DownloadProvider.Download", "TargetInvocation", "The download failed.",
                   "The connection to the module was interrupted.", None)
    with pytest.raises(ConflictError) as refused:
        online_plc.online.download("PLC_1")
    assert "interrupted" in str(refused.value)
    assert cpu().Blocks.Count == 0


def test_tia_itself_refuses_a_plcsim_download_without_simulation_support(online_plc: Any) -> None:
    load_scl(online_plc, SCL)
    online_plc.set_simulation_support(False)
    online_plc.online._require_simulation_support = lambda _device: None  # past the bridge's own check, TIA says no
    with pytest.raises(ConflictError) as refused:
        online_plc.online.download("PLC_1")
    assert "Support simulation during block compilation" in str(refused.value)
    assert cpu().Device is None


def test_compare_walks_the_result_tree(online_plc: Any) -> None:
    load_scl(online_plc, SCL)
    online_plc.online.download("PLC_1")
    cpu().Blocks["Ghost"] = "0" * 16  # only in the CPU
    cpu().Blocks["Main"] = "1" * 16  # changed in the CPU
    result = online_plc.online.compare_online("PLC_1")
    assert (result.identical, result.only_online, result.different,
            result.identical_count) == (False, ["Ghost"], ["Main"], 1)
    assert {e.name: e.kind for e in result.entries} == {"Data": "GlobalDB", "Ghost": "Unknown", "Main": "OB"}


def test_upload_and_load_start_values_have_no_openness_equivalent(online_plc: Any) -> None:
    upload = raises_code(NotSupportedError, "NO_OPENNESS_EQUIVALENT", online_plc.online.upload, "PLC_1")
    assert "StationUpload" in str(upload)
    raises_code(ConflictError, "NOT_ONLINE", online_plc.online.load_start_values, "PLC_1", "Data")
    online_plc.online.go_online("PLC_1")
    start_values = raises_code(NotSupportedError, "NO_OPENNESS_EQUIVALENT", online_plc.online.load_start_values,
                               "PLC_1",
                               "Data")
    assert "ValueService" in str(start_values)


def test_a_download_refreshes_the_connected_instances_tag_list(online_plc: Any) -> None:
    online_plc.simulation.connect("Sim_A")
    load_scl(online_plc, SCL)
    online_plc.online.download("PLC_1")
    # As on the fake: the downloaded program's tags are listed at once, no refresh asked of the client.
    assert "Data.count" in [t.name for t in online_plc.sim_tags.list_tags().tags]
