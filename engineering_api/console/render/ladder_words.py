"""The words TIA's LAD/FBD editor writes on a part: its title and data types, its pin names, its symbol marks.

SimaticML names a box by its instruction's XML name (``Normalize``, ``InRange``, ``Move``) with the data types as
template values (``SrcType``, ``DestType``); the editor titles it with the instruction's mnemonic (``NORM_X``,
``IN_RANGE``, ``MOVE``) and writes the types below (``Int to Real``). Pins are named as
:mod:`engineering_api.rules.instruction_pins` says (``EN``, ``IN1``, ``MIN``, ``JogForward``); a call's own
parameters keep their declared spelling, its EN and ENO are upper case.
"""

from __future__ import annotations

from engineering_api.rules.instruction_pins import pin_name, pin_position
from simatic_xml.flgnet import AutomaticTyped, Call, Part, PartInstance
from simatic_xml.template_value import TemplateValue
from simatic_xml.xmlnode import XmlNode

__all__ = ("COMPARATORS", "CONTACTS", "COILS", "FBD_LABELS", "instance_text", "is_auto", "pin_label", "pin_rank",
           "title", "type_line")

CONTACTS = {"Contact": "", "PContact": "P", "NContact": "N", "PBox": "P", "NBox": "N"}
"""LAD parts drawn as contacts, with the letter inside the symbol (notes §6)."""
COILS = {"Coil": "", "SCoil": "S", "RCoil": "R", "PCoil": "P", "NCoil": "N", "SetCoil": "S", "ResetCoil": "R",
         "TrCoil": "", "IlCoil": "C", "SvCoil": "V"}
"""LAD parts drawn as coils, with the letter inside. GRAPH's conditions end in coils too: a transition's condition
in the transition's coil, an interlock in ``-(C)-``, a supervision in ``-(V)-`` (H. Berger, "Automating with
SIMATIC S7-1500", fig. 11.5 "Components of a sequence step/transition pair")."""
COMPARATORS = {"Eq": "==", "Ne": "<>", "Gt": ">", "Ge": ">=", "Lt": "<", "Le": "<="}
"""Comparators: contact-like in LAD (IN1 above, the relation and the type inside, IN2 below), ``CMP ==`` in FBD."""
FBD_LABELS = {"A": "&", "O": ">=1", "X": "X", "Assignment": "=", "SCoil": "S", "RCoil": "R", "Coil": "=",
              "NOT": "NOT", "PBox": "P_TRIG", "NBox": "N_TRIG"}

_MNEMONICS = {"Normalize": "NORM_X", "InRange": "IN_RANGE", "OutRange": "OUT_RANGE", "Convert": "CONV",
              "Calc": "CALCULATE"}
"""Instructions whose mnemonic is not their XML name upper-cased."""


def title(item: Part | Call | XmlNode, lad: bool) -> str:
    """The box title: a call's block name, an instruction's mnemonic (FBD gates by their sign)."""
    if isinstance(item, Call):
        return item.name
    if isinstance(item, XmlNode):
        return f"<{item.tag}>"
    if not lad and item.name in FBD_LABELS:
        return FBD_LABELS[item.name]
    if item.name in COMPARATORS:
        return f"CMP {COMPARATORS[item.name]}"
    return _MNEMONICS.get(item.name, item.name.upper())


def is_auto(item: Part | Call | XmlNode) -> bool:
    """Whether the box's type is ``Auto`` (``<AutomaticTyped Name="SrcType"/>``): TIA determines it from the wiring."""
    return isinstance(item, Part) and any(isinstance(i, AutomaticTyped) and i.name == "SrcType" for i in item.items)


def type_line(item: Part | Call | XmlNode, resolved: str | None = None) -> str:
    """The data types under the title: ``Int``, ``Int to Real``, ``Auto`` (a type TIA determines from the wiring;
    ``Auto (Int)`` with the type its operands give it, ``resolved``)."""
    if not isinstance(item, Part):
        return ""
    values = {i.name: i.value for i in item.items if isinstance(i, TemplateValue)}
    automatic = {i.name for i in item.items if isinstance(i, AutomaticTyped)}
    auto = f"Auto ({resolved})" if resolved else "Auto"
    source = values.get("SrcType") or (auto if "SrcType" in automatic else "")
    destination = values.get("DestType") or ("Auto" if "DestType" in automatic else "")
    if source and destination:
        return f"{source} to {destination}"
    return source or destination or values.get("Type", "")


def pin_rank(item: Part | Call | XmlNode, pin: str) -> int:
    """Where ``pin`` goes among its part's pins: EN and ENO first, then the instruction's declared order (a call's
    parameters stay in their declared order)."""
    if isinstance(item, Part):
        return pin_position(item.name, pin)
    return -1 if pin.lower() in ("en", "eno") else 0


def pin_label(item: Part | Call | XmlNode, pin: str) -> str:
    """A pin as the editor writes it: a call's parameters as declared, an instruction's as its catalogue says."""
    if isinstance(item, Part):
        return pin_name(item.name, pin)
    return pin.upper() if pin.lower() in ("en", "eno") else pin


def instance_text(item: Part | Call | XmlNode) -> str | None:
    """The instance above a box: ``#Timer`` (multi-instance), ``"Motor_DB"`` (single instance)."""
    instance: PartInstance | None = None
    if isinstance(item, Call):
        instance = item.instance
    elif isinstance(item, Part):
        instance = next((i for i in item.items if isinstance(i, PartInstance)), None)
    if instance is None or not instance.components:
        return None
    names = ".".join(c.name for c in instance.components)
    return "#" + names if instance.scope.startswith("Local") else f'"{names}"'
