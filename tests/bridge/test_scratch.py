"""Exports and imports stage their files in fresh folders under the scratch root, removed afterwards."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest

from engineering_api.backend.models import ProgramDocument
from openness_bridge import scratch
from simatic_xml.generate import generate_xml


def test_every_exchange_gets_a_fresh_folder_inside_the_root_and_leaves_nothing(
    plc: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "roots" / ".engineering-api-scratch"
    plc.scratch.root = root
    made: list[Path] = []
    original = tempfile.mkdtemp

    def recording_mkdtemp(prefix: str = "", dir: Path | None = None) -> str:  # tempfile's name
        folder = original(prefix=prefix, dir=dir)
        made.append(Path(folder))
        return folder

    monkeypatch.setattr(scratch.tempfile, "mkdtemp", recording_mkdtemp)
    spec = {"blockType": "GlobalDB", "name": "Data", "number": 1,
            "interface": {"Static": [{"name": "x", "dataType": "Int"}]}}
    plc.program.import_program_documents("PLC_1", [ProgramDocument(source="d.xml", data=generate_xml(spec, "V19"))],
                                         overwrite=False)
    first = plc.program.export_program_object("PLC_1", "Data")
    assert plc.program.export_program_object("PLC_1", "Data") == first  # TIA never overwrites: a new folder each time
    assert len(made) == 3 and len(set(made)) == 3
    assert all(folder.parent == root for folder in made)
    assert list(root.iterdir()) == []
