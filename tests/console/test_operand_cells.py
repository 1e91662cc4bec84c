"""Contacts and coils take one fixed-width cell, as in TIA's editor; a long operand wraps over at most three lines
above (or below) its element, or upwards beside a box pin, at its dots and indexes where it can, and keeps its
whole name in the tooltip."""

from __future__ import annotations

import random
import string

from lxml import etree

from engineering_api.console.render.ladder import draw_network
from engineering_api.console.render.operands import CELL_CHARS, MAX_LINES, operand_lines
from tests.console.topology_files import FILES, flgnets_of
from tests.lib.shared_corpus import READS_SHARED

_SVG = "{http://www.w3.org/2000/svg}"


def _random_operand(rng: random.Random) -> str:
    names = ["".join(rng.choices(string.ascii_letters + "_", k=rng.randint(1, 30))) for _ in range(rng.randint(1, 5))]
    text = '"' + names[0] + '"' + "".join(f".{n}" if rng.random() < 0.8 else f"[{rng.randint(0, 99)}]"
                                          for n in names[1:])
    return text


def test_wrapped_operands_fit_their_cell_and_lose_nothing_that_fits() -> None:
    rng = random.Random(72)
    for _ in range(2000):
        text = _random_operand(rng)
        lines = operand_lines(text)
        assert 1 <= len(lines) <= MAX_LINES and all(len(line) <= CELL_CHARS for line in lines), text
        if "".join(lines) != text:  # cut: only when it cannot fit, and marked
            assert lines[-1].endswith("…") and len(text) > len("".join(lines)) - 1
        else:
            assert len(lines) == 1 or len(text) > CELL_CHARS


def test_a_long_operand_breaks_after_its_dots() -> None:
    assert operand_lines('"DB_Motor".Axis1.Status') == ['"DB_Motor".Axis1.', "Status"]
    assert operand_lines('"Alarms".Alarm[12].Active') == ['"Alarms".Alarm', "[12].Active"]
    assert operand_lines("#a") == ["#a"]


@READS_SHARED
def test_every_corpus_contact_and_coil_has_one_width_and_every_operand_line_fits_a_cell() -> None:
    widths: set[str] = set()
    too_long: list[str] = []
    for path in FILES:
        for where, net, language in flgnets_of(path):
            if "LAD" not in language.upper():
                continue
            root = etree.fromstring(draw_network(net, language).svg.encode())
            for group in root.iter(f"{_SVG}g"):
                classes = (group.get("class") or "").split()
                if "contact" in classes or "coil" in classes:
                    cell = group.find(f"{_SVG}rect")
                    widths.add(cell.get("width") or "" if cell is not None else "none")
            # every operand's lines, at a symbol or beside a box pin (those wrap upwards, their row grows)
            too_long += [f"{path.name} {where}: {t.text}" for t in root.iter(f"{_SVG}text")
                         if "operand" in (t.get("class") or "").split() and len(t.text or "") > CELL_CHARS]
    assert len(widths) == 1 and too_long == []
