"""Findings in SimaticML blocks land on the file line of their token in text, junit and github reports.

The checker counts an SCL network's lines in the network's text; an editor or a pull request annotation needs the
export's own line (:mod:`engineering_api.ci.xml_lines`).
"""

from __future__ import annotations

import io
import re
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from engineering_api.cli import main as cli_main
from engineering_api.ci.xml_lines import network_lines
from simatic_xml import parse_bytes, tokens_to_text
from simatic_xml.generate import generate_xml
from tests.lib.shared_corpus import SHARED

CORPUS = SHARED / "corpus" / "simaticml"


def _block(tmp_path: Path) -> Path:
    """An FB whose second network (SCL) reads a tag no table declares, on its third text line."""
    spec = {
        "blockType": "FB", "name": "FB_Lines", "language": "SCL",
        "interface": {"Static": [{"name": "a", "dataType": "Int"}, {"name": "b", "dataType": "Int"}]},
        "networks": [
            {"scl": "#a := 1;"},
            {"scl": "#a := 2;\n#b := 3;\n#b := #a + \"Nowhere\";\n"},
        ],
    }
    path = tmp_path / "PLC_1" / "Program blocks" / "FB_Lines.xml"
    path.parent.mkdir(parents=True)
    path.write_bytes(generate_xml(spec, "V19"))
    return path


@pytest.mark.parametrize("fmt", ["text", "github", "junit"])
def test_a_finding_in_an_scl_network_points_at_its_token_in_the_file(tmp_path, fmt):
    path = _block(tmp_path)
    out = io.StringIO()
    with redirect_stdout(out):
        code = cli_main(["plc", "check", "--format", fmt, str(tmp_path)])
    assert code == 1
    report = out.getvalue()
    found = re.search(r"FB_Lines\.xml[:,](?:line=)?(\d+)\b.*?network 2, line 3, column (\d+)", report)
    assert found, report
    line = int(found.group(1))
    xml = path.read_text(encoding="utf-8-sig").splitlines()
    # the file line is the <Access> of "Nowhere", whose component follows on the next lines
    assert '<Access Scope="GlobalVariable"' in xml[line - 1], xml[line - 1]
    assert any('Name="Nowhere"' in text for text in xml[line:line + 3])


def test_a_file_that_is_gone_keeps_the_place_in_the_message(tmp_path):
    path = _block(tmp_path)
    path.unlink()
    from engineering_api.ci.report import text_line
    from simatic_xml.diagnostics import Diagnostic

    line = text_line(Diagnostic("m", 3, 12, block="FB_Lines", file=str(path), code="X", network=2))
    assert line == f"{path}: error: [FB_Lines] network 2, line 3, column 12: m [X]"


def test_the_line_model_matches_the_network_text_of_every_corpus_export():
    """Per SCL network of every corpus export: as many text lines as tokens_to_text makes, each as long."""
    checked = 0
    for path in sorted(CORPUS.rglob("*.xml")):
        try:
            doc = parse_bytes(path.read_bytes())
        except Exception:  # not a block export (tag tables read elsewhere); nothing to map
            continue
        units = getattr(doc.object, "compile_units", None) or []
        networks = network_lines(str(path))
        assert len(networks) == len(units), path
        for index, unit in enumerate(units):
            body = unit.network_source.body if unit.network_source is not None else None
            if body is None or body.tag != "StructuredText":
                continue
            text = tokens_to_text(body)
            _, tokens = networks[index]
            assert len(tokens) == text.count("\n") + 1, (path, index + 1)
            checked += 1
    assert checked >= 19  # the SCL networks of the corpus exports


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in text)


def test_a_lad_finding_points_at_its_element_in_every_format() -> None:
    """A LAD network has no text: its findings carry the file line of the Access, Part or Wire they are about (not the
    network's first line), in the JSON as in the text report (issue 50)."""
    import json

    from .cli_run import run_main

    lad = Path(__file__).parent / "data" / "s7_1200_motion" / "FB_Axis_LAD.xml"
    _, out = run_main("simaticml", "check", "--cpu-family", "S7-1500", "-f", "json", str(lad))
    lines = {d["code"]: d["line"] for d in json.loads(out)["diagnostics"]}
    assert lines == {"UNKNOWN_PARAMETER": _line_of(lad, '<Wire UId="29">'),
                     "MISSING_TECHNOLOGY_OBJECT": _line_of(lad, '<Access Scope="GlobalVariable" UId="21">')}
    _, text = run_main("simaticml", "check", "--cpu-family", "S7-1500", str(lad))
    assert f"{lad}:{lines['UNKNOWN_PARAMETER']}: error: [FB_Axis] network 1: The parameter" in text


def test_declaration_findings_of_an_export_carry_the_line_of_their_element(tmp_path: Path) -> None:
    """MISSING_TYPE, DUPLICATE_NAME and NUMBER_IN_USE of SimaticML blocks: the member, the second member of the
    name, the block's Number."""
    import json

    from .cli_run import run_main

    lad = (Path(__file__).parent / "data" / "s7_1200_motion" / "FB_Axis_LAD.xml").read_text(encoding="utf-8")
    first = tmp_path / "FB_A.xml"
    first.write_text(lad.replace('<Member Name="info" Datatype="Word" />', '<Member Name="info" Datatype="Word" />\n'
                                 '    <Member Name="u" Datatype="&quot;UDT_Missing&quot;" />\n'
                                 '    <Member Name="go" Datatype="Bool" />'), encoding="utf-8")
    second = tmp_path / "FB_B.xml"
    second.write_text(lad.replace("<Name>FB_Axis</Name>", "<Name>FB_Other</Name>"), encoding="utf-8")
    _, out = run_main("plc", "check", "-f", "json", str(tmp_path))
    found = {d["code"]: (Path(d["file"]).name, d["line"]) for d in json.loads(out)["diagnostics"]}
    assert found["MISSING_TYPE"] == ("FB_A.xml", _line_of(first, "UDT_Missing"))
    assert found["DUPLICATE_NAME"] == ("FB_A.xml", _line_of(first, "UDT_Missing") + 1)
    assert found["NUMBER_IN_USE"] == ("FB_B.xml", _line_of(second, "<Number>"))


def test_a_seeded_lad_finding_points_at_its_part(tmp_path: Path) -> None:
    import json

    from .cli_run import run_main

    seeded = Path(__file__).parents[1] / "compiler" / "seeded" / "lad_coil_without_operand.xml"
    lines = seeded.read_text(encoding="utf-8").splitlines(keepends=True)
    export = tmp_path / seeded.name
    export.write_text(lines[0] + "\n" + "".join(lines[2:]), encoding="utf-8")  # the comment is no SimaticML
    _, out = run_main("simaticml", "check", "-f", "json", str(export))
    [found] = [(d["code"], d["line"]) for d in json.loads(out)["diagnostics"]]
    assert found == ("FLGNET_OPERAND", _line_of(export, '<Part Name="Coil" UId="25" />'))
