"""Cycle-time supervision on the simulated CPU: the maximum cycle time, OB80 and the STOP of a second overrun.

S7-1200 System Manual V4.2 (A5E02486680-AK, 09/2016): 5.1.3.6 "Time error interrupt OB" (p. 96-97; Table 5-6, the
start information fault_id 16#01, csg_OBnr, csg_prio; two overruns in one cycle STOP the CPU whether or not OB80
exists) and 5.1.4 "Monitoring and configuring the cycle time" (p. 109-110: without a time error OB a diagnostic entry
and the CPU stays in RUN by default; the maximum cycle time 1 to 6000 ms, default 150 ms). The simulated CPU's
instructions take no virtual time, so a cycle's length is its loops' passes, ``rtlib.PASS_NS`` each
(docs/simulated-plc.md, "Cycle time"); a maximum cycle time of 1 ms keeps these loops short.
"""

from __future__ import annotations

from fakes.runtime.cpu import OperatingMode, OperatingState, SimulatedCpu
from fakes.runtime.image import ProgramImage, build_image
from fakes.runtime.rtlib import DEFAULT_MAX_CYCLE_MS, LOOP_LIMIT, PASS_NS, pass_limit
from tools.plc_software import software_from_scl

_DB = 'DATA_BLOCK "D"\nVAR n : DInt; want : DInt; fault : Byte; ob : Int; prio : UInt; calls : Int; END_VAR\n' \
      'BEGIN END_DATA_BLOCK\n'
_MAIN = ('ORGANIZATION_BLOCK "Main"\nBEGIN\n"D".n := 0;\n'
         'WHILE "D".n < "D".want DO "D".n := "D".n + 1; END_WHILE;\nEND_ORGANIZATION_BLOCK\n')
_OB80 = ('ORGANIZATION_BLOCK "Time error interrupt"\nVAR_INPUT fault_id : Byte; csg_OBnr : OB_ANY; csg_prio : UInt; '
         'END_VAR\nBEGIN\n"D".fault := #fault_id; "D".ob := #csg_OBnr; "D".prio := #csg_prio; '
         '"D".calls := "D".calls + 1;\nEND_ORGANIZATION_BLOCK\n')
_LIMIT_1MS = pass_limit(1.0)


def _cpu(*blocks: str) -> SimulatedCpu[ProgramImage]:
    image = build_image(software_from_scl(_DB + "".join(blocks)), "PLC_1")
    cpu = SimulatedCpu("PLC_1", instance_id=1, empty_image=image)
    cpu.config.mode = OperatingMode.SINGLE_STEP
    cpu.config.max_cycle_ms = 1.0
    cpu.power_on()
    cpu.image = image
    cpu.run()
    return cpu


def _cycle(cpu: SimulatedCpu[ProgramImage], passes: int) -> None:
    cpu.write('"D".want', passes)
    cpu.step(cycles=1)


def _value(cpu: SimulatedCpu[ProgramImage], name: str) -> object:
    return cpu.read(name).value


def test_the_pass_limit_is_the_maximum_cycle_time_in_passes_of_the_default_150_ms() -> None:
    assert DEFAULT_MAX_CYCLE_MS == 150.0 and LOOP_LIMIT == 1_000_000 == pass_limit(150.0)
    assert pass_limit(1.0) == 1_000_000 // PASS_NS and pass_limit(6000.0) == 40_000_000


def test_a_first_overrun_calls_ob80_with_its_start_information_and_the_cpu_stays_in_run() -> None:
    cpu = _cpu(_MAIN, _OB80)
    _cycle(cpu, _LIMIT_1MS)  # within the maximum cycle time: no time error
    assert (cpu.state, _value(cpu, '"D".calls')) == (OperatingState.RUN, 0)
    _cycle(cpu, _LIMIT_1MS + 1)  # one pass past it: OB80 once, the loop ends, the cycle goes on
    assert cpu.state == OperatingState.RUN
    assert [_value(cpu, f'"D".{m}') for m in ("calls", "fault", "ob", "prio", "n")] == [1, 1, 1, 1, _LIMIT_1MS + 1]
    entry = cpu.diagnostics[-1]
    assert (entry.event, entry.block) == ("CycleTimeExceeded", "Main") and "1 ms" in entry.message
    _cycle(cpu, 2 * _LIMIT_1MS)  # the next cycle counts again: one overrun, OB80 again
    assert (cpu.state, _value(cpu, '"D".calls')) == (OperatingState.RUN, 2)


def test_a_second_overrun_in_one_cycle_stops_the_cpu_with_or_without_ob80() -> None:
    for blocks in ((_MAIN, _OB80), (_MAIN,)):
        cpu = _cpu(*blocks)
        _cycle(cpu, 2 * _LIMIT_1MS + 1)
        assert cpu.state == OperatingState.STOP
        assert [d.event for d in cpu.diagnostics[-2:]] == ["CycleTimeExceeded", "TimeError"]
        assert _value(cpu, '"D".n') == 2 * _LIMIT_1MS  # every pass before the STOP was run


def test_without_ob80_a_first_overrun_leaves_a_diagnostic_entry_and_the_cpu_in_run() -> None:
    cpu = _cpu(_MAIN)
    _cycle(cpu, _LIMIT_1MS + 1)
    assert cpu.state == OperatingState.RUN and cpu.diagnostics[-1].event == "CycleTimeExceeded"
    assert "no OB80" in cpu.diagnostics[-1].message


def test_for_loops_and_jumps_have_the_same_limit() -> None:
    for_loop = ('ORGANIZATION_BLOCK "Main"\nVAR_TEMP k : DInt; END_VAR\nBEGIN\n'
                'FOR #k := 1 TO "D".want DO "D".n := #k; END_FOR;\nEND_ORGANIZATION_BLOCK\n')
    cpu = _cpu(for_loop, _OB80)
    _cycle(cpu, _LIMIT_1MS + 1)
    assert (cpu.state, _value(cpu, '"D".calls'), _value(cpu, '"D".n')) == (OperatingState.RUN, 1, _LIMIT_1MS + 1)
    _cycle(cpu, 2 * _LIMIT_1MS + 1)
    assert cpu.state == OperatingState.STOP and _value(cpu, '"D".n') == 2 * _LIMIT_1MS
    jumps = ('ORGANIZATION_BLOCK "Main"\nBEGIN\n"D".n := 0;\nAgain:\n"D".n := "D".n + 1;\n'
             'IF "D".n < "D".want THEN GOTO Again; END_IF;\nEND_ORGANIZATION_BLOCK\n')
    cpu = _cpu(jumps, _OB80)
    _cycle(cpu, _LIMIT_1MS + 1)  # the first pass and one per jump
    assert (cpu.state, _value(cpu, '"D".calls')) == (OperatingState.RUN, 1)
