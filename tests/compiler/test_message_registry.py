"""Every message goes out under the code it is registered with (:mod:`simatic_xml.diagnostic_codes`), and the
compiler README's table of rules is the registry's view."""

from __future__ import annotations

import string
from pathlib import Path

from engineering_api.ci.program import check_files
from engineering_api.rules.compiler.check import check_source
from simatic_xml.diagnostic_codes import CODES, message
from tools import reference_pages

_CASES = Path(__file__).resolve().parents[1] / "realcode" / "cases"


def test_every_template_belongs_to_a_registered_code_and_formats() -> None:
    for code, info in CODES.items():
        if info.message is None:
            continue
        fields = {name: "x" for _, name, _, _ in string.Formatter().parse(info.message) if name}
        assert message(code, **fields), code


def test_a_block_name_defined_twice_goes_out_as_duplicate_block() -> None:
    """The message 'The block name ... already exists.' went out as DUPLICATE_NAME, the code of a declaration."""
    text = ('FUNCTION "FC_Twice" : Void\nBEGIN\nEND_FUNCTION\n\n'
            'FUNCTION "FC_Twice" : Void\nBEGIN\nEND_FUNCTION\n')
    found = [(d.code, d.message) for d in check_source(text, "twice.scl", closed=True)]
    assert found == [("DUPLICATE_BLOCK", message("DUPLICATE_BLOCK", name="FC_Twice"))]


def test_a_network_that_does_not_parse_goes_out_as_network_syntax(tmp_path: Path) -> None:
    """An SCL network of a SimaticML block that does not parse went out as SYNTAX_ERROR (the code of an SCL source);
    the copy of a real export is broken by taking out the assignment's right side."""
    text = (_CASES / "scl_network_blank_in_symbol.xml").read_text(encoding="utf-8-sig")
    start = text.index('<Access Scope="LocalVariable" UId="27">')
    broken = tmp_path / "broken.xml"
    broken.write_text(text[:start] + text[text.index("</Access>", start) + len("</Access>"):], encoding="utf-8")
    found = [(d.code, d.network, d.severity) for d in check_files([str(broken)]) if d.severity == "Error"]
    assert found == [("NETWORK_SYNTAX", 1, "Error")]


def test_the_compiler_readme_table_is_the_registry_view() -> None:
    page = reference_pages.COMPILER_README.read_text(encoding="utf-8")
    assert reference_pages.compiler_rules_table() in page, (
        "run make docs and commit engineering_api/rules/compiler/README.md")


def test_the_compiler_readme_lists_every_code_the_compiler_produces() -> None:
    from tools.diagnostic_code_scan import produced_codes

    compiler = {code for code, files in produced_codes().items()
                if any(f.startswith("engineering_api/rules/compiler/") for f in files)}
    table = reference_pages.compiler_rules_table()
    assert [code for code in sorted(compiler) if f"| `{code}` |" not in table] == [], (
        "register each in simatic_xml/diagnostic_codes.py and run make docs: the table is generated from it")
