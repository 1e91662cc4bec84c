"""The console's pages of PLC tags: a tag table with its tags (a page of them at a time, found by name), user constants
and where each tag is used (the ``cross-references.tag-table`` operation, one read of the program's index for the
whole table), and a tag with where it is used (TIA's cross-reference list for it, the same
``cross-references.object`` operation as REST and the cross-reference page), each use linked to its network."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Template

from engineering_api.backend.errors import EngineeringError, NotFoundError, ValidationError
from engineering_api.console.calls import run
from engineering_api.console.pages import failed, page
from engineering_api.errors import codes
from engineering_api.lib.security import principal_of
from engineering_api.services import services_of

__all__ = ("ROUTES", "TAGS_PER_PAGE")


TAGS_PER_PAGE = 200
"""Tags a page of a tag table shows, with their uses: a page costs what it shows. A table of 2,000 tags shown at
once was 1.4 MB of HTML and ~75 ms over HTTP (~90 health checks; issue 93 asks for 20)."""


@get("/console/devices/{device:str}/tag-tables/{table:str}", include_in_schema=False)
async def tag_table_page(request: Request[Any, Any, Any], device: FromPath[str], table: FromPath[str],
                         page_number: Annotated[int, QueryParameter(name="page")] = 1,
                         find: FromQuery[str] = "") -> Template:
    """A tag table, :data:`TAGS_PER_PAGE` tags a page (those whose name holds ``find``): each tag linked to its page,
    where they are used, and the table's user constants."""
    services, principal = services_of(request), principal_of(request)
    try:
        if page_number < 1:
            raise ValidationError(f"there is no page {page_number} of tag table {table}: its pages are numbered "
                                  "from 1")
        tags = await run(services, principal, "tags.list", deviceName=device, tableName=table)
        constants = await run(services, principal, "constants.user", deviceName=device, tableName=table)
        uses = (await run(services, principal, "cross-references.tag-table", deviceName=device,
                          tableName=table))["tags"]
    except EngineeringError as exc:
        return failed(request, exc, f"Tag table {table}")
    find = find.strip()
    found = [t for t in tags if find.casefold() in t["name"].casefold()] if find else tags
    pages = max(1, -(-len(found) // TAGS_PER_PAGE))
    number = min(page_number, pages)  # a table that shrank since its link was made: its last page
    shown = found[(number - 1) * TAGS_PER_PAGE:number * TAGS_PER_PAGE]
    names = {t["name"] for t in shown}
    return page(request, "tag_table.html", device=device, table=table, tags=shown, constants=constants,
                uses=[u for u in uses if u["tag"] in names], find=find, matching=len(found), total=len(tags),
                page_number=number, pages=pages, first=(number - 1) * TAGS_PER_PAGE + 1)


@get("/console/devices/{device:str}/tags/{tag:str}", include_in_schema=False)
async def tag_page(request: Request[Any, Any, Any], device: FromPath[str], tag: FromPath[str]) -> Template:
    """A PLC tag: its data type, address, comment and table, and every block and network that uses it."""
    services, principal = services_of(request), principal_of(request)
    try:
        found = [t for t in await run(services, principal, "tags.list-all", deviceName=device)
                 if t["name"].casefold() == tag.casefold()]
        if not found:
            raise NotFoundError(f"PLC {device!r} has no tag {tag!r}", code=codes.TAG_NOT_FOUND)
        uses = await run(services, principal, "cross-references.object", deviceName=device, objectName=f'"{tag}"')
    except EngineeringError as exc:
        return failed(request, exc, f"Tag {tag}")
    return page(request, "tag.html", device=device, tag=found[0], result=uses)


ROUTES = [tag_table_page, tag_page]
