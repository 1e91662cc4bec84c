"""The CPU family chooses the signature of the system and technology instructions that differ between S7-1200 and
S7-1500 (``simatic_xml/system_types/catalog.json``, ``families``): MC_Reset has ``ErrorInfo : Word`` on an S7-1200
(S7-1200 Motion Control function manual, A5E03790551) and not on an S7-1500 (A5E37577655). A family that is not
known accepts what either family accepts. Each command that sees the call is asked: ``scl check`` (SCL),
``simaticml check`` (a LAD box), ``plc check`` (both, the family also from ``--cpu``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engineering_api.rules.compiler.signatures import cpu_family, fb_signature

from .cli_run import run_main

DATA = Path(__file__).parent / "data" / "s7_1200_motion"
SCL = str(DATA / "FB_Axis.scl")
LAD = str(DATA / "FB_Axis_LAD.xml")


def _unknown_parameters(*argv: str) -> list[tuple[str, str]]:
    _, out = run_main(*argv, "--format", "json")
    return [(Path(d["file"]).name, d["message"]) for d in json.loads(out)["diagnostics"]
            if d["code"] == "UNKNOWN_PARAMETER"]


@pytest.mark.parametrize("command, path", [("scl check", SCL), ("simaticml check", LAD), ("plc check", SCL),
                                           ("plc check", LAD)])
@pytest.mark.parametrize("family", [None, "S7-1200"])
def test_mc_reset_error_info_is_accepted_on_an_s7_1200_and_when_the_family_is_unknown(
        command: str, path: str, family: str | None) -> None:
    options = ("--cpu-family", family) if family else ()
    assert _unknown_parameters(*command.split(), *options, path) == []


@pytest.mark.parametrize("command, path", [("scl check", SCL), ("simaticml check", LAD), ("plc check", SCL),
                                           ("plc check", LAD)])
def test_mc_reset_error_info_is_refused_on_an_s7_1500(command: str, path: str) -> None:
    found = _unknown_parameters(*command.split(), "--cpu-family", "S7-1500", path)
    assert len(found) == 1 and '"ErrorInfo"' in found[0][1]


def test_plc_check_takes_the_family_from_the_cpu_article_number() -> None:
    assert _unknown_parameters("plc", "check", "--cpu", "6ES7 214-1AG40-0XB0", SCL, LAD) == []
    assert len(_unknown_parameters("plc", "check", "--cpu", "6ES7 516-3AN02-0AB0", SCL, LAD)) == 2


def test_the_s7_1200_signatures_are_the_s7_1200s_own() -> None:
    """On an S7-1200 a call takes the S7-1200's parameters only: MC_MoveAbsolute has no Acceleration there, and
    positions are Real; unknown family: the union, each S7-1500 parameter with its S7-1500 type."""
    s7_1200 = fb_signature("MC_MoveAbsolute", "S7-1200")
    either = fb_signature("MC_MoveAbsolute")
    assert s7_1200 is not None and either is not None
    assert "acceleration" not in s7_1200.members and "errorinfo" in s7_1200.members
    assert s7_1200.members["position"].type == "REAL"
    assert {"acceleration", "errorinfo"} <= set(either.members) and either.members["position"].type == "LREAL"
    s7_1500 = fb_signature("MC_Reset", "S7-1500")
    assert s7_1500 is not None and "errorinfo" not in s7_1500.members


@pytest.mark.parametrize("catalog_family, family", [("S7-1200", "S7-1200"), ("S7-1200F", "S7-1200"),
                                                    ("S7-1500T", "S7-1500"), ("ET 200SP CPU", "S7-1500"),
                                                    ("S7-1200 G2", None), ("HMI Basic", None)])
def test_cpu_family_of_a_catalog_family(catalog_family: str, family: str | None) -> None:
    assert cpu_family(catalog_family) == family
