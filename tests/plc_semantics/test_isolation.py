"""Each case of ``engineering-api test run FOLDER`` starts from the documented clean state, whatever the previous
case did (docs/simulated-plc.md, "PLC unit tests"): a case that stops the CPU costs that case only.

Before this work every case after a STOP errored with ``CPU_IN_STOP`` unless it said ``"startCpu": true``.
"""

from __future__ import annotations

from tests.plc_semantics.harness import Case, Check, Family, Step, run_family
from tests.scl_frames import global_db, main_ob, organization_block

PROGRAM = "\n".join((
    global_db("D", "idx : Int", "arr : Array[0..3] of Int", "count : Int := 5", "boots : Int"),
    organization_block("Startup", '"D".boots := "D".boots + 1;'),
    main_ob('"D".arr["D".idx] := 1;', '"D".count := "D".count + 1;'),
))
DOC = "docs/simulated-plc.md, PLC unit tests: each case starts from a clean PLC state"
CLEAN = (Check("start value, one cycle", '"D".count', 6, DOC), Check("OB100 ran once", '"D".boots', 1, DOC))
FAMILY = Family("isolation", PROGRAM, (
    Case("stops the CPU", (Step(write={'"D".idx': 9}, cycles=1, checks=(Check("never read", '"D".idx', 9, DOC),)),)),
    Case("after a STOP", (Step(cycles=1, checks=CLEAN),)),
    Case("stops it again", (Step(write={'"D".idx': 7}, cycles=1, checks=(Check("never read", '"D".idx', 7, DOC),)),)),
    Case("after another STOP", (Step(cycles=1, checks=CLEAN),)),
))


def test_a_case_that_stops_the_cpu_costs_only_itself() -> None:
    outcome = run_family(FAMILY)
    assert set(outcome.errors) == {"stops the CPU", "stops it again"}, outcome.output
    assert "out of range" in outcome.errors["stops the CPU"]
    for case, step, check in FAMILY.checks():
        if case.name in outcome.errors:
            continue
        assert outcome.verdict(case, step, check) is None, outcome.output
    assert "2 passed, 2 failed" in outcome.output
