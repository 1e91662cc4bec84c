"""Blocks operations: program blocks, their content, interface and networks, folders, XML and SCL
export/import, external sources and cross-references (reference section "Blocks").

Generation and conversion are pure library code (``simatic_xml.generate``: specs -> SimaticML,
``from_scl``: SCL source -> specs, ``to_scl``: SimaticML -> SCL source); reading and writing a PLC goes
through the backend port, so the same operations serve the fake and TIA. Every block write is a
SimaticML import (all or nothing), as Openness does it.
"""

from __future__ import annotations

from engineering_api.domain.blocks.operations import OPERATIONS
from engineering_api.domain.blocks.support import SECTION

__all__ = ("OPERATIONS", "SECTION")
