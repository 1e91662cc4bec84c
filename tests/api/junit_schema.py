"""The JUnit XML schema the test harness' client format is checked against."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

if TYPE_CHECKING:

    pass

__all__ = ("XSD",)

XSD = etree.XMLSchema(etree.parse(str(Path(__file__).parent / "data" / "junit-10.xsd")))
