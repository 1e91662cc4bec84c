"""A WinCC Unified panel's text and graphic lists on every adapter: the fake keeps them in the panel's model; the
bridge deletes one by name but cannot read or write them (no public source shows the Openness members of their
entries) and says so."""

from __future__ import annotations

from typing import Any

import pytest

from engineering_api.backend import errors as e
from engineering_api.backend.areas.hmi_resources import HmiGraphicListEntry, HmiTextListEntry
from engineering_api.backend.areas.hmi_unified import UnifiedGraphicList, UnifiedHmi, UnifiedKind, UnifiedTextList
from engineering_api.backend.port import EngineeringBackend
from engineering_api.domain.hmi_unified_view import text_lists
from tests.contract.played import played

STATES = UnifiedTextList(name="States", entries=[HmiTextListEntry(range_from="0", text="Off"),
                                                 HmiTextListEntry(range_from="1", text="On")])


def _bridge(backend: EngineeringBackend) -> bool:
    from openness_bridge.backend import OpennessBackend  # the bridge under Mono and on a real TIA Portal

    return isinstance(backend, OpennessBackend)


def _bridge_software(backend: EngineeringBackend, unified_panel: str) -> Any:
    """The panel's Unified ``HmiSoftware`` as the bridge reaches it (its own collaborator), to make or see lists
    as TIA Portal does."""
    from openness_bridge.hmi_unified import BridgeHmiUnified

    hmi = backend.hmi_unified
    assert isinstance(hmi, BridgeHmiUnified)
    return hmi._access.hmi_software(unified_panel)


def test_text_lists(backend: EngineeringBackend, unified_panel: str) -> None:
    if _bridge(backend):
        model = backend.hmi_unified.read_unified_hmi(unified_panel)
        assert model.text_lists is None and model.graphic_lists is None  # unknown, not "none"
        with pytest.raises(e.NotSupportedError) as unreadable:  # what GET …/hmi/text-lists answers: 501
            text_lists(model)
        assert unreadable.value.code == "NO_OPENNESS_EQUIVALENT"
        with pytest.raises(e.NotSupportedError) as refused:
            backend.hmi_unified.apply_unified_hmi(unified_panel, UnifiedHmi(text_lists=[STATES]))
        assert refused.value.code == "NO_OPENNESS_EQUIVALENT"
        if played(backend).lacks("HmiSoftware", "HmiTextLists"):  # no Unified lists in Openness before V21
            for kind in ("textList", "graphicList"):
                played(backend).refuses(backend.hmi_unified.delete_unified_object, unified_panel, kind, "States")
            return
        from StandIn.Control import UnifiedLists  # lists made in TIA Portal's editor: Openness has no Create for them

        software = _bridge_software(backend, unified_panel)
        UnifiedLists.Add(software, False, "States")
        UnifiedLists.Add(software, True, "Lamp")
    else:
        assert backend.hmi_unified.read_unified_hmi(unified_panel).text_lists == []
        assert backend.hmi_unified.apply_unified_hmi(unified_panel,
                                                     UnifiedHmi(text_lists=[STATES])).text_lists == [STATES]
        with pytest.raises(e.AlreadyExistsError) as exists:
            backend.hmi_unified.apply_unified_hmi(unified_panel, UnifiedHmi(text_lists=[STATES]))
        assert exists.value.code == "TEXT_LIST_EXISTS"
        backend.hmi_unified.apply_unified_hmi(unified_panel,
                                              UnifiedHmi(graphic_lists=[UnifiedGraphicList(name="Lamp")]))
    backend.hmi_unified.delete_unified_object(unified_panel, "textList", "states")
    backend.hmi_unified.delete_unified_object(unified_panel, "graphicList", "LAMP")
    missing: tuple[tuple[UnifiedKind, str], ...] = (("textList", "TEXT_LIST_NOT_FOUND"),
                                                    ("graphicList", "GRAPHIC_LIST_NOT_FOUND"))
    for kind, code in missing:
        with pytest.raises(e.NotFoundError) as gone:
            backend.hmi_unified.delete_unified_object(unified_panel, kind, "States")
        assert gone.value.code == code
    if _bridge(backend):
        assert [str(t.Name) for t in _bridge_software(backend, unified_panel).HmiTextLists] == []
    else:
        assert backend.hmi_unified.read_unified_hmi(unified_panel).text_lists == []


def test_a_graphic_list_names_a_project_graphic(backend: EngineeringBackend, unified_panel: str) -> None:
    lamp = UnifiedGraphicList(name="Lamp", list_range="Bit", entries=[HmiGraphicListEntry(range_from="1",
                                                                                          graphic="Lamp_on")])
    with pytest.raises((e.ValidationError, e.NotSupportedError)) as refused:
        backend.hmi_unified.apply_unified_hmi(unified_panel, UnifiedHmi(graphic_lists=[lamp]))
    assert refused.value.code == ("NO_OPENNESS_EQUIVALENT" if _bridge(backend) else "GRAPHIC_NOT_FOUND")
