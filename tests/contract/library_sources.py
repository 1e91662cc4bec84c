"""Sources of an OB, an FB in two versions and a UDT, and importing them, for the library contract tests."""

from __future__ import annotations

from typing import Any

from engineering_api.backend import models as m
from engineering_api.backend.port import EngineeringBackend
from simatic_xml.generate import generate_xml
from tests.contract.played import played

__all__ = ("FB", "FB_V2", "OB", "UDT", "import_sources")

UDT: dict[str, Any] = {"blockType": "UDT", "name": "UDT_Motor",
       "interface": {"None": [{"name": "Speed", "dataType": "Real"}, {"name": "Running", "dataType": "Bool"}]}}

FB: dict[str, Any] = {"blockType": "FB", "name": "FB_Motor", "language": "SCL", "number": 10,
      "interface": {"Input": [{"name": "Start", "dataType": "Bool"}],
                    "Static": [{"name": "Data", "dataType": '"UDT_Motor"'}]},
      "networks": [{"scl": "#Data.Running := #Start;"}]}

FB_V2 = {**FB, "networks": [{"scl": "#Data.Running := #Start;\n#Data.Speed := 1.0;"}]}

OB = {"blockType": "OB", "name": "Main", "number": 1, "language": "SCL", "networks": [{"scl": ";"}]}


def import_sources(backend: EngineeringBackend, *specs: dict[str, Any], device: str = "PLC_1") -> None:
    version = played(backend).version
    backend.program.import_program_documents(
        device, [m.ProgramDocument(source=f"{s['name']}.xml", data=generate_xml(s, version)) for s in specs],
        overwrite=True)
