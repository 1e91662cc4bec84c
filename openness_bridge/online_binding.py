"""Reaching a CPU's ``OnlineProvider``/``DownloadProvider`` and binding a device to a PLCSIM Advanced instance.

Openness side: the providers are services of the CPU's device item (``DeviceItem.GetService<OnlineProvider>()``),
and the route to PLCSIM is ``Configuration.Modes.Find("PN/IE").PcInterfaces.Find("PLCSIM", 1).TargetInterfaces[0]``;
the device's configured addresses are that target interface's ``Addresses``.

Which instance is meant (``engineering_api.backend.areas.online``: by IP, by name, the only one without an IP)
is decided here with the bridge's own PLCSIM Advanced methods (``list_instances``), because Openness only
says where it connects, not which PLCSIM instance answers; TIA then reaches that instance over the "PLCSIM" PC
interface by the device's address (or, for an instance without one, as the only Softbus instance).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engineering_api.backend.areas.online_rules import choose_instance, instance_off, online_with_other_instance
from engineering_api.backend.errors import ConflictError, NotFoundError, ValidationError
from engineering_api.errors import codes

if TYPE_CHECKING:
    from collections.abc import Callable

    from engineering_api.backend.areas.simulation_models import SimInstanceInfo
    from openness_bridge.session import BridgeSession

__all__ = ("OnlineBinding",)

MODE = "PN/IE"
PC_INTERFACE = ("PLCSIM", 1)
"""TIA's PC interface for PLCSIM (S7-PLCSIM and PLCSIM Advanced over Softbus), interface number 1."""

class OnlineBinding:
    """The providers of a device's CPU and the binding of a device to an instance: the collaborator of
    :class:`openness_bridge.online.BridgeOnline`.

    Args:
        session: the Openness session (calls, the open project, a device's PLC item and software, services).
        sim_instances: the simulation area's ``list_instances``, to bind a device to an instance.
    """

    def __init__(self, session: BridgeSession, *, sim_instances: Callable[[], list[SimInstanceInfo]]) -> None:
        self._session = session
        self._sim_instances = sim_instances
        self._download_providers: dict[tuple[str, str], Any] = {}
        """``DownloadProvider`` by (project path, device): targets applied to one stay bound to it."""

    # ----- Openness: providers and the route to PLCSIM ---------------------------------------------
    def online_namespace(self, name: str) -> Any:
        return self._session.namespace(f"Siemens.Engineering.{name}")

    def cpu_item(self, project: Any, device: str) -> Any:
        """The device item that carries the PLC software (and with it the online and download services)."""
        return self._session.plc_item(project, device)[0]

    def online_provider(self, project: Any, device: str) -> Any:
        provider = self._session.service(self.cpu_item(project, device),
                                         self.online_namespace("Online").OnlineProvider)
        if provider is None:
            raise ValidationError(f"The device '{device}' offers no OnlineProvider; it cannot go online.",
                                  code=codes.NOT_A_PLC)
        return provider

    def download_provider(self, project: Any, device: str) -> Any:
        """The device's ``DownloadProvider``, cached for the session: targets applied to it are bound to it.

        A cached provider whose project was closed, reopened or whose device was deleted answers
        ``EngineeringObjectDisposedException`` on first touch; it is then fetched again.
        """
        cache = self._download_providers
        key = (str(project.Path.FullName), device)
        provider = cache.get(key)
        if provider is not None:
            try:
                provider.Configuration  # touching it is how a stale proxy shows
                return provider
            except Exception:  # any failure here means: fetch it again
                cache.pop(key, None)
        provider = self._session.service(self.cpu_item(project, device),
                                         self.online_namespace("Download").DownloadProvider)
        if provider is None:
            raise ValidationError(f"The device '{device}' offers no DownloadProvider; it cannot be downloaded.",
                                  code=codes.NOT_A_PLC)
        cache[key] = provider
        return provider

    @staticmethod
    def plcsim_target(configuration: Any, device: str) -> Any:
        """``Modes.Find("PN/IE").PcInterfaces.Find("PLCSIM", 1).TargetInterfaces[0]`` of a connection configuration."""
        mode = configuration.Modes.Find(MODE)
        pc_interface = mode.PcInterfaces.Find(*PC_INTERFACE) if mode is not None else None
        if pc_interface is None or pc_interface.TargetInterfaces.Count == 0:
            raise ConflictError(
                f"TIA offers no route to PLCSIM for '{device}' (mode {MODE}, PC interface PLCSIM): install PLCSIM "
                "Advanced on the machine running TIA Portal.", code=codes.NO_PLCSIM_ROUTE,
            )
        return pc_interface.TargetInterfaces[0]

    def is_online(self, provider: Any) -> bool:
        return str(provider.State.ToString()) == "Online"

    # ----- binding -------------------------------------------------------------------------------
    def device_addresses(self, provider: Any, device: str) -> list[str]:
        target = self.plcsim_target(provider.Configuration, device)
        return [str(address.Address) for address in target.Addresses]

    def bind(self, device: str, instance_name: str | None) -> tuple[Any, SimInstanceInfo]:
        """(OnlineProvider, instance) the device's CPU operations act on; the rules of the port's module docstring."""
        provider = self._session.call("DeviceItem.GetService<OnlineProvider>",
                              lambda: self.online_provider(self._session.project(), device))
        ips = self._session.call("ConfigurationTargetInterface.Addresses",
                         lambda: self.device_addresses(provider, device))
        instances = list(self._sim_instances())
        if self._session.call("OnlineProvider.State", lambda: self.is_online(provider)):
            online = self.pick(device, ips, None, instances)
            if instance_name and instance_name.lower() != online.name.lower():
                raise online_with_other_instance(device, online.name, instance_name)
            return provider, online
        return provider, self.pick(device, ips, instance_name, instances)

    @staticmethod
    def pick(device: str, ips: list[str], instance_name: str | None,
             instances: list[SimInstanceInfo]) -> SimInstanceInfo:
        named = None
        if instance_name:
            named = next((i for i in instances if i.name.lower() == instance_name.lower()), None)
            if named is None:
                raise NotFoundError(f'No simulation instance named "{instance_name}" exists.',
                                    code=codes.SIM_INSTANCE_NOT_FOUND,
                                    details={"instanceName": instance_name})
        by_ip = next((i for ip in ips for i in instances if ip in i.ip_addresses), None)
        return choose_instance(device, ips, named, by_ip, [i for i in instances if not i.ip_addresses])

    @staticmethod
    def require_powered(instance: SimInstanceInfo) -> None:
        if instance.operating_state == "Off":
            raise instance_off(instance.name)

    def apply_route(self, configuration: Any, device: str) -> Any:
        """Apply the PLCSIM target to a provider's configuration; returns the target (an ``IConfiguration``)."""
        target = self.plcsim_target(configuration, device)
        if not configuration.ApplyConfiguration(target):
            raise ConflictError(f"TIA did not accept the PLCSIM route for '{device}'.", code=codes.NO_PLCSIM_ROUTE)
        return target
