"""A CPU with a simulated PLC, for the bridge's online tests."""

from __future__ import annotations

from typing import Any

from engineering_api.backend.areas.simulation_models import SimIpSuite

__all__ = ("cpu", "simulate_plc_1")


def simulate_plc_1(bridge: Any) -> None:
    """PLC_1 at 192.168.0.1 with simulation support, and the powered-on instance Sim_A at that address."""
    bridge.devices.configure_network("PLC_1", ip_address="192.168.0.1", subnet_mask="255.255.255.0", interface=None,
                             subnet=None, router_address=None)
    bridge.set_simulation_support(True)
    bridge.simulation.create_instance("Sim_A", operating_mode="SingleStep")
    bridge.simulation.set_instance_network("Sim_A", [SimIpSuite(ip_address="192.168.0.1")])
    bridge.simulation.power_on("Sim_A")


def cpu(name: str = "Sim_A") -> Any:
    """The stand-in's view of an instance (what TIA reached over the wire)."""
    from StandIn.Wire import Softbus

    return Softbus.Find(name)
