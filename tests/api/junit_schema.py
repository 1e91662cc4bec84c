"""The JUnit XML schema the test harness' client format is checked against."""

from __future__ import annotations

from pathlib import Path

from lxml import etree


__all__ = ("XSD",)

XSD = etree.XMLSchema(etree.parse(str(Path(__file__).parent / "data" / "junit-10.xsd")))
