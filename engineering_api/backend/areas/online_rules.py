"""Rules of the online area every adapter applies the same way: which simulated CPU a device is bound to, and
the refusals of a download, with their codes and texts (see :mod:`engineering_api.backend.areas.online`).

Pure functions over whatever the adapter calls an instance (anything with a ``name``), so the fake's CPUs and
the bridge's PLCSIM instances follow one rule book.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, TypeVar

import msgspec

from engineering_api.backend.errors import ConflictError, NotFoundError
from engineering_api.errors import codes

if TYPE_CHECKING:
    from collections.abc import Sequence

    from engineering_api.backend.models import CompileResult

__all__ = (
    "HOW_TO_BIND",
    "choose_instance",
    "compile_failed",
    "cpu_in_run",
    "instance_off",
    "online_with_other_instance",
    "require_stop_confirmed",
    "simulation_support_disabled",
    "stop_not_confirmed",
)

HOW_TO_BIND = (
    "Create an instance with the device's IP address (POST /api/simulation/instances/create, then "
    "PUT /api/simulation/instances/{name}/network), or name one with instanceName."
)


class _Named(Protocol):
    name: str


NamedT = TypeVar("NamedT", bound=_Named)


def choose_instance(device: str, ips: Sequence[str], named: NamedT | None, by_ip: NamedT | None,
                    unaddressed: Sequence[NamedT]) -> NamedT:
    """The instance a device's operations act on: the one with the device's IP address, else the named one, else
    the only instance without an address.

    Args:
        device: the device's name (for messages).
        ips: the device's IPv4 addresses.
        named: the instance the caller named (``instanceName``), already looked up.
        by_ip: the instance holding one of ``ips``, if any.
        unaddressed: instances without an IP address (reached over Softbus).

    Raises:
        ConflictError: ``INSTANCE_MISMATCH`` (the named instance is not the one with the device's address),
            ``INSTANCE_AMBIGUOUS`` (several unaddressed instances and none named).
        NotFoundError: ``NO_BOUND_INSTANCE``.
    """
    if by_ip is not None:
        if named is not None and named is not by_ip:
            raise ConflictError(
                f'The device "{device}" ({", ".join(ips)}) is bound to the instance "{by_ip.name}", which has its '
                f'IP address, not to "{named.name}". Leave instanceName out, or change the addresses.',
                code=codes.INSTANCE_MISMATCH,
            )
        return by_ip
    if named is not None:
        return named
    if len(unaddressed) == 1:
        return unaddressed[0]
    where = f" with the IP address {', '.join(ips)}" if ips else ""
    if unaddressed:
        raise ConflictError(
            f'No instance{where} is bound to the device "{device}" and several instances without an IP address '
            f"exist ({', '.join(i.name for i in unaddressed)}). Name one with instanceName.",
            code=codes.INSTANCE_AMBIGUOUS,
        )
    raise NotFoundError(f'No simulation instance{where} is bound to the device "{device}". {HOW_TO_BIND}',
                        code=codes.NO_BOUND_INSTANCE)


def online_with_other_instance(device: str, online: str, requested: str) -> ConflictError:
    """``ONLINE_WITH_OTHER_INSTANCE``: the device is online with ``online``, the caller named ``requested``."""
    return ConflictError(
        f'The device "{device}" is online with the instance "{online}"; go offline '
        f'(DELETE /api/devices/{device}/online) before using "{requested}".',
        code=codes.ONLINE_WITH_OTHER_INSTANCE,
    )


def instance_off(name: str) -> ConflictError:
    """``INSTANCE_OFF``: the instance must be powered on first."""
    return ConflictError(
        f'The instance "{name}" is powered off. Power it on first (POST /api/simulation/instances/{name}/power-on).',
        code=codes.INSTANCE_OFF, details={"instanceName": name},
    )


def cpu_in_run(name: str) -> ConflictError:
    """``CPU_IN_RUN``: a download would stop the CPU and the caller did not confirm that."""
    return ConflictError(
        f'The CPU "{name}" is in RUN. A download stops it; send {{"stopCpu": true}} to confirm the stop '
        '(and "startAfterDownload": true to start it again afterwards).',
        code=codes.CPU_IN_RUN, details={"instanceName": name},
    )


def stop_not_confirmed(name: str, action: str = "stopping it") -> ConflictError:
    """``STOP_NOT_CONFIRMED``: an action would take the CPU out of RUN and the caller did not send ``confirm``.

    One rule for every route that stops a CPU in RUN: the CPU stop action, and the simulated instance's stop,
    power-off and memory reset and the session stop.
    """
    return ConflictError(
        f'The CPU "{name}" is in RUN; {action} halts the process it controls. Send {{"confirm": true}} '
        "to go ahead.", code=codes.STOP_NOT_CONFIRMED, details={"instanceName": name},
    )


def require_stop_confirmed(name: str, *, in_run: bool, confirm: bool, action: str = "stopping it") -> None:
    """Raise :func:`stop_not_confirmed` when the CPU is in RUN and ``confirm`` is false."""
    if in_run and not confirm:
        raise stop_not_confirmed(name, action)


def compile_failed(device: str, compiled: CompileResult) -> ConflictError:
    """``DOWNLOAD_COMPILE_FAILED``: nothing is downloaded from software with compile errors."""
    return ConflictError(
        f'The software of "{device}" has {compiled.error_count} compile error(s); nothing was downloaded. '
        "Fix them (see details.compileResult) and download again.",
        code=codes.DOWNLOAD_COMPILE_FAILED, details={"compileResult": msgspec.to_builtins(compiled)},
    )


def simulation_support_disabled(project: str) -> ConflictError:
    """``SIMULATION_SUPPORT_DISABLED``: TIA downloads to PLCSIM only what was compiled with simulation support."""
    return ConflictError(
        f'The project "{project}" does not support simulation, so it cannot be downloaded to PLCSIM. '
        'Enable "Support simulation during block compilation" in the project properties '
        '(POST /api/projects/actions/simulation-support {"enabled": true}) and download again.',
        code=codes.SIMULATION_SUPPORT_DISABLED,
    )
