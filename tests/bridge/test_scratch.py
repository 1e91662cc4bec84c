"""Exports and imports stage their files in fresh folders under the scratch root, removed afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
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
    original = scratch.staging_folder

    @contextmanager
    def recording(parent: Path, kind: str) -> Iterator[Path]:
        with original(parent, kind) as folder:
            made.append(folder)
            assert folder.with_name(folder.name + ".owner").is_file()  # it names its owner (the root is shared)
            yield folder

    monkeypatch.setattr(scratch, "staging_folder", recording)
    spec = {"blockType": "GlobalDB", "name": "Data", "number": 1,
            "interface": {"Static": [{"name": "x", "dataType": "Int"}]}}
    plc.program.import_program_documents("PLC_1", [ProgramDocument(source="d.xml", data=generate_xml(spec, "V19"))],
                                         overwrite=False)
    first = plc.program.export_program_object("PLC_1", "Data")
    assert plc.program.export_program_object("PLC_1", "Data") == first  # TIA never overwrites: a new folder each time
    assert len(made) == 3 and len(set(made)) == 3
    assert all(folder.parent == root for folder in made)
    assert list(root.iterdir()) == []
