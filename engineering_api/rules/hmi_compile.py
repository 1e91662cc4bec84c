"""What compiling a classic HMI device checks, from its SimaticML and the project's stations (the fake's HMI compile).

TIA compiles an HMI device's software with ``HmiTarget.GetService<ICompilable>().Compile()`` (Siemens, *TIA
Portal Openness V21: Functions for accessing HMI device data*, "Compiling an HMI device"; the bridge calls it) and
answers a ``CompilerResult`` tree. Its Inspector window lists, for a Comfort/Advanced panel, the references that do
not resolve. The checks modelled here are those of references between the panel's own objects and to the PLC:

* a **connection** (``Hmi.Communication.Connection``) whose partner station is missing from the project
  (``PARTNER_NOT_FOUND``), is not a PLC (``PARTNER_NOT_A_PLC``), or is a PLC the connection's communication driver
  does not speak to (``DRIVER_MISMATCH``: the driver ``SIMATIC S7 1500`` talks to S7-1500 CPUs, ``SIMATIC S7 1200``
  to S7-1200 ones, as TIA's Connections editor pairs them); a connection without partner is only a warning
  (``PARTNER_NOT_SET``: its tags cannot be checked against a PLC);
* an **external HMI tag** (one interconnected with the PLC: "We distinguish between external tags (process tags)
  and internal tags, depending on whether or not the tag is interconnected with the PLC", Siemens, *Comfort Panels
  Operating Instructions*, A5E03404994-02, glossary "Tag") whose connection is missing (``CONNECTION_NOT_FOUND``,
  TIA's "Connection X of the Y tag was not found."), that has neither a PLC tag nor an address
  (``PLC_TAG_NOT_SET``), or whose PLC tag (its first segment: a PLC tag or a data block) the partner PLC lacks
  (``MISSING_TAG``); internal tags need nothing;
* a **screen item** whose process value or appearance animation uses an HMI tag the panel lacks (``MISSING_TAG``),
  an I/O field, symbolic I/O field or switch bound to no tag (``PROCESS_VALUE_NOT_SET``, a warning: TIA's compile
  reports the missing process tag, as public Openness screen generators note), and a symbolic I/O field without
  its text list or with one the panel lacks (``TEXT_LIST_NOT_SET``, ``MISSING_TEXT_LIST``: "text list not
  defined" in the same notes);
* a **VB script** that names a missing HMI tag (``SmartTags("X")``, ``MISSING_TAG``) or screen (``ActivateScreen
  "X"``, ``MISSING_SCREEN``), with the line and column in the script's code.

Findings come in the project's one diagnostic shape (:class:`~engineering_api.backend.models.DiagnosticInfo`:
``block`` is the screen, tag table, connection or script; ``file`` the project-tree folder it is in) and as TIA's
nested result (device > object > message).
"""

from __future__ import annotations

import re
from typing import Literal
from dataclasses import dataclass, field

from engineering_api.backend.models import CompileMessage, CompileResult, CompileState, DiagnosticInfo
from engineering_api.rules.hmi_items import item_tags, screen_items_deep
from simatic_xml import hmi as sx
from simatic_xml.hmi_lists import script_code

__all__ = (
    "HmiSources", "Station", "check_connection", "check_hmi", "check_tag", "compile_result", "finding",
    "script_position",
)

_DRIVER_FAMILIES = {"SIMATIC S7 1500": ("S7-1500",), "SIMATIC S7 1200": ("S7-1200",),
                    "SIMATIC S7 300/400": ("S7-300", "S7-400")}
"""Communication driver (as TIA names it) → the CPU families it connects to (prefixes of the family)."""
_SMART_TAG = re.compile(r'SmartTags\s*\(\s*"((?:[^"]|"")*)"\s*\)', re.IGNORECASE)
_ACTIVATE_SCREEN = re.compile(r'\bActivateScreen\s*\(?\s*"((?:[^"]|"")*)"', re.IGNORECASE)


@dataclass(frozen=True)
class Station:
    """A device of the project, as the checks need it."""

    name: str
    kind: str
    """``plc``, ``hmi``..."""
    family: str = ""
    symbols: frozenset[str] | None = None
    """Lower-case names of the PLC's tags and data blocks; None when not known (nothing is checked then)."""


@dataclass
class HmiSources:
    """The documents of one classic HMI device."""

    screens: list[sx.HmiDocument] = field(default_factory=list)
    tag_tables: list[sx.HmiDocument] = field(default_factory=list)
    connections: list[sx.HmiDocument] = field(default_factory=list)
    scripts: list[sx.HmiDocument] = field(default_factory=list)
    text_lists: list[sx.HmiDocument] = field(default_factory=list)


def finding(folder: str, block: str, code: str, message: str,
            severity: Literal["Error", "Warning", "Info"] = "Error", line: int = 0,
             column: int = 0) -> DiagnosticInfo:
    return DiagnosticInfo(file=folder, block=block, line=line, column=column, severity=severity,
                          code=code, message=message)


def check_connection(name: str, partner: str | None, driver: str | None,
                     stations: dict[str, Station]) -> list[DiagnosticInfo]:
    """The findings of one connection (classic or Unified): its partner must be a PLC its driver reaches."""
    station = stations.get(partner.lower()) if partner else None
    if not partner:
        return [finding("Connections", name, "PARTNER_NOT_SET", f"The connection {name} has no partner station; "
                         "its tags cannot be checked against a PLC.", "Warning")]
    if station is None:
        return [finding("Connections", name, "PARTNER_NOT_FOUND",
                         f"The partner {partner} of the connection {name} does not exist in the project.")]
    if station.kind != "plc":
        return [finding("Connections", name, "PARTNER_NOT_A_PLC",
                         f"The partner {partner} of the connection {name} is not a PLC.")]
    if driver in _DRIVER_FAMILIES and not station.family.startswith(_DRIVER_FAMILIES[driver]):
        return [finding("Connections", name, "DRIVER_MISMATCH", f"The connection {name} uses the driver {driver}, "
                         f"which does not connect to {partner} ({station.family or 'unknown family'}).")]
    return []


def _check_connections(sources: HmiSources, stations: dict[str, Station]) -> list[DiagnosticInfo]:
    return [one for doc in sources.connections
            for one in check_connection(doc.root.name, *sx.connection_info(doc.root), stations)]


def _plc_symbol(plc_tag: str) -> str:
    """The first segment of a PLC tag reference: ``"Motor_DB".Speed`` and ``Motor_DB.Speed`` → ``motor_db``."""
    text = plc_tag.strip()
    if text.startswith('"'):
        end = text.find('"', 1)
        return text[1:end if end > 0 else None].lower()
    return re.split(r"[.\[]", text, maxsplit=1)[0].strip().lower()


def check_tag(table: str, tag: str, connection: str, plc_tag: str, address: str, partners: dict[str, str],
              stations: dict[str, Station]) -> list[DiagnosticInfo]:
    """The findings of one HMI tag (classic or Unified) of ``table``; ``partners`` maps lower-case connection names
    to their partner stations. An internal tag (no connection) has none."""
    if not connection:
        return []
    where = ("HMI tags", table)
    if connection.lower() not in partners:
        return [finding(*where, "CONNECTION_NOT_FOUND", f"Connection {connection} of the {tag} tag was not found.")]
    if not plc_tag and not address.strip():
        return [finding(*where, "PLC_TAG_NOT_SET", f"The tag {tag} uses the connection {connection} but is bound "
                         "to no PLC tag and has no address.")]
    station = stations.get(partners[connection.lower()].lower())
    if plc_tag and station is not None and station.symbols is not None and _plc_symbol(plc_tag) not in station.symbols:
        return [finding(*where, "MISSING_TAG", f"The PLC tag {plc_tag} of the HMI tag {tag} does not exist in "
                         f"{station.name}.")]
    return []


def _check_tags(sources: HmiSources, stations: dict[str, Station]) -> list[DiagnosticInfo]:
    partners = {doc.root.name.lower(): sx.connection_info(doc.root)[0] or "" for doc in sources.connections}
    return [one for table in sources.tag_tables for tag in table.root.objects(sx.TAG)
            for one in check_tag(table.root.name, tag.name, tag.link("Connection") or "",
                                     tag.link("ControllerTag") or "", tag.attr("LogicalAddress") or "", partners,
                                     stations)]


_SHOWS_A_VALUE = ("Hmi.Screen.IOField", "Hmi.Screen.SymbolicIOField", "Hmi.Screen.Switch")
"""Items that exist to show (or set) a tag's value: without a ``ProcessValue`` they show nothing."""


def _check_item(screen: str, item: sx.HmiObject, tags: set[str], lists: set[str]) -> list[DiagnosticInfo]:
    kind = item.element.removeprefix("Hmi.Screen.")
    found = [finding("Screens", screen, "MISSING_TAG", f"The {kind} {item.name} uses the HMI tag {tag}, which does "
                      "not exist.") for tag in item_tags(item) if tag.lower() not in tags]
    if item.element in _SHOWS_A_VALUE and sx.item_tag(item) is None:
        found.append(finding("Screens", screen, "PROCESS_VALUE_NOT_SET", f"The {kind} {item.name} has no process "
                              "value: it is bound to no HMI tag.", "Warning"))
    if item.element == "Hmi.Screen.SymbolicIOField":
        text_list = item.link("TextList")
        if not text_list:
            found.append(finding("Screens", screen, "TEXT_LIST_NOT_SET",
                                  f"The SymbolicIOField {item.name} has no text list."))
        elif text_list.lower() not in lists:
            found.append(finding("Screens", screen, "MISSING_TEXT_LIST", f"The SymbolicIOField {item.name} uses the "
                                  f"text list {text_list}, which does not exist."))
    return found


def _check_screens(sources: HmiSources, tags: set[str]) -> list[DiagnosticInfo]:
    lists = {doc.root.name.lower() for doc in sources.text_lists}
    return [one for doc in sources.screens for item in screen_items_deep(doc.root)
            for one in _check_item(doc.root.name, item, tags, lists)]


def script_position(code: str, offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset`` in a script's code."""
    line = code.count("\n", 0, offset) + 1
    return line, offset - (code.rfind("\n", 0, offset) + 1) + 1


def _check_scripts(sources: HmiSources, tags: set[str], screens: set[str]) -> list[DiagnosticInfo]:
    found = []
    for doc in sources.scripts:
        code, name = script_code(doc.root), doc.root.name
        for pattern, known, what, kind in ((_SMART_TAG, tags, "MISSING_TAG", "HMI tag"),
                                           (_ACTIVATE_SCREEN, screens, "MISSING_SCREEN", "screen")):
            for match in pattern.finditer(code):
                target = match.group(1).replace('""', '"')
                if target.lower() not in known:
                    line, column = script_position(code, match.start(1))
                    found.append(finding("Scripts", name, what, f"The script {name} uses the {kind} {target}, "
                                          "which does not exist.", line=line, column=column))
    return found


def check_hmi(sources: HmiSources, stations: list[Station]) -> list[DiagnosticInfo]:
    """Every finding of an HMI compile of ``sources``, connections first, then tags, screens and scripts."""
    by_name = {s.name.lower(): s for s in stations}
    tags = {t.name.lower() for table in sources.tag_tables for t in table.root.objects(sx.TAG)}
    screens = {doc.root.name.lower() for doc in sources.screens}
    return [*_check_connections(sources, by_name), *_check_tags(sources, by_name), *_check_screens(sources, tags),
            *_check_scripts(sources, tags, screens)]


def _state(errors: int, warnings: int) -> CompileState:
    return "Error" if errors else "Warning" if warnings else "Success"


def compile_result(device: str, findings: list[DiagnosticInfo]) -> CompileResult:
    """TIA's result tree (device > object > finding) with the findings as ``diagnostics``."""
    groups: dict[tuple[str, str], list[DiagnosticInfo]] = {}
    for finding in findings:
        groups.setdefault((finding.file or "", finding.block or ""), []).append(finding)
    objects = []
    for (folder, block), items in groups.items():
        errors = sum(1 for f in items if f.severity == "Error")
        warnings = sum(1 for f in items if f.severity == "Warning")
        path = f"{device}/{folder}/{block}"
        objects.append(CompileMessage(
            path=path, description=block, state=_state(errors, warnings),
            error_count=errors, warning_count=warnings,
            messages=[CompileMessage(path=path, description=f.message, state=f.severity if f.severity != "Info"
                                     else "Success", error_count=int(f.severity == "Error"),
                                     warning_count=int(f.severity == "Warning")) for f in items]))
    errors = sum(1 for f in findings if f.severity == "Error")
    warnings = sum(1 for f in findings if f.severity == "Warning")
    summary = "Compiling finished" if not findings else f"Compiling finished ({errors} error(s), {warnings} warning(s))"
    top = CompileMessage(path=device, description=summary, state=_state(errors, warnings),
                         error_count=errors, warning_count=warnings, messages=objects)
    return CompileResult(state=_state(errors, warnings), error_count=errors, warning_count=warnings,
                         messages=[top], diagnostics=findings)
