"""A scripted assistant evaluation: ten tasks a controls engineer asks, each a fixed script of tool calls.

It stands in for a real model (none is reachable from the test suite). The model is the scripted
OpenAI-compatible stub of the assistant tests (:mod:`tests.assistant_stub`); a small MCP host here does what
an assistant application does: it offers the model the core profile as the official SDK client lists it, runs
the calls the model makes through the SDK client, and hands back **only the text content** of each result (no
``structuredContent``), as a client that forwards text does. Each script step decides its call from those
texts alone. The evaluation checks that:

* every tool called is in the core profile, or was named by an earlier ``find_tools`` answer and run through
  ``call_tool``;
* every call the script needs completes (no ``isError`` unless the task expects one);
* the final answer restates facts the texts carried (an article number, a diagnostic's line, a caller...).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.assistant_stub import ScriptedProvider, say, tools
from tests.mcp.conftest import Live
from tests.mcp.transports import all_tools, http_session
from tools.bounds import HANG_GUARD_S

pytestmark = pytest.mark.anyio

Step = Callable[[list[str]], dict[str, Any]]
"""The model's next reply, from the texts of the tool results so far (newest last)."""


def data_of(text: str) -> Any:
    """The JSON a result's text carries after its sentence."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line[:1] in "{[")
    return json.loads("\n".join(lines[start:]))


def hit(text: str, name: str) -> str:
    """``name`` when a find_tools answer lists it (the model picks a tool it was shown), else a failure."""
    assert re.search(rf"^{re.escape(name)}\(", text, re.M), f"find_tools did not offer {name}:\n{text}"
    return name


MOTOR = """FUNCTION_BLOCK "FB_Motor"
VERSION : 0.1
   VAR_INPUT
      Start : Bool;
      Stop : Bool;
   END_VAR
   VAR_OUTPUT
      Running : Bool;
   END_VAR
   VAR
      StartDelay : TON;
   END_VAR
BEGIN
   #StartDelay(IN := #Start, PT := T#2S);
   #Running := (#StartDelay.Q OR #Running) AND NOT #Stop;
END_FUNCTION_BLOCK
"""
CONVEYOR = """FUNCTION_BLOCK "FB_Conveyor"
VERSION : 0.1
   VAR
      Drive : "FB_Motor";
   END_VAR
BEGIN
   #Drive(Start := "Conveyor_Start", Stop := "Conveyor_Stop");
END_FUNCTION_BLOCK
"""
CONVEYOR_FIXED_TAGS = [("Conveyor_Start", "%I0.0"), ("Conveyor_Stop", "%I0.1")]


def _after(texts: list[str], count: int) -> list[str]:
    return texts[-count:]


TASKS: list[tuple[str, list[Step], Callable[[str], bool]]] = [
    ("Create project Line7 with an S7-1500 CPU 1516.", [
        lambda t: tools(("catalog_search", {"query": "1516-3 PN/DP"})),
        lambda t: tools(("projects_create", {"name": "Line7"}),
                        ("devices_add", {"orderNumber": data_of(t[-1])[0]["item"]["orderNumber"], "name": "PLC_1"})),
        lambda t: say(f"Created Line7 with PLC_1 ({data_of(t[-1])['orderNumber']})."),
    ], lambda answer: "6ES7" in answer),
    ("Add a motor FB with start/stop and a TON.", [
        lambda t: tools(("external-sources_import-and-generate",
                         {"deviceName": "PLC_1", "sourceName": "Motor", "sclContent": MOTOR})),
        lambda t: tools(("devices_compile-software", {"deviceName": "PLC_1"})),
        lambda t: say(t[-1].split("\n", 1)[0]),
    ], lambda answer: answer.startswith("Compile finished: 0 errors")),
    ("Add FB_Conveyor, compile, and fix the error.", [
        lambda t: tools(("external-sources_import-and-generate",
                         {"deviceName": "PLC_1", "sourceName": "Conveyor", "sclContent": CONVEYOR})),
        lambda t: tools(("devices_compile-software", {"deviceName": "PLC_1"})),
        # The text names the missing tags with their block and line; the model creates them.
        lambda t: tools(*[("tags_create", {"deviceName": "PLC_1", "name": name, "dataType": "Bool",
                                           "logicalAddress": address})
                          for name, address in CONVEYOR_FIXED_TAGS if name in t[-1]]),
        lambda t: tools(("devices_compile-software", {"deviceName": "PLC_1"})),
        lambda t: say(f"{t[-4].splitlines()[1]} -> fixed: {t[-1].splitlines()[0]}"),
    ], lambda answer: "block FB_Conveyor" in answer and "line" in answer and "0 errors" in answer),
    ("Which blocks use tag Conveyor_Start?", [
        lambda t: tools(("blocks_list", {"deviceName": "PLC_1"})),
        lambda t: tools(*[("blocks_cross-references", {"deviceName": "PLC_1", "blockName": b["name"]})
                          for b in data_of(t[-1]) if b["blockType"] in ("FB", "FC", "OB")]),
        lambda t: say("Used by: " + ", ".join(sorted(
            data_of(text)["blockName"] for text in t if text.startswith("blocks_cross-references")
            and any(u["name"] == "Conveyor_Start" for u in data_of(text)["uses"])))),
    ], lambda answer: answer == "Used by: FB_Conveyor"),
    ("Show me the SCL of FB_Motor.", [
        lambda t: tools(("blocks_source", {"deviceName": "PLC_1", "blockName": "FB_Motor"})),
        lambda t: say(data_of(t[-1])["sourceText"]),
    ], lambda answer: "StartDelay" in answer and "FUNCTION_BLOCK" in answer),
    ("Add a tag table Motors.", [
        lambda t: tools(("find_tools", {"query": "create tag table"})),
        lambda t: tools(("call_tool", {"name": hit(t[-1], "tag-tables_create"),
                                       "arguments": {"deviceName": "PLC_1", "name": "Motors"}})),
        lambda t: say(t[-1].split("\n", 1)[0]),
    ], lambda answer: "finished" in answer),
    ("Create a watch table for the conveyor inputs.", [
        lambda t: tools(("find_tools", {"query": "watch table create"})),
        lambda t: tools(("call_tool", {"name": hit(t[-1], "watch-tables_create"),
                                       "arguments": {"deviceName": "PLC_1", "name": "Conveyor"}})),
        lambda t: tools(("find_tools", {"query": "watch table add entries"})),
        lambda t: tools(("call_tool", {"name": hit(t[-1], "watch-tables_entries_add"), "arguments": {
            "deviceName": "PLC_1", "tableName": "Conveyor",
            "entries": [{"name": '"Conveyor_Start"'}, {"name": '"Conveyor_Stop"'}]}})),
        lambda t: say(f"Watch table Conveyor has {len(data_of(t[-1])['entries'])} entries."),
    ], lambda answer: answer == "Watch table Conveyor has 2 entries."),
    ("Delete FB_Motor, but tell me first what it breaks.", [
        lambda t: tools(("blocks_delete", {"deviceName": "PLC_1", "blockName": "FB_Motor"})),
        lambda t: say("Not deleted. " + t[-1].split("\n{", 1)[0]),
    ], lambda answer: "FB_Conveyor" in answer and "no longer compile" in answer),
    ("Rename FB_Conveyor to FB_Belt.", [
        lambda t: tools(("blocks_rename", {"deviceName": "PLC_1", "blockName": "FB_Conveyor", "newName": "FB_Belt"})),
        lambda t: tools(("blocks_list", {"deviceName": "PLC_1"})),
        lambda t: say("Blocks: " + ", ".join(sorted(b["name"] for b in data_of(t[-1])))),
    ], lambda answer: "FB_Belt" in answer and "FB_Conveyor" not in answer),
    ("Write a unit test for FB_Motor and run it.", [
        lambda t: tools(("testharness_tests_create", {
            "name": "Motor stops", "deviceName": "PLC_1", "steps": [
                {"description": "stop", "write": {'"Conveyor_Stop"': True}, "waitMs": 100,
                 "assert": {'"Conveyor_Stop"': {"expected": True}}}]})),
        lambda t: tools(("testharness_run", {"testName": "Motor stops"})),
        lambda t: say(t[-1].split("\n{", 1)[0]),
    ], lambda answer: answer.startswith("Test run") and "Motor stops:" in answer),  # with why it passed or not
]


def _model_turn(stub: ProviderHost, messages: list[dict[str, Any]], offered: list[dict[str, Any]]) -> dict[str, Any]:
    answer = httpx.post(f"{stub.base_url}/chat/completions", timeout=HANG_GUARD_S,
                        json={"model": "stub-large", "messages": messages, "tools": offered})
    assert answer.status_code == 200, answer.text  # a script step that failed answers 500 with its error
    return answer.json()["choices"][0]["message"]


ProviderHost = ScriptedProvider


def _as_step(step: Step) -> Callable[[Any], dict[str, Any]]:
    return lambda body: step([m["content"] for m in body["messages"] if m["role"] == "tool"])


async def test_ten_engineering_tasks_complete_from_the_core_profile_and_text_alone(live: Live) -> None:
    script: list[dict[str, Any] | Callable[[Any], dict[str, Any]]] = [_as_step(step) for _, steps, _ in TASKS
                                                                     for step in steps]
    async with http_session(live) as session:
        listed = await all_tools(session)
        core = {t.name for t in listed}
        offered = [{"type": "function", "function": {"name": t.name, "description": t.description,
                                                      "parameters": t.input_schema}} for t in listed]
        surfaced: set[str] = set()
        report = []
        with ScriptedProvider(script=script) as stub:
            for task, steps, judge in TASKS:
                messages: list[dict[str, Any]] = [{"role": "user", "content": task}]
                calls = 0
                for _ in range(len(steps)):
                    reply = _model_turn(stub, messages, offered)
                    messages.append(reply)
                    for call in reply.get("tool_calls") or []:
                        name = call["function"]["name"]
                        arguments = json.loads(call["function"]["arguments"])
                        assert name in core, f"{task}: {name} is not in the core profile"
                        if name == "call_tool":
                            assert arguments["name"] in surfaced, f"{task}: {arguments['name']} was never found"
                        result = await session.call_tool(name, arguments)
                        text = "\n".join(c.text for c in result.content if c.type == "text")
                        assert not result.is_error, f"{task}: {text}"
                        if name == "find_tools":
                            surfaced |= set(re.findall(r"^([\w-]+)\(", text, re.M))
                        messages.append({"role": "tool", "tool_call_id": call["id"], "content": text})
                        calls += 1
                answer = messages[-1]["content"] or ""
                assert not messages[-1].get("tool_calls"), f"{task}: the script ended on a call"
                assert judge(answer), f"{task}: {answer}"
                report.append(f"{task} -> {calls} calls: {answer.splitlines()[0][:90]}")
    print("\n".join(report))
