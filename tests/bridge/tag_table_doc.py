"""A tag table document for the bridge's program tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ("DATA", "tag_table_doc")

DATA = Path(__file__).parent / "data"
"""A tag table document as a file, its ``{name}``, ``{tag}``, ``{data_type}`` fields filled in by ``str.format``."""

_TABLE = (DATA / "tag_table_template.xml").read_text(encoding="utf-8")


def tag_table_doc(name: str = "Motors", tag: str = "Motor_Data", data_type: str = '"UDT_Motor"',
                  folder: str = "") -> Any:
    from engineering_api.backend.models import ProgramDocument

    text = _TABLE.format(name=name, tag=tag, data_type=data_type.replace('"', "&quot;"))
    return ProgramDocument(source=f"{name}.xml", data=text.encode("utf-8"), folder=folder)
