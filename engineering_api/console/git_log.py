"""The console's history: the project's git log, and for two commits each changed object with its networks side by
side (SCL as a line diff, LAD/FBD drawn with the parts only one side has marked)."""

from __future__ import annotations

import re
from typing import Any

from litestar import Request, get
from litestar.params import FromQuery
from litestar.response import Template

from engineering_api.backend.errors import EngineeringError, NoProjectOpenError
from engineering_api.console.calls import run
from engineering_api.console.pages import failed, page
from engineering_api.console.render.diff import block_diff
from engineering_api.lib.security import principal_of
from engineering_api.services import services_of
from simatic_xml import SimaticMLError, parse_bytes

__all__ = ("ROUTES",)

_NETWORK = re.compile(r"^#(\d+)")


@get("/console/history", include_in_schema=False)
async def history_page(request: Request[Any, Any, Any]) -> Template:
    """The commits of the open project's repository, newest first, with two picked for a diff."""
    try:
        log = await run(services_of(request), principal_of(request), "vcs.log", count=100)
    except (NoProjectOpenError, EngineeringError) as exc:
        return page(request, "history.html", commits=[], error=exc.message)
    return page(request, "history.html", commits=log if isinstance(log, list) else log.get("commits", []), error=None)


async def _document(request: Request[Any, Any, Any], sha: str, path: str) -> Any:
    try:
        content = await run(services_of(request), principal_of(request), "vcs.file_content", commitSha=sha,
                            filePath=path)
        return parse_bytes(content["content"].encode("utf-8"))
    except (EngineeringError, SimaticMLError):
        return None


@get("/console/history/diff", include_in_schema=False)
async def diff_page(request: Request[Any, Any, Any], from_: FromQuery[str] = "", to: FromQuery[str] = "") -> Template:
    """Each object changed between two commits, with what the semantic compare found and where."""
    fields = {"from": request.query_params.get("from") or from_ or None, "to": to or None}
    try:
        result = await run(services_of(request), principal_of(request), "vcs.diff", **fields)
    except EngineeringError as exc:
        return failed(request, exc, "Diff")
    objects = []
    for item in result.get("objects", []):
        changed = {int(m.group(1)) for m in map(_NETWORK.match, item.get("networksChanged", [])) if m}
        networks = []
        if item["path"].endswith(".xml"):  # blocks, types, tag tables: what parses as SimaticML is drawn
            old = await _document(request, result["fromSha"], item["path"]) if item["status"] != "Added" else None
            new = await _document(request, result["toSha"], item["path"]) if item["status"] != "Removed" else None
            if old is not None or new is not None:
                networks = block_diff(old, new, changed)
        objects.append({"object": item, "networks": networks})
    return page(request, "diff.html", diff=result, objects=objects)


ROUTES = [history_page, diff_page]
