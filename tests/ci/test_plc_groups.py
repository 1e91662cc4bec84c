"""Which files ``plc check`` compiles as one PLC: the layouts of real repositories of TIA exports (issue 13)."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from pathlib import Path

from engineering_api.ci.grouping import plc_groups
from engineering_api.cli import main


def _groups(*paths: str) -> dict:
    return {key: sorted(files) for key, files in plc_groups(paths).items()}


def test_plc_folder_written_again_below_itself_is_one_plc():
    # psi-func/ikea_vyatka_sorting, War3sccs: the only OB1 in PLC_1/Program blocks, the rest in PLC_1/PLC_1/...
    assert _groups("PLC_1/Program blocks/Main.xml", "PLC_1/PLC_1/Program blocks/FB.xml",
                   "PLC_1/PLC_1/PLC tags/Tags.xml") == {
        "PLC_1": ["PLC_1/PLC_1/PLC tags/Tags.xml", "PLC_1/PLC_1/Program blocks/FB.xml",
                  "PLC_1/Program blocks/Main.xml"]}


def test_software_units_and_the_cpus_own_folders_are_one_plc():
    # JorisSpanhoven/TeamEngineering (V20)
    files = ("CPU1500/Software units/Conveyor1/Program blocks/Main.xml",
             "CPU1500/Software units/LGeneral/PLC tags/Tags.xml", "CPU1500/PLC tags/Default tag table.xml")
    assert _groups(*files) == {"CPU1500": sorted(files)}


def test_block_directly_in_the_plc_folder_and_tags_below_the_top_program_blocks():
    # MMohammadizadehZIP: a block in PLC_1/; Elektron33/vci: Program blocks/ at the top, <Project>/PLC tags below
    assert _groups("PLC_1/Loose.xml", "PLC_1/Program blocks/Main.xml") == {
        "PLC_1": ["PLC_1/Loose.xml", "PLC_1/Program blocks/Main.xml"]}
    assert _groups("Program blocks/Main.xml", "Proj/PLC tags/T.xml", "FB.scl") == {
        ".": ["FB.scl", "Program blocks/Main.xml"], "Proj": ["Proj/PLC tags/T.xml"]}


def test_a_plc_folder_of_another_name_inside_a_plc_folder_is_a_plc_of_its_own():
    # Cameron-Paton-RSE/SampleLibrary: PLC_New and PLC_New/PLC_Example each have a Main and an FB 1
    assert _groups("PLC_New/Program blocks/FB.xml", "PLC_New/PLC_Example/Program blocks/Main.xml") == {
        "PLC_New": ["PLC_New/Program blocks/FB.xml"],
        "PLC_New/PLC_Example": ["PLC_New/PLC_Example/Program blocks/Main.xml"]}


def test_two_cpus_side_by_side_are_two_programs_and_loose_files_a_third():
    assert _groups("PLC_1/Program blocks/Main.xml", "PLC_2/Program blocks/Main.xml", "extra/FB.scl") == {
        "PLC_1": ["PLC_1/Program blocks/Main.xml"], "PLC_2": ["PLC_2/Program blocks/Main.xml"],
        None: ["extra/FB.scl"]}


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _fc(name: str, body: str) -> str:
    return f'FUNCTION "{name}" : Void\nBEGIN\n{body}\nEND_FUNCTION\n'


def _tags(name: str, tags: dict) -> str:
    rows = "".join(f'<SW.Tags.PlcTag ID="{i + 1}" CompositionName="Tags"><AttributeList><DataTypeName>{t}'
                   f'</DataTypeName><LogicalAddress>%M{i}.0</LogicalAddress><Name>{n}</Name></AttributeList>'
                   "</SW.Tags.PlcTag>" for i, (n, t) in enumerate(tags.items()))
    return (f'<?xml version="1.0" encoding="utf-8"?><Document><Engineering version="V17" />'
            f'<SW.Tags.PlcTagTable ID="0"><AttributeList><Name>{name}</Name></AttributeList>'
            f'<ObjectList>{rows}</ObjectList></SW.Tags.PlcTagTable></Document>')


def _plc_check(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["plc", "check", *argv])
    return code, out.getvalue()


def test_blocks_next_to_a_sibling_folders_tag_table_borrow_it_and_the_report_lists_the_programs(tmp_path: Path):
    # OmY-thm/PLC-IN4: "Neuer Ordner/Program blocks" uses the tags of "PLC_1/PLC tags"
    _write(tmp_path / "PLC_1/PLC tags/Tags.xml", _tags("Tags", {"Start": "Bool"}))
    _write(tmp_path / "PLC_1/Program blocks/A.scl", _fc("A", '"Start" := TRUE;'))
    _write(tmp_path / "Neuer Ordner/Program blocks/B.scl", _fc("B", '"Start" := FALSE;'))
    code, text = _plc_check(str(tmp_path), "--format", "json")
    doc = json.loads(text)
    assert code == 0, doc["diagnostics"]
    programs = {Path(p["program"]).name: p for p in doc["programs"]}
    assert programs["Neuer Ordner"]["borrowed_names"] == 1 and programs["PLC_1"]["files"] == 2
    code, text = _plc_check(str(tmp_path))
    assert sum(line.startswith("program ") for line in text.splitlines()) == 2


def test_blocks_at_the_top_use_the_tag_table_in_a_folder_below(tmp_path: Path):
    # Elektron33/vci: Program blocks/ at the top, A1_.../PLC tags below
    _write(tmp_path / "A1/PLC tags/Tags.xml", _tags("Tags", {"Start": "Bool"}))
    _write(tmp_path / "Program blocks/B.scl", _fc("B", '"Start" := FALSE;'))
    code, text = _plc_check(str(tmp_path), "--format", "json")
    assert code == 0, json.loads(text)["diagnostics"]


def test_a_plc_with_its_own_tag_table_borrows_no_tags_and_one_program_overrides(tmp_path: Path):
    _write(tmp_path / "PLC_1/PLC tags/Tags.xml", _tags("Tags", {"Start": "Bool"}))
    _write(tmp_path / "PLC_2/PLC tags/Tags.xml", _tags("Tags", {"Stop": "Bool"}))
    _write(tmp_path / "PLC_2/Program blocks/B.scl", _fc("B", '"Start" := FALSE;'))
    code, text = _plc_check(str(tmp_path), "--format", "json")
    doc = json.loads(text)
    assert [d["code"] for d in doc["diagnostics"] if d["severity"] == "Error"] == ["MISSING_TAG"]
    assert len(doc["programs"]) == 2
    code, text = _plc_check(str(tmp_path), "--format", "json", "--one-program")
    doc = json.loads(text)
    assert code == 0 and doc["programs"] == [{"program": None, "files": 3, "borrowed_names": 0}]


def test_plc_folders_named_in_the_user_interfaces_language():
    # TIA's Version Control Interface names a PLC's folders in the UI language: liulei0914/test (Chinese) holds
    # PLC_1/ and PPS/, two PLCs, and loose copies at the top; German, French, Spanish, Italian exports likewise.
    assert _groups("PLC_1/PLC 变量/默认变量表.xml", "PPS/程序块/Main.xml", "PPS/PLC 变量/默认变量表.xml",
                   "PPS/PLC 数据类型/UDT.xml", "Main.xml") == {
        None: ["Main.xml"], "PLC_1": ["PLC_1/PLC 变量/默认变量表.xml"],
        "PPS": ["PPS/PLC 变量/默认变量表.xml", "PPS/PLC 数据类型/UDT.xml", "PPS/程序块/Main.xml"]}
    for blocks, tags in (("Programmbausteine", "PLC-Variablen"), ("Blocs de programme", "Variables API"),
                         ("Bloques de programa", "Variables PLC"), ("Blocchi di programma", "Variabili PLC")):
        assert _groups(f"PLC_1/{blocks}/Main.xml", f"PLC_1/{tags}/T.xml", f"PLC_2/{blocks}/Main.xml") == {
            "PLC_1": sorted([f"PLC_1/{blocks}/Main.xml", f"PLC_1/{tags}/T.xml"]), "PLC_2": [f"PLC_2/{blocks}/Main.xml"]}


def test_loose_blocks_use_the_tag_table_of_the_only_plc_folder(tmp_path: Path):
    # fquispe-iot/lab-vci: blocks at the top, the tag table in PLC_1/Variables PLC (Spanish UI); with a second
    # PLC folder the loose files are ambiguous and borrow nothing
    _write(tmp_path / "PLC_1/Variables PLC/Tags.xml", _tags("Tags", {"Start": "Bool"}))
    _write(tmp_path / "Linea.scl", _fc("Linea", '"Start" := FALSE;'))
    code, text = _plc_check(str(tmp_path), "--format", "json")
    assert code == 0, json.loads(text)["diagnostics"]
    _write(tmp_path / "PLC_2/Variables PLC/Tags.xml", _tags("Tags", {"Start": "Bool"}))
    code, text = _plc_check(str(tmp_path), "--format", "json")
    assert [d["code"] for d in json.loads(text)["diagnostics"]] == ["MISSING_TAG"]
