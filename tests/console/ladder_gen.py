"""Random LAD networks of the shapes that are hard to draw, written as TIA writes them (one ``Wire`` per source,
the source first): series and parallel contacts nested to any depth, ORs closing branches into box inputs,
boxes side by side, boxes whose EN comes from the rail behind contacts, calls with many outputs, several coils."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from lxml import etree

from simatic_xml import flgnet
from simatic_xml.flgnet import FlgNet
from simatic_xml.xmlnode import from_lxml

__all__ = ("random_network",)

NS = "http://www.siemens.com/automation/Openness/SW/NetworkSource/FlgNet/v4"
RAIL = ("rail", "")
Pin = tuple[str, str]


@dataclass
class _Builder:
    rng: random.Random
    parts: list[str] = field(default_factory=list)
    sinks: dict[Pin, list[Pin]] = field(default_factory=dict)
    operands: list[tuple[str, Pin, bool]] = field(default_factory=list)
    """(operand UId, pin, whether the pin is an output: then the pin is the wire's source)"""
    opens: list[Pin] = field(default_factory=list)
    next_uid: int = 21
    long_names: bool = False
    """Global operands with long names, as a real project's (:func:`_long_symbol`) instead of ``#v22``."""

    def uid(self) -> str:
        self.next_uid += 1
        return str(self.next_uid)

    def connect(self, source: Pin, sink: Pin) -> None:
        self.sinks.setdefault(source, []).append(sink)

    def operand(self, sink: Pin, name: str | None = None, output: bool = False) -> None:
        uid = self.uid()
        if self.long_names and name is None:
            self.parts.append(f'<Access Scope="GlobalVariable" UId="{uid}"><Symbol>{_long_symbol(self.rng)}</Symbol>'
                              "</Access>")
        else:
            self.parts.append(f'<Access Scope="LocalVariable" UId="{uid}"><Symbol>'
                              f'<Component Name="{name or "v" + uid}"/></Symbol></Access>')
        self.operands.append((uid, sink, output))

    def contact(self, source: Pin) -> Pin:
        uid = self.uid()
        negated = '<Negated Name="operand"/>' if self.rng.random() < 0.2 else ""
        self.parts.append(f'<Part Name="Contact" UId="{uid}">{negated}</Part>')
        self.operand((uid, "operand"))
        self.connect(source, (uid, "in"))
        return uid, "out"

    def box(self, source: Pin, depth: int) -> Pin:
        """A Move, an Add or a SEL: EN from ``source``; a SEL's G from its own contacts (or the rail)."""
        uid = self.uid()
        kind = self.rng.choice(["Move", "Add", "SEL"])
        self.parts.append(f'<Part Name="{kind}" UId="{uid}" Version="1.0"/>')
        self.connect(source, (uid, "en"))
        if kind == "SEL":
            self.connect(self.circuit(RAIL, depth + 2) if self.rng.random() < 0.7 else RAIL, (uid, "G"))
            self.operand((uid, "IN0"))
            self.operand((uid, "IN1"))
        else:
            self.operand((uid, "in" if kind == "Move" else "in1"))
            if kind == "Add":
                self.operand((uid, "in2"))
        self.operand((uid, "out1" if kind == "Move" else "out"), output=True)
        return uid, "eno"

    def call(self, source: Pin) -> Pin:
        """An FB call with many outputs: some to operands, some to contacts and coils, some open."""
        uid = self.uid()
        outputs = [f"Out{i}" for i in range(self.rng.randint(3, 9))]
        params = "".join(f'<Parameter Name="{o}" Section="Output" Type="Bool"/>' for o in outputs)
        self.parts.append(f'<Call UId="{uid}"><CallInfo Name="Worker" BlockType="FB"><Instance Scope="LocalVariable" '
                          f'UId="{self.uid()}"><Component Name="worker"/></Instance>'
                          f'<Parameter Name="Start" Section="Input" Type="Bool"/>{params}</CallInfo></Call>')
        self.connect(source, (uid, "en"))
        self.connect(RAIL if self.rng.random() < 0.5 else self.circuit(RAIL, 2), (uid, "Start"))
        for name in outputs:
            choice = self.rng.random()
            if choice < 0.35:
                self.operand((uid, name), output=True)
            elif choice < 0.6:
                self.coil((uid, name))
            elif choice < 0.8:
                self.coil(self.contact((uid, name)))
            else:
                self.opens.append((uid, name))
        return uid, "eno"

    def coil(self, source: Pin) -> None:
        uid = self.uid()
        self.parts.append(f'<Part Name="{self.rng.choice(["Coil", "SCoil", "RCoil"])}" UId="{uid}"/>')
        self.operand((uid, "operand"))
        self.connect(source, (uid, "in"))

    def circuit(self, source: Pin, depth: int) -> Pin:
        """Series of elements from ``source``; each a contact, a parallel branch closed by an O, or a box."""
        out = source
        for _ in range(self.rng.randint(1, 3 - min(depth, 1))):
            choice = self.rng.random()
            if depth < 3 and choice < 0.3:
                uid = self.uid()
                ends = [self.circuit(out, depth + 1) for _ in range(self.rng.randint(2, 4 - depth))]
                self.parts.append(f'<Part Name="O" UId="{uid}"><TemplateValue Name="Card" Type="Cardinality">'
                                  f"{len(ends)}</TemplateValue></Part>")
                for index, end in enumerate(ends, start=1):
                    self.connect(end, (uid, f"in{index}"))
                out = (uid, "out")
            elif depth < 2 and choice < 0.42:
                out = self.box(out, depth)
            elif depth < 1 and choice < 0.5:
                out = self.call(out)
            else:
                out = self.contact(out)
        return out

    def xml(self) -> str:
        wires = []
        for source, sinks in self.sinks.items():
            ends = ["<Powerrail/>" if source == RAIL else f'<NameCon UId="{source[0]}" Name="{source[1]}"/>']
            ends += [f'<NameCon UId="{uid}" Name="{pin}"/>' for uid, pin in sinks]
            wires.append(f'<Wire UId="{self.uid()}">{"".join(ends)}</Wire>')
        for access, (uid, pin), output in self.operands:
            ends = [f'<IdentCon UId="{access}"/>', f'<NameCon UId="{uid}" Name="{pin}"/>']
            wires.append(f'<Wire UId="{self.uid()}">{"".join(reversed(ends) if output else ends)}</Wire>')
        for uid, pin in self.opens:
            wires.append(f'<Wire UId="{self.uid()}"><NameCon UId="{uid}" Name="{pin}"/><OpenCon UId="{self.uid()}"/>'
                         "</Wire>")
        return f'<FlgNet xmlns="{NS}"><Parts>{"".join(self.parts)}</Parts><Wires>{"".join(wires)}</Wires></FlgNet>'


_HEADS = ("MFG TRANSFER CYCLE DB", "Analog_IN0_Scaled", "DB_R134a_BU_Values", "F-DB_DataToSafety", "Motor",
          "DI_SoftstartBypassed_Pump1", "A", "Conveyor Line 3 Data")
_MEMBERS = ("Valve", "Input", "Output", "Status", "OpModeAutoManual", "SafetyRelease", "Cmd", "x", "Axis_1",
            "FillUpCentralSupply", "FillUpStartCentralSupply", "Alarm word 1", "+KM1")


def _long_symbol(rng: random.Random) -> str:
    """The ``Component``s of a global operand from few heads and members, so that long names share long prefixes
    and differ late (what wraps and shortens badly): blanks, quoted members, indexes."""
    parts = [f'<Component Name="{rng.choice(_HEADS)}"/>']
    for _ in range(rng.randint(0, 5)):
        index = ""
        if rng.random() < 0.2:
            index = (f'<Access Scope="LiteralConstant"><Constant><ConstantValue>{rng.randint(0, 12)}</ConstantValue>'
                     "</Constant></Access>")
        modifier = ' AccessModifier="Array"' if index else ""
        parts.append(f'<Component Name="{rng.choice(_MEMBERS)}"{modifier}>{index}</Component>')
    return "".join(parts)


def random_network(seed: int, long_names: bool = False) -> FlgNet:
    """One random LAD network: a few rungs, each a circuit from the rail ending in one or more coils
    (``long_names``: global operands with long names)."""
    builder = _Builder(random.Random(seed), long_names=long_names)
    for _ in range(builder.rng.randint(1, 3)):
        end = builder.circuit(RAIL, 0)
        for _ in range(builder.rng.choice([1, 1, 2, 3])):
            builder.coil(end)
    return flgnet.from_xml(from_lxml(etree.fromstring(builder.xml())))
