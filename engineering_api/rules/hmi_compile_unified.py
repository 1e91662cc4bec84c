"""The HMI compile of a WinCC Unified panel: the classic checks of connections and tags (:mod:`.hmi_compile`),
screen items bound to missing tags, and JavaScript naming missing tags or screens.

Unified scripts reach tags and screens through the Runtime object model: ``Tags("name")`` (``HMIRuntime.Tags``),
``HMIRuntime.Tags.SysFct.SetTagValue("name", value)`` and ``HMIRuntime.UI.SysFct.ChangeScreen("screen", …)``
(Siemens, *WinCC Unified Runtime, object model*: the ``Tags`` collection and the system functions
``SetTagValue``/``ChangeScreen``). A literal name there that the panel lacks is reported as TIA's compile
reports an unknown object, with its line and column in the script; names built at run time are not checked.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from engineering_api.rules.hmi_compile import (
    Station,
    check_connection,
    check_tag,
    finding,
    script_position,
)

if TYPE_CHECKING:
    from engineering_api.backend.areas.hmi_unified import UnifiedEvent, UnifiedHmi
    from engineering_api.backend.models import DiagnosticInfo

__all__ = ("check_unified",)

_NAME = r"""\(\s*(["'])((?:(?!\1).)*)\1"""
_TAG_REFERENCES = re.compile(r"\b(?:Tags|SetTagValue)\s*" + _NAME)
_SCREEN_REFERENCES = re.compile(r"\bChangeScreen\s*" + _NAME)
_SHOWS_A_VALUE = ("HmiIOField",)


def _check_script(where: str, code: str, tags: set[str], screens: set[str]) -> list[DiagnosticInfo]:
    found = []
    for pattern, known, code_name, kind in ((_TAG_REFERENCES, tags, "MISSING_TAG", "HMI tag"),
                                            (_SCREEN_REFERENCES, screens, "MISSING_SCREEN", "screen")):
        for match in pattern.finditer(code):
            if match.group(2).lower() not in known:
                line, column = script_position(code, match.start(2))
                found.append(finding("Scripts", where, code_name, f"The script {where} uses the {kind} "
                                     f"{match.group(2)}, which does not exist.", line=line, column=column))
    return found


def _events(events: list[UnifiedEvent], where: str, tags: set[str], screens: set[str]) -> list[DiagnosticInfo]:
    return [one for event in events for code in (event.script_code, event.global_definition_area_script_code) if code
            for one in _check_script(f"{where} {event.event}", code, tags, screens)]


def check_unified(model: UnifiedHmi, stations: list[Station]) -> list[DiagnosticInfo]:
    """Every finding of an HMI compile of a Unified panel: connections, tags, screens (items and their events), then
    global script modules."""
    by_name = {s.name.lower(): s for s in stations}
    partners = {c.name.lower(): c.partner for c in model.connections}
    tags = {t.name.lower() for table in model.tag_tables for t in table.tags}
    screens = {s.name.lower() for s in model.screens}
    found = [one for c in model.connections
             for one in check_connection(c.name, c.partner, c.communication_driver, by_name)]
    found += [one for table in model.tag_tables for t in table.tags
              for one in check_tag(table.name, t.name, t.connection, t.plc_tag, "", partners, by_name)]
    for screen in model.screens:
        found += _events(screen.events, screen.name, tags, screens)
        for item in screen.items:
            if item.tag and item.tag.lower() not in tags:
                found.append(finding("Screens", screen.name, "MISSING_TAG", f"The {item.type} {item.name} uses the "
                                     f"HMI tag {item.tag}, which does not exist."))
            elif not item.tag and item.type in _SHOWS_A_VALUE:
                found.append(finding("Screens", screen.name, "PROCESS_VALUE_NOT_SET", f"The {item.type} {item.name} "
                                     "has no process value: it is bound to no HMI tag.", "Warning"))
            found += _events(item.events, f"{screen.name}.{item.name}", tags, screens)
    for module in model.script_modules:
        found += _check_script(module.name, module.code or "", tags, screens)
    return found
