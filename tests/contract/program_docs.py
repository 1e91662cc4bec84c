"""SimaticML documents of an FB and a UDT for the program contract tests."""

from __future__ import annotations

from pathlib import Path

from engineering_api.backend import models as m
from tests.contract.played import Played

__all__ = ("DATA", "fb_doc", "program_doc", "udt_doc")

DATA = Path(__file__).parent / "data"
"""SimaticML of a UDT, an FB and its instance DB as files, their ``{name}`` fields filled in by ``str.format``."""

# ----- PLC software ---------------------------------------------------------------------------
_UDT = (DATA / "udt_template.xml").read_text(encoding="utf-8")

_FB = (DATA / "fb_template.xml").read_text(encoding="utf-8")


def program_doc(text: str, source: str) -> m.ProgramDocument:
    return m.ProgramDocument(source=source, data=text.encode("utf-8"))


def udt_doc(tia: Played, name: str, source: str) -> m.ProgramDocument:
    return program_doc(_UDT.format(name=name, version=tia.version), source)


def fb_doc(tia: Played, name: str = "FB_Motor", number: int = 1, udt: str = "UDT_State", version: str | None = None,
           ) -> m.ProgramDocument:
    return program_doc(_FB.format(name=name, number=number, udt=udt, version=version or tia.version), f"{name}.xml")
