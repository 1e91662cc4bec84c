"""MCP resources: what an assistant reads to understand the open project, under ``tia://`` URIs.

Every read runs the same registry operation as the REST route (``services.jobs.run_inline``), or, for jobs, the
same job store ``GET /api/jobs`` reads, so the role rules and error codes are the REST ones. Reading needs only
the viewer role. The URIs (names are percent-encoded, as RFC 6570 expands a ``{var}``):

================================================== ========================== ====================
URI                                                operation                  MIME type
================================================== ========================== ====================
``tia://project``                                  ``projects.overview``      application/json
``tia://devices``                                  ``devices.list``           application/json
``tia://devices/{deviceName}/blocks``              ``blocks.list``            application/json
``tia://devices/{deviceName}/blocks/{b}/scl``      ``blocks.source``          text/x-scl
``tia://devices/{deviceName}/blocks/{b}/xml``      ``blocks.export-xml``      application/xml
``tia://devices/{deviceName}/tag-tables``          ``tag-tables.list``        application/json
``tia://devices/{deviceName}/tag-tables/{t}``      ``tags.list``              application/json
``tia://devices/{deviceName}/tag-tables/{t}/xml``  ``tag-tables.export-xml``  application/xml
``tia://compile/last``                             newest compile job         application/json
``tia://jobs``, ``tia://jobs/{jobId}``             the job store              application/json
``tia://results/{id}``                             a tool result cut short    application/json
================================================== ========================== ====================

``resources/list`` names the concrete resources of the open project (up to :data:`MAX_LISTED`); the templates
reach every other block and table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

import mcp_types as types
import msgspec
from mcp.shared.exceptions import MCPError

from engineering_api.backend.errors import EngineeringError, NotFoundError
from engineering_api.errors import codes
from engineering_api.lib.responses import status_for
from engineering_api.mcp.results import result_store

if TYPE_CHECKING:
    from engineering_api.lib.security import Principal
    from engineering_api.services import Services

__all__ = (
    "COMPILE_OPERATIONS", "JSON", "MAX_LISTED", "SCHEME", "SCL", "XML", "ResourceNotFound", "list_resource_templates",
    "list_resources", "read_resource", "uri",
)

SCHEME = "tia://"
JSON = "application/json"
XML = "application/xml"
SCL = "text/x-scl"
"""SCL has no registered media type; ``text/x-scl`` is what editors that know SCL use."""
MAX_LISTED = 500
"""Concrete resources ``resources/list`` names at most: a large program stays within a client's budget; the
templates reach the rest."""
RECENT_JOBS = 20
COMPILE_OPERATIONS = ("devices.compile-software", "devices.compile-hardware")
"""The compiles that run as jobs (and so are kept); ``blocks.compile`` answers inline and leaves no record."""


class ResourceNotFound(Exception):
    """The URI names nothing: an unknown form, or an object (device, block, table, job) that does not exist."""


def uri(*parts: str) -> str:
    """``tia://`` plus the parts, each percent-encoded (a block name may hold spaces, quotes or slashes)."""
    return SCHEME + "/".join(quote(part, safe="") for part in parts)


@dataclass(frozen=True)
class _Template:
    uri_template: str
    name: str
    title: str
    description: str
    mime_type: str


_TEMPLATES = (
    _Template("tia://devices/{deviceName}/blocks", "blocks", "Blocks of a PLC",
              "Every program block of the PLC (name, type, number, language, folder, consistency).", JSON),
    _Template("tia://devices/{deviceName}/blocks/{blockName}/scl", "block-scl", "SCL source of a block",
              "The block as SCL source, as TIA's 'Generate source from blocks' writes it. SCL blocks and data "
              "blocks have one; LAD, FBD, GRAPH and know-how protected blocks do not (NO_SCL_SOURCE).", SCL),
    _Template("tia://devices/{deviceName}/blocks/{blockName}/xml", "block-xml", "SimaticML of a block",
              "The block exported as SimaticML (Openness XML), any language.", XML),
    _Template("tia://devices/{deviceName}/tag-tables", "tag-tables", "Tag tables of a PLC",
              "The PLC tag tables with their tag and constant counts.", JSON),
    _Template("tia://devices/{deviceName}/tag-tables/{tableName}", "tag-table", "Tags of a tag table",
              "Every tag of the table: name, data type, address, comment, HMI flags.", JSON),
    _Template("tia://devices/{deviceName}/tag-tables/{tableName}/xml", "tag-table-xml", "SimaticML of a tag table",
              "The tag table exported as SimaticML.", XML),
    _Template("tia://jobs/{jobId}", "job", "A job",
              "Status, progress, result or error of one job (long operations run as jobs).", JSON),
)


async def list_resource_templates(services: Services, principal: Principal) -> list[types.ResourceTemplate]:
    """The URI templates of blocks, tag tables and jobs."""
    return [
        types.ResourceTemplate(uri_template=t.uri_template, name=t.name, title=t.title, description=t.description,
                               mime_type=t.mime_type)
        for t in _TEMPLATES
    ]


def _resource(address: str, name: str, title: str, description: str, mime_type: str) -> types.Resource:
    return types.Resource(uri=address, name=name, title=title, description=description, mime_type=mime_type)


def _has_scl(block: dict[str, Any]) -> bool:
    # As blocks.source decides (simatic_xml.generate.to_scl): SCL code blocks and global/instance data blocks.
    if block.get("knowHowProtected"):
        return False
    return block.get("blockType") in ("GlobalDB", "InstanceDB") or str(block.get("language") or "").upper() == "SCL"


async def list_resources(services: Services, principal: Principal) -> list[types.Resource]:
    """The jobs, and with a project open its overview, devices, and each PLC's blocks and tag tables.

    Never fails for want of a project or on a device that is not a PLC: those simply add nothing.
    """
    found = [_resource(uri("jobs"), "jobs", "Recent jobs",
                       f"The {RECENT_JOBS} newest jobs: operation, status, progress, result or error.", JSON)]
    if _last_compile(services) is not None:
        found.append(_resource(uri("compile", "last"), "compile-last", "Last compile result",
                               "The newest finished compile (software or hardware): state, error and warning "
                               "counts, messages and diagnostics.", JSON))
    try:
        overview = msgspec.to_builtins(await _run(services, principal, "projects.overview", None))
    except (EngineeringError, MCPError, ResourceNotFound):
        return found  # no project open (or no portal): nothing more to name
    project = overview.get("projectName", "")
    found.append(_resource(uri("project"), "project", f"Project {project}",
                           "The open project: name, path, version, unsaved changes, devices and subnets.", JSON))
    found.append(_resource(uri("devices"), "devices", "Devices", "Every device of the open project.", JSON))
    for device in overview.get("devices", []):
        if len(found) >= MAX_LISTED:
            break
        found += await _device_resources(services, principal, device["name"])
    return found[:MAX_LISTED]


async def _device_resources(services: Services, principal: Principal, device: str) -> list[types.Resource]:
    try:
        blocks = msgspec.to_builtins(await _run(services, principal, "blocks.list", {"deviceName": device}))
        tables = msgspec.to_builtins(await _run(services, principal, "tag-tables.list", {"deviceName": device}))
    except (EngineeringError, MCPError, ResourceNotFound):
        return []  # not a PLC (an HMI, a distributed I/O station): it has no program
    found = [
        _resource(uri("devices", device, "blocks"), f"{device}/blocks", f"Blocks of {device}",
                  f"Every program block of {device}.", JSON),
        _resource(uri("devices", device, "tag-tables"), f"{device}/tag-tables", f"Tag tables of {device}",
                  f"The PLC tag tables of {device}.", JSON),
    ]
    for block in blocks:
        name = block["name"]
        kind = f"{block.get('blockType', 'block')} {name}"
        if _has_scl(block):
            found.append(_resource(uri("devices", device, "blocks", name, "scl"), f"{device}/{name}.scl",
                                   f"{name} (SCL)", f"SCL source of {kind} on {device}.", SCL))
        found.append(_resource(uri("devices", device, "blocks", name, "xml"), f"{device}/{name}.xml",
                               f"{name} (SimaticML)", f"SimaticML of {kind} on {device}.", XML))
    for table in tables:
        name = table["name"]
        found.append(_resource(uri("devices", device, "tag-tables", name), f"{device}/tag-tables/{name}",
                               f"Tag table {name}", f"Tags of the table {name} on {device} "
                               f"({table.get('tagCount', 0)} tags).", JSON))
    return found


async def read_resource(services: Services, principal: Principal, address: str) -> types.ReadResourceResult:
    """The contents of one ``tia://`` resource.

    Raises:
        ResourceNotFound: an unknown URI, or the device, block, table or job it names does not exist.
        MCPError: any other domain error of the operation (``NO_PROJECT_OPEN``, ``NO_SCL_SOURCE``, ...), with
            the REST code, message and status in its data; ``FORBIDDEN`` for a role that may not read.
    """
    if not address.startswith(SCHEME):
        raise ResourceNotFound(f"{address} (resources of this server start with {SCHEME})")
    parts = [unquote(part) for part in address[len(SCHEME):].split("/")]
    match parts:
        case ["project"]:
            return _json(address, await _run(services, principal, "projects.overview", None, address))
        case ["devices"]:
            return _json(address, await _run(services, principal, "devices.list", None, address))
        case ["devices", device, "blocks"]:
            return _json(address, await _run(services, principal, "blocks.list", {"deviceName": device}, address))
        case ["devices", device, "blocks", block, "scl"]:
            ref = {"deviceName": device, "blockName": block}
            source = await _run(services, principal, "blocks.source", ref, address)
            return _text(address, source.source_text, SCL)
        case ["devices", device, "blocks", block, "xml"]:
            ref = {"deviceName": device, "blockName": block}
            return _text(address, await _run(services, principal, "blocks.export-xml", ref, address), XML)
        case ["devices", device, "tag-tables"]:
            return _json(address, await _run(services, principal, "tag-tables.list", {"deviceName": device}, address))
        case ["devices", device, "tag-tables", table]:
            ref = {"deviceName": device, "tableName": table}
            return _json(address, await _run(services, principal, "tags.list", ref, address))
        case ["devices", device, "tag-tables", table, "xml"]:
            ref = {"deviceName": device, "tableName": table}
            return _text(address, await _run(services, principal, "tag-tables.export-xml", ref, address), XML)
        case ["compile", "last"]:
            last = _last_compile(services)
            if last is None:
                raise ResourceNotFound(f"{address} (no compile has run yet; run devices_compile-software)")
            return _json(address, last)
        case ["results", result_id]:
            kept = result_store(services).get(result_id, principal.key_id)
            if kept is None:
                raise ResourceNotFound(f"{address} (results are kept for the key that made them, the newest only)")
            return _text(address, kept.decode(), JSON)
        case ["jobs"]:
            records, total = services.jobs.list(limit=RECENT_JOBS)
            return _json(address, {"jobs": records, "total": total})
        case ["jobs", job_id]:
            try:
                return _json(address, services.jobs.get(job_id))
            except NotFoundError as exc:
                raise ResourceNotFound(f"{address} ({exc.code}: {exc.message})") from None
    raise ResourceNotFound(f"{address} (unknown form; see resources/templates/list)")


def _last_compile(services: Services) -> Any:
    # The newest finished compile of either kind: a running one has no result yet.
    finished = []
    for name in COMPILE_OPERATIONS:
        records, _ = services.jobs.list(operation=name, limit=10)
        finished += [r for r in records if r.terminal]
    return max(finished, key=lambda r: r.completed_at or r.created_at, default=None)


async def _run(
    services: Services, principal: Principal, name: str, arguments: dict[str, Any] | None, address: str = "",
) -> Any:
    # The registry's operation, as the REST route runs it: same input Struct, same worker, same errors.
    operation = services.operations.get(name)
    if operation is None:
        raise ResourceNotFound(f"{address or name} (this server has no {name} operation)")
    if not principal.role.allows(operation.required_role):
        raise MCPError(types.INVALID_REQUEST, f"FORBIDDEN: reading {address or name} needs the "
                       f"{operation.required_role.value} role", data={"code": codes.FORBIDDEN, "status": 403})
    try:
        data = msgspec.convert(arguments, operation.input, str_keys=True) if operation.input else None
    except msgspec.ValidationError as exc:
        raise ResourceNotFound(f"{address} ({exc})") from None
    except EngineeringError as exc:  # a rule of the input's own (a read's is never the project-texts rule)
        raise ResourceNotFound(f"{address or name} ({exc.code}: {exc.message})") from None
    try:
        return await services.jobs.run_inline(operation, data)
    except NotFoundError as exc:
        raise ResourceNotFound(f"{address or name} ({exc.code}: {exc.message})") from None
    except EngineeringError as exc:
        status = status_for(exc)
        body = {"code": exc.code, "status": status, **({"details": exc.details} if exc.details else {})}
        raise MCPError(types.INVALID_PARAMS if status < 500 else types.INTERNAL_ERROR,
                       f"{exc.code}: {exc.message}", data=body) from None


def _json(address: str, value: Any) -> types.ReadResourceResult:
    text = msgspec.json.encode(value).decode()
    return types.ReadResourceResult(contents=[types.TextResourceContents(uri=address, mime_type=JSON, text=text)])


def _text(address: str, text: str, mime_type: str) -> types.ReadResourceResult:
    return types.ReadResourceResult(contents=[types.TextResourceContents(uri=address, mime_type=mime_type, text=text)])
