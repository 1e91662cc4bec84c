"""The console's PLC page (RUN/STOP, force tables, with REST's confirmations) and block monitoring: live values on
SCL lines and LAD/FBD operands and the power flow on wires, pushed over SSE while the simulated PLC runs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, ServerSentEvent, Template
from litestar.response.sse import ServerSentEventMessage

from engineering_api.backend.errors import EngineeringError
from engineering_api.console.auth import audit
from engineering_api.console.calls import plain_message, run
from engineering_api.console.pages import block_with, failed, page
from engineering_api.lib.encoded_paths import segment
from engineering_api.lib.responses import status_for
from engineering_api.lib.security import principal_of
from engineering_api.services import services_of
from simatic_xml import SimaticMLError, flgnet, parse_bytes, tokens_to_text

__all__ = ("PUSH_SECONDS", "ROUTES")

PUSH_SECONDS = 0.5
"""How often a monitored page gets fresh values (TIA's monitor refreshes about as often)."""


async def _plcs(request: Request[Any, Any, Any]) -> list[dict[str, Any]]:
    services, principal = services_of(request), principal_of(request)
    out = []
    for device in await run(services, principal, "devices.list"):
        if device.get("deviceKind") != "plc":
            continue
        name = device["name"]
        entry: dict[str, Any] = {"name": name, "status": None, "statusError": None, "forceTables": []}
        try:
            entry["status"] = await run(services, principal, "devices.cpu.status", deviceName=name)
        except EngineeringError as exc:
            entry["statusError"] = plain_message(exc.message)
        try:
            entry["forceTables"] = await run(services, principal, "force-tables.list", deviceName=name)
        except EngineeringError as exc:
            entry["forceError"] = plain_message(exc.message)
        out.append(entry)
    return out


@get("/console/plc", include_in_schema=False)
async def plc_page(request: Request[Any, Any, Any]) -> Template:
    """Each PLC's operating state with RUN/STOP, and its force tables with start/stop forcing."""
    try:
        plcs = await _plcs(request)
    except EngineeringError as exc:
        return failed(request, exc, "PLC")
    return page(request, "plc.html", plcs=plcs)


def _back(wanted: object) -> str:
    """Where a form returns to: the console page it names (a path of this console only), else the PLC page."""
    if isinstance(wanted, str) and wanted.startswith("/console/") and "//" not in wanted and "\\" not in wanted:
        return wanted
    return "/console/plc"


async def _act(request: Request[Any, Any, Any], title: str, operation: str, *, confirmable: bool = False,
               checkboxes: tuple[str, ...] = (), **fields: Any) -> Any:
    """Run a change from a form; ``confirmable``: the operation takes REST's ``confirm`` (the form's checkbox);
    ``checkboxes``: other yes/no fields of the operation the form sets. Returns to the form's ``next`` page."""
    form = await request.form()
    if confirmable:
        fields["confirm"] = form.get("confirm") == "yes"
    for name in checkboxes:
        fields[name] = form.get(name) == "yes"
    try:
        await run(services_of(request), principal_of(request), operation, **fields)
    except EngineeringError as exc:
        audit(request, status_for(exc))
        return failed(request, exc, title)
    audit(request, 200)
    return Redirect(_back(form.get("next")), status_code=303)


@post("/console/devices/{device:str}/cpu/start", include_in_schema=False, status_code=303)
async def cpu_start(request: Request[Any, Any, Any], device: FromPath[str]) -> Any:
    """Put the CPU in RUN."""
    return await _act(request, f"RUN {device}", "devices.cpu.start", deviceName=device)


@post("/console/devices/{device:str}/cpu/stop", include_in_schema=False, status_code=303)
async def cpu_stop(request: Request[Any, Any, Any], device: FromPath[str]) -> Any:
    """Put the CPU in STOP: refused, as on REST, unless the form confirms it."""
    return await _act(request, f"STOP {device}", "devices.cpu.stop", confirmable=True, deviceName=device)


@post("/console/devices/{device:str}/force-tables/{table:str}/start", include_in_schema=False, status_code=303)
async def force_start(request: Request[Any, Any, Any], device: FromPath[str], table: FromPath[str]) -> Any:
    """Start forcing the table's values: refused, as on REST, unless the form confirms it."""
    return await _act(request, f"Force {table}", "force-tables.start-forcing", confirmable=True, deviceName=device,
                      tableName=table)


@post("/console/devices/{device:str}/force-tables/{table:str}/stop", include_in_schema=False, status_code=303)
async def force_stop(request: Request[Any, Any, Any], device: FromPath[str], table: FromPath[str]) -> Any:
    """Stop forcing (unforce) the table's values."""
    return await _act(request, f"Unforce {table}", "force-tables.stop-forcing", deviceName=device, tableName=table)


async def _instance_of(request: Request[Any, Any, Any], device: str, block: str, wanted: str) -> str | None:
    """The instance DB monitored for an FB: the one asked for, else the first instance DB of the FB."""
    if wanted:
        return wanted
    blocks = await run(services_of(request), principal_of(request), "blocks.list", deviceName=device)
    return next((b["name"] for b in blocks if b.get("instanceOf") == block), None)


@post("/console/simulation/connect", include_in_schema=False, status_code=303)
async def simulation_connect(request: Request[Any, Any, Any]) -> Any:
    """Connect the console's monitoring to a simulated PLC instance (the form's ``instanceName``)."""
    name = (await request.form()).get("instanceName")
    return await _act(request, "Connect", "simulation.connect", instanceName=name if isinstance(name, str) else None)


@post("/console/devices/{device:str}/download", include_in_schema=False, status_code=303)
async def device_download(request: Request[Any, Any, Any], device: FromPath[str]) -> Any:
    """Compile the PLC's software and download it; a CPU in RUN is stopped only when the form says so."""
    return await _act(request, f"Download {device}", "devices.download", checkboxes=("stopCpu", "startAfterDownload"),
                      deviceName=device)


async def _instances(request: Request[Any, Any, Any]) -> list[str]:
    """The simulated PLC instances one can connect to (none when the simulation cannot be asked)."""
    try:
        found = await run(services_of(request), principal_of(request), "simulation.instances.list")
    except EngineeringError:
        return []
    return [item["name"] for item in found if isinstance(item, dict) and item.get("name")]


@get("/console/devices/{device:str}/blocks/{block:str}/monitor", include_in_schema=False)
async def monitor_page(request: Request[Any, Any, Any], device: FromPath[str], block: FromPath[str],
                       instance: FromQuery[str] = "") -> Template:
    """The block with live values (SCL lines, LAD/FBD operands) and power flow, pushed while the PLC runs."""
    db = await _instance_of(request, device, block, instance)
    url = f"/console/devices/{segment(device)}/blocks/{segment(block)}/monitor/events" + (
        f"?instance={segment(db)}" if db else "")
    here = f"/console/devices/{segment(device)}/blocks/{segment(block)}/monitor" + (
        f"?instance={segment(instance)}" if instance else "")
    return await block_with(request, device, block, monitor={"url": url, "instance": db, "here": here,
                                                             "instances": await _instances(request)})


def _shown(value: Any, data_type: str | None) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if data_type in ("Time", "TIME") and isinstance(value, int):
        return f"T#{value}ms"
    return str(value)


@get("/console/devices/{device:str}/blocks/{block:str}/monitor/events", include_in_schema=False)
async def monitor_events(request: Request[Any, Any, Any], device: FromPath[str], block: FromPath[str],
                         instance: FromQuery[str] = "") -> ServerSentEvent:
    """Values of the block's operands and the state of its wires, pushed every :data:`PUSH_SECONDS`."""
    # the monitoring's modules: by the first block monitored (as the drawing's by the first block page)
    from engineering_api.console.render.monitor import call_outputs, flow_states, part_states, plan_for, scl_operands

    services, principal = services_of(request), principal_of(request)
    content = await run(services, principal, "blocks.content", deviceName=device, blockName=block)
    nets: dict[int, flgnet.FlgNet] = {}
    scl: dict[int, str] = {}
    members: dict[str, str] = {}
    try:
        doc = parse_bytes(content["rawXml"].encode("utf-8"))
        for index, unit in enumerate(getattr(doc.object, "compile_units", None) or [], start=1):
            body = unit.network_source.body if unit.network_source is not None else None
            if body is not None and body.tag == "FlgNet":
                nets[index] = flgnet.from_xml(body)
            elif body is not None and body.tag == "StructuredText":
                scl[index] = tokens_to_text(body)
        interface = getattr(doc.object, "interface", None)
        for section in interface.sections.sections if interface is not None else ():
            members.update({m.name: m.datatype for m in section.members})
    except SimaticMLError:
        pass  # the page said so already; nothing to monitor
    calls = call_outputs(members)
    plan = plan_for(nets, scl, instance or None, calls)
    operands = list(plan.tags)
    lines = {index: scl_operands(text, calls) for index, text in scl.items()}

    async def stream() -> AsyncIterator[ServerSentEventMessage]:
        while True:
            try:
                read = await run(services, principal, "simulation.tags.batch-read",
                                 tagNames=[plan.tags[o] for o in operands]) if operands else []
                values = {o: r.get("value") for o, r in zip(operands, read) if not r.get("error")}
                types = {o: r.get("dataType") for o, r in zip(operands, read)}
                shown = {o: _shown(v, types.get(o)) for o, v in values.items()}
                wires = {str(n): flow_states(net, values.get, instance or None) for n, net in nets.items()}
                message = {
                    "operands": shown,
                    "lines": {f"n{n}-l{line}": "  ".join(f"{o} = {shown[o]}" for o in names if o in shown)
                              for n, by_line in lines.items() for line, names in by_line.items()},
                    "wires": wires,
                    "parts": {n: part_states(nets[int(n)], states) for n, states in wires.items()},
                }
            except EngineeringError as exc:
                message = {"error": plain_message(exc.message)}
            yield ServerSentEventMessage(data=msgspec.json.encode(message).decode(), event="values")
            await asyncio.sleep(PUSH_SECONDS)

    return ServerSentEvent(stream())


ROUTES = [plc_page, cpu_start, cpu_stop, force_start, force_stop, simulation_connect, device_download, monitor_page,
          monitor_events]
