"""The LAD/FBD networks inside a GRAPH block (transitions, interlocks, supervisions, permanent operations) are
checked as the block's other LAD/FBD networks, with the GRAPH FB's own interface in scope: its steps and
transitions are Static members (``G7_StepPlus_V6``, ``G7_TransitionPlus_V6``), so ``#Step1.X`` is a Bool and
``#Step1.T`` a Time. The block is a real TIA V21 export of the corpus (Czarnak/simaticml-decoder
``StateMachine.xml``); its transition 1 scans ``"InputValues_DB".InputsDigital.Start``, replaced here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engineering_api.ci.program import check_files
from tests.lib.shared_corpus import READS_SHARED, SHARED

__all__: list[str] = []

GRAPH_FB = (
    SHARED / "corpus" / "simaticml" / "fb" / "Czarnak_StateMachine.xml"
)
_TRANSITION_OPERAND = re.compile(r'<Access Scope="GlobalVariable" UId="21">\s*<Symbol>.*?</Symbol>', re.DOTALL)


def _local(*components: str) -> str:
    names = "".join(f'<Component Name="{c}" />' for c in components)
    return f'<Access Scope="LocalVariable" UId="21"><Symbol>{names}</Symbol>'


def _findings(tmp_path: Path, access: str | None) -> list[tuple[str, str]]:
    text = GRAPH_FB.read_text(encoding="utf-8")
    if access is not None:
        text, count = _TRANSITION_OPERAND.subn(access, text, count=1)
        assert count == 1
    path = tmp_path / GRAPH_FB.name
    path.write_text(text, encoding="utf-8")
    # the export alone lacks its global DB (MISSING_TAG, as for any block checked without its program)
    return sorted({(d.severity, d.code) for d in check_files([str(path)])
                   if d.severity in ("Error", "Warning") and not d.code.startswith("MISSING_")})


@READS_SHARED
@pytest.mark.parametrize(("access", "expected"), [
    (None, []),
    (_local("Step2", "X"), []),  # a step's activity bit, a member of the FB's step structure
    (_local("Trans2", "TT"), []),
    (_local("Step2_mut", "X"), [("Error", "UNDECLARED")]),
    (_local("Step2", "XX"), [("Error", "UNKNOWN_MEMBER")]),
    (_local("Step2", "T"), [("Error", "FLGNET_TYPE")]),  # a Time on a contact
])
def test_a_graph_transition_is_checked_with_the_graph_fb_interface(tmp_path: Path, access, expected) -> None:
    assert _findings(tmp_path, access) == expected
