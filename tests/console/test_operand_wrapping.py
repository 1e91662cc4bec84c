"""Operands as TIA writes them (issue 93): broken only after a ``.``, before a ``[`` or at a blank, never a quote
left alone, a box operand's last line on its pin's row, no two operands of a network reading the same, and every
shortened one whole in its tooltip; over every corpus network and generated networks with long names.

Before the fix, over the corpus's 325 networks: 40 lone-quote lines (25 networks), 1,161 breaks inside a word (181),
42 operand texts read by two or more operands (40), none off its pin or without a tooltip."""

from __future__ import annotations

from pathlib import Path

import pytest

from engineering_api.console.render.ladder import draw_network
from engineering_api.console.render.operand_wrap import distinct_lines, operand_lines
from tests.console.ladder_gen import random_network
from tests.console.operand_text import CHECKS, operand_faults
from tests.console.topology_files import FILES, flgnets_of
from tests.lib.shared_corpus import READS_SHARED

_NONE: dict[str, list[str]] = {check: [] for check in CHECKS}


@READS_SHARED
@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_corpus_operand_reads_as_tia_writes_it(path: Path) -> None:
    faults = {where: found for where, net, language in flgnets_of(path)
              if (found := operand_faults(draw_network(net, language).svg)) != _NONE}
    assert faults == {}


@pytest.mark.parametrize(("language", "seeds"), [("LAD", range(150)), ("FBD", range(50))])
def test_generated_operands_with_long_names_read_as_tia_writes_them(language: str, seeds: range) -> None:
    faults = {seed: found for seed in seeds
              if (found := operand_faults(draw_network(random_network(seed, long_names=True), language).svg)) != _NONE}
    assert faults == {}


def test_a_name_breaks_at_its_blanks_and_keeps_its_quotes() -> None:
    assert operand_lines('"MFG TRANSFER CYCLE DB"') == ['"MFG TRANSFER ', 'CYCLE DB"']
    assert operand_lines('"Tank level ".x') == ['"Tank level ".x']  # the closing quote stays with its name
    assert operand_lines('"Analog_IN0_Scaled"') == ['"Analog_IN0_Scale…']  # no break point: cut, not '"' alone


def test_operands_that_would_read_the_same_show_their_ends() -> None:
    head = '"DB_R134a_BU_Values".Valve."10".Input.'
    shown = distinct_lines([head + "OpModeAutoManual", head + "SafetyRelease", "#x"])
    assert shown["#x"] == ["#x"]
    assert shown[head + "OpModeAutoManual"] == ['"DB_R134…_Values".', 'Valve."10".Input.', "OpModeAutoManual"]
    assert shown[head + "SafetyRelease"][-1] == "SafetyRelease"
    alike = distinct_lines(['"DI_SoftstartBypassed_Pump1"', '"DI_SoftstartBypassed_Pump2"'])
    assert len({"".join(lines) for lines in alike.values()}) == 2


def _operand(text: str, lines: list[tuple[str, float]], title: str = "", anchor: tuple[float, float] | None = None,
             ) -> str:
    drawn = "".join(f'<text class="operand start" x="150" y="{y}">{line}</text>' for line, y in lines)
    mark = f'<circle class="pin" data-pin="" cx="{anchor[0]}" cy="{anchor[1]}" r="0"/>' if anchor else ""
    tooltip = f"<title>{title}</title>" if title else ""
    return f'<g class="part operand" data-operand=\'{text}\'>{drawn}{tooltip}{mark}</g>'


_BOX = ('<g class="part box" data-part="b"><rect class="body" x="60" y="0" width="80" height="80"/>'
        '<circle class="pin" data-pin="eno" cx="140" cy="40" r="0"/><circle class="pin" data-pin="out" cx="140" '
        'cy="64" r="0"/></g>')


def test_the_checker_finds_each_fault() -> None:
    svg = ('<svg xmlns="http://www.w3.org/2000/svg">' + _BOX
           + _operand('"Analog_IN0_Scaled"', [('"Analog_IN0_Scaled', 45.0), ('"', 61.0)], anchor=(150, 64))
           + _operand('"A".Long1', [('"A".Lo…', 10.0)]) + _operand('"A".Long2', [('"A".Lo…', 30.0)], title='"A".Long2')
           + "</svg>")
    faults = operand_faults(svg)
    assert faults["lone quote"] == ['\'"Analog_IN0_Scaled"\': \'"\'']
    assert faults["break inside a word"] == ['\'"Analog_IN0_Scaled"\': \'"Analog_IN0_Scaled\' / \'"\'']
    assert faults["off its pin"] == ["'\"Analog_IN0_Scaled\"': a line at 45.0 level with the pin at 40.0"]
    assert faults["same text"] == ['[\'"A".Long1\', \'"A".Long2\'] all read \'"A".Lo…\'']
    assert faults["no tooltip"] == ['\'"A".Long1\' reads [\'"A".Lo…\'], tooltip []']
