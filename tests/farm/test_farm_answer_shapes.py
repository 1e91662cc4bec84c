"""One answer shape per farm fault (issue 69): every error the farm's own code raises says which fault caused it
in ``details.cause``, so a client reads one field whichever of the fault's answers it got (``AGENT_LOST`` for a
call the lost agent had not started, ``OUTCOME_UNKNOWN`` for one it had, ``PROJECT_CLOSING`` after a call given up
on, ``FARM_BROKER_UNREACHABLE`` from any farm route). Checked over the source, so a new raise site is held to it."""

from __future__ import annotations

import ast
from pathlib import Path

from engineering_api.backend import errors

FARM = Path(__file__).resolve().parents[2] / "engineering_api" / "farm"
ERROR_NAMES = {name for name, value in vars(errors).items() if isinstance(value, type)
               and issubclass(value, errors.PortalUnavailableError)} | {"OutcomeUnknownError", "NoFreeAgentError"}
"""The errors that tell a fault (503: a participant failed), and the farm's own kinds of them; a refusal of bad
input (404, 501) names no cause. The agent's refusals add theirs in one place (``agent.refusal``)."""


def _raise_sites() -> list[tuple[str, int, ast.Call]]:
    sites = []
    for path in sorted(FARM.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ERROR_NAMES:
                if any(k.arg in ("code", "details") for k in node.keywords) or node.func.id.endswith(
                        ("UnknownError", "FreeAgentError")):
                    sites.append((path.name, node.lineno, node))
    return sites


def _names_a_cause(call: ast.Call) -> bool:
    details = next((k.value for k in call.keywords if k.arg == "details"), None)
    if not isinstance(details, ast.Dict):
        return False
    return any(isinstance(key, ast.Constant) and key.value == "cause" for key in details.keys)


def test_every_farm_error_with_a_code_names_its_cause():
    sites = _raise_sites()
    assert len(sites) >= 15, "the walk finds the farm's raise sites"
    missing = [f"{name}:{line}" for name, line, call in sites if not _names_a_cause(call)]
    assert not missing, f"farm errors without details.cause: {missing}"
