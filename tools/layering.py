"""The packages' layers as one written table (``ALLOWED``), and the reading of our imports it is checked against
(``tests/lib/test_layering.py`` checks it; ``tools.architecture`` and ``tools.layout`` draw it).

Read from the ground up: ``simatic_xml`` (SimaticML and SCL) imports nothing of ours; ``engineering_api.lib``,
``config`` and the error codes (``engineering_api.errors``) are plumbing; ``engineering_api.backend`` is the port
(its areas, models and errors) and ``engineering_api.rules`` the TIA rules every adapter applies; the two adapters,
``fakes`` and ``openness_bridge``, build on those and never on each other or on the service layer above them. The
service layer (``jobs``, ``services``, ``domain``, ``runtime``, ``farm``…) sees the port, never an adapter; only the
composition root (``engineering_api.compose``) names an adapter. In it, ``engineering_api.web`` is the HTTP face: the
routes built from the declarations (``jobs``) and, in ``web._litestar``, every patch of Litestar's internals; what
declares or serves calls (``domain``, ``runtime``, ``docs``) sits above it, and nothing below it imports it. The
entry points (``app``, ``cli``, ``asgi``, ``mcp``) sit on top.

Every import counts: top level, inside a function, under ``TYPE_CHECKING``. ``KNOWN_EXCEPTIONS`` lists the
imports that break the table today, file by file, to be removed; a new one fails, and so does a listed one that
is gone (delete its line).
"""

from __future__ import annotations

import ast
from pathlib import Path

__all__ = ("ABOVE_THE_PORT", "ADAPTERS", "ALLOWED", "ANYTHING", "CODES", "ERRORS", "FLOORS", "KNOWN_EXCEPTIONS",
           "OURS", "ROOT", "WEB", "files", "imported", "permits", "unit_of")

ROOT = Path(__file__).resolve().parents[1]
OURS = ("engineering_api", "fakes", "openness_bridge", "simatic_xml")

ERRORS = "engineering_api.backend.errors"
"""The one exception tree: a unit of its own below the plumbing (it imports only the codes it raises), so that the
wire contract, the database and the audit can raise and map domain errors without importing the port."""
CODES = "engineering_api.errors"
"""The registry of API error codes, each an importable constant: below the exception tree, it imports nothing of ours
but the ground floor's diagnostic codes (a diagnostic code is a declared API code too)."""
_GROUND = {"simatic_xml"}
_PLUMBING = _GROUND | {"engineering_api.config", "engineering_api.lib", ERRORS, CODES}
_PORT = _PLUMBING | {"engineering_api.backend", "engineering_api.rules"}
_SERVICE_BASE = _PORT | {"engineering_api.services", "engineering_api.jobs"}
WEB = "engineering_api.web"
"""The HTTP face: routes built from the operations' declarations, the jobs' routes, and Litestar's patched internals
(``web._litestar``). Above the jobs and the services; what declares calls (``domain``, ``runtime``) builds on it."""
_SERVICE = _SERVICE_BASE | {WEB, "engineering_api.push", "engineering_api.snapshots", "engineering_api.docs",
                            "engineering_api.runtime"}
ANYTHING = {"<anything>"}
"""The composition root's row: it may name the adapters."""
ABOVE_THE_PORT = {"<anything but an adapter>"}
"""The entry points' row: anything of ours except an adapter."""
ADAPTERS = ("fakes", "openness_bridge")

# Floors of the architecture picture and the layout table (tools.architecture, tools.layout), top first; a unit
# missing here is drawn on the floor "other".
FLOORS = (
    ("entry points", ("engineering_api.app", "engineering_api.asgi", "engineering_api.cli", "engineering_api.__main__",
                      "engineering_api.db_cli",
                      "engineering_api.lsp", "engineering_api.mcp", "engineering_api.console",
                      "engineering_api.compose", "engineering_api.swagger")),
    ("service layer", ("engineering_api.domain", "engineering_api.runtime", "engineering_api.farm",
                       "engineering_api.snapshots", "engineering_api.push", WEB, "engineering_api.jobs",
                       "engineering_api.services", "engineering_api.docs", "engineering_api.ci")),
    ("adapters", ("fakes", "openness_bridge")),
    ("port and rules", ("engineering_api.backend", "engineering_api.rules")),
    ("plumbing", ("engineering_api.lib", "engineering_api.migrations", "engineering_api.config",
                  "engineering_api.backend.errors", "engineering_api.errors", "engineering_api")),
    ("ground floor", ("simatic_xml",)),
)

# unit -> the units it may import (a unit is a top-level package, or a first-level module/package of
# engineering_api). Its own unit is always allowed.
ALLOWED: dict[str, set[str]] = {
    "simatic_xml": set(),
    "engineering_api": set(),
    CODES: _GROUND,
    ERRORS: {CODES},
    "engineering_api.config": set(),
    "engineering_api.lib": _GROUND | {"engineering_api.config", ERRORS, CODES},
    "engineering_api.migrations": _PLUMBING,
    "engineering_api.docs": {"engineering_api.lib", ERRORS, CODES, WEB},
    "engineering_api.rules": _GROUND | {"engineering_api.lib", ERRORS, CODES, "engineering_api.backend"},
    "engineering_api.backend": _PLUMBING | {"engineering_api.rules"},
    "fakes": _PORT,
    "openness_bridge": _PORT,
    "engineering_api.ci": _PORT,
    "engineering_api.services": _PORT | {"engineering_api.jobs"},
    "engineering_api.jobs": _PORT | {"engineering_api.services"},
    "engineering_api.push": _SERVICE_BASE,
    "engineering_api.snapshots": _SERVICE_BASE,
    "engineering_api.farm": _SERVICE_BASE,
    WEB: _SERVICE_BASE,
    "engineering_api.runtime": _SERVICE_BASE | {WEB, "engineering_api.push", "engineering_api.snapshots"},
    "engineering_api.domain": _SERVICE,
    "engineering_api.mcp": _SERVICE | {"engineering_api.domain"},
    "engineering_api.console": _SERVICE | {"engineering_api.domain"},
    "engineering_api.compose": ANYTHING,
    "engineering_api.app": ABOVE_THE_PORT,
    "engineering_api.asgi": ABOVE_THE_PORT,
    "engineering_api.cli": ABOVE_THE_PORT,
    "engineering_api.__main__": {"engineering_api.cli"},
    "engineering_api.db_cli": _PLUMBING,
    "engineering_api.lsp": ABOVE_THE_PORT,
    "engineering_api.swagger": _PLUMBING,
}

KNOWN_EXCEPTIONS = {
    ("engineering_api/domain/assistant/loop.py", "engineering_api.mcp"),
    ("engineering_api/lib/middleware.py", "engineering_api.runtime"),
    ("engineering_api/lib/middleware.py", "engineering_api.services"),
    ("engineering_api/lib/middleware.py", WEB),  # the guard calls web._litestar.direct_route: it belongs in web/
    ("engineering_api/mcp/stdio.py", "engineering_api.app"),
}


def unit_of(module: str) -> str:
    """``engineering_api.domain.watch_tables`` -> ``engineering_api.domain``; ``fakes.runtime.cpu`` -> ``fakes``."""
    if module == ERRORS or module.startswith(ERRORS + "."):
        return ERRORS
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "engineering_api" and len(parts) > 1 else parts[0]


def permits(row: set[str], target: str) -> bool:
    """Whether a unit with this ``ALLOWED`` row may import ``target``."""
    if row is ANYTHING:
        return True
    if row is ABOVE_THE_PORT:
        return target not in ADAPTERS
    return target in row


def imported(path: Path) -> set[str]:
    """The modules of ours that ``path`` imports (absolute imports; ours use no relative import across units)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # the module and name: ``from engineering_api.backend import errors`` reads the errors module
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name.split(".")[0] in OURS}


def files() -> list[tuple[str, Path]]:
    """Every source file of ours with its unit."""
    found = []
    for package in OURS:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found.append((unit_of(".".join(parts[:-1] if parts[-1] == "__init__" else parts)), path))
    return found
