"""Single-error mutants of the shared corpus, and how many of them ``scl check`` and ``plc check`` refuse.

Each operator makes at most one mutant per file: one change, in a copy of the file, that TIA refuses. A mutant is
*detected* when the command reports an error the original file does not have (compared by code and message,
so that line shifts do not count), of the operator's own code where ``EXPECTED_CODE`` names one; the original
itself is checked once. SCL sources go through ``scl check`` and ``plc check``, SimaticML exports through
``simaticml check`` and ``plc check`` (``scl check`` reads no XML). Commands run with
``--allow-missing`` (a file alone lacks the rest of its program), except for the operators whose error is a
missing object (``missing_block``, ``missing_instance_db``).

    .venv/bin/python -m tests.realcode.mutants            # every mutant of the corpus, rates per operator
    .venv/bin/python -m tests.realcode.mutants --limit 3  # at most 3 files per operator
    .venv/bin/python -m tests.realcode.mutants --show-misses

``tests/realcode/test_mutants.py`` runs a sample in the test suite.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import tempfile
from collections import defaultdict
from contextlib import redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Optional
from tests.lib.shared_corpus import SHARED

__all__ = ("EXPECTED_CODE", "LEGAL", "OPERATORS", "Mutant", "corpus_files", "detect", "mutants", "rates")

CORPUS = SHARED / "corpus"


@dataclass(frozen=True)
class Mutant:
    operator: str
    path: Path
    """The original file."""
    text: str
    """The mutated text."""
    where: str
    """What was changed (for a miss report)."""


LEGAL: dict[str, str] = {}
"""Operator -> why TIA accepts its mutants (a citation): those are not counted as misses."""

_BODY = re.compile(r"^\s*BEGIN\s*$", re.MULTILINE | re.IGNORECASE)
_DECL = re.compile(r"^\s*([A-Za-z_]\w*)\s*(?:\{[^}]*\})?\s*:\s*([A-Za-z_]\w*)\s*(?::=[^;]*)?;", re.MULTILINE)
_ASSIGN = re.compile(r"^(\s*)#([A-Za-z_]\w*)\s*:=\s*([^;\n]+);[ \t]*(//.*)?$", re.MULTILINE)
_LOCAL_USE = re.compile(r"#([A-Za-z_]\w*)\b(?!\s*\()")
_END_IF = re.compile(r"^\s*END_IF\s*;[ \t]*$", re.MULTILINE)
_SYSTEM_FB_TYPES = ("TON", "TOF", "TP", "TONR", "CTU", "CTD", "CTUD", "R_TRIG", "F_TRIG", "TON_TIME", "TOF_TIME",
                    "TP_TIME", "IEC_TIMER")


def _split(text: str) -> Optional[tuple[str, str]]:
    """The declaration part and the body of the first code block of a source (None: no BEGIN)."""
    match = _BODY.search(text)
    return (text[:match.end()], text[match.end():]) if match else None


def _declared(head: str) -> dict[str, str]:
    return {m.group(1).lower(): m.group(2).upper() for m in _DECL.finditer(head)}


def _constants(head: str) -> list[str]:
    names = []
    for section in re.finditer(r"VAR\s+CONSTANT(.*?)END_VAR", head, re.IGNORECASE | re.DOTALL):
        names += [m.group(1) for m in _DECL.finditer(section.group(1))]
    return names


def _comment_spans(text: str) -> list[tuple[int, int]]:
    """Comments (``//``, ``(* *)`` nested as the SCL reader reads them, ``/* */``) and string constants."""
    spans, i, n = [], 0, len(text)
    while i < n:
        two = text[i:i + 2]
        if two == "//":
            end = text.find("\n", i)
            end = n if end < 0 else end
        elif two in ("(*", "/*"):
            close = "*)" if two == "(*" else "*/"
            depth, end = 1, i + 2
            while end < n and depth:
                if text.startswith(two, end):
                    depth, end = depth + 1, end + 2
                elif text.startswith(close, end):
                    depth, end = depth - 1, end + 2
                else:
                    end += 1
        elif text[i] == "'":
            end = text.find("'", i + 1)
            end = n if end < 0 else end + 1
        else:
            i += 1
            continue
        spans.append((i, end))
        i = end
    return spans


def _in_code(text: str, items: list) -> list:
    """The matches of ``items`` that start in code: not in a comment or a string constant of ``text``."""
    spans = _comment_spans(text)
    return [m for m in items if not any(a <= m.start() < b for a, b in spans)]


def _middle(items: list):
    return items[len(items) // 2] if items else None


# ----------------------------------------------------------------------------------------------- SCL operators
def _in_first_block(
    operator: Callable[[str, str], Optional[tuple[str, str]]],
) -> Callable[[str], Optional[tuple[str, str]]]:
    """An SCL operator over a source, from one that mutates its first code block given the declaration part and the
    body; a source without BEGIN has no site."""

    def on_source(text: str) -> Optional[tuple[str, str]]:
        parts = _split(text)
        return None if parts is None else operator(*parts)

    return on_source


@_in_first_block
def undeclared_local(head: str, body: str) -> Optional[tuple[str, str]]:
    use = _middle(_in_code(body, [m for m in _LOCAL_USE.finditer(body) if m.group(1).lower() in _declared(head)]))
    if use is None:
        return None
    body = body[:use.start()] + f"#{use.group(1)}_mut" + body[use.end():]
    return head + body, f"#{use.group(1)} -> #{use.group(1)}_mut"


@_in_first_block
def string_into_number(head: str, body: str) -> Optional[tuple[str, str]]:
    types = _declared(head)
    wanted = {"INT", "DINT", "REAL", "LREAL", "BOOL", "TIME", "WORD", "UINT", "BYTE"}
    site = _middle(_in_code(body, [m for m in _ASSIGN.finditer(body) if types.get(m.group(2).lower()) in wanted]))
    if site is None:
        return None
    body = body[:site.start(3)] + "'mutant'" + body[site.end(3):]
    return head + body, f"#{site.group(2)} := 'mutant'"


def delete_end_if(text: str) -> Optional[tuple[str, str]]:
    site = _middle(_in_code(text, list(_END_IF.finditer(text))))
    if site is None:
        return None
    return text[:site.start()] + text[site.end():], f"END_IF at offset {site.start()} deleted"


@_in_first_block
def missing_semicolon(head: str, body: str) -> Optional[tuple[str, str]]:
    sites = [m for m in _ASSIGN.finditer(body)]
    # only a statement followed by another assignment: `#a := 1 #b := 2;` is never valid SCL
    sites = [m for m in sites if _ASSIGN.match(body, m.end() + 1)]
    site = _middle(_in_code(body, sites))
    if site is None:
        return None
    semicolon = body.index(";", site.start(3))
    return head + body[:semicolon] + body[semicolon + 1:], f"';' after #{site.group(2)} := ... removed"


@_in_first_block
def system_fb_member(head: str, body: str) -> Optional[tuple[str, str]]:
    timers = {name for name, t in _declared(head).items() if t in _SYSTEM_FB_TYPES}
    site = _middle(_in_code(body, [m for m in re.finditer(r"#([A-Za-z_]\w*)\.(Q|ET|CV|QU|QD)\b", body)
                                   if m.group(1).lower() in timers]))
    if site is None:
        return None
    body = body[:site.start(2)] + site.group(2) + "Q" + body[site.end(2):]
    return head + body, f"#{site.group(1)}.{site.group(2)} -> .{site.group(2)}Q"


def _instruction_calls(body: str) -> list[re.Match]:
    from simatic_xml.system_types import lookup_instruction

    calls = []
    for m in re.finditer(r"\b([A-Za-z_]\w*)\s*\(\s*([A-Za-z_]\w*)\s*:=", body):
        instruction = lookup_instruction(m.group(1))
        if instruction is not None and not instruction.is_fb and m.group(2).upper() != "EN":
            calls.append(m)
    return calls


def _instance_calls(head: str, body: str) -> list[re.Match]:
    from simatic_xml.system_types import lookup

    types = _declared(head)
    found = []
    for m in re.finditer(r"#([A-Za-z_]\w*)\s*\(\s*([A-Za-z_]\w*)\s*(:=|=>)", body):
        t = types.get(m.group(1).lower())
        if t and lookup(t) is not None and m.group(2).upper() != "EN":
            found.append(m)
    return found


@_in_first_block
def wrong_system_formal(head: str, body: str) -> Optional[tuple[str, str]]:
    site = _middle(_in_code(body, _instruction_calls(body) + _instance_calls(head, body)))
    if site is None:
        return None
    body = body[:site.start(2)] + site.group(2) + "X" + body[site.end(2):]
    return head + body, f"{site.group(1)}({site.group(2)} -> {site.group(2)}X"


@_in_first_block
def call_argument_count(head: str, body: str) -> Optional[tuple[str, str]]:
    """One formal argument of a call of a function-like system instruction left out."""
    site = _middle(_in_code(body, _instruction_calls(body)))
    if site is None:
        return None
    # the first argument `NAME := value,` is removed (up to its comma, at depth 0)
    start, depth, i = site.start(2), 0, site.end()
    while i < len(body):
        c = body[i]
        if c in "([":
            depth += 1
        elif c in ")]":
            if depth == 0:
                return None  # a call of one argument: leaving it out is another operator
            depth -= 1
        elif c == "," and depth == 0:
            break
        i += 1
    return head + body[:start] + body[i + 1:].lstrip(), f"{site.group(1)}: argument {site.group(2)} left out"


@_in_first_block
def array_dimension(head: str, body: str) -> Optional[tuple[str, str]]:
    arrays = {m.group(1).lower() for m in re.finditer(
        r"^\s*([A-Za-z_]\w*)\s*(?:\{[^}]*\})?\s*:\s*Array\s*\[[^,\]]*\]\s+of", head, re.MULTILINE | re.IGNORECASE)}
    site = _middle(_in_code(body, [m for m in re.finditer(r"#([A-Za-z_]\w*)\[([^\[\],]+)\]", body)
                                   if m.group(1).lower() in arrays]))
    if site is None:
        return None
    body = body[:site.end(2)] + ", 1" + body[site.end(2):]
    return head + body, f"#{site.group(1)}[{site.group(2)}, 1]"


@_in_first_block
def write_constant(head: str, body: str) -> Optional[tuple[str, str]]:
    constant = next(iter(_constants(head)), None)
    if constant is None:
        return None
    return head + f"\n    #{constant} := #{constant};" + body, f"#{constant} := #{constant}; added"


# ----------------------------------------------------------------------------------------- SimaticML operators
_LOCAL_ACCESS = re.compile(r'(<Access Scope="LocalVariable" UId="\d+">\s*<Symbol(?: [^>]*)?>\s*<Component Name=")'
                           r'([^"]+)(")')
_CALL_INFO = re.compile(r'(<CallInfo Name=")([^"]+)(" BlockType="F[BC]")')
_INSTANCE = re.compile(r'(<CallInfo Name="[^"]+" BlockType="FB">\s*<Instance Scope="GlobalVariable" UId="\d+">\s*'
                       r'<Component Name=")([^"]+)(")')


def _graphic(text: str) -> bool:
    return "<FlgNet" in text and "<StructuredText" not in text


def unknown_operand(text: str) -> Optional[tuple[str, str]]:
    if not _graphic(text):
        return None
    site = _middle(list(_LOCAL_ACCESS.finditer(text)))
    if site is None:
        return None
    return text[:site.start(2)] + site.group(2) + "_mut" + text[site.end(2):], f"operand #{site.group(2)} renamed"


def wrong_operand_type(text: str) -> Optional[tuple[str, str]]:
    """The operand of a contact (a Bool) replaced by a local of another elementary type."""
    if not _graphic(text):
        return None
    members = dict(re.findall(r'<Member Name="([^"]+)" Datatype="(Int|DInt|Real|Word|Time)"', text))
    if not members:
        return None
    other = next(iter(members))
    for net in re.finditer(r"<FlgNet.*?</FlgNet>", text, re.DOTALL):  # UIds count inside one network
        found = _contact_operand(net.group(0), other)
        if found is not None:
            start, end, name = found
            return (text[:net.start() + start] + other + text[net.start() + end:],
                    f"contact operand #{name} -> #{other} ({members[other]})")
    return None


def _contact_operand(net: str, other: str) -> Optional[tuple[int, int, str]]:
    """Where the local operand of a contact of one network is named (start, end, name)."""
    for part in re.finditer(r'<Part Name="Contact" UId="(\d+)"', net):
        wire = re.search(r'<IdentCon UId="(\d+)" />\s*<NameCon UId="%s" Name="operand" />' % part.group(1), net)
        if wire is None:
            continue
        access = re.search(r'<Access Scope="LocalVariable" UId="%s">\s*<Symbol(?: [^>]*)?>\s*<Component Name="'
                           r'([^"]+)" />\s*</Symbol>' % wire.group(1), net)
        if access is not None and access.group(1) != other:
            return access.start(1), access.end(1), access.group(1)
    return None


def missing_block(text: str) -> Optional[tuple[str, str]]:
    site = _middle(list(_CALL_INFO.finditer(text)))
    if site is None or not _graphic(text):
        return None
    return text[:site.start(2)] + site.group(2) + "_mut" + text[site.end(2):], f"call of {site.group(2)}_mut"


def missing_instance_db(text: str) -> Optional[tuple[str, str]]:
    site = _middle(list(_INSTANCE.finditer(text)))
    if site is None or not _graphic(text):
        return None
    return text[:site.start(2)] + site.group(2) + "_mut" + text[site.end(2):], f"instance DB {site.group(2)}_mut"


def wrong_system_pin(text: str) -> Optional[tuple[str, str]]:
    """A pin of a system box (TON, CTU, R_TRIG...) renamed in the network's wires."""
    if not _graphic(text):
        return None
    uids = [m.group(1) for m in re.finditer(
        r'<Part Name="(?:TON|TOF|TP|TONR|CTU|CTD|CTUD|R_TRIG|F_TRIG)"[^>]*?UId="(\d+)"', text)]
    for uid in uids:
        pin = re.search(r'<NameCon UId="%s" Name="(?!en")([^"]+)" />' % uid, text)
        if pin is not None:
            return (text[:pin.start(1)] + pin.group(1) + "X" + text[pin.end(1):],
                    f"pin {pin.group(1)} of box {uid} -> {pin.group(1)}X")
    return None


_JUMP_TARGET = re.compile(r'(<NodeTo>\s*<StepRef Number=")(\d+)(" />\s*</NodeTo>\s*<LinkType>Jump</LinkType>)')


def graph_jump_missing_step(text: str) -> Optional[tuple[str, str]]:
    """A GRAPH jump sent to a step number the sequence does not have. A connection links nodes of the sequence by
    number (``<StepRef Number>``); TIA's GRAPH editor offers only the sequence's steps as a jump's target (STEP 7
    help, GRAPH, "Inserting jumps": the target is a step of the sequencer), so no valid block has such a jump."""
    site = _JUMP_TARGET.search(text)
    if site is None:
        return None
    numbers = {int(n) for n in re.findall(r'<Step Number="(\d+)"', text)}
    missing = str(max(numbers, default=0) + 100)
    return text[:site.start(2)] + missing + text[site.end(2):], f"jump to step {site.group(2)} -> {missing}"


def graph_transition_not_bool(text: str) -> Optional[tuple[str, str]]:
    """The operand of a contact in a GRAPH transition's condition replaced by a local of another elementary type:
    a transition's condition is a Bool network and a contact scans a Bool (STEP 7 help, "---| |--- Normally open
    contact": operand of data type BOOL)."""
    members = dict(re.findall(r'<Member Name="([^"]+)" Datatype="(Int|DInt|Real|Word|Time)"', text))
    if not members:
        return None
    other = next(iter(members))
    for transition in re.finditer(r"<Transition [^>]*>.*?</Transition>", text, re.DOTALL):
        net = transition.group(0)
        for part in re.finditer(r'<Part Name="Contact" UId="(\d+)"', net):
            wire = re.search(r'<IdentCon UId="(\d+)" />\s*<NameCon UId="%s" Name="operand" />' % part.group(1), net)
            if wire is None:
                continue
            access = re.search(r'<Access Scope="\w+" UId="%s">.*?</Access>' % wire.group(1), net, re.DOTALL)
            if access is not None:
                local = (f'<Access Scope="LocalVariable" UId="{wire.group(1)}"><Symbol><Component Name="{other}" />'
                         "</Symbol></Access>")
                at = transition.start() + access.start()
                return (text[:at] + local + text[transition.start() + access.end():],
                        f"transition contact operand -> #{other} ({members[other]})")
    return None


_STL_BIT = re.compile(r'(<StlToken Text="(?:A|AN|O|ON|=|Assign|S|R)" />\s*)(<Access '
                      r'Scope="\w+">\s*<Symbol>.*?</Symbol>)',
                      re.DOTALL)


def stl_wrong_operand_type(text: str) -> Optional[tuple[str, str]]:
    """The operand of an STL bit logic instruction (A, O, =, S, R...) replaced by a temp Int declared for it: the
    operand of a bit logic instruction is a BOOL (STEP 7 help, STL "A: AND": operand of data type BOOL, or a
    timer or counter)."""
    site = _STL_BIT.search(text)
    if site is None or '<Section Name="Temp" />' not in text:
        return None
    local = '<Access Scope="LocalVariable">\n      <Symbol>\n        <Component Name="mut_int" />\n      </Symbol>'
    mutated = text[:site.start(2)] + local + text[site.end(2):]
    mutated = mutated.replace('<Section Name="Temp" />',
                              '<Section Name="Temp"><Member Name="mut_int" Datatype="Int" /></Section>', 1)
    return mutated, "STL bit operand -> #mut_int (Int)"


_STL_FIRST = re.compile(r'(<StatementList [^>]*>\s*<StlStatement(?: UId="\d+")?>.*?</StlStatement>)', re.DOTALL)


def _stl_insert(text: str, statements: str) -> Optional[str]:
    """``text`` with ``statements`` put after the first statement of its first STL network (None: no STL)."""
    site = _STL_FIRST.search(text)
    return None if site is None else text[:site.end()] + statements + text[site.end():]


def stl_jump_undefined_label(text: str) -> Optional[tuple[str, str]]:
    """A jump (JU) to a label no line of the block declares: a jump's operand is a label of the same block (the
    STL jump instructions; ``engineering_api/rules/compiler/check_stl.py`` cites the rule). STL_LABEL."""
    mutated = _stl_insert(text, '<StlStatement><StlToken Text="JU" /><Access Scope="Label"><Label Name="MUT1" />'
                                '</Access></StlStatement>')
    return None if mutated is None else (mutated, "JU MUT1 added (no line declares MUT1)")


def stl_duplicate_label(text: str) -> Optional[tuple[str, str]]:
    """The same jump label declared on two lines (two ``MUT1: NOP 0``): a label marks one line of its block
    (``check_stl.py`` cites the rule). STL_DUPLICATE_LABEL."""
    line = ('<StlStatement><LabelDeclaration><Label Name="MUT1" /></LabelDeclaration><StlToken Text="NOP_0" />'
            '</StlStatement>')
    mutated = _stl_insert(text, line + line)
    return None if mutated is None else (mutated, "MUT1: NOP 0 added twice")


SCL_OPERATORS: dict[str, Callable[[str], Optional[tuple[str, str]]]] = {
    "undeclared_local": undeclared_local,
    "string_into_number": string_into_number,
    "delete_end_if": delete_end_if,
    "missing_semicolon": missing_semicolon,
    "wrong_system_formal": wrong_system_formal,
    "system_fb_member": system_fb_member,
    "call_argument_count": call_argument_count,
    "array_dimension": array_dimension,
    "write_constant": write_constant,
}
XML_OPERATORS: dict[str, Callable[[str], Optional[tuple[str, str]]]] = {
    "lad_unknown_operand": unknown_operand,
    "lad_wrong_operand_type": wrong_operand_type,
    "lad_missing_block": missing_block,
    "lad_missing_instance_db": missing_instance_db,
    "lad_wrong_system_pin": wrong_system_pin,
    "graph_jump_missing_step": graph_jump_missing_step,
    "graph_transition_not_bool": graph_transition_not_bool,
    "stl_wrong_operand_type": stl_wrong_operand_type,
    "stl_jump_undefined_label": stl_jump_undefined_label,
    "stl_duplicate_label": stl_duplicate_label,
}
EXPECTED_CODE = {
    "graph_jump_missing_step": "GRAPH_REFERENCE",
    "graph_transition_not_bool": "FLGNET_TYPE",
    "stl_wrong_operand_type": "FLGNET_TYPE",
    "stl_jump_undefined_label": "STL_LABEL",
    "stl_duplicate_label": "STL_DUPLICATE_LABEL",
}
"""Operator -> the code its mutants must be refused with (other operators: any new error counts)."""
OPERATORS = {**SCL_OPERATORS, **XML_OPERATORS}
_MISSING_OPERATORS = frozenset(["lad_missing_block", "lad_missing_instance_db"])


def corpus_files() -> list[Path]:
    """The corpus files TIA accepts: SCL sources (``expect`` accept) and every SimaticML export."""
    import csv

    files: list[Path] = []
    if not CORPUS.is_dir():
        return files
    with open(CORPUS / "scl" / "SOURCES.tsv", encoding="utf-8", newline="") as handle:
        files += [CORPUS / "scl" / r["local_file"] for r in csv.DictReader(handle, delimiter="\t")
                  if r["expect"].startswith("accept")]
    with open(CORPUS / "simaticml" / "SOURCES.tsv", encoding="utf-8", newline="") as handle:
        files += [CORPUS / "simaticml" / r["local_file"] for r in csv.DictReader(handle, delimiter="\t")]
    return [f for f in files if f.is_file()]


def _read(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def mutants(files: list[Path], limit: Optional[int] = None, operators: Optional[list[str]] = None) -> Iterator[Mutant]:
    """One mutant per file and operator (at most ``limit`` files per operator)."""
    made: dict[str, int] = defaultdict(int)
    for path in files:
        xml = path.suffix.lower() == ".xml"
        text = _read(path)
        for name, operator in (XML_OPERATORS if xml else SCL_OPERATORS).items():
            if operators and name not in operators or (limit is not None and made[name] >= limit):
                continue
            result = operator(text)
            if result is not None:
                made[name] += 1
                yield Mutant(name, path, result[0], result[1])


def _errors(command: str, path: Path, allow_missing: bool) -> set[tuple[str, str]]:
    from engineering_api.cli import main

    out = io.StringIO()
    argv = [command, "check", str(path), "--format", "json"] + (["--allow-missing"] if allow_missing else [])
    with redirect_stdout(out):
        main(argv)
    doc = json.loads(out.getvalue())
    return {(d["code"], re.sub(r"\d+", "#", d["message"])) for d in doc["diagnostics"] if d["severity"] == "Error"}


def detect(mutant: Mutant, command: str, baseline: dict) -> bool:
    """Does ``command`` report an error for the mutant that it does not report for the original file?"""
    allow = mutant.operator not in _MISSING_OPERATORS
    key = (command, mutant.path, allow)
    if key not in baseline:
        baseline[key] = _errors(command, mutant.path, allow)
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / mutant.path.name
        copy.write_text(mutant.text, encoding="utf-8")
        new = _errors(command, copy, allow) - baseline[key]
    wanted = EXPECTED_CODE.get(mutant.operator)
    return any(code == wanted for code, _ in new) if wanted else bool(new)


def rates(found: list[Mutant], show_misses: bool = False) -> dict[str, dict[str, tuple[int, int]]]:
    """operator -> command -> (detected, mutants)."""
    table: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    baseline: dict = {}
    for mutant in found:
        commands = ["simaticml", "plc"] if mutant.path.suffix.lower() == ".xml" else ["scl", "plc"]
        for command in commands:
            hit = detect(mutant, command, baseline)
            cell = table[mutant.operator][command]
            cell[0] += hit
            cell[1] += 1
            if show_misses and not hit:
                print(f"MISS {mutant.operator} {command} check {mutant.path.relative_to(CORPUS)}: {mutant.where}")
    return {op: {c: (v[0], v[1]) for c, v in cmds.items()} for op, cmds in table.items()}


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="at most this many files per operator")
    parser.add_argument("--operator", action="append", help="only this operator (repeatable)")
    parser.add_argument("--show-misses", action="store_true", help="print each mutant a command accepts")
    args = parser.parse_args(argv)
    table = rates(list(mutants(corpus_files(), args.limit, args.operator)), args.show_misses)
    print(f"{'operator':26} {'scl/simaticml check':>20} {'plc check':>14}")
    for operator in OPERATORS:
        cells = table.get(operator, {})
        shown = []
        own = "simaticml" if operator in XML_OPERATORS else "scl"
        for command in (own, "plc"):
            hit, total = cells.get(command, (0, 0))
            shown.append(f"{hit}/{total} ({100 * hit // total}%)" if total else "-")
        legal = f"  TIA accepts: {LEGAL[operator]}" if operator in LEGAL else ""
        print(f"{operator:26} {shown[0]:>20} {shown[1]:>14}{legal}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
