"""The console's history: the project's git log, and for two commits each changed object with its networks side by
side (SCL as a line diff, LAD/FBD drawn with the parts only one side has marked)."""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from typing import Any
from urllib.parse import urlencode

from litestar import Request, get
from litestar.params import FromQuery
from litestar.response import Template

from engineering_api.backend.errors import EngineeringError, NoProjectOpenError, NotFoundError
from engineering_api.console.calls import plain_message, run
from engineering_api.console.pages import failed, page
from engineering_api.errors import codes
from engineering_api.lib.security import principal_of
from engineering_api.services import services_of
from simatic_xml import SimaticMLError, parse_bytes
from simatic_xml.one_network import parse_network

__all__ = ("DRAWN_KEPT", "ROUTES")

_NETWORK = re.compile(r"^#(\d+)(.*)$")


@get("/console/history", include_in_schema=False)
async def history_page(request: Request[Any, Any, Any]) -> Template:
    """The commits of the open project's repository, newest first, with two picked for a diff."""
    try:
        log = await run(services_of(request), principal_of(request), "vcs.log", count=100)
    except (NoProjectOpenError, EngineeringError) as exc:
        return page(request, "history.html", commits=[], error=plain_message(exc.message))
    return page(request, "history.html", commits=log if isinstance(log, list) else log.get("commits", []), error=None)


async def _content(request: Request[Any, Any, Any], sha: str, path: str) -> bytes | None:
    """The file ``path`` at commit ``sha`` (None where it is not there)."""
    try:
        content = await run(services_of(request), principal_of(request), "vcs.file_content", commitSha=sha,
                            filePath=path)
    except EngineeringError:
        return None
    return str(content["content"]).encode("utf-8")


def _document(data: bytes | None, network: int) -> Any:
    """``data`` parsed (None where it is missing or not SimaticML); with ``network`` its ``network``-th network
    alone read (:func:`simatic_xml.one_network.parse_network`), as its only one."""
    if data is None:
        return None
    try:
        return parse_network(data, network).document if network else parse_bytes(data)
    except SimaticMLError:
        return None


DRAWN_KEPT = 64
"""Opened networks kept drawn (:data:`_drawn`), the last used."""
_drawn: OrderedDict[tuple[str, str, int], list[Any]] = OrderedDict()
"""Networks drawn, by the digests of the two documents' contents and the network opened: a network opened again
(the summary's drawing loaded again, the full page after its fragment) costs the two reads of the files, not their
parse and drawing. Kept by content, so a commit's files are never drawn from another's."""


def _digest(data: bytes | None) -> str:
    return "" if data is None else hashlib.sha256(data).hexdigest()


@get("/console/history/diff", include_in_schema=False)
async def diff_page(request: Request[Any, Any, Any], from_: FromQuery[str] = "", to: FromQuery[str] = "") -> Template:
    """Each object changed between two commits with what the semantic compare found: a summary, its changed
    networks listed; a network is drawn only when opened (:func:`diff_network`), so a large diff stays quick."""
    fields = {"from": request.query_params.get("from") or from_ or None, "to": to or None}
    try:
        result = await run(services_of(request), principal_of(request), "vcs.diff", **fields)
    except EngineeringError as exc:
        return failed(request, exc, "Diff")
    objects = []
    for item in result.get("objects", []):
        networks = [(int(m.group(1)), m.group(2).strip()) for m in map(_NETWORK.match, item.get("networksChanged", []))
                    if m]
        drawable = item["path"].endswith(".xml")  # blocks, types, tag tables: what parses as SimaticML is drawn
        objects.append({"object": item, "networks": networks, "drawable": drawable,
                        "link": _network_link(result["fromSha"], result["toSha"], item["path"])})
    return page(request, "diff.html", diff=result, objects=objects)


def _network_link(before: str, after: str, path: str) -> str:
    return "/console/history/diff/network?" + urlencode({"from": before, "to": after, "path": path})


@get("/console/history/diff/network", include_in_schema=False)
async def diff_network(request: Request[Any, Any, Any], to: FromQuery[str], path: FromQuery[str],
                       network: FromQuery[int] = 0, fragment: FromQuery[bool] = False) -> Template:
    """One object's network (``network``; 0: every network that differs) before and after, SCL as a line diff and
    LAD/FBD drawn with the parts only one side has marked; ``fragment``: the drawing alone, for the summary page."""
    before = request.query_params.get("from") or ""
    # one network the summary listed as changed, read alone from each side (an 85-network block parsed whole twice
    # to draw one network cost 11.7 health checks), or (0) the networks of an object only one commit has
    opened = max(network, 0)
    old_data, new_data = await _content(request, before, path), await _content(request, to, path)
    key = (_digest(old_data), _digest(new_data), opened)
    networks = _drawn.get(key)
    if networks is None:
        old, new = _document(old_data, opened), _document(new_data, opened)
        if old is None and new is None:
            return failed(request, NotFoundError(f"{path!r} is SimaticML in neither commit", code=codes.NOT_FOUND),
                          "Diff")
        from engineering_api.console.render.diff import block_diff  # the drawing's modules: by the first diff drawn

        networks = [n for n in block_diff(old, new, {1} if opened else set(), only=1 if opened else None)
                    if n.state != "same"]
        for drawn in networks if opened else ():
            drawn.index = opened  # the network's place in the block, the first and only one of the documents read
        _drawn[key] = networks
        while len(_drawn) > DRAWN_KEPT:
            _drawn.popitem(last=False)
    _drawn.move_to_end(key)
    return page(request, "diff_fragment.html" if fragment else "diff_network.html", path=path, networks=networks,
                before=before, after=to)


ROUTES = [history_page, diff_page, diff_network]
