"""An HMI connection, for the HMI contract tests."""

from __future__ import annotations

from simatic_xml import hmi as sx
from tests.contract.played import Played

__all__ = ("connection",)


def connection(tia: Played, name: str = "HMI_Connection_1") -> bytes:
    return sx.to_bytes(sx.new_connection(name, "PLC_1", "SIMATIC S7 1500", tia.version, address="192.168.0.1"))
