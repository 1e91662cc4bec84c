"""``engineering-api mcp``: MCP over stdio, in-process or bridged to a running server.

* In-process (default): the command opens its own data directory and backend, exactly as ``serve`` does, and
  serves the tools over stdin/stdout. It acts as the key given with ``--api-key`` (or ``ENGINEERING_API_KEY``),
  checked against that data directory's keys; without one, as the local user with ``--role`` (default
  engineer). Every change is audited with ``via: mcp`` and session ``stdio``.
* Bridge (``--url``, :mod:`engineering_api.mcp.bridge`): stdin/stdout are relayed, message by message, to a running
  server's streamable-HTTP endpoint (``/mcp``) or, for a URL ending in ``/sse``, its SSE endpoint, sending the key
  as ``X-API-Key`` (T-IA Connect's McpBridge does the same). The server applies the key's role and audits.

stdout carries only protocol messages; logs go to stderr.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING


if TYPE_CHECKING:
    from engineering_api.lib.security import Principal
    from engineering_api.services import Services

__all__ = ("add_arguments", "run")

KEY_VARIABLE = "ENGINEERING_API_KEY"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``engineering-api mcp``."""
    parser.add_argument("--data-dir", help="in-process: data directory (default ./var or ENGINEERING_API_DATA_DIR)")
    parser.add_argument("--backend", choices=["fake", "openness"], help="in-process: backend (default fake)")
    parser.add_argument("--tools", choices=["core", "all"], default="core",
                        help="the tools to list: core (default, the day's work in under 40 tools) or all; "
                        "find_tools and call_tool reach every tool either way")
    parser.add_argument("--categories", help="only tools of these categories, e.g. blocks,tags (replaces --tools; "
                        "find_tools and call_tool still reach every tool)")
    parser.add_argument("--role", choices=["viewer", "engineer", "admin"], default="engineer",
                        help="in-process without --api-key: the role to act with (default engineer)")
    parser.add_argument("--url", help="bridge to a running server, e.g. http://127.0.0.1:9000 (its /mcp), or its "
                        "/mcp/sse URL for the SSE transport")
    parser.add_argument("--api-key", help=f"the API key (default: the {KEY_VARIABLE} environment variable)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Serve until stdin closes; 2 on a usage error (unknown key, bad URL)."""
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
    key = args.api_key or os.environ.get(KEY_VARIABLE)
    if args.url:
        if not args.url.startswith(("http://", "https://")):
            print(f"engineering-api mcp: --url must be an http(s) URL, not {args.url!r}", file=sys.stderr)
            return 2
        if not key:
            print(f"engineering-api mcp: --url needs an API key (--api-key or {KEY_VARIABLE})", file=sys.stderr)
            return 2
        import anyio  # here: every command's parser imports this module, and the checker's install has no anyio

        from engineering_api.mcp.bridge import bridge

        return anyio.run(bridge, _with_selection(args.url, args), key)
    return _in_process(args, key)


def _in_process(args: argparse.Namespace, key: str | None) -> int:
    from engineering_api.app import create_services
    from engineering_api.config import Settings
    from engineering_api.lib.security import Role
    from engineering_api.mcp.server import local_principal
    from engineering_api.backend.errors import ValidationError
    from engineering_api.mcp.profiles import select
    from engineering_api.mcp.tools import tool_catalog

    settings = Settings.from_env(data_dir=Path(args.data_dir) if args.data_dir else None, backend=args.backend)
    services = create_services(settings)
    principal = local_principal(Role(args.role))
    if key:
        verified = services.keys.verify(key)
        if verified is None:
            print(f"engineering-api mcp: the API key is not valid for {settings.data_dir}", file=sys.stderr)
            return 2
        principal = verified
    try:
        profile, categories = select(args.tools, args.categories, tool_catalog(services).categories())
    except ValidationError as exc:
        print(f"engineering-api mcp: {exc.message}", file=sys.stderr)
        return 2
    import anyio

    anyio.run(_serve_in_process, services, principal, set(categories) if categories else None, profile)
    return 0


def _with_selection(url: str, args: argparse.Namespace) -> str:
    """The bridge's URL with the profile and categories asked for (the server checks them)."""
    from urllib.parse import urlencode

    query = {"tools": args.tools} if args.tools != "core" else {}
    if args.categories:
        query["categories"] = args.categories
    if not query:
        return url
    return url + ("&" if "?" in url else "?") + urlencode(query)


async def _serve_in_process(services: Services, principal: Principal, categories: set[str] | None, profile: str
                            ) -> None:
    from mcp.server.stdio import stdio_server

    from engineering_api.app import running
    from engineering_api.mcp.runtime import IDLE_TIMEOUT_S
    from engineering_api.mcp.server import create_mcp_server
    from engineering_api.mcp.sessions import McpSession, SessionRegistry

    sessions = SessionRegistry(IDLE_TIMEOUT_S)
    sessions.open(McpSession(session_id="stdio", transport="stdio", key_id=principal.key_id,
                             categories=sorted(categories) if categories else None, tools=profile))
    server = create_mcp_server(services, sessions, default_principal=principal, categories=categories, via="stdio",
                               profile=profile)
    async with running(services), stdio_server() as (read_stream, write_stream):
        await server.run(read_stream, write_stream, server.create_initialization_options())
