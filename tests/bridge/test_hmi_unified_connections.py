"""Applying a WinCC Unified panel's connections reads them once (openness_bridge.hmi_unified).

``apply_unified_hmi`` has just read every ``HmiConnection`` (name, partner, driver) to check TIA's rules; it
decides from that read, by name as TIA compares connection names (case-insensitively, as
engineering_api.rules.hmi_unified does), which connection TIA already holds with the requested partner and which
one a partnerless connection replaces. Before, it asked ``Connections.Find`` again for each connection, twice for one
with a partner, and Openness does not state whether ``Find`` compares names with or without case. The stand-in
counts each composition's ``Find`` (``StandIn.Control.Calls``).
"""

from __future__ import annotations

from typing import Any

from engineering_api.backend.areas.hmi_unified import UnifiedConnection, UnifiedHmi
from tests.contract.conftest import MTP700


def test_applying_connections_asks_openness_for_none_again(plc: Any) -> None:
    import StandIn.Control as control

    plc.devices.add_device(MTP700, None, "HMI_U")
    control.NetworkView.ConnectPanel("HMI_U", "HMI_Connection_1", "PLC_1")
    control.Calls.Clear()
    # the connection TIA holds with its partner gets another driver; a partnerless one is created
    wanted = [UnifiedConnection(name="HMI_Connection_1", partner="PLC_1", communication_driver="SIMATIC S7 1200"),
              UnifiedConnection(name="HMI_Connection_2", partner="", communication_driver="SIMATIC S7 1200")]
    done = plc.hmi_unified.apply_unified_hmi("HMI_U", UnifiedHmi(connections=wanted), overwrite=True)
    assert done.connections == wanted
    assert control.Calls.Of("HmiConnectionComposition.Find") == 0
    assert plc.hmi_unified.read_unified_hmi("HMI_U").connections == wanted
