"""Shipped templates: listed, parameterised, generated for V16…V21, re-read and re-written identically."""

from __future__ import annotations

import pytest

from simatic_xml import VersionError, parse_bytes, to_bytes, tokens_to_text
from simatic_xml.generate import SpecError, build_document, generate_xml, list_templates, parse_spec, template_spec
from tests.simatic_xml.typed import block, body, interface, section

VERSIONS = ("V16", "V17", "V18", "V19", "V20", "V21")
REQUIRED = {"motor_starter", "valve", "pid_wrapper", "alarm", "state_machine", "graph_sequence"}


def test_list_templates() -> None:
    items = list_templates()
    assert REQUIRED <= {t["name"] for t in items}
    for t in items:
        assert set(t) == {"name", "title", "description", "blockType", "language", "parameters"}
        assert t["title"] and t["description"] and t["blockType"] == "FB"
        assert t["language"] in ("SCL", "LAD", "FBD", "GRAPH")
        for p in t["parameters"]:
            assert {"name", "type", "default", "description"} <= set(p)
    assert {t["name"]: t["language"] for t in items}["graph_sequence"] == "GRAPH"
    assert {t["name"]: t["language"] for t in items}["motor_starter"] == "LAD"


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_template_roundtrip(name: str, version: str) -> None:
    spec = template_spec(name, {})
    if name == "graph_sequence" and version in ("V16", "V19", "V20"):
        with pytest.raises(VersionError):
            generate_xml(spec, version)
        return
    data = generate_xml(spec, version)
    doc = parse_bytes(data)
    assert doc == build_document(spec, version)
    assert to_bytes(doc) == data
    assert generate_xml(spec, version) == data  # deterministic
    for unit, net in zip(block(doc).compile_units, spec["networks"]):
        if "scl" in net:
            assert tokens_to_text(body(unit)) == net["scl"]


def test_template_parameters() -> None:
    spec = template_spec("motor_starter", {"blockName": "FB_Pump", "feedbackTimeout": "T#8s", "author": "ME"})
    assert spec["name"] == "FB_Pump" and spec["author"] == "ME"
    time = [m for m in spec["interface"]["Input"] if m["name"] == "FeedbackTime"][0]
    assert time["startValue"] == "T#8s"
    pid = template_spec("pid_wrapper", {"gain": 2})
    kp = [m for m in pid["interface"]["Input"] if m["name"] == "Kp"][0]
    assert kp["startValue"] == 2.0
    doc = build_document(pid, "V19")
    start = section(interface(doc), "Input").members[5].start_value
    assert start is not None and start.value == "2.0"
    assert "author" not in template_spec("motor_starter")
    alarm = template_spec("alarm", {"latching": False})
    assert [m for m in alarm["interface"]["Input"] if m["name"] == "Latching"][0]["startValue"] is False
    parse_spec(alarm)


@pytest.mark.parametrize(
    "name, params, field",
    [
        ("nope", {}, "template"),
        ("valve", {"colour": 1}, "parameters.colour"),
        ("valve", {"discrepancyTime": "10s"}, "parameters.discrepancyTime"),
        ("valve", {"blockName": 'FB"x'}, "parameters.blockName"),
        ("pid_wrapper", {"gain": "high"}, "parameters.gain"),
        ("alarm", {"latching": "yes"}, "parameters.latching"),
    ],
)
def test_template_parameter_errors(name: str, params: dict, field: str) -> None:
    with pytest.raises(SpecError) as info:
        template_spec(name, params)
    assert info.value.field == field


def test_pid_wrapper_is_honest() -> None:
    item = {t["name"]: t for t in list_templates()}["pid_wrapper"]
    assert "NOT a PID_Compact wrapper" in item["description"]
    assert "PID_Compact" not in template_spec("pid_wrapper")["networks"][0]["scl"]
