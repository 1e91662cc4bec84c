"""The console's project pages: the landing page, the project with its program tree, and a block."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from litestar.enums import MediaType
from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template

from engineering_api.backend.errors import EngineeringError, NoProjectOpenError, ValidationError
from engineering_api.console.auth import audit, sessions_of
from engineering_api.console.calls import plain_message, run
from engineering_api.console.session import COOKIE
from engineering_api.errors import codes
from engineering_api.lib.responses import status_for
from engineering_api.lib.security import Role, principal_of
from engineering_api.services import services_of
from simatic_xml import SimaticMLError, parse_bytes

if TYPE_CHECKING:
    from engineering_api.console.render.structure import MemberRow

__all__ = ("OBJECTS_PER_PAGE", "block_page", "block_with", "compile_block", "download_scl", "download_simaticml",
           "failed", "landing", "page", "project_page", "udt_page")


def page(request: Request[Any, Any, Any], name: str, status: int = 200, **context: Any) -> Template:
    principal = request.scope.get("user")
    context.setdefault("principal", principal)
    context["can_write"] = bool(principal and principal.role.allows(Role.ENGINEER))
    return Template(name, context=context, status_code=status, media_type=MediaType.HTML)


def failed(request: Request[Any, Any, Any], exc: EngineeringError, title: str) -> Template:
    return page(request, "error.html", status_for(exc), title=title, error=plain_message(exc.message), code=exc.code)


@get("/", opt={"console_public": True}, include_in_schema=False)
async def landing(request: Request[Any, Any, Any]) -> Any:
    """The sign-in form, or the project for a browser already signed in."""
    if sessions_of(services_of(request)).resolve(request.cookies.get(COOKIE)) is not None:
        return Redirect("/console/project", status_code=303)
    return Template("signin.html", context={"error": None}, media_type=MediaType.HTML)


OBJECTS_PER_PAGE = 200
"""Blocks, and PLC data types, the project page lists of each PLC: a page costs what it shows. A plant's 10,000
objects shown whole were 1.4 MB of HTML and ~130 health checks' time (issue 93 asks for 20)."""


def _program_tree(listing: dict[str, Any], searching: bool) -> dict[str, Any]:
    """The page's blocks under their folders: ``{"path", "name", "count", "open", "children", "objects"}`` from the
    root; every folder of the tree with its count (in a search only those holding a block found, and their
    parents), open when it holds a block of the page."""
    root: dict[str, Any] = {"path": "", "name": "", "count": 0, "children": [], "objects": []}
    nodes = {"": root}
    holding = {obj["folder"] for obj in listing["objects"] if obj["folder"]}
    wanted = {"/".join(path.split("/")[:i]) for path in holding for i in range(1, path.count("/") + 2)}
    for folder in listing["folders"]:  # in the tree's order: a parent before its subfolders
        path = folder["path"]
        if searching and path not in wanted:
            continue
        node = {"path": path, "name": path.rsplit("/", 1)[-1], "count": folder["objects"], "open": path in wanted,
                "children": [], "objects": []}
        nodes[path.rsplit("/", 1)[0] if "/" in path else ""]["children"].append(node)
        nodes[path] = node
    for obj in listing["objects"]:
        nodes.get(obj["folder"], root)["objects"].append(obj)
    return root


async def _devices(request: Request[Any, Any, Any], find: str, number: int) -> list[dict[str, Any]]:
    """Each device, and each PLC's program: page ``number`` of its blocks and PLC data types (those whose name holds
    ``find``), its tag tables and watch tables (those whose name holds it)."""
    services, principal = services_of(request), principal_of(request)
    devices = await run(services, principal, "devices.list")
    offset, folded = (number - 1) * OBJECTS_PER_PAGE, find.casefold()
    plcs = []
    for device in devices:
        if device.get("deviceKind") != "plc":
            continue
        name = device["name"]
        blocks, udts = [await run(services, principal, "blocks.page", deviceName=name, category=category, find=find,
                                  offset=offset, limit=OBJECTS_PER_PAGE) for category in ("blocks", "types")]
        plcs.append({
            "device": device, "blocks": blocks, "tree": _program_tree(blocks, bool(find)), "udts": udts,
            "pages": max(1, *(-(-listing["matching"] // OBJECTS_PER_PAGE) for listing in (blocks, udts))),
            "tagTables": [t for t in await run(services, principal, "tag-tables.list", deviceName=name)
                          if folded in t["name"].casefold()],
            "watchTables": [w for w in await run(services, principal, "watch-tables.list", deviceName=name)
                            if folded in w["name"].casefold()],
        })
    return [{"device": d, "program": next((p for p in plcs if p["device"] is d), None)} for d in devices]


@get("/console/project", include_in_schema=False)
async def project_page(request: Request[Any, Any, Any], q: FromQuery[str] = "",
                       page_number: Annotated[int, QueryParameter(name="page")] = 1) -> Template:
    """The open project: devices and each PLC's program tree, :data:`OBJECTS_PER_PAGE` blocks and PLC data types a
    page, those whose name holds ``q`` (the page's search box)."""
    services, principal = services_of(request), principal_of(request)
    try:
        portal = await run(services, principal, "projects.list")
        overview = await run(services, principal, "projects.overview")
    except NoProjectOpenError as exc:  # a state of the portal, not a failure of the page
        return page(request, "project.html", overview=None, devices=[], error=plain_message(exc.message), q=q,
                    portal=None)
    except EngineeringError as exc:
        return page(request, "project.html", status_for(exc), overview=None, devices=[],
                    error=plain_message(exc.message), q=q, portal=None)
    q = q.strip()
    if page_number < 1:
        return failed(request, ValidationError(f"there is no page {page_number} of the program: its pages are "
                                               "numbered from 1"), "Project")
    devices = await _devices(request, q, page_number)
    pages = max((entry["program"]["pages"] for entry in devices if entry["program"]), default=1)
    if page_number > pages:  # a program that shrank since the link was made: its last page
        page_number = pages
        devices = await _devices(request, q, page_number)
    return page(request, "project.html", overview=overview, devices=devices, error=None, q=q, portal=portal,
                page_number=page_number, pages=pages, per_page=OBJECTS_PER_PAGE)


async def _tags(request: Request[Any, Any, Any], device: str) -> tuple[dict[str, str], dict[str, str]]:
    """The PLC's global tags: name -> address, and name -> data type (none when the tags cannot be read)."""
    try:
        tags = await run(services_of(request), principal_of(request), "tags.list-all", deviceName=device)
    except EngineeringError:
        return {}, {}
    return ({t["name"]: t["logicalAddress"] for t in tags if t.get("logicalAddress")},
            {t["name"]: t["dataType"] for t in tags if t.get("dataType")})


async def block_with(request: Request[Any, Any, Any], device: str, block: str, *,
                     diagnostics: list[dict[str, Any]] | None = None, compiled: dict[str, Any] | None = None,
                     monitor: dict[str, Any] | None = None) -> Template:
    """The block page, with a compile's findings at their lines, or monitoring (``monitor``: its SSE url)."""
    diagnostics = diagnostics or []
    try:
        content = await run(services_of(request), principal_of(request), "blocks.content", deviceName=device,
                            blockName=block)
    except EngineeringError as exc:
        return failed(request, exc, f"Block {block}")
    addresses, tag_types = await _tags(request, device)
    from engineering_api.console.render.block import block_view  # the drawing's modules: by the first block page

    try:
        view = block_view(parse_bytes(content["rawXml"].encode("utf-8")), addresses, diagnostics, tag_types)
    except SimaticMLError as exc:
        return page(request, "error.html", 422, title=f"Block {block}", error=str(exc), code=codes.INVALID_SIMATICML)
    return page(request, "block.html", device=device, block=content, view=view, diagnostics=diagnostics,
                compiled=compiled, monitor=monitor)


@get("/console/devices/{device:str}/blocks/{block:str}", include_in_schema=False)
async def block_page(request: Request[Any, Any, Any], device: FromPath[str], block: FromPath[str]) -> Template:
    """A block drawn in its language, with its members."""
    return await block_with(request, device, block)


@post("/console/devices/{device:str}/blocks/{block:str}/compile", include_in_schema=False, status_code=200)
async def compile_block(request: Request[Any, Any, Any], device: FromPath[str], block: FromPath[str]) -> Template:
    """Compile the block and show it with the compiler's findings at their lines."""
    try:
        result = await run(services_of(request), principal_of(request), "blocks.compile", deviceName=device,
                           blockName=block)
    except EngineeringError as exc:
        audit(request, status_for(exc))
        return failed(request, exc, f"Compile {block}")
    audit(request, 200)
    mine = [d for d in result.get("diagnostics", []) if d.get("block") in (None, "", block)]
    services = services_of(request)  # findings counted in the block's SCL source: drawn at the body's lines
    from engineering_api.domain.source_lines import to_block_lines  # with the first compile page, not at start

    mine = await services.worker.call(lambda: to_block_lines(services.backend, device, mine), timeout=30,
                                      description="source lines")
    return await block_with(request, device, block, diagnostics=mine, compiled=result)


def _udt_rows(members: list[dict[str, Any]], prefix: str, depth: int, out: list[MemberRow]) -> None:
    from engineering_api.console.render.structure import MemberRow  # loaded by the first block or UDT page

    for member in members:
        path = prefix + member["name"]
        out.append(MemberRow(path=path, name=member["name"], datatype=member["dataType"],
                             start_value=member.get("startValue") or "", attributes="",
                             comment=member.get("comment") or "", depth=min(depth, 8), section="None"))
        _udt_rows(member.get("members") or [], path + ".", depth + 1, out)


@get("/console/devices/{device:str}/udts/{udt:str}", include_in_schema=False)
async def udt_page(request: Request[Any, Any, Any], device: FromPath[str], udt: FromPath[str]) -> Template:
    """A PLC data type: its member tree with types, start values and comments, and who uses it."""
    try:
        details = await run(services_of(request), principal_of(request), "udts.get", deviceName=device, udtName=udt)
    except EngineeringError as exc:
        return failed(request, exc, f"PLC data type {udt}")
    rows: list[MemberRow] = []
    _udt_rows(details.get("members") or [], "", 0, rows)
    return page(request, "udt.html", device=device, udt=details, members=rows)


async def _download(request: Request[Any, Any, Any], operation: str, device: str, block: str, field: str,
                    suffix: str, media: str) -> Response[Any]:
    try:
        data = await run(services_of(request), principal_of(request), operation, deviceName=device, blockName=block)
    except EngineeringError as exc:
        return failed(request, exc, f"Download {block}")
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in block) or "block"
    return Response(data[field], media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{safe}{suffix}"'})


@get("/console/devices/{device:str}/blocks/{block:str}/simaticml", include_in_schema=False)
async def download_simaticml(request: Request[Any, Any, Any], device: FromPath[str],
                             block: FromPath[str]) -> Response[Any]:
    """The block's SimaticML export as a file."""
    return await _download(request, "blocks.content", device, block, "rawXml", ".xml", "application/xml")


@get("/console/devices/{device:str}/blocks/{block:str}/scl", include_in_schema=False)
async def download_scl(request: Request[Any, Any, Any], device: FromPath[str], block: FromPath[str]) -> Response[Any]:
    """The block's SCL source as a file (TIA's "generate source from block")."""
    return await _download(request, "blocks.source", device, block, "sourceText", ".scl", "text/plain")
