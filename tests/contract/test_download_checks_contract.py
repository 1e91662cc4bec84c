"""TIA's DataBlockReinitialization question, on every adapter: answered NoAction, a download that would reset a
changed data block already in the CPU is canceled (409 DOWNLOAD_FAILED) and the CPU keeps its program and values;
the default answer reinitialises it, as the port documents."""

from __future__ import annotations

from typing import Any

from engineering_api.backend.areas.online import DownloadChecks
from engineering_api.backend.errors import ConflictError
from tests.lib.outcomes import raises_code
from tests.contract.stub_engine import SCL, instance, load_scl

BRIDGE_PENDING: dict[str, str] = {}
"""Every test of this module runs on the bridge too."""


def test_no_action_to_reinitialisation_cancels_the_download(online_plc: Any) -> None:
    load_scl(online_plc, SCL)
    instance(online_plc, "Sim_A", "192.168.0.1")
    online_plc.online.download("PLC_1")
    before = online_plc.online.compare_online("PLC_1")
    assert before.identical
    load_scl(online_plc, SCL.replace("count : Int;", "count : Int;\n      total : DInt;"))
    refused = raises_code(ConflictError, "DOWNLOAD_FAILED", online_plc.online.download, "PLC_1",
                          checks=DownloadChecks(data_block_reinitialization="NoAction"))
    answers = {c["category"]: c["answer"] for c in refused.details["preDownloadChecks"]}
    assert answers["DataBlockReinitialization"] == "NoAction"
    assert online_plc.online.compare_online("PLC_1").different == ["Data"]  # nothing was loaded
    result = online_plc.online.download("PLC_1")
    assert result.reinitialised_data_blocks == ["Data"]


def test_no_action_lets_a_download_without_changed_data_blocks_through(online_plc: Any) -> None:
    load_scl(online_plc, SCL)
    instance(online_plc, "Sim_A", "192.168.0.1")
    online_plc.online.download("PLC_1")
    result = online_plc.online.download("PLC_1", checks=DownloadChecks(data_block_reinitialization="NoAction"))
    assert (result.error_count, result.reinitialised_data_blocks) == (0, [])
