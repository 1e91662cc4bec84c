"""A compile reads each stored object's program view once per content (``project._READS``): a generated block's is
read from the model it was written from at its import, a SimaticML block's at its first compile. The check itself
runs at every compile against the program as it is then, so a block read before a change of what it uses is
judged by the changed program, and the verdicts are the ones a compile that reads everything again gives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engineering_api.rules.compiler import project
from engineering_api.rules.compiler.program import BlockDef
from engineering_api.rules.compiler.project import block_def_from_document, view_from_model
from engineering_api.rules.program_objects import generated_object
from fakes.backend import FakeBackend
from fakes.compile_ops import FakeCompile
from fakes.program import PlcSoftware
from fakes.runtime.image import build_image
from simatic_xml import parse_bytes
from simatic_xml.generate.from_source import generate_source
from simatic_xml.model import Block, NetworkSource
from tests.fakes.generated_backend import backend_with_plc as _new_backend  # a fake with an open project and PLC_1
from tests.lib.shared_corpus import READS_SHARED, SHARED

pytestmark = pytest.mark.usefixtures("fresh_program_views")  # the parses counted are this test's own

AXIS = 'TYPE "UDT_Axis"\nSTRUCT\n  speed : Real := 1.5;\n  limits : Array[0..1] of Int;\nEND_STRUCT;\nEND_TYPE\n'
AXIS_WITHOUT_SPEED = AXIS.replace("  speed : Real := 1.5;\n", "")
USERS = "\n".join((
    'FUNCTION_BLOCK "FB_Axis"',
    "VAR_INPUT enable : Bool; END_VAR",
    'VAR axis : "UDT_Axis"; count : Int; END_VAR',
    "BEGIN",
    "  IF #enable THEN #count := #count + 1; #axis.speed := #axis.speed * 2.0; END_IF;",
    "END_FUNCTION_BLOCK",
    "",
    'DATA_BLOCK "IDB_Axis" "FB_Axis"',
    "BEGIN",
    "END_DATA_BLOCK",
    "",
    'FUNCTION "FC_Use" : Int',
    "VAR_INPUT x : Int; END_VAR",
    "BEGIN",
    '  #FC_Use := "FC_Twice"(v := #x);',
    "END_FUNCTION",
    "",
))
TWICE = 'FUNCTION "FC_Twice" : Int\nVAR_INPUT v : Int; END_VAR\nBEGIN\n  #FC_Twice := #v * 2;\nEND_FUNCTION\n'
TWICE_RENAMED = 'FUNCTION "FC_Twice" : Int\nVAR_INPUT w : Int; END_VAR\nBEGIN\n  #FC_Twice := #w * 2;\nEND_FUNCTION\n'


@pytest.fixture()
def backend(tmp_path: Path) -> FakeBackend:
    return _new_backend(tmp_path)


def _generate(backend: FakeBackend, name: str, source: str) -> None:
    done = backend.blocks.generate_blocks_from_source("PLC_1", name, source, version="V19", overwrite=True, folder="")
    assert all(r.status == "Imported" for r in done.reports), done.reports


def _software(backend: FakeBackend) -> PlcSoftware:
    device = backend._project().device("PLC_1")
    assert device is not None and device.software is not None
    return device.software


def _verdict(backend: FakeBackend) -> dict[str, Any]:
    """What a compile answers, and what it records on the objects."""
    result = backend.compile.compile_software("PLC_1")
    software = _software(backend)
    return {"result": result, "objects": {n: (o.compiled_against, o.needs_compile, o.calls)
                                          for n, o in software.blocks.items()}}


def _errors(result: Any) -> list[str]:
    out: list[str] = []

    def walk(node: Any) -> None:
        for child in node.messages or []:
            if child.state == "Error" and not child.messages:
                out.append(f"{child.path}: {child.description}")
            walk(child)
    walk(result)
    return out


def _counting_parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    parsed: list[int] = []
    original = parse_bytes

    def counted(data: bytes) -> Any:
        parsed.append(len(data))
        return original(data)

    monkeypatch.setattr(project, "parse_bytes", counted)
    return parsed


def test_a_generated_block_is_compiled_from_the_view_its_import_read(
        backend: FakeBackend, monkeypatch: pytest.MonkeyPatch) -> None:
    _generate(backend, "axis.udt", AXIS)
    _generate(backend, "twice.scl", TWICE)
    _generate(backend, "users.scl", USERS)
    parsed = _counting_parses(monkeypatch)
    first = _verdict(backend)
    main = len(_software(backend).blocks["Main"].xml)  # the project's own OB, not generated
    assert parsed == [main], "no generated block is parsed back from its bytes to be compiled"
    assert first["result"].state == "Success", _errors(first["result"])
    assert _verdict(backend) == first
    assert parsed == [main], "a compile reads an unchanged object once"
    project._READS.clear()  # the same compile, every object read from its bytes
    assert _verdict(backend) == first
    assert len(parsed) == 1 + 6


def test_a_block_read_before_what_it_uses_changed_is_judged_by_the_changed_program(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """FB_Axis and FC_Use compile at first; then the type and the function they use change under them (their own
    content, and so their views, stay as they were): the compile reports both, as the same compile of a twin
    project that reads every object again does."""
    twins = [_new_backend(tmp_path / "a"), _new_backend(tmp_path / "b")]
    for backend in twins:
        _generate(backend, "axis.udt", AXIS)
        _generate(backend, "twice.scl", TWICE)
        _generate(backend, "users.scl", USERS)
        assert _verdict(backend)["result"].state == "Success"
        _generate(backend, "axis.udt", AXIS_WITHOUT_SPEED)
        _generate(backend, "twice.scl", TWICE_RENAMED)
    parsed = _counting_parses(monkeypatch)
    after = _verdict(twins[0])
    assert parsed == [], "the changed objects' views were read from their models, the others' before"
    errors = _errors(after["result"])
    assert any("FB_Axis" in e and "speed" in e for e in errors), errors
    assert any("FC_Use" in e and '"w"' in e for e in errors), errors
    project._READS.clear()
    assert _verdict(twins[1]) == after
    assert len(parsed) == 6, "the twin's compile read every object from its bytes"


def test_the_shared_views_stay_as_read_through_a_compile_and_a_download_image(backend: FakeBackend) -> None:
    """A check fills its block's ``uses`` and an image adds placeholder networks: on the reader's own shell, never
    on the view the next compile reads."""
    _generate(backend, "axis.udt", AXIS)
    _generate(backend, "twice.scl", TWICE)
    _generate(backend, "users.scl", USERS)
    assert isinstance(backend.compile, FakeCompile)
    run = backend.compile.compile_run("PLC_1")
    software = _software(backend)
    build_image(software, "PLC_1", run)
    objects = [*software.types.values(), *software.blocks.values()]
    for obj in objects:
        view = project._READS.peek(project._read_key(obj))
        assert view is not None, obj.name
        assert view == block_def_from_document(parse_bytes(obj.xml), obj), obj.name
        assert view.uses == set(), obj.name
    assert run.program is not None
    assert {n: sorted(bd.uses) for n, bd in run.program.blocks.items() if bd.uses} == {
        "fb_axis": ["UDT_Axis"], "fc_use": ["FC_Twice"], "idb_axis": ["FB_Axis", "UDT_Axis"]}


def test_the_views_are_bounded_by_what_each_is_charged() -> None:
    reads = project._Reads(100)
    view = BlockDef("B", "FC")
    for n in range(5):
        reads.put((bytes(40) + bytes([n]), "FC", f"B{n}", None, None, None), view, 40)
    assert reads.size <= 100 and len(reads._views) == 2
    assert reads.get((bytes(40) + bytes([4]), "FC", "B4", None, None, None)) is not None
    assert reads.get((bytes(40) + bytes([0]), "FC", "B0", None, None, None)) is None
    reads.put((bytes(10), "FC", "Big", None, None, None), view, 101)
    assert reads.get((bytes(10), "FC", "Big", None, None, None)) is None


SIMATICML = SHARED / "corpus" / "simaticml"  # beside the work tree


@READS_SHARED
def test_the_budget_bounds_the_memory_the_views_and_their_keys_keep() -> None:
    """Filled with the corpus's LAD/FBD exports (the views weighing most per byte) read from files, the cache keeps at
    most its budget of memory as tracemalloc counts it: the views and the SimaticML their keys hold alive."""
    import gc
    import tracemalloc

    from engineering_api.backend.errors import ValidationError
    from engineering_api.rules.program_objects import read_object

    files = sorted((SIMATICML / "fb").glob("*.xml")) + sorted((SIMATICML / "fc").glob("*.xml"))
    budget = 1024 * 1024
    gc.collect()
    tracemalloc.start()
    try:
        reads = project._Reads(budget)
        kept = charged = 0
        for path in files:
            if charged > 2 * budget:
                break
            try:
                obj = read_object(path.read_bytes(), project_version="V21")
            except ValidationError:  # an export of another version than V21 reads
                continue
            if obj.language not in ("LAD", "FBD"):
                continue
            key = project._read_key(obj)
            reads.put(key, block_def_from_document(parse_bytes(obj.xml), obj), project.view_cost(key))
            kept, charged = kept + 1, charged + project.view_cost(key)
            del obj, key
        gc.collect()
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(reads._views) < kept, "the sample fills the budget"
    assert held <= budget * 1.1, f"{held} bytes held for a budget of {budget} (charged {reads.size})"


def test_a_generated_body_s_statements_are_taken_only_for_the_text_it_reads_as() -> None:
    """The generation keeps each SCL body's text and statements (``NetworkSource.written_from``); a view takes
    them only when the body reads back as that text (a tab reads back as a blank: 26 of the corpus's 194 generated
    SCL networks do not), else it parses what the body reads as, as a read of the bytes does."""
    block = generate_source(USERS, file="users.scl", version="V19").blocks[0]
    assert block.document is not None
    obj = generated_object(block.document, block.xml, project_version="V19", source=block.name)
    fb = block.document.object
    assert isinstance(fb, Block)
    unit = fb.compile_units[0]
    source = unit.network_source
    assert source is not None and source.body is not None and source.written_from is not None
    read = block_def_from_document(parse_bytes(block.xml), obj)
    assert view_from_model(obj, block.document) == read
    assert read.networks[0].statements
    assert unit.attributes is not None
    unit.attributes["NetworkSource"] = NetworkSource(source.body, written_from=("#count := 0;", []))
    assert view_from_model(obj, block.document) == read


def test_a_failure_reading_the_view_at_import_keeps_nothing_and_the_import_stands(
        backend: FakeBackend, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """Reading a generated block's view at its import is an optimisation: whatever it raises, the import succeeds as
    before, nothing is kept, and the first compile reads the block from its bytes."""
    def broken(doc: Any, obj: Any) -> BlockDef:
        raise RuntimeError("forced")

    with monkeypatch.context() as patched:
        patched.setattr(project, "block_def_from_document", broken)
        with caplog.at_level("DEBUG", logger=project.__name__):
            _generate(backend, "axis.udt", AXIS)
            _generate(backend, "twice.scl", TWICE)
            _generate(backend, "users.scl", USERS)
    assert project._READS.size == 0 and not project._READS._views
    assert sum("was not kept at its import" in r.getMessage() for r in caplog.records) == 5  # one per block
    parsed = _counting_parses(monkeypatch)
    result = _verdict(backend)["result"]
    assert result.state == "Success", _errors(result)
    assert len(parsed) == 1 + 5, "Main and each generated block are read from their bytes at the first compile"


def test_a_generated_block_edited_after_its_import_is_compiled_from_its_new_content(backend: FakeBackend) -> None:
    """Each edit of a generated block after its import (its XML put back changed, a rename, a delete) is compiled
    from the block as it then is: the verdict of a compile that reads every object from its bytes."""
    from engineering_api.backend.models import ProgramDocument

    _generate(backend, "axis.udt", AXIS)
    _generate(backend, "twice.scl", TWICE)
    _generate(backend, "users.scl", USERS)
    assert _verdict(backend)["result"].state == "Success"

    def from_bytes() -> dict[str, Any]:
        project._READS.clear()
        return _verdict(backend)

    exported = backend.program.export_program_object("PLC_1", "FC_Twice")
    changed = exported.replace(b'Name="v"', b'Name="w"')
    assert changed != exported
    backend.program.import_program_documents("PLC_1", [ProgramDocument("FC_Twice.xml", changed)], overwrite=True)
    edited = _verdict(backend)
    assert any("FC_Use" in e for e in _errors(edited["result"])), "the call names the parameter the edit removed"
    assert from_bytes() == edited

    backend.blocks.rename_block("PLC_1", "FC_Twice", "FC_Thrice")
    renamed = _verdict(backend)
    assert any("FC_Use" in e and "FC_Twice" in e for e in _errors(renamed["result"])), _errors(renamed["result"])
    assert from_bytes() == renamed

    backend.blocks.delete_block("PLC_1", "FC_Use")
    deleted = _verdict(backend)
    assert not any("FC_Use" in e for e in _errors(deleted["result"])), _errors(deleted["result"])
    assert from_bytes() == deleted


def test_a_generated_block_renumbered_at_its_import_keeps_one_view_of_what_was_stored(backend: FakeBackend) -> None:
    """A generated block that asks for a number another block holds is stored renumbered: the view read at its
    import is the stored object's, and no view of the number it asked for, which no compile reads, is kept."""
    _generate(backend, "axis.udt", AXIS)
    _generate(backend, "twice.scl", TWICE)
    _generate(backend, "users.scl", USERS)
    software = _software(backend)
    generated = [o for o in software.all() if o.kind in project.OBJECT_KINDS and o.name != "Main"]
    assert software.blocks["FC_Use"].number != 1, "FC_Twice holds FC 1: FC_Use is renumbered"
    assert set(project._READS._views) == {project._read_key(o) for o in generated}
