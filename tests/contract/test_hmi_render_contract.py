"""The PNG render and the live values run on every adapter: they read the panel through the port (the screen's
export, the tag tables, the connections, the PLCSim instances), so the fake and the Openness bridge (stand-in under
Mono) give the same picture and the same reasons for missing values."""

from __future__ import annotations

import io
from types import SimpleNamespace
from typing import TYPE_CHECKING, cast

from PIL import Image

from engineering_api.backend.port import EngineeringBackend
from engineering_api.domain.hmi_render import screen_png
from engineering_api.domain.hmi_tree import ScreenRef
from engineering_api.domain.hmi_values import device_tags, read_values
from simatic_xml import hmi as sx
from tests.contract.hmi_connection import connection
from tests.contract.played import Played

if TYPE_CHECKING:
    from engineering_api.jobs.operations import OperationContext

BRIDGE_PENDING: dict[str, str] = {}


def test_an_exported_screen_is_drawn_and_values_say_why_they_are_missing(backend: EngineeringBackend,
                                                                          panel: str, tia: Played) -> None:
    backend.hmi.import_hmi_connection(panel, connection(tia))
    backend.hmi.import_hmi_tag_table(panel, sx.to_bytes(sx.new_tag_table("Motor", tia.version, [
        sx.new_tag("Speed", "Int", connection="HMI_Connection_1", plc_tag="Motor_DB.Speed"),
        sx.new_tag("Page", "Int")])))
    box = sx.new_item("Rectangle", "Box", 100, 100, 50, 50)
    box.set_attr("BackColor", "0, 0, 255")
    backend.hmi.import_hmi_screen(panel, sx.to_bytes(sx.new_screen("Main", 2, 800, 480, tia.version, [
        box, sx.new_item("IOField", "Speed_IO", 10, 10, 100, 30, tag="Speed")])))
    ctx = cast("OperationContext", SimpleNamespace(backend=backend))  # the handlers use only the port

    image = Image.open(io.BytesIO(screen_png(ctx, ScreenRef(device_name=panel, screen_name="Main")))).convert("RGB")
    assert image.size == (800, 480) and image.getpixel((125, 125)) == (0, 0, 255)
    values = {v.name: v for v in read_values(ctx, panel, device_tags(ctx, panel))}
    speed_error, page_error = values["Speed"].error, values["Page"].error
    assert speed_error is not None and speed_error.code == "PLC_NOT_SIMULATED" and values["Speed"].plc == "PLC_1"
    assert page_error is not None and page_error.code == "INTERNAL_TAG"
