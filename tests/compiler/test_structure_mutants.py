"""LAD/FBD structure, block numbers and SCL accesses and arrows, on generated mutants of every corpus file (before,
none of these was refused but the arrows of calls of blocks): a wire given the UId of another element of its
network, an extensible box wired past its Card, a wire to a pin a call does not list or a basic box does not have
(before: not judged), a wire end naming no element
(``FLGNET_WIRE``, the existing rule, at the wire's line), an OB numbered outside its event class's numbers, an
FB/FC/DB numbered 65536, an element of a name or an index of an Int, an input given ``=>`` or an output ``:=``.
Controls: the highest legal numbers (OB 32767 and 123, block 65535), the Int compared itself. No corpus export gets
one of the new findings, for either CPU family."""

from __future__ import annotations


import pytest

from engineering_api.rules.compiler.block_numbers import number_findings
from engineering_api.rules.compiler.check import Source, check_sources
from tests.compiler.mutants import block_number_mutants, flgnet_mutants, run_mutants
from tests.lib.shared_corpus import READS_SHARED, SHARED

CORPUS = SHARED / "corpus" / "simaticml"
XML = sorted(CORPUS.rglob("*.xml")) if CORPUS.is_dir() else []
NEW_CODES = frozenset(["FLGNET_UID", "FLGNET_CARDINALITY", "FLGNET_PIN", "FLGNET_INSTRUCTION", "OB_NUMBER",
                       "BLOCK_NUMBER"])

corpus = READS_SHARED


@corpus
@pytest.mark.parametrize("family", [None, "S7-1200", "S7-1500"])
def test_no_corpus_export_gets_a_structure_or_number_finding(family: str | None) -> None:
    found = [(path.name, d.code) for path in XML
             for d in check_sources([Source(str(path), path.read_bytes())], cpu_family=family) if d.code in NEW_CODES]
    assert not found, found[:5]


@corpus
def test_flgnet_mutants_are_refused_at_their_element() -> None:
    counts, problems = run_mutants({path: list(flgnet_mutants(path)) for path in XML})
    assert not problems, "\n".join(problems[:20])
    assert counts[("flgnet uid", True)] >= 50 and counts[("flgnet wire end", True)] >= 50, counts
    assert counts[("flgnet cardinality", True)] >= 20, counts
    assert counts[("flgnet call pin", True)] >= 10, counts
    assert counts[("flgnet basic pin", True)] >= 50, counts  # before: a basic box's pins were not judged
    assert counts[("flgnet instruction", True)] >= 80, counts  # before: a box's name was not judged


@pytest.mark.parametrize("part,pin,has", [
    ("Contact", "operand", True), ("Contact", "en", False), ("Coil", "out", True), ("Eq", "pre", True),
    ("Eq", "en", False), ("Add", "in7", True), ("Add", "in", False), ("Add", "in0", False), ("Move", "out3", True),
    ("Move", "in1", False), ("Sr", "r1", True), ("Sr", "s1", False), ("Rs", "s1", True), ("PContact", "bit", True),
    ("Convert", "in", True), ("Convert", "in1", False), ("O", "in9", True), ("O", "en", False),
    ("Normalize", "value", True), ("TON", "IN", None), ("TrCoil", "in", None),
])
def test_the_basic_pin_catalogue(part: str, pin: str, has: bool | None) -> None:
    """Boundaries of the pins read from the corpus: numbered pins of an extensible box from 1 (its Card bounds them
    above), a pin of another instruction refused, an instruction not listed (a system FB, GRAPH) not judged."""
    from engineering_api.rules.instruction_pins import basic_pin

    assert basic_pin(part, pin) is has


@corpus
def test_block_number_mutants_are_refused_at_the_number() -> None:
    counts, problems = run_mutants({path: list(block_number_mutants(path)) for path in XML})
    assert not problems, "\n".join(problems[:20])
    assert counts[("block number", True)] >= 20 and counts[("block number", False)] >= 20, counts
    assert counts[("ob number", True)] > 0 and counts[("ob number", False)] > 0, counts


@pytest.mark.parametrize("ob_type,number,refused", [
    ("ProgramCycle", 1, False), ("ProgramCycle", 2, True), ("ProgramCycle", 122, True), ("ProgramCycle", 123, False),
    ("ProgramCycle", 32767, False), ("ProgramCycle", 32768, True), ("CyclicInterrupt", 38, False),
    ("CyclicInterrupt", 39, True), ("HardwareInterrupt", 47, False), ("HardwareInterrupt", 48, True),
    ("Startup", 100, False), ("Startup", 101, True), ("TimeDelayInterrupt", 24, True),
    ("DiagnosticErrorInterrupt", 82, False), ("DiagnosticErrorInterrupt", 123, True),
    ("TimeError", 80, False), ("TimeError", 5000, False),  # a class whose range was not found stated: not judged
])
def test_ob_numbers_by_event_class(ob_type: str, number: int, refused: bool) -> None:
    assert bool(number_findings("OB", number, ob_type)) == refused


def test_data_block_numbers_per_family() -> None:
    assert number_findings("DB", 59999, None, "S7-1200") == []
    assert [f[:2] for f in number_findings("DB", 60000, None, "S7-1200")] == [("BLOCK_NUMBER", "Warning")]
    assert number_findings("DB", 60999, None, "S7-1500") == []
    assert [f[:2] for f in number_findings("DB", 61000, None, "S7-1500")] == [("BLOCK_NUMBER", "Warning")]
    assert [f[:2] for f in number_findings("FC", 0, None)] == [("BLOCK_NUMBER", "Error")]
    assert number_findings("FB", 65535, None, "S7-1500") == []


SCL = sorted(p for p in (CORPUS.parent / "scl").rglob("*") if p.suffix.lower() in (".scl", ".db", ".udt")) \
    if CORPUS.is_dir() else []


@corpus
def test_access_mutants_are_refused_at_their_statement() -> None:
    """An element of a name or an index of an Int (before: no finding, the access was left untyped); a bit or byte
    slice one past the integer's width (controls: the last bit and byte)."""
    from engineering_api.rules.compiler.check import source_text
    from tests.compiler.mutants import scl_access_mutants

    counts, problems = run_mutants({path: list(scl_access_mutants(path, source_text(path.read_bytes())))
                                    for path in SCL})
    assert not problems, "\n".join(problems[:20])
    assert counts[("member access", True)] >= 50 and counts[("index access", True)] >= 50, counts
    assert counts[("index access", False)] >= 50, counts
    assert counts[("slice access", True)] >= 100 and counts[("slice access", False)] >= 100, counts


@corpus
def test_arrow_mutants_are_refused_at_their_argument() -> None:
    """An input or in/out given ``=>`` or an output given ``:=`` in a call of the file's own FB or FC or of a
    multi-instance of a system FB (the rule was there; the generator proves it on the corpus's calls)."""
    from engineering_api.rules.compiler.check import source_text
    from tests.compiler.mutants import scl_arrow_mutants

    counts, problems = run_mutants({path: list(scl_arrow_mutants(path, source_text(path.read_bytes())))
                                    for path in SCL})
    assert not problems, "\n".join(problems[:20])
    assert counts[("assignment arrow (input)", True)] >= 40, counts
    assert counts[("assignment arrow (output)", True)] >= 10 and counts[("assignment arrow (in/out)", True)] >= 5, \
        counts


@pytest.mark.parametrize("call,refused", [
    ("#x := LIMIT(MN := 0, IN := #x, MX := 5);", False), ("#x := LIMIT(MN => 0, IN := #x, MX := 5);", True),
    ("#x := MIN(IN1 := #x, IN2 => 3);", True), ("#x := INT_TO_DINT(IN => #x);", True),
    ("#x := MAX(IN1 := #x, IN2 := 3, ENO := #b);", True), ("#x := MAX(IN1 := #x, IN2 := 3, ENO => #b);", False),
])
def test_an_instructions_arrow_fits_its_parameter(call: str, refused: bool) -> None:
    """Before, a system instruction's named argument was read whatever its arrow (LIMIT(MN => 0) passed)."""
    text = f'FUNCTION "F" : Void\nVAR_TEMP\n   x : Int;\n   b : Bool;\nEND_VAR\nBEGIN\n   {call}\nEND_FUNCTION\n'
    found = [d.code for d in check_sources([Source("f.scl", text.encode())]) if d.severity == "Error"
             and d.code != "TYPE_MISMATCH"]  # INT_TO_DINT into an Int: not this rule
    assert found == (["WRONG_PARAMETER"] if refused else []), found


@pytest.mark.parametrize("name,known", [
    ("Contact", True), ("contact", True), ("TrCoil", True), ("TON", True), ("MC_Power", True), ("WWW", True),
    ("MOVE_BLK_VARIANT", True), ("FDBACK", True), ("ContactQz", False), ("TONX", False), ("", False),
])
def test_the_instruction_name_catalogue(name: str, known: bool) -> None:
    """A box's name is known by the catalogue in any case (the export writes MC_POWER, the help MC_Power); a name
    no instruction has is not (a warning, FLGNET_INSTRUCTION: the catalogue is not complete)."""
    from engineering_api.rules.compiler.flgnet_structure import known_part

    assert known_part(name) is known
