"""Every SCL source TIA accepts (``expect`` = accept in the shared corpus's SOURCES.tsv) generates all its
blocks; each document reads back with :func:`simatic_xml.parse_bytes` and the documents of one file import
into the fake PLC without a failed report.

As with ``scl build --context``, the other sources of the same repository are the context (an instance
DB's FB or a DB's UDT lives in another file); the files defining what a source's instance DBs need are
generated and imported first, as a user imports a project's sources in order."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from engineering_api.backend.models import ProgramDocument
from engineering_api.rules.compiler.project import OBJECT_KINDS, block_def_from_document, view_from_model
from engineering_api.rules.program_objects import generated_object, read_object
from simatic_xml import parse_bytes
from simatic_xml.generate.from_source import generate_source, iter_files, read_text
from simatic_xml.generate import generate_xml, import_order as dependency_order
from simatic_xml.generate.from_source import GeneratedBlock
from simatic_xml.versions import GENERATION_TARGETS
from tests.generate_sources.corpus_sources import ACCEPTED, CORPUS, repo_of, source_context



_DEFINED: dict[str, dict[str, Path]] = {}


def _defined(repo: str) -> dict[str, Path]:
    """Block/UDT name -> the accepted source of the repository that defines it."""
    if repo not in _DEFINED:
        accepted = {CORPUS / n for n in ACCEPTED if repo_of(n) == repo}
        index: dict[str, Path] = {}
        for path in iter_files([CORPUS / repo], (".scl", ".db", ".udt")):
            if path not in accepted:
                continue
            for block in generate_source(read_text(path), file=str(path), context=source_context(repo)).blocks:
                index.setdefault(block.name, path)
        _DEFINED[repo] = index
    return _DEFINED[repo]


def _import(fake_plc, blocks) -> list[tuple[str, str]]:
    documents = [(f"{b.name}.xml", b.xml) for b in blocks]
    order = dependency_order(documents, strict=False)
    by_name = dict(documents)
    reports = fake_plc.program.import_program_documents(
        "PLC_1", [ProgramDocument(source=s, data=by_name[s], folder="") for s in order], overwrite=True)
    return [(r.source, r.message) for r in reports if r.status != "Imported"]


def _stored_alike(blocks: list[GeneratedBlock], version: str) -> None:
    """A generated block is stored from its model (the generation's import, ``generated_object``) as the block's
    bytes read back are (``read_object``): every field, the stored SimaticML byte for byte."""
    for block in blocks:
        assert block.document is not None
        from_model = generated_object(block.document, block.xml, project_version=version, source=block.name)
        assert from_model == read_object(block.xml, project_version=version, source=block.name), block.name
        assert from_model.xml is block.xml
        if from_model.kind in OBJECT_KINDS:  # the compiler's view of it, read from the model, is its bytes' view
            view = view_from_model(from_model, block.document)
            assert view is not None, block.name
            read = block_def_from_document(parse_bytes(block.xml), from_model)
            assert view == read, block.name
            # the lines findings point at (TypeIssue and Diagnostic compare them, said here for the reader)
            assert [(i.name, i.line) for i in view.named_types] == [(i.name, i.line) for i in read.named_types]


OTHER_VERSIONS_SAMPLE = 6
"""Sources per other generation target (V16 … V21 but V19, which every source runs in): a seeded sample."""


@pytest.mark.parametrize("version", [v for v in GENERATION_TARGETS if v != "V19"])
def test_a_block_generated_for_another_version_is_stored_as_its_bytes_read_back(version: str) -> None:
    compared = 0
    for name in random.Random(f"71-{version}").sample(ACCEPTED, OTHER_VERSIONS_SAMPLE):
        result = generate_source(read_text(CORPUS / name), file=name, version=version,
                                 context=source_context(repo_of(name)))
        _stored_alike(result.blocks, version)
        compared += len(result.blocks)
    assert compared >= OTHER_VERSIONS_SAMPLE, "the sample's sources generate in this version"


def test_the_corpus_is_there():
    assert len(ACCEPTED) >= 200, f"the shared corpus ({CORPUS / 'SOURCES.tsv'}) is missing"


@pytest.mark.parametrize("name", ACCEPTED)
def test_accepted_source_generates_and_imports(name, fake_plc):
    path = CORPUS / name
    context = source_context(repo_of(name))
    result = generate_source(read_text(path), file=name, version="V19", context=context)
    errors = [str(d) for d in result.diagnostics if d.severity == "Error"]
    assert not errors, errors
    assert result.blocks, "no block generated"
    for block in result.blocks:
        doc = parse_bytes(block.xml)
        assert doc.object.name == block.name
    _stored_alike(result.blocks, "V19")
    # What the instance DBs / UDT DBs of this file need, from the other files of the repository.
    needed = ({parse_bytes(b.xml).object.attr("InstanceOfName") for b in result.blocks}
              - {None, *(b.name for b in result.blocks)})
    defined = _defined(repo_of(name))
    dependencies = {defined[str(n)] for n in needed if str(n) in defined} - {path}
    for other in sorted(dependencies):
        dependency = generate_source(read_text(other), file=str(other), version="V19", context=context)
        assert not _import(fake_plc, dependency.blocks)
    for missing in sorted(str(n) for n in needed if str(n) not in defined):
        # The FB is in the user's project but not among the repository's sources (a LAD/FBD/GRAPH FB, or
        # not published): the project holds it, so the PLC gets a stand-in FB of that name first.
        stub = generate_xml({"blockType": "FB", "name": missing, "language": "SCL"}, "V19")
        assert not _import(fake_plc, [GeneratedBlock(missing, "FB", stub)])
    failed = _import(fake_plc, result.blocks)
    assert not failed, failed
