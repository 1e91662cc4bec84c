"""Mutation generators: violations of a rule made automatically from every suitable corpus file, each with the line
and code it must be refused at, and the accept-control at the rule's boundary (the last legal value), which must
add no finding.

A mutant changes one declaration of a real TIA export or source; everything else stays as TIA wrote it, so the
only new finding a check may give is the one the rule names. The limits are TIA's documented ones (each cited where
the rule is: :mod:`simatic_xml.generate.declarations`, :func:`simatic_xml.generate.spec_members.check_declaration`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict, Unpack

from lxml import etree

from engineering_api.rules.compiler.program import BlockDef, Program
from engineering_api.rules.instruction_pins import BASIC_PINS, basic_pin
from simatic_xml import parse_bytes
from simatic_xml.diagnostics import Diagnostic
from simatic_xml.objects import is_auto_numbered

__all__ = ("INT_RANGES", "CheckOptions", "Mutant", "block_number_mutants", "first_integer_tag", "flgnet_mutants",
           "local_name", "run_mutants", "scl_access_mutants", "scl_arrow_mutants", "scl_declaration_mutants",
           "serialised", "tag_table_mutants", "verdict", "watch_table_mutants", "xml_declaration_mutants", "xml_parser")

INT_RANGES = {
    "SInt": (-128, 127), "Int": (-32768, 32767), "DInt": (-(2**31), 2**31 - 1), "LInt": (-(2**63), 2**63 - 1),
    "USInt": (0, 255), "UInt": (0, 65535), "UDInt": (0, 2**32 - 1), "ULInt": (0, 2**64 - 1),
}
"""The value ranges of the integer types (STEP 7 help, "Integers"; Siemens 81318674, "Data types")."""


@dataclass(frozen=True)
class Mutant:
    """One changed file: ``family`` names the rule family, ``line``/``code`` what a check must add (None: the
    accept-control, which must add nothing)."""

    family: str
    path: Path
    data: bytes
    line: int
    code: str | None

    @property
    def refused(self) -> bool:
        return self.code is not None

    def written_alone(self, folder: Path) -> Path:
        """This file written alone into ``folder`` (made here), where a command checking a folder reads only it."""
        folder.mkdir()
        target = folder / self.path.name
        target.write_bytes(self.data)
        return target


SEVERAL = frozenset(["TAG_OVERLAP"])
"""Codes one change may give more than once (a word moved one byte overlaps the words on both sides)."""


def verdict(mutant: Mutant, original: list[Diagnostic], got: list[Diagnostic]) -> str | None:
    """What is wrong with the check ``got`` of ``mutant`` against the ``original`` file's (None: a refused mutant
    gained its one finding, at its line, and lost none; a control gained and lost nothing). Findings compare by code
    and message, so that lines moved by an inserted line do not count."""
    def found(diagnostics: list[Diagnostic]) -> Counter[tuple[str | None, str]]:
        return Counter((d.code, d.message) for d in diagnostics)

    new, lost = found(got) - found(original), found(original) - found(got)
    if lost:
        return f"lost {dict(lost)}"
    if not mutant.refused:
        return f"control refused: {dict(new)}" if new else None
    if {code for code, _ in new} != {mutant.code} or (sum(new.values()) != 1 and mutant.code not in SEVERAL):
        return f"expected one {mutant.code}, got {dict(new)}"
    if not any(d.code == mutant.code and d.line == mutant.line for d in got):
        return f"{mutant.code} not at line {mutant.line}: {[(d.line, d.code) for d in got if d.code == mutant.code]}"
    return None


class CheckOptions(TypedDict, total=False):
    """The keyword arguments of ``check_sources`` a family of mutants is checked with."""

    only: Collection[str | None] | None
    closed: bool
    info: bool
    tia_version: str | None
    cpu_family: str | None


def run_mutants(mutants: dict[Path, list[Mutant]],
                **options: Unpack[CheckOptions]) -> tuple[Counter[tuple[str, bool]], list[str]]:
    """Check each file and its mutants (``check_sources``, the one entry of every command; ``options`` its own):
    how many mutants of each family, refused or control, were checked, and what went wrong (see :func:`verdict`)."""
    from engineering_api.rules.compiler.check import Source, check_sources

    counts: Counter[tuple[str, bool]] = Counter()
    problems: list[str] = []
    for path, made in mutants.items():
        original = check_sources([Source(str(path), path.read_bytes())], **options)
        if any(d.code in ("SYNTAX_ERROR", "CLASSIC_SCL") for d in original):
            continue  # a source that does not parse has no declarations to read
        for mutant in made:
            counts[(mutant.family, mutant.refused)] += 1
            got = check_sources([Source(str(path), mutant.data)], **options)
            problem = verdict(mutant, original, got)
            if problem:
                problems.append(f"{path.name} {mutant.family} line {mutant.line}: {problem}")
    return counts, problems


def xml_parser() -> etree.XMLParser:
    """The parser mutants are read with (no DTD, no network, large exports)."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)


def serialised(root: etree._Element, original: bytes) -> bytes:
    """``root`` (a mutated export) as bytes, with the head ``original`` had before its root element."""
    body = etree.tostring(root, encoding="utf-8")
    head = original[:original.find(b"<" + local_name(root).encode())]
    return head + body  # the declaration and line breaks before the root as the export has them: lines unchanged


def local_name(el: etree._Element) -> str:
    """The element's tag without its namespace."""
    return str(el.tag).split("}")[-1]


def _start_value(member: etree._Element) -> etree._Element | None:
    for child in member:
        if local_name(child) == "StartValue":
            return None if child.get("Informative") or len(child) else child
    return None


def _section(member: etree._Element) -> str:
    parent = member.getparent()
    while parent is not None and local_name(parent) != "Section":
        parent = parent.getparent()
    return parent.get("Name", "") if parent is not None else ""


def _in_system_type(member: etree._Element) -> bool:
    """A member inside another member's <Sections> (a system type's interface as TIA exports it) or inside the
    ``Base`` section (a GRAPH FB's GRAPH_BASE, which TIA writes)."""
    parent = member.getparent()
    while parent is not None:
        above = parent.getparent()
        if local_name(parent) == "Sections" and above is not None and local_name(above) in ("Member", "Section"):
            return True
        parent = parent.getparent()
    return False


def _members(root: etree._Element) -> Iterator[etree._Element]:
    for el in root.iter("{*}Member"):
        if not _in_system_type(el):
            yield el


_ELEMENTARY = frozenset([*INT_RANGES, "Bool", "Byte", "Word", "DWord", "Real", "LReal", "Time", "Char"])
_ARRAY = re.compile(r"Array\[[^\]]*\] of (.+)")
_DATA_KINDS = frozenset(["SW.Blocks.GlobalDB", "SW.Types.PlcStruct"])
"""Objects whose members no network of the same file indexes (a changed dimension count changes nothing else)."""


def xml_declaration_mutants(path: Path, per_family: int = 4) -> Iterator[Mutant]:
    """The declaration mutants of a SimaticML block or UDT export: an integer start value one past its type's
    range (control: the range's end), a String of 255 characters (control: 254), a Bool start value 2 (control:
    true), an unquoted type name TIA does not have, an array of a DB or UDT of 7 dimensions (control: 6), a
    Variant member of a DB or UDT (no control: it has none); at most ``per_family`` of each."""
    data = path.read_bytes()
    root = etree.fromstring(data, xml_parser())
    kind = next((local_name(el) for el in root if local_name(el).startswith("SW.")), "")
    made: dict[str, int] = {}

    def want(family: str) -> bool:
        if made.get(family, 0) >= per_family:
            return False
        made[family] = made.get(family, 0) + 1
        return True

    for member in list(_members(root)):
        datatype = member.get("Datatype", "")
        start = _start_value(member)
        section = _section(member)
        line = member.sourceline or 0
        if datatype in INT_RANGES and start is not None and want("start value range"):
            old = start.text
            for value, code in ((INT_RANGES[datatype][1] + 1, "INVALID_DECLARATION"), (INT_RANGES[datatype][1], None)):
                start.text = str(value)
                yield Mutant("start value range", path, serialised(root, data), line, code)
            start.text = old
        if datatype == "Bool" and start is not None and want("start value type"):
            old = start.text
            for text, code in (("2", "INVALID_DECLARATION"), ("true", None)):
                start.text = text
                yield Mutant("start value type", path, serialised(root, data), line, code)
            start.text = old
        if re.fullmatch(r"String(\[\d+\])?", datatype) and want("string length"):
            for text, code in (("String[255]", "INVALID_DECLARATION"), ("String[254]", None)):
                member.set("Datatype", text)
                yield Mutant("string length", path, serialised(root, data), line, code)
            member.set("Datatype", datatype)
        if datatype in _ELEMENTARY and not len(member) and want("unknown type"):
            member.set("Datatype", datatype + "x")  # an unquoted name that is no type TIA has
            yield Mutant("unknown type", path, serialised(root, data), line, "UNKNOWN_TYPE")
            member.set("Datatype", datatype)
        dims = _ARRAY.fullmatch(datatype)
        if (dims and kind in _DATA_KINDS and not any(local_name(c) == "Subelement" for c in member)
                and want("array dimensions")):
            for count, code in ((7, "INVALID_DECLARATION"), (6, None)):
                member.set("Datatype", f"Array[{', '.join(['0..1'] * count)}] of {dims.group(1)}")
                yield Mutant("array dimensions", path, serialised(root, data), line, code)
            member.set("Datatype", datatype)
        if (kind in ("SW.Blocks.GlobalDB", "SW.Types.PlcStruct") and datatype in INT_RANGES and start is None
                and not len(member) and section in ("Static", "None") and want("variant section")):
            member.set("Datatype", "Variant")
            yield Mutant("variant section", path, serialised(root, data), line, "INVALID_DECLARATION")
            member.set("Datatype", datatype)


_DECLARATION = re.compile(r"^([ \t]*)VAR(?:[ \t]+RETAIN|[ \t]+NON_RETAIN)?[ \t]*(?://[^\n]*)?\n",
                          re.IGNORECASE | re.MULTILINE)
"""A static section (an FB's or a DB's ``VAR``): a member added there is no parameter any call must supply."""
_BLOCK_HEAD = re.compile(r"^[ \t]*(FUNCTION_BLOCK|FUNCTION|DATA_BLOCK|ORGANIZATION_BLOCK|TYPE)\b",
                         re.IGNORECASE | re.MULTILINE)
_SCL_CASES = (
    # (family, declaration, refused). TIA's limits: String 1..254 characters (STEP 7 help, "STRING"), an Int
    # -32768..32767 ("Integers"), at most 6 array dimensions ("ARRAY"), a Variant no static ("VARIANT").
    ("string length", "mut_s : String[255];", True), ("string length", "mut_s : String[254];", False),
    ("start value range", "mut_i : Int := 32768;", True), ("start value range", "mut_i : Int := 32767;", False),
    ("array dimensions", "mut_a : Array[0..1, 0..1, 0..1, 0..1, 0..1, 0..1, 0..1] of Int;", True),
    ("array dimensions", "mut_a : Array[0..1, 0..1, 0..1, 0..1, 0..1, 0..1] of Int;", False),
)


_TYPE_WORDS = ("Byte", "String", "Time", "Counter", "Real", "Void", "Date", "Int", "Word", "Char")
_STATEMENT_WORDS = ("case", "IF", "WHILE", "Of", "RETURN", "TRUE", "NOT", "REGION", "DTL")


def _reserved_cases(text: str, index: int) -> list[tuple[str, str, bool]]:
    """A data type keyword as a member's name, unquoted (refused) and quoted (control), and a statement keyword or
    DTL unquoted (control: TIA's exports write them so; :mod:`simatic_xml.generate.source_names`), each a word
    the source declares no member of (``index`` picks among them, so that the corpus sees every word)."""
    def free(words: tuple[str, ...]) -> str | None:
        unused = [w for w in words if not re.search(rf"(?im)^\s*\"?{w}\"?\s*[:{{,]", text)]
        return unused[index % len(unused)] if unused else None

    word, statement = free(_TYPE_WORDS), free(_STATEMENT_WORDS)
    cases = [("reserved name", f"{word} : Int;", True), ("reserved name", f'"{word}" : Int;', False)] if word else []
    return cases + ([("reserved name", f"{statement} : Int;", False)] if statement else [])


def scl_declaration_mutants(path: Path, text: str) -> Iterator[Mutant]:
    """The declaration mutants of an SCL source: a new member after its first static ``VAR`` line (a name no source
    uses), one past TIA's limit and at it; a Variant there; a data type keyword as a name (and the controls of
    :func:`_reserved_cases`)."""
    found = _DECLARATION.search(text)
    if found is None:
        return
    at = found.end()
    line = text.count("\n", 0, at) + 1
    indent = found.group(1) + "   "
    for family, declaration, refused in (*_SCL_CASES, *_reserved_cases(text, len(text))):
        mutated = text[:at] + indent + declaration + "\n" + text[at:]
        yield Mutant(family, path, mutated.encode("utf-8"), line, "INVALID_DECLARATION" if refused else None)
    heads = _BLOCK_HEAD.findall(text, 0, at)
    if heads and heads[-1].upper() in ("FUNCTION_BLOCK", "DATA_BLOCK"):  # an FC's VAR is temporary (TIA's Temp)
        mutated = text[:at] + indent + "mut_v : Variant;\n" + text[at:]
        yield Mutant("variant section", path, mutated.encode("utf-8"), line, "INVALID_DECLARATION")


_TAG_ADDRESS = re.compile(r"%([IQM])(\d+)\.([0-7])\Z")


def _tag_fields(tag: etree._Element) -> dict[str, etree._Element]:
    """A SimaticML ``SW.Tags.PlcTag``'s ``Name``, ``DataTypeName`` and ``LogicalAddress`` elements."""
    return {local_name(el): el for el in tag.iter() if local_name(el) in ("Name", "DataTypeName", "LogicalAddress")}


def tag_table_mutants(path: Path, per_family: int = 6) -> Iterator[Mutant]:
    """The tag mutants of a SimaticML tag table export, each at its tag's line: a Bool tag on a word address, a bit
    number 8 (control: bit 7 of a byte no tag uses), a data block address, a name with a quote, a data type TIA does
    not have (``Boool``; control: a quoted PLC data type the file does not hold), a name another tag of the table has
    (in other letter case), a word tag one byte into another word tag (a warning)."""
    data = path.read_bytes()
    root = etree.fromstring(data, xml_parser())
    tags = [el for el in root.iter() if local_name(el) == "SW.Tags.PlcTag"]
    used = [int(m.group(1)) for el in tags for f in [_tag_fields(el)] if "LogicalAddress" in f
            for m in [re.match(r"%[IQM][BWDX]?(\d+)", f["LogicalAddress"].text or "")] if m]
    free = max(used, default=0) + 16
    made: Counter[str] = Counter()
    words: list[tuple[etree._Element, int]] = []
    for index, tag in enumerate(tags):
        fields = _tag_fields(tag)
        if not {"Name", "DataTypeName", "LogicalAddress"} <= set(fields):
            continue
        line = tag.sourceline or 0
        name, kind, address = fields["Name"], fields["DataTypeName"], fields["LogicalAddress"]
        text = address.text or ""

        def swap(element: etree._Element, value: str, family: str, code: str | None) -> Mutant:
            old = element.text
            element.text = value
            mutant = Mutant(family, path, serialised(root, data), line, code)
            element.text = old
            return mutant

        bit = _TAG_ADDRESS.match(text)
        if kind.text == "Bool" and bit and made["tag width"] < per_family:
            made["tag width"] += 1
            yield swap(address, f"%{bit.group(1)}W{bit.group(2)}", "tag width", "TAG_INVALID")
        if kind.text == "Bool" and bit and made["tag bit number"] < per_family:
            made["tag bit number"] += 1
            yield swap(address, f"%{bit.group(1)}{bit.group(2)}.8", "tag bit number", "TAG_INVALID")
            yield swap(address, f"%M{free}.7", "tag bit number", None)
        if text.startswith("%") and made["tag data block address"] < per_family:
            made["tag data block address"] += 1
            yield swap(address, "%DB1.DBX0.0" if kind.text == "Bool" else "%DB1.DBW0", "tag data block address",
                       "TAG_INVALID")
        if made["tag name"] < per_family:
            made["tag name"] += 1
            yield swap(name, f'{name.text}"x', "tag name", "TAG_INVALID")
        if kind.text == "Bool" and made["tag data type"] < per_family:
            made["tag data type"] += 1  # a type TIA does not have (control: a PLC data type, quoted: not judged alone)
            yield swap(kind, "Boool", "tag data type", "TAG_INVALID")
            yield swap(kind, '"Boool"', "tag data type", None)
        if index and made["tag duplicate"] < per_family:
            before = _tag_fields(tags[index - 1]).get("Name")
            if before is not None and before.text and before.text.swapcase() != before.text:
                made["tag duplicate"] += 1
                yield swap(name, before.text.swapcase(), "tag duplicate", "TAG_DUPLICATE")
        word = re.fullmatch(r"%([IQM])W(\d+)", text)
        if word and kind.text in ("Int", "Word", "UInt"):
            for other, byte in words:
                if made["tag overlap"] < per_family and (_tag_fields(other)["LogicalAddress"].text or "%?")[1] == \
                        word.group(1):
                    made["tag overlap"] += 1
                    yield swap(address, f"%{word.group(1)}W{byte + 1}", "tag overlap", "TAG_OVERLAP")
                    break
            words.append((tag, int(word.group(2))))

    for constant in (el for el in root.iter() if local_name(el) == "SW.Tags.PlcUserConstant"):
        fields = {local_name(el): el for el in constant.iter() if local_name(el) in ("DataTypeName", "Value")}
        kind_text = fields["DataTypeName"].text if "DataTypeName" in fields else None
        if kind_text in INT_RANGES and "Value" in fields and made["constant value"] < per_family:
            made["constant value"] += 1
            value, old = fields["Value"], fields["Value"].text
            for number, code in ((INT_RANGES[kind_text][1] + 1, "TAG_INVALID"), (INT_RANGES[kind_text][1], None)):
                value.text = str(number)
                yield Mutant("constant value", path, serialised(root, data), constant.sourceline or 0, code)
            value.text = old


_FOREIGN_PINS = ("in1", "in", "en", "pre", "operand", "value")
"""Pins of one basic instruction that another lacks (a mutant names a pin its box does not have)."""


def flgnet_mutants(path: Path, per_family: int = 3) -> Iterator[Mutant]:
    """The structural mutants of a block export's LAD/FBD networks (GRAPH conditions and safety networks too),
    each at the changed element's line: a wire given the UId of an element of its network, an extensible box whose
    Card is lowered below a pin a wire uses, a wire end naming a UId no element has, a wire to a pin of a call that
    its CallInfo does not list, a wire to a pin a basic instruction's box does not have (another box's pin), a box
    renamed to an instruction TIA does not have."""
    data = path.read_bytes()
    if b"FlgNet" not in data:
        return
    root = etree.fromstring(data, xml_parser())
    made: Counter[str] = Counter()
    for net in (el for el in root.iter() if local_name(el) == "FlgNet"):
        elements = {el.get("UId", ""): el for el in net.iter() if el.get("UId") and local_name(el) in ("Access", "Part",
                                                                                              "Call")}
        wires = [el for el in net.iter() if local_name(el) == "Wire" and el.get("UId")]
        if elements and wires and made["flgnet uid"] < per_family:
            made["flgnet uid"] += 1
            wire = wires[-1]
            old = wire.get("UId", "")
            wire.set("UId", next(iter(elements)))
            yield Mutant("flgnet uid", path, serialised(root, data), wire.sourceline or 0, "FLGNET_UID")
            wire.set("UId", old)
        for wire in wires:
            for end in wire:
                if local_name(end) != "NameCon":
                    continue
                part = elements.get(end.get("UId", ""))
                card = next((tv for tv in part if local_name(tv) == "TemplateValue" and tv.get("Name") == "Card"),
                            None) if part is not None else None
                pin = re.fullmatch(r"(?:in|out)(\d+)", end.get("Name", ""))
                if card is not None and pin and int(pin.group(1)) >= 2 and int(pin.group(1)) == int(card.text or 0) \
                        and made["flgnet cardinality"] < per_family:
                    made["flgnet cardinality"] += 1
                    declared = card.text
                    card.text = str(int(pin.group(1)) - 1)
                    yield Mutant("flgnet cardinality", path, serialised(root, data), wire.sourceline or 0,
                                 "FLGNET_CARDINALITY")
                    card.text = declared
        calls = {uid for uid, el in elements.items() if local_name(el) == "Call"}
        call_pin = next(((wire, end) for wire in wires for end in wire if local_name(end) == "NameCon"
                         and end.get("UId") in calls and end.get("Name", "").lower() not in ("en", "eno")), None)
        if call_pin is not None and made["flgnet call pin"] < per_family:
            made["flgnet call pin"] += 1
            wire, end = call_pin
            name = end.get("Name", "")
            end.set("Name", "mut_pin")
            yield Mutant("flgnet call pin", path, serialised(root, data), wire.sourceline or 0, "FLGNET_PIN")
            end.set("Name", name)
        basic = next(((wire, end) for wire in wires for end in wire if local_name(end) == "NameCon"
                      and local_name(elements.get(end.get("UId", ""), wire)) == "Part"
                      and elements[end.get("UId", "")].get("Name") in BASIC_PINS), None)
        if basic is not None and made["flgnet basic pin"] < per_family:
            made["flgnet basic pin"] += 1
            wire, end = basic
            name = end.get("Name", "")
            instruction = elements[end.get("UId", "")].get("Name", "")
            end.set("Name", next(p for p in _FOREIGN_PINS if not basic_pin(instruction, p)))
            yield Mutant("flgnet basic pin", path, serialised(root, data), wire.sourceline or 0, "FLGNET_PIN")
            end.set("Name", name)
        part = next((el for el in elements.values() if local_name(el) == "Part"), None)
        if part is not None and made["flgnet instruction"] < per_family:
            made["flgnet instruction"] += 1
            name = part.get("Name", "")
            part.set("Name", name + "Qz")  # no TIA instruction ends so (none of the catalogue's names does)
            yield Mutant("flgnet instruction", path, serialised(root, data), part.sourceline or 0,
                         "FLGNET_INSTRUCTION")
            part.set("Name", name)
        if wires and made["flgnet wire end"] < per_family:
            first = next((e for e in wires[0] if local_name(e) == "NameCon"), None)
            if first is not None:
                made["flgnet wire end"] += 1
                old = first.get("UId", "")
                first.set("UId", "99999")
                yield Mutant("flgnet wire end", path, serialised(root, data), wires[0].sourceline or 0, "FLGNET_WIRE")
                first.set("UId", old)


_OB_FREE = {"ProgramCycle", "TimeDelayInterrupt", "CyclicInterrupt", "HardwareInterrupt", "Startup"}


def block_number_mutants(path: Path) -> Iterator[Mutant]:
    """The block number mutants of a block export (not one TIA numbers itself on import: ``is_auto_numbered``), at
    its ``<Number>``'s line: an OB of a class allowing free numbers numbered 122 and 32768 (controls: 123 and 32767,
    the highest legal), an OB of a fixed number numbered 123; an FB, FC or DB numbered 65536 (control: 65535)."""
    data = path.read_bytes()
    found = re.search(rb"<Number>(\d+)</Number>", data)
    kind = re.search(rb"<SW\.Blocks\.(OB|FB|FC|GlobalDB|InstanceDB|ArrayDB)\b", data)
    if found is None or kind is None or is_auto_numbered(parse_bytes(data)):
        return
    line = data.count(b"\n", 0, found.start()) + 1

    def numbered(number: int) -> bytes:
        return data[:found.start(1)] + str(number).encode() + data[found.end(1):]

    if kind.group(1) == b"OB":
        secondary = re.search(rb"<SecondaryType>(\w+)</SecondaryType>", data)
        ob_type = secondary.group(1).decode() if secondary else ""
        if ob_type in _OB_FREE:
            for number, code in ((122, "OB_NUMBER"), (32768, "OB_NUMBER"), (123, None), (32767, None)):
                yield Mutant("ob number", path, numbered(number), line, code)
        elif ob_type in ("DiagnosticErrorInterrupt", "PullOrPlugOfModules", "RackOrStationFailure"):
            yield Mutant("ob number", path, numbered(123), line, "OB_NUMBER")
        return
    for number, code in ((65536, "BLOCK_NUMBER"), (65535, None)):
        yield Mutant("block number", path, numbered(number), line, code)


_BEGIN = re.compile(r"^[ \t]*BEGIN[ \t]*(?://[^\n]*)?\n", re.IGNORECASE | re.MULTILINE)
_INTEGER_DECL = re.compile(r"^[ \t]*([A-Za-z_]\w*)[ \t]*(?:\{[^}\n]*\})?[ \t]*:[ \t]*(Int|DInt|SInt|UInt|USInt|UDInt)"
                           r"[ \t]*(?::=[^;\n]*)?;", re.IGNORECASE | re.MULTILINE)


def _in_struct(before: str) -> bool:
    """Whether a declaration after ``before`` is a member of a STRUCT (more STRUCTs opened than closed)."""
    return len(re.findall(r"\bSTRUCT\b", before, re.IGNORECASE)) > len(re.findall(r"\bEND_STRUCT\b", before,
                                                                                     re.IGNORECASE))


def scl_access_mutants(path: Path, text: str) -> Iterator[Mutant]:
    """The access mutants of an SCL source's first code block: a statement after its BEGIN reading an element of a
    name (``#x.mut_m``) or an index (``#x[0]``) of one of its integer tags, neither of which an Int has (control:
    the same comparison of the tag itself), the bit past its width (``#x.%X16`` of an Int; control: ``%X15``) and
    the byte past it (``%B2``; control: ``%B1``)."""
    found = first_integer_tag(text)
    if found is None:
        return
    at, name, width = found
    line = text.count("\n", 0, at) + 1
    cases = [("member access", f"IF #{name}.mut_m THEN\n   ;\nEND_IF;", "UNKNOWN_MEMBER"),
             ("index access", f"IF #{name}[0] = 0 THEN\n   ;\nEND_IF;", "INDEX_NOT_ARRAY"),
             ("index access", f"IF #{name} = 0 THEN\n   ;\nEND_IF;", None),
             ("slice access", f"IF #{name}.%X{width} THEN\n   ;\nEND_IF;", "SLICE_RANGE"),
             ("slice access", f"IF #{name}.%X{width - 1} THEN\n   ;\nEND_IF;", None)]
    if width >= 16:  # a byte slice of a type of more than one byte (STEP 7 help, "Slice access")
        cases += [("slice access", f"IF #{name}.%B{width // 8} = 0 THEN\n   ;\nEND_IF;", "SLICE_RANGE"),
                  ("slice access", f"IF #{name}.%B{width // 8 - 1} = 0 THEN\n   ;\nEND_IF;", None)]
    for family, statement, code in cases:
        yield Mutant(family, path, (text[:at] + statement + "\n" + text[at:]).encode("utf-8"), line, code)


_WIDTHS = {"SINT": 8, "USINT": 8, "INT": 16, "UINT": 16, "DINT": 32, "UDINT": 32}
"""The bits of the integer types (STEP 7 help, "Integers")."""


def first_integer_tag(text: str) -> tuple[int, str, int] | None:
    """Where the code of an SCL source's first code block begins (after its ``BEGIN`` line), and the name and bit
    width of its first integer tag (not a constant, not a STRUCT's member); None when it has none."""
    begin = _BEGIN.search(text)
    if begin is None:
        return None
    heads = _BLOCK_HEAD.findall(text, 0, begin.start())
    if not heads or heads[-1].upper() not in ("FUNCTION", "FUNCTION_BLOCK", "ORGANIZATION_BLOCK"):
        return None
    start = max(m.start() for m in _BLOCK_HEAD.finditer(text, 0, begin.start()))
    declared = [m for m in _INTEGER_DECL.finditer(text, start, begin.start())
                if "CONSTANT" not in text[start:m.start()].upper().rsplit("VAR", 1)[-1][:30]
                and not _in_struct(text[start:m.start()])]
    if not declared:
        return None
    return begin.end(), declared[0].group(1), _WIDTHS[declared[0].group(2).upper()]


_CALL = re.compile(r'(?:"(?P<quoted>[^"\n]+)"|#(?P<local>[A-Za-z_]\w*))[ \t]*\((?P<args>[^();]*)\)[ \t]*;')
_CODE_BLOCK_HEAD = re.compile(r'^[ \t]*(?:FUNCTION_BLOCK|FUNCTION|ORGANIZATION_BLOCK)[ \t]+"?([^"\s:]+)"?',
                              re.IGNORECASE | re.MULTILINE)
_ARG = re.compile(r"(?P<name>[A-Za-z_]\w*)\s*(?P<op>:=|=>)")


_DIRECTION = {"Input": "input", "Output": "output", "InOut": "in/out"}


def scl_arrow_mutants(path: Path, text: str, per_file: int = 9) -> Iterator[Mutant]:
    """The arrow mutants of an SCL source's calls of its own FBs and FCs (by name, by instance DB or by a
    multi-instance of the file's FB) and of its multi-instances of system FBs (TON, CTU, R_TRIG...), at the
    argument's line, one of each direction per call: an input or in/out assigned with ``=>``, an output with ``:=``
    (TIA: ``:=`` for inputs and in/outs, ``=>`` for outputs; STEP 7 help, "Calling function blocks in SCL"). A
    system FB's in/outs are left alone (TIA's own sources give an instruction's Variant in/out ``=>``)."""
    from engineering_api.rules.compiler.check import Source, load

    program = load([Source(str(path), text.encode("utf-8"))], closed=False).program
    made = 0
    for call in _CALL.finditer(text):
        sections = _parameters(program, call, text)
        done: set[str] = set()
        for arg in _ARG.finditer(call.group("args")):
            section = sections.get(arg.group("name").lower())
            if made >= per_file:
                return
            if section not in _DIRECTION or section in done:
                continue
            wrong = ":=" if section == "Output" else "=>"
            if arg.group("op") == wrong:
                continue
            at = call.start("args") + arg.start("op")
            made += 1
            done.add(section)
            yield Mutant(f"assignment arrow ({_DIRECTION[section]})", path,
                         (text[:at] + wrong + text[at + 2:]).encode("utf-8"), text.count("\n", 0, at) + 1,
                         "WRONG_PARAMETER")


def _parameters(program: Program, call: re.Match[str], text: str) -> dict[str, str]:
    """Parameter (lower case) -> section of what ``call`` runs: a block of the file (:func:`_callee`) or a system FB
    a multi-instance of the calling block is of (its inputs and outputs); empty for anything else."""
    from engineering_api.rules.compiler.check_flgnet import system_box_members

    callee = _callee(program, call, text)
    if callee is not None:
        return {name: var.section for name, var in callee.vars.items()}
    if not call.group("local"):
        return {}
    heads = list(_CODE_BLOCK_HEAD.finditer(text, 0, call.start()))
    caller = program.blocks.get(heads[-1].group(1).lower()) if heads else None
    member = caller.vars.get(call.group("local").lower()) if caller is not None else None
    kind = getattr(getattr(member, "type", None), "name", None)
    members = system_box_members(kind) if isinstance(kind, str) else None
    return {name: var.section for name, var in (members or {}).items() if var.section in ("Input", "Output")}


def _callee(program: Program, call: re.Match[str], text: str) -> BlockDef | None:
    """The FB or FC of the file a call runs: ``"FC"(...)``, ``"InstanceDB"(...)`` of the file's FB, or ``#inst(...)``
    of a multi-instance declared of the file's FB in the calling block."""
    blocks = program.blocks
    if call.group("quoted"):
        found = blocks.get(call.group("quoted").lower())
        if found is not None and found.kind == "DB" and found.instance_of:
            found = blocks.get(found.instance_of.lower())
        return found if found is not None and found.kind in ("FB", "FC") else None
    heads = list(_CODE_BLOCK_HEAD.finditer(text, 0, call.start()))
    caller = blocks.get(heads[-1].group(1).lower()) if heads else None
    member = caller.vars.get(call.group("local").lower()) if caller is not None else None
    kind = getattr(member, "type", None)
    name = getattr(kind, "name", None)
    found = blocks.get(name.lower()) if isinstance(name, str) else None
    return found if found is not None and found.kind == "FB" else None


def _watch_table(kind: str, entries: list[tuple[str, str | None]]) -> bytes:
    """A SimaticML watch (``Watch``) or force (``Force``) table of ``(operand, value)`` entries, one element a line
    (the form :mod:`simatic_xml.watchtables` reads)."""
    value = "ModifyValue" if kind == "Watch" else "ForceValue"
    rows = []
    for index, (operand, given) in enumerate(entries, 1):
        text = operand.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
        rows.append(f'      <SW.WatchAndForceTables.Plc{kind}TableEntry ID="{index:X}" CompositionName="Entries">'
                    f"<AttributeList><Name>{text}</Name>"
                    + (f"<{value}>{given}</{value}>" if given is not None else "")
                    + f"</AttributeList></SW.WatchAndForceTables.Plc{kind}TableEntry>")
    return ('<?xml version="1.0" encoding="utf-8"?>\n<Document>\n  <Engineering version="V18" />\n'
            f'  <SW.WatchAndForceTables.Plc{kind}Table ID="0">\n    <AttributeList><Name>Mut_{kind}</Name>'
            "</AttributeList>\n    <ObjectList>\n" + "\n".join(rows)
            + f"\n    </ObjectList>\n  </SW.WatchAndForceTables.Plc{kind}Table>\n</Document>\n").encode("utf-8")


def watch_table_mutants(path: Path, per_family: int = 4) -> Iterator[tuple[bytes, Mutant]]:
    """Watch and force table mutants over a corpus tag table's tags, each ``(the clean table, the mutant)``, the
    table at ``path.with_suffix('.watch.xml')`` and checked with the tag table: a watch table of the tags' names
    is clean, and one entry changed is refused at its line: a bit address's bit 8 (control: bit 7), an Int tag's
    modify value one past its range (control: its last value), an element of an Int tag's name, a force entry of a
    bit memory tag (control: an input or output tag), an entry without an operand (the reader's finding at its line;
    control: the table itself), a table name with a quote (control: with an apostrophe)."""
    data = path.read_bytes()
    root = etree.fromstring(data, xml_parser())
    tags = [(f["Name"].text or "", f["DataTypeName"].text or "", f["LogicalAddress"].text or "")
            for el in root.iter() if local_name(el) == "SW.Tags.PlcTag" for f in [_tag_fields(el)]
            if {"Name", "DataTypeName", "LogicalAddress"} <= set(f) and '"' not in (f["Name"].text or "")]
    if not tags:
        return
    target = path.with_suffix(".watch.xml")
    watch: list[tuple[str, str | None]] = [(f'"{name}"', None) for name, _, _ in tags]
    clean = _watch_table("Watch", watch)
    made: Counter[str] = Counter()

    def changed(kind: str, entries: list[tuple[str, str | None]], at: int, family: str, code: str | None) -> Mutant:
        return Mutant(family, target, _watch_table(kind, entries), 7 + at, code)

    for index, (name, kind, address) in enumerate(tags):
        bit = _TAG_ADDRESS.match(address)
        if bit and made["watch address"] < per_family:
            made["watch address"] += 1
            for number, code in ((8, "WATCH_OPERAND"), (7, None)):
                entries = watch[:index] + [(f"%{bit.group(1)}{bit.group(2)}.{number}", None)] + watch[index + 1:]
                yield clean, changed("Watch", entries, index, "watch address", code)
        if kind == "Int" and made["watch value"] < per_family:
            made["watch value"] += 1
            for value, code in ((32768, "WATCH_VALUE"), (32767, None)):
                entries = watch[:index] + [(f'"{name}"', str(value))] + watch[index + 1:]
                yield clean, changed("Watch", entries, index, "watch value", code)
        if kind == "Int" and made["watch member"] < per_family:
            made["watch member"] += 1
            entries = watch[:index] + [(f'"{name}".mut_m', None)] + watch[index + 1:]
            yield clean, changed("Watch", entries, index, "watch member", "WATCH_OPERAND")
        area = address[1:2] if address.startswith("%") else ""
        if area in ("M", "I", "Q") and made[f"force {area in ('I', 'Q')}"] < per_family:
            made[f"force {area in ('I', 'Q')}"] += 1
            yield _watch_table("Force", []), Mutant("force area", target, _watch_table("Force", [(f'"{name}"', None)]),
                                                    7, "WATCH_NOT_FORCEABLE" if area == "M" else None)
    # an entry without an operand: the reader's finding at the entry (before, at line 0); control: the table itself
    yield clean, Mutant("watch entry operand", target, _watch_table("Watch", [("", None), *watch[1:]]), 7,
                        "INVALID_SIMATICML")
    yield clean, Mutant("watch entry operand", target, clean, 7, None)
    for quote, code in (("&quot;", "WATCH_TABLE_NAME"), ("'", None)):  # line 4: the table's element
        yield clean, Mutant("watch table name", target, clean.replace(b"Mut_Watch", f"Mut{quote}Watch".encode()), 4,
                            code)

