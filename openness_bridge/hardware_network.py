"""The network half of :mod:`openness_bridge.devices`: interfaces, subnets and PROFINET IO systems over Openness.

Openness shape: interfaces are device items below the head module (Device -> rack -> CPU/head ->
"PROFINET interface_1" (X1), "PROFINET interface_2" (X2), "DP interface_1" (X3)), each offering ``NetworkInterface``
(``GetService``). ``InterfaceType`` (``NetType``) tells Ethernet from PROFIBUS/MPI; only an Ethernet interface's
``Nodes[0]`` carries the IPv4 addressing as attributes (``Address``, ``SubnetMask``, ``UseRouter``,
``RouterAddress``); every node has the subnet connection (``ConnectedSubnet``, ``ConnectToSubnet``);
``IoControllers`` / ``IoConnectors`` tie PLCs and IO devices to an ``IoSystem`` of the subnet. Subnets are
``Project.Subnets``.
"""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from engineering_api.backend.errors import ValidationError
from engineering_api.backend.models import (
    IoSystemInfo,
    NetworkInterface,
    ProjectInfrastructure,
    SubnetInfo,
)
from engineering_api.errors import codes
from openness_bridge.device_lookup import all_devices

if TYPE_CHECKING:
    from openness_bridge.session import BridgeSession

__all__ = ("DEFAULT_SUBNET", "ETHERNET_SUBNET", "IO_SYSTEM_NAME", "NetworkAccess", "interface_kind", "is_ethernet")

ETHERNET_SUBNET = "System:Subnet.Ethernet"
"""Type identifier of an Industrial Ethernet (PN/IE) subnet for ``SubnetComposition.Create``."""
DEFAULT_SUBNET = "PN/IE_1"
"""The name TIA gives the first PN/IE subnet it creates."""
IO_SYSTEM_NAME = "PROFINET IO-System"
"""TIA's default IO system name; TIA numbers IO systems from 100 (``IoSystem.Number``)."""


def _text(value: Any) -> str | None:
    text = "" if value is None else str(value)
    return text or None


_NET_TYPES = {"Ethernet": "Ethernet", "Profibus": "PROFIBUS", "ProfibusIntegrated": "PROFIBUS", "Mpi": "MPI"}
"""``NetType`` member -> the port's interface type (the fake's catalog words)."""


def is_ethernet(interface: Any) -> bool:
    """Whether a ``NetworkInterface`` is Ethernet (``InterfaceType == NetType.Ethernet``): only these have an IP."""
    return str(interface.InterfaceType.ToString()) == "Ethernet"


def interface_kind(name: str, interface: Any) -> str:
    """The port's interface type: "PROFINET" for a PROFINET interface item (Openness' NetType only says Ethernet;
    TIA names the item after the protocol), else the network type ("Ethernet", "PROFIBUS", "MPI")."""
    net = str(interface.InterfaceType.ToString())
    if net == "Ethernet" and name.startswith("PROFINET"):
        return "PROFINET"
    if name.startswith("MPI/DP"):
        return "MPI/PROFIBUS"  # a combined MPI/DP interface (the fake's catalog word), whichever mode it is set to
    return _NET_TYPES.get(net, net)


class NetworkAccess:
    """Reads and writes device networking for the devices area and the project overview (call inside the
    session's ``call``/``change``; the session gives the Openness namespaces and ``GetService``)."""

    def __init__(self, session: BridgeSession) -> None:
        self._session = session

    def interfaces(self, device: Any) -> list[tuple[str, Any]]:
        """``(device item name, NetworkInterface)`` of every device item offering one, depth first (interfaces sit
        below the head module, which sits below the rack; modules such as CPs may bring more)."""
        feature = self._session.api.hw_features.NetworkInterface
        found: list[tuple[str, Any]] = []

        def walk(items: Any) -> None:
            for item in items:
                service = self._session.service(item, feature)
                if service is not None:
                    found.append((str(item.Name), service))
                walk(item.DeviceItems)

        walk(device.DeviceItems)
        return found

    @staticmethod
    def _first_node(interface: Any) -> Any | None:
        return next(iter(interface.Nodes), None)

    @staticmethod
    def _io_system_of(interface: Any) -> Any | None:
        """The IO system the interface controls (IoController) or is assigned to (IoConnector), or None."""
        for controller in interface.IoControllers:
            if controller.IoSystem is not None:
                return controller.IoSystem
        for connector in interface.IoConnectors:
            if connector.ConnectedToIoSystem is not None:
                return connector.ConnectedToIoSystem
        return None

    @staticmethod
    def _io_system_label(system: Any) -> str:
        # Several IO systems may share TIA's default name; the number tells them apart, as TIA's UI shows it.
        return f"{system.Name} ({int(system.Number)})"

    def interface_info(self, name: str, interface: Any) -> NetworkInterface:
        kind = interface_kind(name, interface)
        if not is_ethernet(interface):
            # A PROFIBUS/MPI node has no IP attributes (GetAttribute("Address") is refused): only the subnet is read.
            node = self._first_node(interface)
            subnet = node.ConnectedSubnet if node is not None else None
            return NetworkInterface(name=name, type=kind, subnet_name=str(subnet.Name) if subnet is not None else None)
        node = self._first_node(interface)
        system = self._io_system_of(interface)
        io_system = self._io_system_label(system) if system is not None else None
        if node is None:
            return NetworkInterface(name=name, type=kind, io_system=io_system)
        subnet = node.ConnectedSubnet
        return NetworkInterface(
            name=name, type=kind,
            ip_address=_text(node.GetAttribute("Address")), subnet_mask=_text(node.GetAttribute("SubnetMask")),
            router_address=_text(node.GetAttribute("RouterAddress")) if bool(node.GetAttribute("UseRouter")) else None,
            subnet_name=str(subnet.Name) if subnet is not None else None, io_system=io_system,
        )

    def is_parked(self, interfaces: list[tuple[str, Any]]) -> bool:
        """An IO device none of whose IoConnectors is assigned to an IO system ("not assigned" in TIA)."""
        connectors = [c for _, i in interfaces for c in i.IoConnectors]
        return bool(connectors) and all(c.ConnectedToIoSystem is None for c in connectors)

    # ----- writing ---------------------------------------------------------------------------
    def address_node(
        self, project: Any, interface: Any, *, ip_address: str, subnet_mask: str, subnet: str | None,
        router_address: str | None,
    ) -> Any:
        """Write the node's addressing and connect it to ``subnet`` (created when new); returns the subnet."""
        node = self._first_node(interface)
        if node is None:
            raise ValidationError("The interface has no network node to give an address.", code=codes.NO_INTERFACE)
        connected = node.ConnectedSubnet
        name = subnet or (str(connected.Name) if connected is not None else DEFAULT_SUBNET)
        target = project.Subnets.Find(name)
        if target is None:
            target = project.Subnets.Create(ETHERNET_SUBNET, name)
        node.SetAttribute("Address", ip_address)
        node.SetAttribute("SubnetMask", subnet_mask)
        node.SetAttribute("UseRouter", bool(router_address))
        if router_address:
            node.SetAttribute("RouterAddress", router_address)
        if connected is not None and str(connected.Name) != name:
            node.DisconnectFromSubnet()  # moving to another subnet: TIA connects a node to one subnet at a time
            connected = None
        if connected is None:
            node.ConnectToSubnet(target)
        self._assign_io(project, interface, target)
        return target

    def _assign_io(self, project: Any, interface: Any, subnet: Any) -> None:
        """PROFINET IO on ``subnet``: a PLC there gets an IO system, and unassigned IO devices there join it.

        This is what an engineer does right after networking (TIA's "Assign to new IO controller"); the port's
        model is that IO devices on a PLC's subnet belong to that PLC, so the bridge does it in the same change.
        """
        controllers = list(interface.IoControllers)
        if controllers and controllers[0].IoSystem is None and not list(subnet.IoSystems):
            controllers[0].CreateIoSystem(IO_SYSTEM_NAME)
        systems = list(subnet.IoSystems)
        if not systems:
            return
        name = str(subnet.Name)
        for device in all_devices(project):
            for _, other in self.interfaces(device):
                node = self._first_node(other)
                connected = node.ConnectedSubnet if node is not None else None
                if connected is None or str(connected.Name) != name:
                    continue
                for connector in other.IoConnectors:
                    if connector.ConnectedToIoSystem is None:
                        connector.ConnectToIoSystem(systems[0])

    # ----- the project's infrastructure --------------------------------------------------------
    def infrastructure(self, project: Any) -> ProjectInfrastructure:
        """Subnets (with their nodes) and PROFINET IO systems of the project."""
        nodes: dict[str, list[dict[str, str]]] = defaultdict(list)
        networks: dict[str, set[str]] = defaultdict(set)
        systems: dict[str, dict[str, Any]] = {}
        for device in all_devices(project):
            device_name = str(device.Name)
            for name, interface in self.interfaces(device):
                info = self.interface_info(name, interface)
                if info.subnet_name is not None:
                    nodes[info.subnet_name].append(
                        {"device": device_name, "interface": name, "ipAddress": info.ip_address or "",
                         "profinetName": ""}
                    )
                    if info.ip_address and info.subnet_mask:
                        networks[info.subnet_name].add(
                            str(ipaddress.IPv4Interface(f"{info.ip_address}/{info.subnet_mask}").network)
                        )
                for controller in interface.IoControllers:
                    if controller.IoSystem is not None:
                        entry = systems.setdefault(self._io_system_label(controller.IoSystem), {"devices": []})
                        entry.update(controller=device_name, subnet=str(controller.IoSystem.Subnet.Name))
                for connector in interface.IoConnectors:
                    if connector.ConnectedToIoSystem is not None:
                        entry = systems.setdefault(self._io_system_label(connector.ConnectedToIoSystem),
                                                   {"devices": []})
                        entry["devices"].append(device_name)
        subnets = [
            SubnetInfo(
                name=str(s.Name), type=str(s.TypeIdentifier).rpartition(".")[2],
                network_address=next(iter(networks[str(s.Name)])) if len(networks[str(s.Name)]) == 1 else None,
                nodes=nodes[str(s.Name)],
            )
            for s in project.Subnets
        ]
        io_systems = [
            IoSystemInfo(name=label, controller=e.get("controller", ""), subnet=e.get("subnet"),
                         devices=sorted(e["devices"]))
            for label, e in systems.items()
        ]
        return ProjectInfrastructure(subnets=subnets, io_systems=io_systems)
