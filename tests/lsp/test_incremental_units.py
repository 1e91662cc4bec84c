"""A document checked unit by unit (engineering_api.lsp.incremental) gets exactly what a check of the whole text
gets, after every one of many random edits (seeded) of a real multi-block source: characters and lines inserted
and deleted, a block's first line broken and mended, a PLC data type renamed where it is declared, a member of a
type that other blocks use renamed."""

from __future__ import annotations

import random
import re
from pathlib import Path

from engineering_api.ci.config import CheckConfig
from simatic_xml.diagnostics import Diagnostic
from engineering_api.ci.sources import check_text
from engineering_api.lsp.project import Project
from tests.conftest import skip_or_fail
from tools.scl_plant import DOORLOCK, plant_source
from tests.lsp.unit_corpus import CORPUS

EDITS = 300


def _found(diagnostics: list[Diagnostic]) -> list[tuple[object, ...]]:
    return sorted((d.code, d.line, d.column, d.message, d.severity) for d in diagnostics)


def _edit(text: str, rng: random.Random) -> str:
    """One edit as a user makes them, anywhere in the text."""
    at = rng.randrange(len(text) + 1)
    line_start = text.rfind("\n", 0, at) + 1
    line_end = text.find("\n", at) % (len(text) + 1)
    kind = rng.randrange(8)
    if kind == 0:
        return text[:at] + rng.choice(["x", ";", " ", "#", "(*", "*)", "'", '"', "1"]) + text[at:]
    if kind == 1:
        return text[:at] + text[at + rng.randint(1, 3):]
    if kind == 2:
        return text[:line_start] + rng.choice(["// note\n", "\n", "   #x := 1;\n"]) + text[line_start:]
    if kind == 3:
        return text[:line_start] + text[line_end + 1:]
    if kind == 4:  # a block's first line broken (its keyword) and, another time, mended
        starts = [m.start() for m in re.finditer(r"^(FUNCTION|TYPE|DATA_BLOCK|FUNCTION_BLOCK) ", text, re.M)]
        if starts:
            start = rng.choice(starts)
            return text[:start] + "X" + text[start:]
        return text
    if kind == 5:
        return re.sub(r"^X(FUNCTION|TYPE|DATA_BLOCK|FUNCTION_BLOCK) ", r"\1 ", text, count=1, flags=re.M)
    if kind == 6:  # a PLC data type renamed where it is declared: its users miss it
        names = re.findall(r'^TYPE "([^"]+)"', text, re.M)
        name = rng.choice(names) if names else ""
        return text.replace(f'TYPE "{name}"', f'TYPE "{name}X"', 1) if name else text
    # a member of a type or DB that other blocks use, renamed (or back)
    members = re.findall(r"^\s+(\w+) : (?:Int|Bool|Time|Real|DInt)", text, re.M)
    member = rng.choice(members) if members else ""
    return re.sub(rf"^(\s+){member} :", rf"\g<1>{member}Y :", text, count=1, flags=re.M) if member else text


def test_random_edits_get_the_whole_texts_findings(tmp_path: Path) -> None:
    source = CORPUS / DOORLOCK
    if not source.is_file():
        skip_or_fail(f"{source} is not there (../shared/corpus)", "the incremental check's differential test")
    text = plant_source(source.read_bytes().decode("utf-8-sig"), 1500)
    path = str(tmp_path / "Plant.scl")
    project, config = Project(None), CheckConfig(root=tmp_path)
    rng = random.Random(28)
    for number in range(EDITS):
        text = _edit(text, rng)
        got = _found(project.check(path, text))
        _, whole = check_text(path, text, config=config, cpu_family=project.cpu_family)
        assert got == _found(whole), f"edit {number}"
