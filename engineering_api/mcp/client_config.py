"""Ready-to-paste MCP client configurations (``GET /mcp/config``), each within its client's tool limit.

Every configuration serves the core profile (:mod:`engineering_api.mcp.profiles`): VS Code and OpenAI models
refuse more than 128 tools, Cursor warns past about 40, and every listed tool costs context. ``find_tools`` and
``call_tool`` reach the rest. Commands are absolute paths: an assistant starts them without the user's shell,
so a virtualenv's ``bin`` is not on its PATH.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

__all__ = ("TOOL_LIMITS", "client_configs", "command_line")

TOOL_LIMITS = {"vscode": 128, "vscodeStreamableHttp": 128, "cursor": 40, "claudeDesktop": 128, "stdio": 40}
"""How many tools each client takes: VS Code's and OpenAI's cap of 128; Cursor's about 40. Claude Desktop and a
generic stdio client have no published cap: they get the same core profile, sized for the smallest."""

_COMMAND = "engineering-api"


def command_line() -> list[str]:
    """The absolute command that starts ``engineering-api``: the script next to this interpreter (a virtualenv's
    ``bin``), else the one on PATH, else this interpreter running the CLI module."""
    beside = Path(sys.executable).parent / _COMMAND
    if beside.is_file():
        return [str(beside.absolute())]
    found = shutil.which(_COMMAND)
    if found:
        return [str(Path(found).resolve())]
    return [str(Path(sys.executable).absolute()), "-m", "engineering_api.cli"]


def _entry(file: str, content: dict[str, Any], client: str) -> dict[str, Any]:
    return {"file": file, "content": content, "tools": "core", "toolLimit": TOOL_LIMITS[client]}


def client_configs(base_url: str, data_dir: Path) -> dict[str, Any]:
    """The configurations for a server at ``base_url`` whose data directory is ``data_dir``; the key is always a
    placeholder, never a real secret. The stdio configuration names the data directory by its absolute path: a
    client starts the command from a working directory of its own, where ``./var`` would be another directory."""
    key_input = "${input:engineeringApiKey}"
    inputs = [{"id": "engineeringApiKey", "type": "promptString", "description": "engineering-api API key",
               "password": True}]
    command, *prefix = command_line()
    return {
        "vscode": _entry(".vscode/mcp.json", {
            "servers": {"engineering-api": {
                "type": "sse", "url": f"{base_url}/mcp/sse",
                "headers": {"X-Client-Id": "vscode", "X-API-Key": key_input},
            }},
            "inputs": inputs,
        }, "vscode"),
        "vscodeStreamableHttp": _entry(".vscode/mcp.json", {
            "servers": {
                "engineering-api": {"type": "http", "url": f"{base_url}/mcp", "headers": {"X-API-Key": key_input}}},
            "inputs": inputs,
        }, "vscodeStreamableHttp"),
        "claudeDesktop": _entry("claude_desktop_config.json", {"mcpServers": {"engineering-api": {
            "command": command, "args": [*prefix, "mcp", "--url", base_url],
            "env": {"ENGINEERING_API_KEY": "<your API key>"},
        }}}, "claudeDesktop"),
        "cursor": _entry(".cursor/mcp.json", {"mcpServers": {"engineering-api": {
            "url": f"{base_url}/mcp", "headers": {"X-API-Key": "<your API key>"},
        }}}, "cursor"),
        "stdio": _entry("any client that starts a command", {
            "command": command, "args": [*prefix, "mcp", "--data-dir", str(data_dir.resolve()), "--backend", "fake"],
        }, "stdio"),
    }
