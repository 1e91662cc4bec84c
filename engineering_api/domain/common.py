"""What the operations on the objects of a PLC share: the errors they answer and the files they read."""

from __future__ import annotations

from engineering_api.backend import errors as e

__all__ = ("NEEDS_PLC", "XML")

NEEDS_PLC = (e.NotFoundError, e.ValidationError, e.NoProjectOpenError, e.PortalUnavailableError)
"""The errors of any operation on a PLC's objects: no such PLC or object, bad input, no project open, no portal."""
XML = (".xml",)
"""The file kind of a SimaticML import."""
