"""The JSON block spec: plain dataclasses parsed from a decoded JSON dict, and their validation.

A spec (keys are camelCase; unknown keys are refused so typos do not pass silently)::

    {
      "blockType": "FB",                 # OB | FB | FC | GlobalDB | InstanceDB | UDT
      "name": "FB_Motor",
      "number": 10,                      # optional; omitted -> AutoNumber (see below)
      "language": "SCL",                 # SCL | LAD | FBD | GRAPH (FB only); DB blocks: DB (default); UDT: none
      "title": "Motor" | {"en-US": "Motor", "de-DE": "Motor"},
      "comment": "..." | {culture: text},
      "author": "", "family": "", "headerName": "", "version": "0.1",   # block header (optional; text fields
                                         # up to 125 characters, see names.HEADER_FIELD_MAX)
      "memoryLayout": "Optimized",       # Optimized | Standard (FB, FC, OB, GlobalDB)
      "secondaryType": "ProgramCycle",   # OB: ProgramCycle | Startup | CyclicInterrupt | DiagnosticErrorInterrupt
                                         #     | PullOrPlugOfModules | RackOrStationFailure
      "cyclicTime": 100000,              # CyclicInterrupt OB: period in microseconds (1..60000000)
      "phaseShift": 0,                   # CyclicInterrupt OB (microseconds)
      "instanceOf": "FB_Motor",          # InstanceDB: the FB (or UDT with "instanceOfType": "UDT", or a system
      "instanceOfType": "FB",            #   instance type such as IEC_TIMER / CONT_C with "System")
      "returnType": "Void",              # FC
      "interface": {"Input": [member, ...], "Output": [...], "InOut": [...], "Static": [...],
                    "Temp": [...], "Constant": [...]},     # UDT: {"None": [...]} or {"Members": [...]}
      "networks": [network, ...],
      "startValues": {"a[0]": "5", "cfg.gain": "1.5"}   # DBs: start values below members (see BlockSpec)
    }

A member::

    {"name": "Start", "dataType": "Bool" | "Int" | "Array[0..9] of Int" | "\\"UDT_X\\"" | "String[20]" | "Struct",
     "members": [...],                 # only for Struct
     "startValue": false | 5 | "T#5s", # Constant members need one
     "comment": "text" | {culture: text},
     "retain": false,                  # FB Input/Output/InOut/Static and GlobalDB Static only
     "accessibleFromHmi": true, "visibleInHmi": true, "writableFromHmi": true, "setpoint": false,
     "libraryVersion": "5.0"}         # a system type's library Version when the catalog has none for it

A network: ``{"title": ..., "comment": ..., "scl" | "lad" | "fbd" | "graph": ..., "calls": {...}}`` with
exactly one body. ``calls`` (SCL only) says what a called global name is, which the text cannot:
``{"DB_Pump1": {"blockType": "FB", "block": "FB_Motor"}, "FC_Scale": {"blockType": "FC"}}``. Without it a
quoted name followed by ``(`` is an FC call; multi-instance calls (``#T1(...)`` on a Static ``TON_TIME``
or ``"FB"`` member) need no hint.
``scl`` is SCL statement text (see :mod:`simatic_xml.scl_text`), ``lad``/``fbd`` the compact form of
:mod:`simatic_xml.generate.ladder`, ``graph`` the form of :mod:`simatic_xml.generate.graphgen`.
A network's language may differ from the block's only for SCL networks in LAD/FBD blocks (as TIA allows
from V16); GRAPH blocks have exactly one ``graph`` network, SCL blocks only ``scl`` networks.

The TIA version is not part of the spec: it is the ``version`` argument of
:func:`~simatic_xml.generate.builder.generate_xml` (V16…V21, default V19). ``description`` is accepted
and ignored (templates carry one).

Numbers: when ``number`` is omitted the block is written with ``AutoNumber`` true and a placeholder
number (OB: 1 for ProgramCycle, 100 for Startup, 30 for CyclicInterrupt; others 1); TIA assigns the
next free number on import. Numbers must be 1..59999 for FB/FC/DB; OBs take their type's number
(ProgramCycle 1, Startup 100, CyclicInterrupt 30..38) or 123..32767.
"""

from __future__ import annotations

import re
from typing import Any

from .datatypes import normalize_datatype
from .errors import SpecError
from .names import check_block_name, check_header_field
from .spec_members import (SECTIONS_BY_TYPE, MemberSpec, parse_interface, start_value_text, texts, spec_object,
                           unknown_keys)
from .spec_types import BlockSpec, CheckedScl, NetworkSpec
from ..xmltext import NOT_IN_XML

__all__ = (
    "BLOCK_TYPES",
    "BlockSpec",
    "CheckedScl",
    "MemberSpec",
    "NetworkSpec",
    "SECTIONS_BY_TYPE",
    "parse_spec",
    "declared_names",
)

BLOCK_TYPES = ("OB", "FB", "FC", "GlobalDB", "InstanceDB", "UDT")
_BLOCK_TYPE_ALIASES = {t.upper(): t for t in BLOCK_TYPES} | {"DB": "GlobalDB", "GLOBAL_DB": "GlobalDB",
                                                             "IDB": "InstanceDB", "PLCSTRUCT": "UDT"}
LANGUAGES_BY_TYPE: dict[str, tuple[str, ...]] = {
    "OB": ("SCL", "LAD", "FBD"),
    "FB": ("SCL", "LAD", "FBD", "GRAPH"),
    "FC": ("SCL", "LAD", "FBD"),
    "GlobalDB": ("DB",),
    "InstanceDB": ("DB",),
    "UDT": (),
}
OB_TYPES = {"ProgramCycle": 1, "Startup": 100, "CyclicInterrupt": 30, "TimeErrorInterrupt": 80,
            "DiagnosticErrorInterrupt": 82,
            "PullOrPlugOfModules": 83, "RackOrStationFailure": 86}
OB_NUMBERS = {"ProgramCycle": range(1, 2), "Startup": range(100, 101), "CyclicInterrupt": range(30, 39),
              "TimeErrorInterrupt": range(80, 81), "DiagnosticErrorInterrupt": range(82, 83),
              "PullOrPlugOfModules": range(83, 84),
              "RackOrStationFailure": range(86, 87)}
"""S7-1200/1500 OB numbers per type; any type may also use 123..32767."""


def _ranges(r: range) -> str:
    return str(r.start) if len(r) == 1 else f"{r.start}..{r.stop - 1}"


_TOP_KEYS = {
    "blockType", "name", "number", "language", "title", "comment", "author", "family", "headerName", "version",
    "memoryLayout", "secondaryType", "cyclicTime", "phaseShift", "instanceOf", "instanceOfType", "returnType",
    "interface", "networks", "description", "startValues", "namespace",
}
# Identifiers with Unicode letters, as the SCL editor takes them: TIA V18 exported a unit's namespace nsSécheur
# (ChrisSiem/TestChris@a826097 PLC_1/Software units/Sécheur/Program blocks/nsSécheur.idbControlSécheur.xml:20).
_NAMESPACE = re.compile(r"[^\W\d]\w*(\.[^\W\d]\w*)*")
_NETWORK_KEYS = {"title", "comment", "scl", "lad", "fbd", "graph", "calls"}


def _opt_str(data: dict[str, Any], key: str, path: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise SpecError(f"{path}{key}", "must be a string")
    return value


def _refuse_unwritable(value: object, path: str) -> None:
    """Raise :class:`SpecError` at the first text of a spec (a key or a value, at any depth) holding a character
    SimaticML cannot carry (:data:`~simatic_xml.xmltext.NOT_IN_XML`): it was written into a document no reader
    accepts, TIA's import included."""
    if isinstance(value, str):
        found = NOT_IN_XML.search(value)
        if found is not None:
            raise SpecError(path, f"the character U+{ord(found.group()):04X} at position {found.start() + 1} cannot "
                                  "be written into SimaticML (XML 1.0 has no such character)")
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_unwritable(key, path)
            _refuse_unwritable(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_unwritable(item, f"{path}[{index}]")


def parse_spec(data: object, *, source: bool = False) -> BlockSpec:
    """Parse and validate a spec dict; :class:`SpecError` names the first bad field.

    Network bodies are checked here for shape and operands (``#name`` must be declared) through
    :func:`check_networks`; the full LAD/FBD/GRAPH translation happens in the builder and reports its
    errors with the same field paths.

    ``source=True`` is the SCL-source path (:mod:`.from_scl`): the rules are TIA's "generate blocks from
    source" (constant array bounds, ``Array[*]``, constants without value, system and unknown library
    types, HMI flags anywhere), not the stricter ones of the JSON API.
    """
    if not isinstance(data, dict):
        raise SpecError("", "a spec must be a JSON object")
    if not source:  # a source's whole text was checked before it was parsed (from_source)
        _refuse_unwritable(data, "")
    unknown_keys(data, _TOP_KEYS, "")
    raw_type = data.get("blockType")
    if not isinstance(raw_type, str) or raw_type.strip().upper() not in _BLOCK_TYPE_ALIASES:
        raise SpecError("blockType", f"unknown block type {raw_type!r}; use one of {', '.join(BLOCK_TYPES)}")
    block_type = _BLOCK_TYPE_ALIASES[raw_type.strip().upper()]
    name = check_block_name(data.get("name"), "name")

    language = data.get("language")
    allowed = LANGUAGES_BY_TYPE[block_type]
    if block_type == "UDT":
        if language not in (None, ""):
            raise SpecError("language", "a UDT has no language")
        language = None
    else:
        if language is None:
            language = allowed[0] if block_type in ("GlobalDB", "InstanceDB") else None
        if not isinstance(language, str):
            raise SpecError("language", f"required for {block_type}; one of {', '.join(allowed)}")
        upper = language.strip().upper()
        known = {"SCL", "LAD", "FBD", "GRAPH", "DB"}
        if upper not in known:
            raise SpecError("language", f"unknown language {language!r}; use SCL, LAD, FBD, GRAPH or DB")
        if upper not in allowed:
            raise SpecError("language", f"{upper} is not valid for {block_type}; use {', '.join(allowed)}")
        language = upper

    number = data.get("number")
    if number is not None:
        if isinstance(number, bool) or not isinstance(number, int):
            raise SpecError("number", "must be an integer")
        if block_type == "UDT":
            raise SpecError("number", "a UDT has no number")
        if not 1 <= number <= 59999 and block_type != "OB" or block_type == "OB" and not 1 <= number <= 32767:
            raise SpecError("number", "out of range (blocks 1..59999, OBs 1..32767)")

    spec = BlockSpec(block_type=block_type, name=name, language=language, number=number, lenient=source)
    spec.title = texts(data.get("title"), "title")
    spec.comment = texts(data.get("comment"), "comment")
    for key, attr in (("author", "author"), ("family", "family"), ("headerName", "header_name"),
                      ("version", "header_version")):
        value = _opt_str(data, key, "")
        setattr(spec, attr, value)
    if spec.header_version is not None and not re.fullmatch(r"\d{1,2}\.\d{1,2}", spec.header_version):
        raise SpecError("version", "header version must look like 0.1 (major.minor, 0..15 each)")
    for key in ("author", "family", "headerName"):
        if data.get(key) is not None:
            check_header_field(data[key], key)

    layout = data.get("memoryLayout", "Optimized")
    if layout not in ("Optimized", "Standard"):
        raise SpecError("memoryLayout", "must be Optimized or Standard")
    if "memoryLayout" in data and block_type not in ("FB", "FC", "OB", "GlobalDB"):
        raise SpecError("memoryLayout", f"not settable for {block_type}")
    if block_type == "FB" and language == "GRAPH" and layout != "Optimized":
        raise SpecError("memoryLayout", "GRAPH blocks are always optimized")
    spec.memory_layout = layout
    namespace = data.get("namespace", "")
    if not isinstance(namespace, str) or namespace and not _NAMESPACE.fullmatch(namespace):
        raise SpecError("namespace", "a software unit's namespace: names joined by '.', such as Plant or Plant.Line1")
    spec.namespace = namespace

    if block_type == "OB":
        sec = data.get("secondaryType", "ProgramCycle")
        if sec not in OB_TYPES:
            raise SpecError("secondaryType", f"unknown OB type {sec!r}; use {', '.join(OB_TYPES)}")
        spec.secondary_type = sec
        if number is not None and not (number in OB_NUMBERS[sec] or 123 <= number <= 32767):
            raise SpecError("number", f"a {sec} OB has number {_ranges(OB_NUMBERS[sec])} or 123..32767")
        if sec == "CyclicInterrupt":
            ct = data.get("cyclicTime", 100000)
            if isinstance(ct, bool) or not isinstance(ct, int) or not 1 <= ct <= 60_000_000:
                raise SpecError("cyclicTime", "period in microseconds, 1..60000000")
            ps = data.get("phaseShift", 0)
            if isinstance(ps, bool) or not isinstance(ps, int) or not 0 <= ps < ct:
                raise SpecError("phaseShift", "phase shift in microseconds, 0..cyclicTime-1")
            spec.cyclic_time, spec.phase_shift = ct, ps
        elif "cyclicTime" in data or "phaseShift" in data:
            raise SpecError("cyclicTime", "only CyclicInterrupt OBs have a period")
    elif "secondaryType" in data:
        raise SpecError("secondaryType", "only OBs have a secondary type")

    if block_type == "InstanceDB":
        spec.instance_of = check_block_name(data.get("instanceOf"), "instanceOf")
        kind = data.get("instanceOfType", "FB")
        if kind not in ("FB", "UDT", "System"):
            raise SpecError("instanceOfType", "must be FB, UDT or System")
        if kind == "System":
            from .datatypes import catalog_type

            if catalog_type(spec.instance_of) is None:
                raise SpecError("instanceOf", f"{spec.instance_of} is no system type of the catalog")
        spec.instance_of_type = kind
        if data.get("interface"):
            raise SpecError("interface", "an instance DB takes its interface from its FB/UDT")
    elif "instanceOf" in data or "instanceOfType" in data:
        raise SpecError("instanceOf", "only instance DBs have instanceOf")
    raw_starts = data.get("startValues")
    if raw_starts is not None:
        if block_type not in ("GlobalDB", "InstanceDB"):
            raise SpecError("startValues", "only data blocks have startValues")
        if not isinstance(raw_starts, dict):
            raise SpecError("startValues", "must be an object of member path -> start value")
        for key, value in raw_starts.items():
            text = start_value_text(value, f"startValues.{key}")
            if not isinstance(key, str) or not key or text is None:
                raise SpecError(f"startValues.{key}", "a member path and a value are required")
            spec.start_values.append((key, text))

    if block_type == "FC":
        spec.return_type = normalize_datatype(data.get("returnType", "Void"), "returnType", void_ok=True,
                                              lenient=source)
    elif "returnType" in data:
        raise SpecError("returnType", "only FCs have a return type")

    spec.sections = parse_interface(data.get("interface"), block_type, language, source)
    if block_type in ("UDT", "FB"):
        _refuse_self_reference(spec)
    spec.networks = _parse_networks(data.get("networks"), spec)
    from .checks import check_networks

    if source:
        from .source_check import for_network_checks

        spec_to_check = for_network_checks(spec)
    else:
        spec_to_check = spec
    check_networks(spec_to_check)
    return spec


def _refuse_self_reference(spec: BlockSpec) -> None:
    """A UDT cannot contain itself, nor an FB an instance of itself: TIA reports a recursion."""
    own = f'"{spec.name}"'.casefold()

    def walk(members: list[MemberSpec], path: str) -> None:
        for i, member in enumerate(members):
            here = f"{path}[{i}]"
            if own in member.datatype.casefold():
                raise SpecError(f"{here}.dataType", f"{spec.name} cannot contain itself (recursive data type)")
            walk(member.members, f"{here}.members")

    for section, members in spec.sections.items():
        walk(members, f"interface.{section}")


def _parse_networks(raw: object, spec: BlockSpec) -> list[NetworkSpec]:
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        raise SpecError("networks", "must be a list")
    if spec.block_type in ("GlobalDB", "InstanceDB", "UDT"):
        if raw:
            raise SpecError("networks", f"a {spec.block_type} has no networks")
        return []
    out = []
    for i, item in enumerate(raw):
        path = f"networks[{i}]"
        item = spec_object(item, path, "a network", _NETWORK_KEYS)
        kinds = [k for k in ("scl", "lad", "fbd", "graph") if k in item]
        if len(kinds) != 1:
            raise SpecError(path, "give exactly one of scl, lad, fbd, graph")
        kind = kinds[0]
        lang = spec.language
        ok = {
            "SCL": ("scl",),
            "LAD": ("lad", "scl"),
            "FBD": ("fbd", "scl"),
            "GRAPH": ("graph",),
        }[lang or ""]
        if kind not in ok:
            raise SpecError(f"{path}.{kind}", f"a {kind.upper()} network is not valid in a {lang} block")
        if kind == "scl" and not isinstance(item["scl"], str):
            raise SpecError(f"{path}.scl", "must be SCL text")
        calls = _parse_calls(item.get("calls"), f"{path}.calls", kind)
        out.append(NetworkSpec(kind, item[kind], texts(item.get("title"), f"{path}.title"),
                               texts(item.get("comment"), f"{path}.comment"), calls))
    if spec.language == "GRAPH" and len(out) != 1:
        raise SpecError("networks", "a GRAPH block has exactly one graph network")
    return out


def _parse_calls(raw: object, path: str, kind: str) -> dict[str, tuple[str, str | None]]:
    """``{"DB_Pump1": {"blockType": "FB", "block": "FB_Motor"}, "FC_Scale": {"blockType": "FC"}}``."""
    if raw is None:
        return {}
    if kind != "scl":
        raise SpecError(path, "calls hints apply to SCL networks only")
    if not isinstance(raw, dict):
        raise SpecError(path, "must be an object of called name -> {blockType, block}")
    out: dict[str, tuple[str, str | None]] = {}
    for name, info in raw.items():
        check_block_name(name, f"{path}.{name}")
        if not isinstance(info, dict) or info.get("blockType") not in ("FB", "FC"):
            raise SpecError(f"{path}.{name}.blockType", "must be FB or FC")
        block = info.get("block")
        if info["blockType"] == "FB":
            block = check_block_name(block, f"{path}.{name}.block")
        elif block is not None:
            raise SpecError(f"{path}.{name}.block", "an FC call names no FB")
        out[name] = (info["blockType"], block)
    return out


def declared_names(spec: BlockSpec) -> dict[str, MemberSpec]:
    """Top-level member names (casefolded) -> member, over all sections."""
    out: dict[str, MemberSpec] = {}
    for members in spec.sections.values():
        for m in members:
            out[m.name.casefold()] = m
    return out
