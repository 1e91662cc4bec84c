"""Screen item classes as the real V17-V19 metadata has them (openness_bridge.hmi_unified).

The bridge builds two .NET names from an item's type at run time: the class (searched in the namespaces that hold
screen items; ``HmiScreenWindow`` is in ``UI.Screens``, not ``UI.Widgets``) and its event enum
(``<Type>EventType``; real V17-V19 have none for ``HmiLabel``, which has no ``EventHandlers`` either). The stand-in
declares both classes as the real ``Siemens.Engineering.dll`` 19.0.0.0 places them.
"""

from __future__ import annotations

from typing import Any

from engineering_api.backend.areas.hmi_unified import UnifiedEvent, UnifiedHmi, UnifiedScreen, UnifiedScreenItem
from engineering_api.backend.errors import NotSupportedError
from tests.contract.conftest import MTP700
from tests.lib.outcomes import raises_code


def test_a_label_and_a_screen_window_are_placed_and_read_back(plc: Any) -> None:
    plc.devices.add_device(MTP700, None, "HMI_U")
    items = [UnifiedScreenItem(name="Title", type="HmiLabel", left=10, top=5, width=200, height=30),
             UnifiedScreenItem(name="Detail", type="HmiScreenWindow", left=0, top=40, width=400, height=300)]
    plc.hmi_unified.apply_unified_hmi("HMI_U", UnifiedHmi(screens=[UnifiedScreen(name="Main", items=items)]))
    screen = plc.hmi_unified.read_unified_hmi("HMI_U").screens[0]
    assert [(i.name, i.type, i.left, i.top, i.width, i.height, i.events) for i in screen.items] == [
        ("Title", "HmiLabel", 10, 5, 200, 30, []), ("Detail", "HmiScreenWindow", 0, 40, 400, 300, [])]


def test_events_on_a_class_without_events_answer_501(plc: Any) -> None:
    plc.devices.add_device(MTP700, None, "HMI_U")
    label = UnifiedScreenItem(name="Title", type="HmiLabel", events=[UnifiedEvent(event="Tapped", script_code="")])
    raises_code(NotSupportedError, "NO_OPENNESS_EQUIVALENT", plc.hmi_unified.apply_unified_hmi, "HMI_U",
                UnifiedHmi(screens=[UnifiedScreen(name="Main", items=[label])]))
    assert plc.hmi_unified.read_unified_hmi("HMI_U").screens == []  # nothing was changed
