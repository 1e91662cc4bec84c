"""Texts that differ only by tabs written as blanks between tokens lex alike (``lexes_alike``), checked against the
lexer and the statements' parser over the corpus's SCL blocks.

The compiler's view of a generated SCL network reuses the statements the network was written from when the text read
back from the network lexes alike (TIA writes a tab of a network's text as a blank, issue 71): that is only right
where the two texts' statements parse the same, which this test holds over every corpus block body with tabs.
"""

from __future__ import annotations


import pytest

from simatic_xml.scl.errors import SclError
from simatic_xml.generate.from_scl import body_location
from simatic_xml.scl.lexer import layout_tabs_as_blanks, lexes_alike, source_lines, tokenize
from simatic_xml.scl.parser import parse, parse_statements
from tests.lib.shared_corpus import SHARED

CORPUS = SHARED / "corpus" / "scl"


def _sources_with_tabs() -> list[tuple[str, str]]:
    out = []
    for path in sorted(CORPUS.rglob("*")):
        if path.suffix.lower() in (".scl", ".udt", ".db"):
            text = path.read_bytes().decode("utf-8-sig", "replace")
            if "\t" in text:
                out.append((path.relative_to(CORPUS).as_posix(), text))
    return out


def _bodies_with_tabs() -> list[tuple[str, str]]:
    """The statement parts (what an SCL network holds) of the corpus sources' blocks that have a tab."""
    out = []
    for file, text in _sources_with_tabs():
        try:
            source = parse(text, file)
        except SclError:
            continue
        lines = source_lines(text)
        for block in source.blocks:
            body = body_location(block, lines)[0]
            if "\t" in body:
                out.append((f"{file}:{block.name}", body))
    return out


def test_corpus_bodies_with_tabs_written_as_blanks_parse_alike_where_they_lex_alike() -> None:
    alike = differ = 0
    for where, body in _bodies_with_tabs():
        blanked = body.replace("\t", " ")
        if not lexes_alike(body, blanked):
            differ += 1  # a tab in a comment, string or name: the statements are parsed again
            continue
        alike += 1
        try:
            expected = repr(parse_statements(body))
        except SclError as exc:
            with pytest.raises(SclError) as again:
                parse_statements(blanked)
            assert (again.value.line, again.value.col, again.value.message) == (exc.line, exc.col, exc.message)
            continue
        assert repr(parse_statements(blanked)) == expected, where
    assert alike >= 20 and differ >= 1, (alike, differ)


def test_a_whole_source_that_lexes_alike_may_parse_otherwise() -> None:
    """Only the statements' parse is the same: a block's header values are sliced from the raw text, tab and all."""
    text = 'FUNCTION "F" : Void\nAUTHOR : Some\tOne\nVERSION : 0.1\nBEGIN\n#a := 1;\nEND_FUNCTION\n'
    blanked = text.replace("\t", " ")
    assert lexes_alike(text, blanked)
    assert repr(parse(text)) != repr(parse(blanked))


@pytest.mark.parametrize("inside", ["// a\tcomment", "(* a\tcomment *)", "/* a\tcomment */", "'a\tstring'",
                                    '"a\tname"', "REGION a\tname", "TITLE = a\ttitle"])
def test_a_tab_inside_a_token_does_not_lex_alike(inside: str) -> None:
    text = f"#x := 1;\t{inside}\n"
    assert not lexes_alike(text, text.replace("\t", " "))


def test_tabs_between_tokens_lex_alike_and_nothing_else_does() -> None:
    assert lexes_alike("IF #a THEN\n\t#b := 1;\nEND_IF;", "IF #a THEN\n #b := 1;\nEND_IF;")
    assert lexes_alike("REGION\tname\t\n#b := 1;\nEND_REGION", "REGION name \n#b := 1;\nEND_REGION")
    assert lexes_alike("#a := 1;", "#a := 1;")
    assert not lexes_alike("#a := 1;", "#a := 2;")
    assert not lexes_alike("#a\t:= 1;", "#a  := 1;")  # not one blank for one tab
    assert not lexes_alike("#a\t:= 'x", "#a := 'x")  # text the lexer refuses


def test_the_compiler_view_of_a_generated_block_with_tabs_reuses_the_parse_it_was_written_from(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A block generated from a source indented with tabs is read back with blanks for its tabs: its compiler
    view takes the statements it was written from (no second parse), the view a read of its bytes gives."""
    from engineering_api.rules.compiler import project
    from engineering_api.rules.program_objects import generated_object
    from simatic_xml import parse_bytes
    from simatic_xml.generate.from_source import generate_source

    text = ("FUNCTION \"Tabbed\" : Void\nVAR_INPUT\n\ta : Int;\nEND_VAR\nVAR_TEMP\n\tt : Int;\nEND_VAR\nBEGIN\n"
            "\tIF #a > 0 THEN\t// positive\n\t\t#t := #a;\n\tEND_IF;\nEND_FUNCTION\n")
    block = generate_source(text, file="Tabbed.scl", version="V19").blocks[0]
    assert block.document is not None
    stored = generated_object(block.document, block.xml, project_version="V19", source="Tabbed.scl")
    read = project.block_def_from_document(parse_bytes(block.xml), stored)

    def no_second_parse(text: str) -> object:
        raise AssertionError("parsed again")

    monkeypatch.setattr(project, "parse_statements", no_second_parse)
    view = project.block_def_from_document(block.document, stored)
    assert view == read and view.networks[0].statements


@pytest.mark.parametrize("inside", ["", "// a\tcomment", "(* a\tcomment *)", "'a\tstring'", '"a\tname"',
                                    "REGION a\tname", "TITLE = a\ttitle"])
def test_layout_tabs_as_blanks_is_the_blanked_text_exactly_where_it_lexes_alike(inside: str) -> None:
    """The generation keeps a network's text with its layout tabs as blanks from the tokens its writer holds
    (``layout_tabs_as_blanks``): the same verdict as ``lexes_alike`` lexing the text again, for every corpus block
    body with tabs and each kind of token with a tab added to one."""
    bodies = [body for _, body in _bodies_with_tabs()] + ["IF #a THEN\n\t#b := 1;\nEND_IF;", "#a := 1;"]
    checked = 0
    for body in bodies:
        text = f"{body}\n\t{inside}\n" if inside else body
        try:
            tokens = tokenize(text, keep_comments=True)
        except SclError:
            continue
        blanked = text.replace("\t", " ")
        laid_out = layout_tabs_as_blanks(text, tokens)
        assert laid_out == (blanked if lexes_alike(text, blanked) else text), body
        assert lexes_alike(text, laid_out)
        checked += 1
    assert checked >= 20


def test_a_generated_network_keeps_its_text_as_its_body_lays_it_out(monkeypatch: pytest.MonkeyPatch) -> None:
    """A network generated from text indented with tabs keeps that text with blanks for them
    (``NetworkSource.written_from``), what its body reads back as: its compiler view takes the statements without
    lexing the text again; a tab in a comment keeps the text as written, read back otherwise, and parsed again."""
    from engineering_api.rules.compiler import project
    from engineering_api.rules.program_objects import generated_object
    from simatic_xml import parse_bytes, tokens_to_text
    from simatic_xml.generate.from_source import generate_source
    from simatic_xml.objects import Block
    from simatic_xml.scl import lexer

    for comment, kept in (("// positive", True), ("// posi\ttive", False)):
        text = ("FUNCTION \"Tabbed\" : Void\nVAR_INPUT\n\ta : Int;\nEND_VAR\nVAR_TEMP\n\tt : Int;\nEND_VAR\nBEGIN\n"
                f"\tIF #a > 0 THEN\t{comment}\n\t\t#t := #a;\n\tEND_IF;\nEND_FUNCTION\n")
        block = generate_source(text, file="Tabbed.scl", version="V19").blocks[0]
        assert block.document is not None and isinstance(block.document.object, Block)
        source = block.document.object.compile_units[0].network_source
        assert source is not None and source.body is not None and source.written_from is not None
        assert (source.written_from[0] == tokens_to_text(source.body)) is kept
        stored = generated_object(block.document, block.xml, project_version="V19", source="Tabbed.scl")
        read = project.block_def_from_document(parse_bytes(block.xml), stored)
        with monkeypatch.context() as patched:
            if kept:
                patched.setattr(lexer, "tokenize", lambda *a, **k: pytest.fail("lexed again"))
            assert project.block_def_from_document(block.document, stored) == read
