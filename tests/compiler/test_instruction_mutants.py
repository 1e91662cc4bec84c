"""An instruction name TIA does not have, in SCL sources, on generated mutants of every corpus source: a call of a
catalogue instruction renamed (``UNCHECKED_INSTRUCTION``, an Info that says the catalogue is not complete, at the
call). Control: no corpus source or export gets the finding at all."""

from __future__ import annotations

from pathlib import Path


from engineering_api.rules.compiler.check import Source, check_sources, source_text
from tests.compiler.mutants import run_mutants
from tests.compiler.mutants_instructions import scl_instruction_mutants
from tests.lib.shared_corpus import READS_SHARED, SHARED

CORPUS = SHARED / "corpus"
SCL = sorted(p for p in (CORPUS / "scl").rglob("*") if p.suffix.lower() == ".scl") if CORPUS.is_dir() else []
FILES = sorted(p for p in CORPUS.rglob("*") if p.suffix.lower() in (".scl", ".xml")) if CORPUS.is_dir() else []

corpus = READS_SHARED


@corpus
def test_no_corpus_file_names_an_instruction_the_catalogue_lacks() -> None:
    """No LAD/FBD box of a corpus export, no call of a corpus SCL source. (An export's SCL network may: the reader
    writes a user FC of another file, ``<CallInfo BlockType="FC">``, as a bare name, the corpus's Fwaldt_Main.xml.)"""
    def found(paths: list[Path], code: str) -> list[tuple[str, int, str]]:
        return [(path.name, d.line, d.message) for path in paths
                for d in check_sources([Source(str(path), path.read_bytes())], info=True) if d.code == code]

    assert not found(FILES, "FLGNET_INSTRUCTION")
    assert not found(SCL, "UNCHECKED_INSTRUCTION")


def _clean(path: Path) -> bool:
    """Whether the source checks without an error alone (a source whose types or blocks are in other files leaves
    statements untyped, and a call of a renamed instruction there may lose the error its arguments had)."""
    return not any(d.severity == "Error" for d in check_sources([Source(str(path), path.read_bytes())]))


@corpus
def test_scl_instruction_mutants_are_refused_at_their_call() -> None:
    counts, problems = run_mutants({path: list(scl_instruction_mutants(path, source_text(path.read_bytes())))
                                    for path in SCL if _clean(path)}, info=True)
    assert not problems, "\n".join(problems[:20])
    assert counts[("scl instruction", True)] >= 25, counts
