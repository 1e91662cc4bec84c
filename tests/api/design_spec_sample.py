"""A design spec with modules, IO, outputs and interlocks, as the design-spec API tests send it."""

from __future__ import annotations

from typing import Any

__all__ = ("DESIGN", "INTERLOCKS", "IO", "MODULES", "OUTPUTS")

IO = [
    {"name": "Pump1_Start", "address": "%I0.0", "dataType": "Bool", "comment": "start button"},
    {"name": "Pump1_Stop", "address": "%I0.1", "dataType": "Bool"},
    {"name": "Pump1_Overload", "address": "%I0.2", "dataType": "Bool"},
    {"name": "Tank_Level_Low", "address": "%I0.4", "dataType": "Bool"},
    {"name": "Tank_Level", "address": "%IW64", "dataType": "Int"},
]

OUTPUTS = [{"name": "Pump1_Run", "address": "%Q0.0", "dataType": "Bool"}]

MODULES = [
    {"name": "Pump1", "template": "motor_starter", "parameters": {"blockName": "FB_Motor", "feedbackTimeout": "T#3s"},
     "io": {"Start": "Pump1_Start", "Stop": "Pump1_Stop", "Overload": "Pump1_Overload", "Run": "Pump1_Run"},
     "comment": "feed pump"},
]

INTERLOCKS = [{"target": "Pump1", "condition": 'NOT "Tank_Level_Low"', "comment": "dry-run protection"}]

DESIGN: dict[str, Any] = {"name": "Line1", "io": [*IO, *OUTPUTS], "modules": MODULES, "interlocks": INTERLOCKS}
