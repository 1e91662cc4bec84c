"""Farm pieces that need no broker: the call codec, the caller of a request, and the embedded answer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path, PureWindowsPath

import pytest

from engineering_api.backend.errors import LockedError, NotFoundError
from engineering_api.backend.models import CompileMessage, CompileResult, ProjectInfo
from engineering_api.farm.codec import AgentCallError, decode, decode_error, encode, encode_error
from engineering_api.lib.caller import caller_id
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


def test_the_caller_is_the_key_or_the_key_and_a_valid_session():
    assert caller_id("k1", []) == "k1"
    assert caller_id("k1", [(b"x-engineering-session", b"build-2")]) == "k1/build-2"
    assert caller_id("k1", [(b"x-engineering-session", b"../k2")]) == "k1", "a malformed session name is ignored"


def test_an_embedded_server_says_it_has_no_farm(client, admin):
    assert data(client.get("/api/farm/agents", headers=admin)) == {
        "mode": "embedded", "broker": None, "agents": []}
