"""Tag tables are checked (before, no command read a tag's address, name or uniqueness): generated mutants of every
corpus tag table are refused at the tag's line (a Bool on a word address, bit number 8, a data block address, a
name with a quote, a data type TIA does not have (``Boool``; before, not judged), a name another tag has in other
letter case, a user constant one past its type's range), a word moved one byte into another is a warning, and bit 7
of a free byte (the last bit number), a quoted PLC data type the file does not hold and a constant at its type's
last value add nothing. No corpus tag table gets a finding."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engineering_api.rules.compiler.check import Source, check_sources
from tests.ci.cli_run import run_main
from tests.compiler.mutants import run_mutants, tag_table_mutants
from tests.compiler.mutants_tag_fields import FAMILIES, tag_field_mutants
from tests.lib.shared_corpus import READS_SHARED, SHARED

CORPUS = SHARED / "corpus" / "simaticml" / "tagtable"
TABLES = sorted(CORPUS.glob("*.xml")) if CORPUS.is_dir() else []
EDITOR_TABLE = Path(__file__).resolve().parents[1] / "ci" / "data" / "tag_editor_table.xml"

pytestmark = READS_SHARED


@pytest.mark.parametrize("family", [None, "S7-1500", "S7-1200"])
def test_no_corpus_tag_table_gets_a_finding(family: str | None) -> None:
    found = [(path.name, d.code, d.message) for path in TABLES
             for d in check_sources([Source(str(path), path.read_bytes())], cpu_family=family)]
    assert not found, found[:5]


def test_tag_table_mutants_are_refused_at_their_tag() -> None:
    counts, problems = run_mutants({path: list(tag_table_mutants(path)) for path in TABLES})
    assert not problems, "\n".join(problems[:20])
    assert sum(n for (_, refused), n in counts.items() if refused) >= 300, counts
    for family in ("tag width", "tag bit number", "tag data block address", "tag name", "tag data type",
                   "tag duplicate", "tag overlap"):
        assert counts[(family, True)] > 0, family
    assert counts[("tag bit number", False)] > 0 and counts[("tag data type", False)] > 0
    assert counts[("constant value", True)] > 0 and counts[("constant value", False)] > 0, counts


def test_a_tables_own_fields_are_refused_at_their_element() -> None:
    """A tag without a name, with blanks around it or without an address, an HMI flag that is no boolean, a table
    name with a quote: before, ``simaticml check`` passed each (or put the finding at line 0) while the REST tag
    import refused it by its own reading, at a row number; now the check refuses each at its element's line, and
    each near-miss adds nothing (:mod:`tests.compiler.mutants_tag_fields`)."""
    counts, problems = run_mutants({path: list(tag_field_mutants(path, per_family=2)) for path in TABLES})
    assert not problems, "\n".join(problems[:20])
    for family in FAMILIES:
        assert counts[(family, True)] > 0 and counts[(family, False)] > 0, (family, counts)


def test_a_name_is_unique_across_the_plcs_tag_tables(tmp_path: Path) -> None:
    """TIA: the tags of all tables of a CPU share one name space. The tag editor's export of one table and a
    SimaticML table holding a tag of the same name (other case): the second is refused, in every command."""
    editor = tmp_path / "editor.xml"
    editor.write_bytes(EDITOR_TABLE.read_bytes())
    table = next(path for path in TABLES if b"<LogicalAddress>%Q" in path.read_bytes() or b"%M" in path.read_bytes())
    data = table.read_bytes()
    first = data.index(b"<Name>", data.index(b"SW.Tags.PlcTag "))
    end = data.index(b"</Name>", first)
    clash = tmp_path / "clash.xml"
    clash.write_bytes(data[:first + 6] + b"START" + data[end:])  # "Start" is a tag of the editor's table
    line = data[:data.index(b"SW.Tags.PlcTag ")].count(b"\n") + 1
    for command in ("plc check", "simaticml check"):
        code, out = run_main(*command.split(), str(editor), str(clash), "--format", "json")
        found = [(d["file"].rsplit("/", 1)[-1], d["line"], d["code"]) for d in json.loads(out)["diagnostics"]
                 if d["code"].startswith("TAG_")]
        assert found == [("clash.xml", line, "TAG_DUPLICATE")] and code == 1, (command, found)


def test_an_address_past_the_s7_1200_bit_memory_is_a_warning_there_only() -> None:
    data = EDITOR_TABLE.read_bytes().replace(b"%MW2", b"%MW8192")
    s7_1200 = [(d.code, d.severity) for d in check_sources([Source("t.xml", data)], cpu_family="S7-1200")]
    assert s7_1200 == [("TAG_ADDRESS_RANGE", "Warning")]
    assert check_sources([Source("t.xml", data)], cpu_family="S7-1500") == []
    last = data.replace(b"%MW8192", b"%MW8190")  # the last word of 8 KB
    assert check_sources([Source("t.xml", last)], cpu_family="S7-1200") == []
