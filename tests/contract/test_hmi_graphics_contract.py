"""Project graphics on every adapter: list, import, export and delete (the fake keeps the images; Openness moves
them only as unpublished SimaticML, so the bridge answers 501 for the image itself)."""

from __future__ import annotations

import pytest

from engineering_api.backend import errors as e
from engineering_api.backend.port import EngineeringBackend
from tests.api.hmi_graphics import SVG, png
from tests.lib.outcomes import raises_code


def test_import_export_delete(backend: EngineeringBackend, panel: str) -> None:
    try:
        made = backend.hmi_graphics.import_hmi_project_graphic(panel, "Lamp", png())
    except e.NotSupportedError as exc:  # the bridge: no image exchange in Openness
        assert exc.code == "NO_OPENNESS_EQUIVALENT"
        with pytest.raises(e.NotSupportedError):
            backend.hmi_graphics.export_hmi_project_graphic(panel, "Lamp")
        assert backend.hmi_graphics.list_hmi_project_graphics(panel) == []
        return
    assert (made.name, made.format, made.size) == ("Lamp", "png", len(png()))
    backend.hmi_graphics.import_hmi_project_graphic(panel, "Valve", SVG)
    assert [(g.name, g.format) for g in backend.hmi_graphics.list_hmi_project_graphics(panel)] == [("Lamp", "png"),
                                                                                                   ("Valve", "svg")]
    exported = backend.hmi_graphics.export_hmi_project_graphic(panel, "lamp")
    assert (exported.name, exported.format, exported.data) == ("Lamp", "png", png())
    raises_code(e.AlreadyExistsError, "GRAPHIC_EXISTS", backend.hmi_graphics.import_hmi_project_graphic, panel, "LAMP",
                SVG)
    backend.hmi_graphics.delete_hmi_project_graphic(panel, "Valve")
    assert [g.name for g in backend.hmi_graphics.list_hmi_project_graphics(panel)] == ["Lamp"]


def test_unknown_and_refused(backend: EngineeringBackend, panel: str) -> None:
    raises_code(e.NotFoundError, "GRAPHIC_NOT_FOUND", backend.hmi_graphics.delete_hmi_project_graphic, panel, "Nope")
    raises_code(e.ValidationError, "NOT_AN_HMI", backend.hmi_graphics.delete_hmi_project_graphic, "PLC_1", "Nope")
    try:
        backend.hmi_graphics.import_hmi_project_graphic(panel, "Bad", b"GIF89a")
    except e.NotSupportedError as exc:
        assert exc.code == "NO_OPENNESS_EQUIVALENT"
    except e.ValidationError as exc:
        assert exc.code == "UNSUPPORTED_GRAPHIC"
    assert backend.hmi_graphics.list_hmi_project_graphics(panel) == []
