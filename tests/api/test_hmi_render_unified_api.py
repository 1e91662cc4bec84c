"""A WinCC Unified screen drawn to PNG from the panel's object model, its I/O field showing the PLC's live value
(the same route as a classic screen's; pixels checked against the renderer's own drawing of that value)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from litestar.testing import TestClient
from PIL import Image

from engineering_api.backend.areas.hmi_unified import UnifiedScreen, UnifiedScreenItem
from engineering_api.rules.hmi_render_unified import render_unified_screen
from tests.api.hmi_render import simulate
from tests.conftest import Headers, add_device, assert_error, data

pytest.importorskip("fakes.runtime.image", reason="the simulated PLC engine (fakes.runtime.image) is not present")

MTP700 = "6AV2 128-3GB06-0AX1"
HMI = "/api/devices/HMI_U/hmi"
FIELD = (40, 60, 160, 40)
ITEMS: list[dict[str, Any]] = [
    {"name": "Speed_IO", "type": "HmiIOField", "left": FIELD[0], "top": FIELD[1], "width": FIELD[2],
     "height": FIELD[3], "tag": "Speed"},
    {"name": "Box", "type": "HmiRectangle", "left": 300, "top": 60, "width": 100, "height": 80},
    {"name": "Start", "type": "HmiButton", "left": 40, "top": 140, "width": 120, "height": 40, "text": "Start"},
    {"name": "Dial", "type": "HmiGauge", "left": 500, "top": 60, "width": 120, "height": 120},
]


def expected(value: Any) -> bytes:
    """The I/O field's pixels as the renderer draws ``value`` (None: no value)."""
    screen = UnifiedScreen(name="Ref", width=800, height=480,
                           items=[UnifiedScreenItem(**{k: v for k, v in ITEMS[0].items()})])
    image = Image.open(io.BytesIO(render_unified_screen(screen, {} if value is None else {"Speed": value})))
    return region(image)


def region(image: Image.Image, box: tuple[int, int, int, int] = FIELD) -> bytes:
    left, top, width, height = box
    return image.convert("RGB").crop((left, top, left + width, top + height)).tobytes()


def image_of(client: TestClient[Any], headers: Headers, screen: str = "Overview") -> Image.Image:
    response = client.get(f"{HMI}/screens/{screen}/image", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    return Image.open(io.BytesIO(response.content))


def test_a_unified_screen_shows_the_plcs_live_value(client: TestClient[Any], admin_headers: Headers,
                                                    cpu: dict[str, Any], viewer_headers: Headers) -> None:
    h = admin_headers
    add_device(client, h, MTP700, "HMI_U")
    data(client.post(f"{HMI}/connections", json={"name": "HMI_Connection_1", "partner": "PLC_1",
                                                 "communicationDriver": "SIMATIC S7 1500"}, headers=h))
    data(client.post(f"{HMI}/tags", json={"name": "Speed", "dataType": "DInt", "tagTable": "Line",
                                          "connection": "HMI_Connection_1", "plcTag": "Belt_DB.Count"}, headers=h))
    data(client.post(f"{HMI}/screens", json={"name": "Overview", "items": ITEMS}, headers=h))

    before = image_of(client, viewer_headers)
    assert before.size == (800, 480), "a screen without a size takes the panel's"
    assert region(before) == expected(None)  # no simulated PLC yet: ###
    simulate(client, h)
    shown = image_of(client, viewer_headers)
    assert region(shown) == expected(1234) != expected(None)
    assert shown.convert("RGB").getpixel((350, 100)) == (255, 255, 255)  # the rectangle's default white fill
    assert shown.convert("RGB").getpixel((300, 60)) == (0, 0, 0)  # and its black border
    assert shown.convert("RGB").getpixel((500, 60)) != (255, 255, 255)  # the gauge outlined, not drawn
    assert_error(client.get(f"{HMI}/screens/Nope/image", headers=viewer_headers), 404, "SCREEN_NOT_FOUND")
