"""Pins are written as TIA's editor writes them (:mod:`engineering_api.rules.instruction_pins`): a system function
block's parameters as the export declares them (``JogForward``, not ``JOGFORWARD``), a basic instruction's pins
upper case, IN_RANGE's inputs MIN, VAL, MAX top to bottom with no name on its power-flow pins."""

from __future__ import annotations

from lxml import etree

from engineering_api.console.render.ladder import draw_network
from tests.console.conftest import corpus_file
from simatic_xml.flgnet import Call, FlgNet, Part
from tests.console.topology_files import FILES, flgnets_of
from tests.lib.shared_corpus import READS_SHARED

_SVG = "{http://www.w3.org/2000/svg}"


def _boxes(svg: str) -> list[tuple[str, list[tuple[str, str, float]]]]:
    """(part UId, [(exported pin, written label, y)]) of every box: each label is the text before its pin mark."""
    found = []
    for group in etree.fromstring(svg.encode()).iter(f"{_SVG}g"):
        if "box" not in (group.get("class") or "").split():
            continue
        pins, label = [], None
        for element in group:
            if element.tag == f"{_SVG}text" and "pin" in (element.get("class") or "").split():
                label = element.text or ""
            elif element.tag == f"{_SVG}circle" and label is not None:
                pins.append((element.get("data-pin") or "", label, float(element.get("cy") or 0)))
                label = None
        found.append((group.get("data-part") or "", pins))
    return found


def _named(net: FlgNet, language: str) -> list[tuple[Part | Call, list[tuple[str, str, float]]]]:
    items = {item.uid: item for item in net.parts or () if isinstance(item, (Part, Call))}
    return [(items[uid], pins) for uid, pins in _boxes(draw_network(net, language).svg) if uid in items]


@READS_SHARED
def test_no_exported_pin_name_is_upper_cased_or_renamed_except_by_the_catalogue() -> None:
    wrong = []
    for path in FILES:
        for where, net, language in flgnets_of(path):
            for item, pins in _named(net, language):
                for pin, label, _ in pins:
                    if pin.lower() in ("en", "eno"):
                        right = {"EN", "ENO"}
                    elif isinstance(item, Call) or pin != pin.lower():  # declared names are kept
                        right = {pin}
                    else:
                        right = {pin.upper(), "", "VAL"}
                    if label not in right:
                        wrong.append(f"{path.name} {where} {item.name}.{pin}: {label}")
    assert wrong == []


def test_a_motion_block_keeps_its_declared_parameter_names() -> None:
    path = corpus_file("fb/Amadeusz97_CentralShifter.xml")
    labels = {label for _, net, language in flgnets_of(path) for item, pins in _named(net, language)
              if item.name.upper() == "MC_MOVEJOG" for _, label, _ in pins}
    assert {"JogForward", "JogBackward", "Velocity", "EN", "ENO"} <= labels
    assert "JOGFORWARD" not in labels


def test_in_range_reads_min_val_max_top_to_bottom() -> None:
    path = corpus_file("fb/nlanderCON_AXIS_CMMT_V2_Motion_Control.xml")
    found = [pins for _, net, language in flgnets_of(path) for item, pins in _named(net, language)
             if item.name == "InRange"]
    assert found
    for pins in found:
        inputs = [label for _, label, _ in sorted(pins, key=lambda p: p[2]) if label in ("MIN", "VAL", "MAX")]
        assert inputs == ["MIN", "VAL", "MAX"]
        assert {label for pin, label, _ in pins if pin in ("pre", "out")} == {""}
