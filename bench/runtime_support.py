"""What the runtime API benchmarks share: reading an envelope, and a simulated CPU running an SCL program."""

from __future__ import annotations

from typing import Any

from fakes.runtime.image import build_image
from tools.plc_software import software_from_scl

__all__ = ("ok", "running_program")


def ok(response: Any) -> Any:
    """The ``data`` of a successful answer; any other answer ends the benchmark."""
    body = response.json()
    if response.status_code >= 300 or not body.get("success"):
        raise SystemExit(f"unexpected answer: {response.status_code} {body}")
    return body["data"]


def running_program(client: Any, admin: dict[str, str], name: str, program: str, *,
                    config: dict[str, Any] | None = None) -> None:
    """Create instance ``name`` (with ``config``, e.g. SingleStep and its cycle time), power it on, load the SCL
    ``program`` straight into its CPU (no TIA project needed) and start it."""
    ok(client.post("/api/simulation/instances/create", json={"name": name}, headers=admin))
    if config:
        ok(client.put(f"/api/simulation/instances/{name}/config", json=config, headers=admin))
    ok(client.post(f"/api/simulation/instances/{name}/power-on", headers=admin))
    image = build_image(software_from_scl(program), "PLC_1")
    client.app.state.services.backend.plcsim.get(name).load(image, device="PLC_1")
    ok(client.post("/api/simulation/start", json={"instanceName": name}, headers=admin))
