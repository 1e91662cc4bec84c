"""An SCL source whose line numbers the client sees: one numbering from import to compile."""

from __future__ import annotations

from tests.scl_frames import start_running_fb

__all__ = ("ONE_NUMBERING",)

ONE_NUMBERING = "// Line 1 of what the client sent\n" + start_running_fb(
    "FB_Lines", "#Running := #Start;", '#Running := #Start AND "Nowhere_Tag";')
