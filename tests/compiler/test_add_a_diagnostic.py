"""``docs/add-a-diagnostic.md``: each file it lists, checked for every code the compiler produces, so a test names
the file a newcomer forgot."""

from __future__ import annotations

import re
from pathlib import Path

from simatic_xml.diagnostic_codes import CODES
from tools.diagnostic_code_scan import produced_codes

ROOT = Path(__file__).resolve().parents[2]
HOW_TO = ROOT / "docs" / "add-a-diagnostic.md"
SEEDED = ROOT / "tests" / "compiler" / "seeded"
README = ROOT / "engineering_api" / "rules" / "compiler" / "README.md"
_SEEDED_CODE = re.compile(r"^(?://|<!--) expect: .*?(Error|Warning) ([A-Z0-9_]+): ")

WORDED_BY_PRODUCER = frozenset({"SYNTAX_ERROR", "CLASSIC_SCL", "GRAPH_REFERENCE"})
"""Compiler codes without a template: the parser words a syntax error, the GRAPH reader a dangling reference."""

SHOWN_ELSEWHERE = {
    "CLASSIC_SCL": "tests/ci/test_config.py",
    "GRAPH_REFERENCE": "tests/realcode/mutants.py",
    "MISSING_TECHNOLOGY_OBJECT": "tests/realcode/test_realcode_cases.py",
    "MIXED_PARAMETERS": "tests/compiler/test_signatures.py",
    "NETWORK_NOT_CHECKED": "tests/realcode/test_realcode_cases.py",
    "NETWORK_SYNTAX": "tests/compiler/test_message_registry.py",
    "NUMBER_IN_USE": "tests/ci/test_xml_lines.py",
    "NOT_SIMULATED": "tests/ci/test_not_simulated.py",  # plc check and test run only, not a seeded source's check
    "SIGNATURE_UNKNOWN": "tests/compiler/test_signatures.py",
    "TOO_MANY_ARGUMENTS": "tests/compiler/test_signatures.py",
    "UNCHECKED_INSTRUCTION": "tests/compiler/test_compiler_rules.py",
    "UNKNOWN_TYPE": "tests/compiler/test_issue13_types.py",
    "BLOCK_NUMBER": "tests/compiler/test_structure_mutants.py",
    "OB_NUMBER": "tests/compiler/test_structure_mutants.py",
    "FLGNET_UID": "tests/compiler/test_structure_mutants.py",
    "FLGNET_CARDINALITY": "tests/compiler/test_structure_mutants.py",
    "FLGNET_PIN": "tests/compiler/test_structure_mutants.py",
    "FLGNET_INSTRUCTION": "tests/compiler/test_structure_mutants.py",
    "FLGNET_WIRE": "tests/compiler/test_structure_mutants.py",
    "TAG_INVALID": "tests/compiler/mutants.py",
    "TAG_DUPLICATE": "tests/compiler/test_tag_table_mutants.py",
    "TAG_OVERLAP": "tests/compiler/mutants.py",
    "WATCH_OPERAND": "tests/compiler/test_watch_table_mutants.py",
    "WATCH_NOT_FORCEABLE": "tests/compiler/test_watch_table_mutants.py",
    "WATCH_VALUE": "tests/compiler/test_watch_table_mutants.py",
    "WATCH_TABLE_NAME": "tests/compiler/test_watch_table_mutants.py",
    "TAG_ADDRESS_RANGE": "tests/compiler/test_tag_table_mutants.py",
    # the opt-in style rules: off in a seeded source's check, which has no settings
    "STYLE_BLOCK_PREFIX": "tests/compiler/test_style_rules.py",
    "STYLE_MEMBER_PREFIX": "tests/compiler/test_style_rules.py",
    "STYLE_UNUSED_LOCAL": "tests/compiler/test_style_rules.py",
    "STYLE_NESTING_DEPTH": "tests/compiler/test_style_rules.py",
    "STYLE_BLOCK_LENGTH": "tests/compiler/test_style_rules.py",
}
"""Compiler codes no seeded source shows (a note, a file-level finding, a program of several files), with the test
file that does."""

NOT_SHOWN: frozenset[str] = frozenset()
"""Compiler codes no test shows. (FLGNET_WIRE was here, taken to be unreachable behind the reader; the FlgNet mutants
of ``tests/compiler/mutants.py`` reach it: a wire end naming no element of its network.)"""


READER_CODES = frozenset({"CHECKER_FAILED", "INVALID_SIMATICML", "INVALID_TAG_TABLE", "NEWER_VERSION", "NOT_SCL",
                          "NOT_SIMATICML", "READ_ERROR", "UNSUPPORTED_OBJECT"})
"""Findings about a whole file that the check entry's reader (``rules/compiler/check.py``) words where it produces
them: a reader's diagnostics, not a compiler rule's (steps 1 and 5 of the page)."""

_OR_A_READER = (" (a reader's finding about a whole file, worded where it is produced, is listed in READER_CODES in "
                "tests/compiler/test_add_a_diagnostic.py instead)")


NOT_NAMED_BY_A_TEST: frozenset[str] = frozenset()
"""Codes outside the compiler's rules that no test names yet: each is a test still to write beside its producer."""

_DECLARATION_TESTS = frozenset({"tests/compiler/test_add_a_diagnostic.py", "tests/lib/test_diagnostic_codes.py",
                                "tools/diagnostic_code_scan.py"})


def _codes_named_by_tests() -> set[str]:
    words = re.compile(r"\b[A-Z][A-Z0-9_]+\b")
    found: set[str] = set()
    for path in (ROOT / "tests").rglob("*.py"):
        if path.relative_to(ROOT).as_posix() not in _DECLARATION_TESTS:
            found.update(words.findall(path.read_text(encoding="utf-8")))
    return found


def _compiler_codes() -> set[str]:
    return {code for code, files in produced_codes().items()
            if any(f.startswith("engineering_api/rules/compiler/") for f in files)} - READER_CODES


def _seeded_expectations() -> list[tuple[str, str, str]]:
    """(file name, severity, code) of each seeded source's expectation."""
    found: list[tuple[str, str, str]] = []
    for path in sorted(SEEDED.iterdir()):
        for line in path.read_text(encoding="utf-8-sig").splitlines()[:2]:
            match = _SEEDED_CODE.match(line)
            if match:
                found.append((path.name, match.group(1), match.group(2)))
    return found


def _seeded_codes() -> set[str]:
    return {code for _, _, code in _seeded_expectations()}


def test_every_compiler_code_has_a_message_template() -> None:
    # a code not registered at all is named by tests/lib/test_diagnostic_codes.py
    missing = sorted(code for code in _compiler_codes() - WORDED_BY_PRODUCER
                     if code in CODES and CODES[code].message is None)
    assert missing == [], (f"add a message template to _TEMPLATES in simatic_xml/diagnostic_codes.py for {missing}"
                           + _OR_A_READER)


def test_every_compiler_code_has_a_seeded_source() -> None:
    missing = sorted(_compiler_codes() - _seeded_codes() - set(SHOWN_ELSEWHERE) - NOT_SHOWN)
    assert missing == [], f"add a seeded source to tests/compiler/seeded/ for {missing}" + _OR_A_READER


def test_every_seeded_severity_is_one_its_code_is_registered_with() -> None:
    """The registry's severities are what docs/diagnostic-codes.md lists: a rule that reports a Warning while its
    row says Error (or the other way round) would document a severity the checker never gives."""
    wrong = [f"{name} expects a {severity}, the row of {code} gives {CODES[code].severities}"
             for name, severity, code in _seeded_expectations() if code in CODES
             and severity not in CODES[code].severities]
    assert wrong == [], ("make the severities of the row in _TABLE of simatic_xml/diagnostic_codes.py and the "
                         f"severity the rule reports (self.err(node, CODE, severity)) agree: {wrong}")


def test_the_codes_shown_elsewhere_are_shown_there() -> None:
    for code, test_file in SHOWN_ELSEWHERE.items():
        assert code in (ROOT / test_file).read_text(encoding="utf-8"), (code, test_file)
    assert not set(SHOWN_ELSEWHERE) & _seeded_codes(), "a code with a seeded source needs no entry here"


def test_every_compiler_code_has_a_bullet_in_the_compiler_readme() -> None:
    text = README.read_text(encoding="utf-8")
    notes = text[text.index("### What each rule reports"):].split("\n## ")[0]
    missing = sorted(code for code in _compiler_codes() if f"`{code}`" not in notes)
    assert missing == [], ("add a bullet under 'What each rule reports' in engineering_api/rules/compiler/README.md "
                           f"for {missing}" + _OR_A_READER)


def test_the_how_to_names_files_that_exist() -> None:
    named = set(re.findall(r"`((?:simatic_xml|engineering_api|tests|docs)/[\w/.-]+)`",
                           HOW_TO.read_text(encoding="utf-8")))
    assert named, "the how-to names no file"
    assert sorted(path for path in named if not (ROOT / path).exists()) == []


def test_every_code_outside_the_compiler_is_named_by_a_test() -> None:
    """A code a generator, a reader or the HMI checks produce has no seeded source: a test of its producer shows
    it (a test that names it; this does not prove the test gives it)."""
    outside = set(produced_codes()) & set(CODES) - (_compiler_codes() | set(SHOWN_ELSEWHERE))
    named = _codes_named_by_tests()
    missing = sorted(outside - named - NOT_NAMED_BY_A_TEST)
    assert missing == [], f"add a test of the module that produces {missing} that gives it (docs/add-a-diagnostic.md)"
    assert sorted(NOT_NAMED_BY_A_TEST & named) == [], "a test names these now: take them out of NOT_NAMED_BY_A_TEST"
    assert sorted(NOT_NAMED_BY_A_TEST - outside) == [], "no longer produced outside the compiler's rules"
