"""The registry of diagnostic codes (:mod:`simatic_xml.diagnostic_codes`) against the code that produces them."""

from __future__ import annotations

from engineering_api.rules.compiler.check import Source, check_sources
from simatic_xml.diagnostic_codes import CODES, GROUPS, MESSAGES, message
from simatic_xml.diagnostics import MISSING_CODES
from tools import reference_pages
from tools.diagnostic_code_scan import produced_codes


def test_every_produced_code_is_registered() -> None:
    unregistered = {code: sorted(files) for code, files in produced_codes().items() if code not in CODES}
    assert not unregistered, (
        f"diagnostic codes produced but not registered in simatic_xml/diagnostic_codes.py: {unregistered}; add each "
        "with its group and meaning, then run make docs")


def test_every_registered_code_is_still_produced() -> None:
    stale = sorted(set(CODES) - set(produced_codes()))
    assert not stale, (f"registered codes no source produces: {stale}; report each where it is found (a compiler "
                       "rule: docs/add-a-diagnostic.md, step 2), or remove it from simatic_xml/diagnostic_codes.py "
                       "and run make docs")


def test_registry_entries_are_complete() -> None:
    for code, info in CODES.items():
        assert info.code == code
        assert info.group in GROUPS, code
        assert info.severities, code
        assert info.meaning.endswith(".") and "\n" not in info.meaning, code
    assert {code for code in CODES if code in MISSING_CODES} == set(MISSING_CODES)
    assert all(CODES[code].group == "Missing dependencies" for code in MISSING_CODES)


def test_the_scan_finds_codes_in_each_way_they_are_written() -> None:
    """One code per way a literal reaches a diagnostic, so a change to the scan that loses a way fails here."""
    found = produced_codes()
    expectations = {
        "NOT_SCL": "engineering_api/rules/compiler/check.py",  # Diagnostic(..., code="NOT_SCL")
        "NUMBER_IN_USE": "engineering_api/rules/compiler/check.py",  # seventh positional argument
        "CASE_LABEL": "engineering_api/rules/compiler/check_statements.py",  # self.err(node, "CASE_LABEL", ...)
        "FLGNET_LABEL": "engineering_api/rules/compiler/check_flgnet.py",  # self.err_line("FLGNET_LABEL", ...)
        "AT_OVERLAY": "simatic_xml/generate/from_scl.py",  # walk.note(block, node, "AT_OVERLAY", ...)
        "INVALID_NETWORK": "simatic_xml/generate/checks.py",  # found(..., "INVALID_NETWORK", ...)
        "GENERATION_NOT_SUPPORTED": "simatic_xml/errors.py",  # an exception's code
        "INVALID_DECLARATION": "simatic_xml/generate/from_source.py",  # code=code or "INVALID_DECLARATION"
        "PARTNER_NOT_FOUND": "engineering_api/rules/hmi_compile.py",  # finding(folder, name, "PARTNER_NOT_FOUND", ...)
        "MISSING_SCREEN": "engineering_api/rules/hmi_compile.py",  # a table a for loop walks
    }
    for code, path in expectations.items():
        assert path in found.get(code, set()), (code, path)


def test_every_message_is_bound_to_a_registered_code() -> None:
    """The message registry: each template has one key and goes out under one registered code; a code's own
    message is keyed by the code, a second message of a code (:data:`MESSAGES` variants) by a key of its own."""
    for key, found in MESSAGES.items():
        assert found.key == key and found.code in CODES, (
            f"the message {key} goes out under {found.code}, which has no row in _TABLE of "
            "simatic_xml/diagnostic_codes.py")
        assert key == found.code or key not in CODES, key
        own, variants = CODES[found.code].message, CODES[found.code].variants
        assert found.template == own if key == found.code else found.template in variants, key


def test_a_block_defined_in_two_files_is_worded_by_its_own_registry_entry() -> None:
    """The cross-file duplicate (a Warning ``DUPLICATE_NAME``) was worded where it was produced, while the
    registry bound ``DUPLICATE_NAME`` to the declaration's words only: its words are now the registry's."""
    text = b'FUNCTION "FC_Twice" : Void\nBEGIN\nEND_FUNCTION\n'
    found = [(d.file, d.severity, d.code, d.message)
             for d in check_sources([Source("a.scl", text), Source("b.scl", text)])]
    words = message("DUPLICATE_NAME_ACROSS_FILES", name="FC_Twice", other="a.scl")
    assert found == [("b.scl", "Warning", "DUPLICATE_NAME", words)]
    assert words == ('"FC_Twice" is also defined in a.scl; a PLC holds only one of them (each file is checked with '
                     "its own).")  # the words it printed before it had an entry
    assert MESSAGES["DUPLICATE_NAME_ACROSS_FILES"].code == "DUPLICATE_NAME"
    assert "`\"{name}\" is also defined in {other}; " in reference_pages.compiler_rules_table()
