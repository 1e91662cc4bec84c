"""What the HMI API tests share: the panels' order numbers, the HMI route, a connection file and a write helper."""

from __future__ import annotations

from pathlib import Path

from simatic_xml import hmi as sx

__all__ = ("HMI", "MTP700", "TP700", "connection_file", "write")

TP700 = "6AV2 124-0GC01-0AX0"

MTP700 = "6AV2 128-3GB06-0AX1"

HMI = "/api/devices/HMI_1/hmi"


def write(workspace: Path, name: str, doc: sx.HmiDocument | bytes) -> str:
    (workspace / "in").mkdir(exist_ok=True)
    (workspace / "in" / name).write_bytes(doc if isinstance(doc, bytes) else sx.to_bytes(doc))
    return f"in/{name}"


def connection_file(workspace: Path, name: str = "HMI_Connection_1") -> str:
    return write(workspace, f"{name}.xml", sx.new_connection(name, "PLC_1", "SIMATIC S7 1500", "V19",
                                                             address="192.168.0.1"))
