"""The fake's compile takes the signatures of the device's CPU family: MC_Reset's ``ErrorInfo`` output (S7-1200
Motion Control function manual, A5E03790551) compiles on an S7-1200 CPU and is an unknown parameter on an
S7-1500 (S7-1500 Motion Control, A5E37577655). See also ``tests/ci/test_cpu_family.py`` for the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from engineering_api.backend import models as m
from fakes.backend import FakeBackend

LAD = Path(__file__).parents[1] / "ci" / "data" / "s7_1200_motion" / "FB_Axis_LAD.xml"
"""A LAD FB whose MC_RESET box wires ErrorInfo."""


@pytest.mark.parametrize("article, unknown", [("6ES7 214-1AG40-0XB0", False), ("6ES7 516-3AN02-0AB0", True)])
def test_the_device_cpu_chooses_the_signature(tmp_path: Path, article: str, unknown: bool) -> None:
    backend = FakeBackend(tmp_path / "state")
    (tmp_path / "ws").mkdir()
    backend.launch_portal(with_ui=False, version=None)
    backend.create_project(tmp_path / "ws", "Line", author="", comment="")
    backend.devices.add_device(article, None, "PLC_1")
    backend.program.import_program_documents("PLC_1", [m.ProgramDocument(source=LAD.name, data=LAD.read_bytes())],
                                             overwrite=False)
    leaves = [leaf.description for node in backend.compile.compile_software("PLC_1").messages
              for block in node.messages for leaf in block.messages]
    assert any('"ErrorInfo" is not defined' in text for text in leaves) is unknown, leaves
