"""The address and article-number rules refuse a character no address or number has, on their own, whoever asks.

Before, the rules read ``%\\x0bQ0.0`` as ``%Q0.0`` (the tag table's tolerance of blanks took every Unicode blank,
control characters among them) and ``6\\x0bES7 516-3AN02-0AB0`` as the CPU (the catalog's lookup dropped every
character but letters and digits); only the project-text rule of mutating API calls refused them first, and a
caller that asks the rules directly (the CI checker on an exported tag table, a tag table imported from a
spreadsheet, the SimaticML reader) passed them. The class, generated: every control character (Unicode category
Cc) inserted at every position of every address and article number of the corpus and the hardware catalog is
refused, as are a digit of another script and a letter whose upper case is an area letter; every address of the
corpus still reads as before (a false error on valid TIA code is the worst defect).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache

import pytest

from engineering_api.rules.addresses import AddressError, parse_address
from engineering_api.rules.catalog import HardwareCatalog, UnknownArticleError
from simatic_xml.absolute_addresses import InvalidAddressError, parse_absolute_address
from tests.lib.shared_corpus import READS_SHARED, SHARED

CORPUS = SHARED / "corpus"
CONTROL = tuple(chr(c) for c in range(0xA0) if unicodedata.category(chr(c)) == "Cc")
"""C0, DEL and C1: the 65 control characters (Unicode has no other character of category Cc)."""
FORMAT = ("\u00ad", "\u200b", "\u200e", "\u2060", "\ufeff")
"""Invisible format characters (Unicode category Cf): a soft hyphen, a zero-width space, a left-to-right mark, a
word joiner, a byte order mark."""
_LOGICAL_ADDRESS = re.compile(rb"<LogicalAddress>([^<]+)</LogicalAddress>")
_SOURCE_ADDRESS = re.compile(rb"(?<![.\w])%(?:DB\d+\.DB[XBWDL]\d+(?:\.\d+)?|[A-Za-z]{1,3}\d+(?:\.\d+)?)(?::P)?")
"""An absolute address in an SCL source or a SimaticML token (``.%X7``, a slice of a tag, is none)."""
CORPUS_ARTICLE = "6ES7134-6JD00-0CA1"
"""The one article number the corpus holds (a comment of Fwaldt_FB_AnalogInput.xml), as Siemens' manuals write it."""

pytestmark = READS_SHARED


@cache
def _tag_table_addresses() -> tuple[str, ...]:
    found = {m.group(1).decode() for path in sorted(CORPUS.rglob("*.xml"))
             for m in _LOGICAL_ADDRESS.finditer(path.read_bytes())}
    return tuple(sorted(found))


@cache
def _source_addresses() -> tuple[str, ...]:
    found = {m.group().decode() for path in sorted(CORPUS.rglob("*")) if path.is_file()
             for m in _SOURCE_ADDRESS.finditer(path.read_bytes())}
    readable = []
    for text in sorted(found):
        try:
            parse_absolute_address(text)
        except InvalidAddressError:
            continue  # a bit-slice token after its tag ("%X7" of "Status.%X7"), split from the dot by the scan
        readable.append(text)
    return tuple(readable)


def _mutants(text: str) -> list[str]:
    """``text`` with each control character at each position, and each digit or area letter spelled in another
    script (an Arabic-Indic and a fullwidth digit; a dotless i, a dotted capital I, a Kelvin sign for K)."""
    mutants = [text[:i] + c + text[i:] for i in range(len(text) + 1) for c in CONTROL]
    for i, ch in enumerate(text):
        if ch.isdigit():
            mutants += [text[:i] + chr(base + int(ch)) + text[i + 1:] for base in (0x0660, 0xFF10)]
        elif ch in "Ii":
            mutants += [text[:i] + "\u0131" + text[i + 1:], text[:i] + "\u0130" + text[i + 1:]]
        elif ch in "Kk":
            mutants.append(text[:i] + "\u212a" + text[i + 1:])
    return mutants


def test_every_corpus_address_still_reads() -> None:
    tags, sources = _tag_table_addresses(), _source_addresses()
    assert len(tags) >= 100 and len(sources) >= 300, (len(tags), len(sources))
    for text in tags:
        parse_address(text)  # a corpus tag table's address is one TIA took: no AddressError
    for text in sources:
        parse_absolute_address(text)


def test_a_tag_address_with_a_foreign_character_is_refused() -> None:
    passed = []
    for text in _tag_table_addresses():
        for mutant in _mutants(text):
            try:
                parse_address(mutant)
            except AddressError:
                continue
            passed.append(mutant)
    assert not passed, [ascii(m) for m in passed[:20]]
    assert "character no address has" in _refusal(parse_address, "%\x0bQ0.0")
    assert "'%\\x0bQ0.0'" in _refusal(parse_address, "%\x0bQ0.0")  # shown escaped, never as the raw character


def test_an_absolute_address_with_a_foreign_character_is_refused() -> None:
    passed = [mutant for text in _source_addresses() for mutant in _mutants(text)
              if not _refused(parse_absolute_address, mutant)]
    assert not passed, [ascii(m) for m in passed[:20]]


def test_the_blanks_a_tag_address_may_hold_are_spaces() -> None:
    assert parse_address(" %I 0.0 ").text == "%I0.0" and parse_address("q 1.7").text == "%Q1.7"
    for blank in ("\t", "\n", "\u00a0", "\u2003"):
        assert _refused(parse_address, f"%I{blank}0.0"), ascii(blank)


def _article_numbers() -> list[str]:
    catalog = HardwareCatalog.load()
    numbers = {entry.order_number for entry in catalog.entries}
    numbers |= {entry.type_order_number for entry in catalog.entries if entry.type_order_number}
    return sorted(numbers | {CORPUS_ARTICLE})


def test_every_catalog_and_corpus_article_number_is_found_as_written() -> None:
    catalog = HardwareCatalog.load()
    for number in _article_numbers():
        entry = catalog.find(number)
        assert entry is not None, number
        for spelled in (number.lower(), number.replace(" ", "").replace("-", ""), f"OrderNumber:{number}/V1.0",
                        number.replace(" ", " - "), *_written_separators(number)):
            assert catalog.find(spelled) is entry, ascii(spelled)


def _written_separators(number: str) -> tuple[str, ...]:
    """``number`` with the separators a client's text holds for SIMATIC's blank and hyphens: a no-break space (a
    spreadsheet's, a web page's), a non-breaking hyphen and an en-dash (a word processor's), a dot, an underscore
    (a file or variable name's)."""
    return (number.replace(" ", "\u00a0"), number.replace("-", "\u2011"), number.replace("-", "\u2013"),
            number.replace(" ", ".").replace("-", "."), number.replace(" ", "_").replace("-", "_"))


def test_an_article_number_with_a_foreign_character_is_not_found() -> None:
    catalog = HardwareCatalog.load()
    found = [mutant for number in _article_numbers() for mutant in _mutants(number) if catalog.find(mutant)]
    found += [f"OrderNumber:{mutant}/V3.1" for mutant in _mutants("6ES7 516-3AN02-0AB0")
              if catalog.find(f"OrderNumber:{mutant}/V3.1")]
    number = "6ES7 516-3AN02-0AB0"  # an invisible format character (category Cf) is no separator either
    found += [mutant for i in range(len(number) + 1) for c in FORMAT
              if catalog.find(mutant := number[:i] + c + number[i:])]
    assert not found, [ascii(m) for m in found[:20]]
    with pytest.raises(UnknownArticleError, match=re.escape("'6\\x0bES7 516-3AN02-0AB0'")):
        catalog.resolve("6\x0bES7 516-3AN02-0AB0")


def _refused(parse: Callable[[str], object], text: str) -> bool:
    try:
        parse(text)
    except (AddressError, InvalidAddressError):
        return True
    return False


def _refusal(parse: Callable[[str], object], text: str) -> str:
    try:
        parse(text)
    except (AddressError, InvalidAddressError) as exc:
        return str(exc)
    raise AssertionError(f"{text!r} was read")
