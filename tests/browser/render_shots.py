"""Screenshots of drawn networks for docs/console.md, taken by headless chromium from the console's own SVG and CSS:
a dense real LAD network, a box-heavy FBD network, a monitored rung and a GRAPH chart (issue 72).

    python -m tests.browser.render_shots docs/console

The monitored rung is a real corpus rung with its bit operands set (every other one TRUE): the wires and parts
take the states the console's monitor computes (:func:`flow_states`, :func:`part_states`) and the classes its
script sets, and each operand shows its value as the script writes it. Not a test: run it by hand."""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

from lxml import etree

from engineering_api.console.render.block import block_view
from engineering_api.console.render.ladder import draw_network
from engineering_api.console.render.monitor import flow_states, part_states
from engineering_api.console.render.operands import operand_of
from simatic_xml.flgnet import FlgAccess, FlgNet, IdentCon, NameCon, Wire
from tests.console.topology_files import flgnets_of
from tests.simatic_xml.sxml_corpus import CORPUS, load

ROOT = Path(__file__).resolve().parents[2]
CSS = ROOT / "engineering_api" / "console" / "static" / "console.css"
_SVG = "{http://www.w3.org/2000/svg}"


def _network(relative: str, where: str) -> tuple[FlgNet, str]:
    return next((net, language) for w, net, language in flgnets_of(CORPUS / relative) if w == where)


def _size(svg: str) -> tuple[int, int]:
    width = re.search(r'width="([\d.]+)"', svg)
    height = re.search(r'height="([\d.]+)"', svg)
    return int(float(width.group(1))) if width else 800, int(float(height.group(1))) if height else 400


def _monitored(net: FlgNet, language: str) -> str:
    """The rung with every other operand TRUE, drawn in the states the monitor computes."""
    bits = {end.uid for wire in net.wires or () if isinstance(wire, Wire)
            for end in wire.connections if isinstance(end, IdentCon)
            and any(isinstance(o, NameCon) and o.name == "operand" for o in wire.connections)}
    values: dict[str, object] = {}
    for number, part in enumerate(p for p in net.parts or () if isinstance(p, FlgAccess) and p.uid in bits):
        values[operand_of(part).text] = number % 2 == 0
    wires = flow_states(net, values.get)
    parts = part_states(net, wires)
    root = etree.fromstring(draw_network(net, language).svg.encode())
    for group in root.iter(f"{_SVG}g"):
        classes = (group.get("class") or "").split()
        state = (wires.get(group.get("data-wire") or "") if "wire" in classes
                 else parts.get(group.get("data-part") or ""))
        if state is not None:
            group.set("class", " ".join([*classes, "on" if state else "off"]))
        operand = group.get("data-operand")
        text = group.find(f"{_SVG}text")
        lines = [t for t in group.iter(f"{_SVG}text") if "operand" in (t.get("class") or "").split()]
        if operand in values and lines and "operand" in classes:  # beside a box pin: after its last line
            value = etree.SubElement(lines[-1], f"{_SVG}tspan")
            value.set("class", f"value {'true' if values[operand] else 'false'}")
            value.text = "TRUE" if values[operand] else "FALSE"
            lines[-1].text = (lines[-1].text or "") + " "
        elif operand in values and text is not None:
            label = etree.SubElement(group, f"{_SVG}text")
            shown = "TRUE" if values[operand] else "FALSE"
            label.set("class", f"value {shown.lower()}")
            label.set("x", text.get("x") or "0")
            label.set("y", str(float(text.get("y") or 0) + float(group.get("data-value-dy") or 12)))
            label.text = shown
    return etree.tostring(root, encoding="unicode")


def _shoot(html: str, size: tuple[int, int], target: Path) -> None:
    page = Path(tempfile.mkdtemp(prefix="shots-")) / "page.html"
    page.write_text(f'<!doctype html><html><head><meta charset="utf-8"><style>{CSS.read_text()}</style></head>'
                    f'<body style="margin:8px;background:#fff">{html}</body></html>', encoding="utf-8")
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    f"--window-size={size[0] + 16},{size[1] + 16}", f"--screenshot={target}", page.as_uri()],
                   check=True, capture_output=True, timeout=120)


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for relative, where, name in (("fb/Tayoriko_DRV_Flow.xml", "network 2", "lad-dense.png"),
                                  ("fb/Amadeusz97_CentralShifter.xml", "network 20", "lad-jog.png"),
                                  ("fc/fseenig_Denormalisation.xml", "network 1", "fbd-boxes.png")):
        net, language = _network(relative, where)
        svg = draw_network(net, language).svg
        _shoot(svg, _size(svg), out / name)
    net, language = _network("fb/nlanderCON_AXIS_CMMT_V2_Motion_Control.xml", "network 8")
    svg = _monitored(net, language)
    _shoot(svg, _size(svg), out / "lad-monitored.png")
    view = block_view(load(CORPUS / "fb" / "Gildej31_GF7_V18.xml"))
    chart = "".join(n.html for n in view.networks if n.kind == "graph")
    _shoot(f'<main class="panel">{chart}</main>', (900, 1000), out / "graph-compact.png")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "console")
