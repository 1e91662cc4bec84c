"""What the operations on the objects of a PLC share: the errors they answer, the files they read, and the
inputs that name a PLC, a folder of its trees, or a SimaticML file to import."""

from __future__ import annotations

from engineering_api.backend import errors as e
from engineering_api.lib.schema import CamelStruct

__all__ = ("NEEDS_PLC", "XML", "DeviceRef", "FileImportInput", "FolderRef")

NEEDS_PLC = (e.NotFoundError, e.ValidationError, e.NoProjectOpenError, e.PortalUnavailableError)
"""The errors of any operation on a PLC's objects: no such PLC or object, bad input, no project open, no portal."""
XML = (".xml",)
"""The file kind of a SimaticML import."""


class DeviceRef(CamelStruct):
    """A PLC by name."""

    device_name: str


class FolderRef(DeviceRef):
    """A folder of one of a PLC's trees, by its path (``a/b``)."""

    folder_path: str


class FileImportInput(DeviceRef):
    """A SimaticML file inside the roots, imported into a folder of the PLC (the top level by default)."""

    import_file_path: str
    folder_path: str = ""
    overwrite: bool = False
