"""The console's runtime page: the active alarms and a tag's trend from history, of the runtime API.

The runtime API has its own users and roles (``engineering_api.runtime``), not API keys, so the page asks for a
runtime sign-in once per console session and reads with that user's rights: the console grants nothing the
runtime API would refuse.
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timezone
from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from engineering_api.backend.errors import EngineeringError
from engineering_api.console.auth import audit
from engineering_api.console.pages import page
from engineering_api.runtime.actions import AlarmClassQuery, HistoryQuery, current_alarms, history_series
from engineering_api.runtime.service import LoginRefused, Refusal, runtime_of
from engineering_api.services import services_of

__all__ = ("ROUTES", "trend_points")

_TREND_W, _TREND_H = 720, 200


def _client(request: Request[Any, Any, Any]) -> str:
    client = request.scope.get("client")
    return client[0] if client else ""


def trend_points(values: list[tuple[float, float]], width: int = _TREND_W, height: int = _TREND_H) -> str:
    """``(t, v)`` pairs as the ``points`` of an SVG polyline filling ``width`` x ``height`` (y grows down)."""
    if not values:
        return ""
    t0, t1 = min(t for t, _ in values), max(t for t, _ in values)
    v0, v1 = min(v for _, v in values), max(v for _, v in values)
    span_t, span_v = (t1 - t0) or 1.0, (v1 - v0) or 1.0
    return " ".join(f"{(t - t0) / span_t * width:.1f},{height - (v - v0) / span_v * height:.1f}" for t, v in values)


@get("/console/runtime", include_in_schema=False)
async def runtime_page(request: Request[Any, Any, Any], tag: FromQuery[str] = "",
                       minutes: FromQuery[int] = 60) -> Template:
    """Active alarms and the trend of ``tag`` over the last ``minutes``, or the runtime sign-in form."""
    services = services_of(request)
    session = request.state.console_session
    runtime = runtime_of(services)
    settings = services.settings
    answer = runtime.check_bearer(f"Bearer {session.runtime_token}" if session.runtime_token else None, "read",
                                  _client(request), settings.rate_limit_per_minute, settings.auth_failures_per_minute)
    if isinstance(answer, Refusal):
        session.runtime_token = None
        return page(request, "runtime.html", signed_in=False, error=None if answer.status == 401 else answer.message)
    # off the event loop, as the runtime routes run: reading pumps the monitor, which reaches the TIA worker
    alarms, logged, chosen, trend, error = await asyncio.to_thread(_read, runtime, tag, minutes)
    return page(request, "runtime.html", signed_in=True, user=getattr(answer, "username", ""),
                alarms=alarms, logged=logged, tag=chosen, minutes=minutes, trend=trend, error=error,
                width=_TREND_W, height=_TREND_H)


def _read(runtime: Any, tag: str, minutes: int) -> tuple[list[Any], list[str], str, dict[str, Any] | None, str | None]:
    """The active alarms, the logged tags, the tag shown, its trend and any error."""
    alarms = [msgspec.to_builtins(a) for a in current_alarms(runtime, AlarmClassQuery())]
    logged = [s.tag for s in runtime.history.settings()]
    chosen = tag or (logged[0] if logged else "")
    trend: dict[str, Any] | None = None
    error = None
    if chosen:
        now = datetime.now(timezone.utc)
        start = datetime.fromtimestamp(time.time() - max(1, min(minutes, 24 * 60)) * 60, timezone.utc)
        try:
            query = msgspec.convert({"tagNames": [chosen], "from": start.isoformat().replace("+00:00", "Z"),
                                     "to": now.isoformat().replace("+00:00", "Z")}, HistoryQuery)
            [series] = history_series(runtime, query)
            points = [(datetime.fromisoformat(p.timestamp.replace("Z", "+00:00")).timestamp(), float(p.value))
                      for p in series.values if isinstance(p.value, (int, float))]
            trend = {"tag": chosen, "points": trend_points(points), "count": len(points),
                     "min": min((v for _, v in points), default=None), "max": max((v for _, v in points), default=None)}
        except (EngineeringError, msgspec.ValidationError) as exc:
            error = getattr(exc, "message", str(exc))
    return alarms, logged, chosen, trend, error


@post("/console/runtime/signin", include_in_schema=False, status_code=303,
      opt={"console_role": "viewer", "console_audit": False})  # a sign-in, not a change: only refusals recorded
async def runtime_sign_in(request: Request[Any, Any, Any]) -> Any:
    """Sign in as a runtime user for this console session (its token stays on the server)."""
    form = await request.form()
    runtime = runtime_of(services_of(request))
    try:  # hashing the password takes a while: not on the event loop
        _, token, _ = await asyncio.to_thread(runtime.login, str(form.get("username") or ""),
                                              str(form.get("password") or ""), _client(request))
    except LoginRefused as exc:
        audit(request, exc.refusal.status)
        return page(request, "runtime.html", exc.refusal.status, signed_in=False, error=exc.refusal.message)
    request.state.console_session.runtime_token = token
    return Redirect("/console/runtime", status_code=303)


ROUTES = [runtime_page, runtime_sign_in]
