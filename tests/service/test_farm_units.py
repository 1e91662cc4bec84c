"""Farm pieces that need no broker: the call codec, the caller of a request, and the embedded answer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path, PureWindowsPath

import pytest

from engineering_api.backend.errors import ConflictError, LockedError, NotFoundError, PortalUnavailableError
from engineering_api.backend.models import CompileMessage, CompileResult, ProjectInfo
from engineering_api.farm.agent import refusal
from engineering_api.farm.codec import AgentCallError, decode, decode_error, encode, encode_error
from engineering_api.lib.caller import caller_id
from engineering_api.lib.responses import status_for
from tests.conftest import data


def test_port_values_survive_the_wire_as_json():
    import json

    result = CompileResult(state="Error", error_count=1, warning_count=0, messages=[
        CompileMessage(path="PLC_1/Main", description="x", state="Error", error_count=1)])
    value = {"result": result, "raw": b"\x00\xff", "path": Path("/w/p.ap19"), "win": PureWindowsPath(r"C:\p"),
             "when": dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc), "pair": (1, "a"), "ids": {3: "x"},
             "names": ["a", None], "info": ProjectInfo(name="P", path="/p", version="V19")}
    wire = json.loads(json.dumps(encode(value)))
    assert decode(wire) == value


def test_a_progress_callback_becomes_the_agents_own():
    seen = []
    args = decode(encode([1, lambda p, m: None]), progress=lambda p, m: seen.append((p, m)))
    args[1](50, "half")
    assert seen == [(50, "half")]


@pytest.mark.parametrize("name", ["os:system", "subprocess:Popen", "builtins:eval", "engineering_apix.evil:X"])
def test_a_message_cannot_name_a_class_outside_the_service(name):
    with pytest.raises(ValueError, match="untrusted"):
        decode({"$s": [name, {}]})


def test_domain_errors_keep_their_class_code_and_details():
    error = decode_error(encode_error(LockedError("held", code="PROJECT_LOCKED", details={"holderPid": 7})), agent="a1")
    assert isinstance(error, LockedError) and error.code == "PROJECT_LOCKED" and error.details == {"holderPid": 7}
    assert isinstance(decode_error(encode_error(NotFoundError("no")), agent="a1"), NotFoundError)
    crash = decode_error(encode_error(ZeroDivisionError("boom")), agent="a1")
    assert isinstance(crash, AgentCallError) and "ZeroDivisionError" in crash.message
    assert crash.details["agent"] == "a1"


@pytest.mark.parametrize(("code", "kind", "status"), [
    ("STALE_AGENT_INSTANCE", PortalUnavailableError, 503), ("STALE_FENCING_TOKEN", ConflictError, 409),
    ("PROJECT_HELD", ConflictError, 409),
])
def test_a_call_the_agent_refused_answers_its_own_status_not_500(code, kind, status):
    # seed 1905374172 of the fault schedule: a call addressed to a restarted agent was refused and answered 500
    error = decode_error(refusal(code, "not run", kind, agent="A")["error"], agent="A")
    assert type(error) is kind and error.code == code and status_for(error) == status


def test_the_caller_is_the_shared_default_session_or_a_keys_named_one():
    assert caller_id("k1", []) == caller_id("k2", []) == "default", "as embedded: every key, one portal"
    assert caller_id("k1", [(b"x-engineering-session", b"build-2")]) == "k1/build-2"
    assert caller_id("k2", [(b"x-engineering-session", b"build-2")]) == "k2/build-2", "never another key's"
    assert caller_id("k1", [(b"x-engineering-session", b"../k2")]) == "default", "a malformed name is ignored"


def test_an_embedded_server_says_it_has_no_farm(client, admin):
    assert data(client.get("/api/farm/agents", headers=admin)) == {
        "mode": "embedded", "broker": None, "agents": []}


def test_only_reads_are_judged_read_only():
    from engineering_api.farm.proxy import is_read_only

    for read in ("list_blocks", "get_block", "session_status", "project_overview", "catalog_search",
                 "simulation.status",
                 "reflection.openness_types", "security.security_summary"):
        assert is_read_only(read), read
    for change in ("simulation.update_instance_config", "catalog_cache_build", "delete_block",
                   "import_program_documents",
                   "get_watch_force_table", "open_project", "sim_tags.write_tag", "compile_software",
                   "watch_tables.get_watch_force_table", "security.create_umac_user"):
        assert not is_read_only(change), change


class _Registry:
    """Two free agents, no claims: what a caller without a project sees."""

    def __init__(self, held: str | None = None) -> None:
        self.held = held

    def holding(self, caller):
        from engineering_api.farm.registry import Claim, Holding

        return Holding(Claim(self.held, "i", 1), "alive") if self.held else Holding(None, "none")

    def free_agent(self, version=None, exclude=frozenset()):
        from engineering_api.farm.registry import Claim

        return next(Claim(name, "i", None) for name in ("a1", "a2") if name not in exclude)


def _farm(monkeypatch, registry, lost: set[str]):
    from engineering_api.backend.errors import PortalUnavailableError
    from engineering_api.farm import FarmBackend, FarmConfig

    backend = FarmBackend(FarmConfig("redis://127.0.0.1:1/0"))  # never connected: registry and sending are stubbed
    backend.registry = registry
    sent: list[tuple[str, str]] = []

    def send(target, method, args, kwargs, progress, *, fence=None):  # the fence names the caller of a claim
        agent = target.agent
        sent.append((agent, method))
        if agent in lost:
            raise PortalUnavailableError("lost", code="AGENT_LOST")
        return f"{method}@{agent}"

    monkeypatch.setattr(backend, "_send", send)
    return backend, sent


def test_a_read_on_a_lost_free_agent_runs_again_on_another(monkeypatch):
    backend, sent = _farm(monkeypatch, _Registry(), lost={"a1"})
    assert backend.catalog.catalog_search("1516", 5) == "catalog.catalog_search@a2"
    assert sent == [("a1", "catalog.catalog_search"), ("a2", "catalog.catalog_search")]


def test_a_change_or_a_read_of_a_held_project_is_never_run_again(monkeypatch):
    from engineering_api.backend.errors import PortalUnavailableError

    backend, sent = _farm(monkeypatch, _Registry(), lost={"a1"})
    with pytest.raises(PortalUnavailableError):
        backend.simulation.create_instance("S")
    assert sent == [("a1", "simulation.create_instance")]
    backend, sent = _farm(monkeypatch, _Registry(held="a1"), lost={"a1"})
    with pytest.raises(PortalUnavailableError):
        backend.blocks.list_blocks("PLC_1")
    assert sent == [("a1", "blocks.list_blocks")], "the last save elsewhere would hide the lost unsaved work"


def test_an_embedded_server_has_no_agent_to_release(client, admin):
    from tests.conftest import assert_error

    assert_error(client.post("/api/farm/agents/agent1/actions/release", headers=admin), 501, "FARM_NOT_CONFIGURED")



def test_an_embedded_server_imports_neither_the_broker_client_nor_redis() -> None:
    """The farm's operations are registered on every server (answering FARM_NOT_CONFIGURED when embedded); the
    farm's Celery and Redis clients are imported when a farm is used, not at every start."""
    import subprocess
    import sys

    check = ("import sys\nimport engineering_api.app\n"
             "sys.exit(','.join(m for m in ('kombu', 'celery', 'redis') if m in sys.modules) or None)")
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    from engineering_api.farm import FarmBackend, FarmConfig, FarmWorker  # still importable by name

    assert {FarmBackend.__name__, FarmConfig.__name__,
            FarmWorker.__name__} == {"FarmBackend", "FarmConfig", "FarmWorker"}
