"""HMI screens drawn to PNG and HMI tags' live values, through HTTP.

A TP700 panel is connected to PLC_1; its HMI tag ``Speed`` is bound to ``Belt_DB.Count``. Before the PLC runs in
PLCSim the I/O field shows ``###``; once the program is downloaded to a simulated CPU the field shows the PLC's
value, and after a write the new one. The tests look at the pixels: the I/O field's region is compared with a
reference render of a text field showing the expected digits in the same box and style, and a rectangle's fill
colour is read at its centre.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from PIL import Image

from engineering_api.rules.hmi_render import format_value, render_screen
from simatic_xml import hmi as sx
from simatic_xml import hmi_lists as hl
from tests.api.hmi_support import HMI, TP700, connection_file, write
from tests.conftest import Headers, add_device, assert_error, data
from tests.api.hmi_render import lamp, simulate

pytest.importorskip("fakes.runtime.image", reason="the simulated PLC engine (fakes.runtime.image) is not present")

FIELD = (40, 60, 160, 36)
"""Left, top, width, height of the I/O field."""
STATE = (40, 200, 160, 36)
"""The symbolic I/O field showing Running through the text list RunStates."""
STYLE = {"BackFillStyle": "Solid", "BackColor": "255, 255, 255", "ForeColor": "0, 0, 0", "BorderColor": "0, 0, 0",
         "BorderWidth": "1", "HorizontalAlignment": "Right", "VerticalAlignment": "Middle"}


def styled(item: sx.HmiObject) -> sx.HmiObject:
    for name, value in STYLE.items():
        item.set_attr(name, value)
    return item


RED, GREEN, GREY = (255, 0, 0), (0, 200, 0), (128, 128, 128)
LAMP_CENTRE = (480, 90)


def state_field() -> sx.HmiObject:
    item = styled(sx.new_item("SymbolicIOField", "State_IO", *STATE, tag="Running"))
    item.set_link("TextList", "RunStates")
    return item


def main_screen() -> sx.HmiDocument:
    box = sx.new_item("Rectangle", "Box", 300, 60, 100, 80)
    box.set_attr("BackColor", "0, 160, 0")
    return sx.new_screen("Main", 2, 800, 480, "V19", [
        styled(sx.new_item("IOField", "Speed_IO", *FIELD, tag="Speed")), box, lamp("Run_Lamp", "Running"),
        state_field(),
        sx.new_item("TextField", "Label", 40, 20, 200, 30, text="Line speed"),
        sx.new_item("Button", "Start", 40, 120, 120, 40, text="Start")])


def reference(text: str, box: tuple[int, int, int, int] = FIELD) -> Image.Image:
    """A text field in a field's box and style, showing ``text``."""
    doc = sx.new_screen("Ref", 9, 800, 480, "V19", [styled(sx.new_item("TextField", "Ref", *box, text=text))])
    return Image.open(io.BytesIO(render_screen(doc)))


def region(image: Image.Image, box: tuple[int, int, int, int] = FIELD) -> bytes:
    left, top, width, height = box
    return image.convert("RGB").crop((left, top, left + width, top + height)).tobytes()


def screen_image(client: TestClient[Any], headers: Headers) -> Image.Image:
    response = client.get(f"{HMI}/screens/Main/image", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.size == (800, 480)
    return image


@pytest.fixture
def panel(admin_headers: Headers, cpu: dict[str, Any], client: TestClient[Any], workspace: Path) -> Headers:
    """PLC_1 and HMI_1, connected; HMI tags Speed (→ Belt_DB.Count), Running (→ Belt_DB.Running), Key (→
    Service_Key) and Page (internal); the text list RunStates; the screen Main."""
    h = admin_headers
    add_device(client, h, TP700, "HMI_1")
    data(client.post(f"{HMI}/connections/actions/import", json={"importFilePath": connection_file(workspace)},
                     headers=h))
    tags = sx.new_tag_table("Line", "V19", [
        sx.new_tag("Speed", "DInt", connection="HMI_Connection_1", plc_tag="Belt_DB.Count"), sx.new_tag("Page", "Int"),
        sx.new_tag("Key", "Bool", connection="HMI_Connection_1", plc_tag="Service_Key"),
        sx.new_tag("Running", "Bool", connection="HMI_Connection_1", plc_tag="Belt_DB.Running")])
    data(client.post(f"{HMI}/tags/actions/import", json={"importFilePath": write(workspace, "t.xml", tags)}, headers=h))
    states = hl.new_text_list("RunStates", "V19", [((0, 0), "Stopped"), ((1, 1), "Running")])
    data(client.post(f"{HMI}/text-lists/actions/import", json={"importFilePath": write(workspace, "l.xml", states)},
                     headers=h))
    data(client.post(f"{HMI}/screens/actions/import", json={"importFilePath": write(workspace, "s.xml", main_screen())},
                     headers=h))
    return h


def test_the_io_field_shows_the_plcs_live_value(client: TestClient[Any], panel: Headers,
                                                viewer_headers: Headers) -> None:
    before = screen_image(client, viewer_headers)
    assert region(before) == region(reference("###"))  # no simulated PLC yet: no value
    assert before.convert("RGB").getpixel(LAMP_CENTRE) == GREY  # nor for the lamp's animation
    assert region(before, STATE) == region(reference("###", STATE), STATE)
    simulate(client, panel)

    shown = screen_image(client, viewer_headers)
    assert region(shown) == region(reference("1234"))
    assert region(shown) != region(before)
    assert shown.convert("RGB").getpixel((350, 100)) == (0, 160, 0)  # the rectangle's fill at its centre
    assert shown.convert("RGB").getpixel((5, 5)) == (255, 255, 255)  # the screen's background
    assert shown.convert("RGB").getpixel(LAMP_CENTRE) == RED  # no cycle has run: Running is still false
    assert region(shown, STATE) == region(reference("Stopped", STATE), STATE)  # the text list's entry for 0

    step = "/api/simulation/instances/Line/actions/step"
    data(client.post(step, json={"cycles": 1}, headers=panel))  # Running := Count > 0
    running = screen_image(client, viewer_headers)
    assert running.convert("RGB").getpixel(LAMP_CENTRE) == GREEN
    assert region(running, STATE) == region(reference("Running", STATE), STATE)

    data(client.post("/api/simulation/tags/refresh", json={"instanceName": "Line"}, headers=panel))  # after a download
    data(client.post("/api/simulation/tags/batch-write", json={"tags": [{"name": "Belt_DB.Count", "value": -77}],
                                                              "instanceName": "Line"}, headers=panel))
    data(client.post(step, json={"cycles": 1}, headers=panel))
    after = screen_image(client, viewer_headers)
    assert region(after) == region(reference("-77"))
    assert after.convert("RGB").getpixel(LAMP_CENTRE) == RED


def test_live_values_say_where_they_come_from(client: TestClient[Any], panel: Headers, viewer_headers: Headers) -> None:
    unread = {v["name"]: v for v in data(client.get(f"{HMI}/tags/values", headers=viewer_headers))}
    assert unread["Speed"]["error"]["code"] == "PLC_NOT_SIMULATED" and unread["Speed"]["value"] is None
    assert unread["Page"]["error"]["code"] == "INTERNAL_TAG"
    # a PLC tag not accessible from HMI/OPC UA/Web API is out of an HMI's reach, as in TIA
    data(client.post("/api/devices/PLC_1/tags", json={"name": "Service_Key", "dataType": "Bool",
                                                      "logicalAddress": "%I0.1", "hmiAccessible": False},
                                                      headers=panel))
    simulate(client, panel)
    key = data(client.get(f"{HMI}/tags/values", params={"tagNames": ["Key"]}, headers=viewer_headers))[0]
    assert (key["value"], key["quality"], key["error"]["code"]) == (None, "Bad", "NOT_ACCESSIBLE")
    values = data(client.get(f"{HMI}/tags/values", params={"tagNames": ["speed"]}, headers=viewer_headers))
    assert len(values) == 1
    speed = values[0]
    assert (speed["name"], speed["value"], speed["quality"], speed["plc"], speed["instance"], speed["plcTag"],
            speed["error"]) == ("Speed", 1234, "Good", "PLC_1", "Line", "Belt_DB.Count", None)
    missing = assert_error(client.get(f"{HMI}/tags/values", params={"tagNames": ["Speed", "Nope"]},
                                      headers=viewer_headers), 404, "HMI_TAG_NOT_FOUND")
    assert missing["details"]["tagNames"] == ["Nope"]


def test_image_errors_and_roles(client: TestClient[Any], panel: Headers) -> None:
    assert_error(client.get(f"{HMI}/screens/Nope/image", headers=panel), 404, "SCREEN_NOT_FOUND")
    assert_error(client.get("/api/devices/PLC_1/hmi/screens/Main/image", headers=panel), 422, "NOT_AN_HMI")
    assert_error(client.get("/api/devices/Nope/hmi/screens/Main/image", headers=panel), 404, "DEVICE_NOT_FOUND")
    assert client.get(f"{HMI}/screens/Main/image").status_code == 401
    assert client.get(f"{HMI}/tags/values").status_code == 401
    # the root screen of a new panel is drawn too: an empty white screen of the panel's size
    empty = Image.open(io.BytesIO(client.get(f"{HMI}/screens/Root screen/image", headers=panel).content))
    assert empty.size == (800, 480) and empty.convert("RGB").getcolors() == [(800 * 480, (255, 255, 255))]


def test_values_are_formatted_as_tia_patterns_say() -> None:
    assert format_value(3.14159, "s999.99") == "+3.14"
    assert format_value(42, "0000") == "0042"
    assert format_value(-5, "s99") == "-5"
    assert format_value(True) == "1"
    assert format_value(255, data_format="Hexadecimal") == "FF"
    assert format_value(5, data_format="Binary") == "101"
    assert format_value(None) == "###"


def test_what_the_render_leaves_out_or_refuses() -> None:
    hidden = sx.new_item("Rectangle", "Hidden", 0, 0, 100, 100)
    hidden.set_attr("BackColor", "255, 0, 0")
    hidden.set_attr("Visible", "false")
    gauge = sx.new_item("Gauge", "Gauge_1", 200, 200, 100, 100)
    image = Image.open(io.BytesIO(
        render_screen(sx.new_screen("S", 3, 800, 480, "V19", [hidden, gauge])))).convert("RGB")
    assert image.getpixel((50, 50)) == (255, 255, 255)  # hidden, as Runtime hides it
    assert image.getpixel((200, 250)) == (150, 150, 150)  # an item without a drawing: outlined in grey
    for width, height in ((0, 480), (5000, 480)):
        with pytest.raises(ValueError, match="1..4096"):
            render_screen(sx.new_screen("Huge", 4, width, height, "V19"))


def test_a_cpu_without_hmi_access_shows_no_values(client: TestClient[Any], panel: Headers,
                                                  viewer_headers: Headers) -> None:
    # "no access": an HMI reads only with the HMI access password, which a panel of this server does not hold
    data(client.post("/api/devices/PLC_1/security/configure", json={
        "protectionLevel": "NoAccess", "passwords": {"FullAccess": "Fu11-access!", "HMIAccess": "Hm1-access!"}},
        headers=panel))
    simulate(client, panel)  # the fresh CPU takes the first download and with it the protection level
    speed = data(client.get(f"{HMI}/tags/values", params={"tagNames": ["Speed"]}, headers=viewer_headers))[0]
    assert (speed["value"], speed["quality"], speed["error"]["code"], speed["plc"]) == (
        None, "Bad", "CPU_ACCESS_DENIED", "PLC_1")
    assert region(screen_image(client, viewer_headers)) == region(reference("###"))


def test_graphic_views_show_their_project_graphic(client: TestClient[Any], panel: Headers, workspace: Path,
                                                  viewer_headers: Headers) -> None:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 0, 255)).save(out, format="PNG")
    (workspace / "pump.png").write_bytes(out.getvalue())
    data(client.post(f"{HMI}/project-graphics/actions/import", json={"importFilePath": "pump.png", "name": "Pump_on"},
                     headers=panel))
    pump, lost = sx.new_item("GraphicView", "Pump", 600, 300, 60,
                             60), sx.new_item("GraphicView", "Lost", 700, 300, 60, 60)
    pump.set_link("Picture", "Pump_on")
    lost.set_link("Picture", "Nowhere")
    screen = sx.new_screen("Plant", 3, 800, 480, "V19", [pump, lost])
    data(client.post(f"{HMI}/screens/actions/import", json={"importFilePath": write(workspace, "p.xml", screen)},
                     headers=panel))
    image = Image.open(io.BytesIO(
        client.get(f"{HMI}/screens/Plant/image", headers=viewer_headers).content)).convert("RGB")
    assert image.getpixel((630, 330)) == (0, 0, 255)  # the 8x8 graphic stretched over the view (AutoSizing default)
    assert image.getpixel((700, 330)) == (150, 150, 150) and image.getpixel((730, 330)) == (255, 255, 255)  # outlined
