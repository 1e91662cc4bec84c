"""The console's pages of PLC tags: a tag table with its tags, user constants and where each tag is used (the
``cross-references.tag-table`` operation, one read of the program's index for the whole table), and a tag with where
it is used (TIA's cross-reference list for it, the same ``cross-references.object`` operation as REST and the
cross-reference page), each use linked to its network."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.params import FromPath
from litestar.response import Template

from engineering_api.backend.errors import EngineeringError, NotFoundError
from engineering_api.console.calls import run
from engineering_api.console.pages import failed, page
from engineering_api.lib.security import principal_of
from engineering_api.services import services_of

__all__ = ("ROUTES",)


@get("/console/devices/{device:str}/tag-tables/{table:str}", include_in_schema=False)
async def tag_table_page(request: Request[Any, Any, Any], device: FromPath[str], table: FromPath[str]) -> Template:
    """A tag table: its tags (each linked to its page), its user constants and where its tags are used."""
    services, principal = services_of(request), principal_of(request)
    try:
        tags = await run(services, principal, "tags.list", deviceName=device, tableName=table)
        constants = await run(services, principal, "constants.user", deviceName=device, tableName=table)
        uses = (await run(services, principal, "cross-references.tag-table", deviceName=device,
                          tableName=table))["tags"]
    except EngineeringError as exc:
        return failed(request, exc, f"Tag table {table}")
    return page(request, "tag_table.html", device=device, table=table, tags=tags, constants=constants, uses=uses)


@get("/console/devices/{device:str}/tags/{tag:str}", include_in_schema=False)
async def tag_page(request: Request[Any, Any, Any], device: FromPath[str], tag: FromPath[str]) -> Template:
    """A PLC tag: its data type, address, comment and table, and every block and network that uses it."""
    services, principal = services_of(request), principal_of(request)
    try:
        found = [t for t in await run(services, principal, "tags.list-all", deviceName=device)
                 if t["name"].casefold() == tag.casefold()]
        if not found:
            raise NotFoundError(f"PLC {device!r} has no tag {tag!r}", code="TAG_NOT_FOUND")
        uses = await run(services, principal, "cross-references.object", deviceName=device, objectName=f'"{tag}"')
    except EngineeringError as exc:
        return failed(request, exc, f"Tag {tag}")
    return page(request, "tag.html", device=device, tag=found[0], result=uses)


ROUTES = [tag_table_page, tag_page]
