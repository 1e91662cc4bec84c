"""What the domain's operations share: the errors of an operation on a PLC's objects, the files they read, the
inputs that name a PLC, a folder of its trees, or a SimaticML file to import, the file an export wrote, the folders
of a tree. (A plain read's form is ``jobs.operations.read``.)"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from engineering_api.backend import errors as e
from engineering_api.backend.models import FOLDER_NODE
from engineering_api.lib.schema import CamelStruct
from engineering_api.rules.project_texts import ProjectTexts

if TYPE_CHECKING:
    from collections.abc import Sequence

    from engineering_api.jobs.operations import OperationContext

__all__ = (
    "NEEDS_PLC", "XML", "DeviceRef", "ExportedFile", "FileImportInput", "FolderRef", "TreeNode", "folder_paths",
    "program_revision_key",
)

NEEDS_PLC = (e.NotFoundError, e.ValidationError, e.NoProjectOpenError, e.PortalUnavailableError)
"""The errors of any operation on a PLC's objects: no such PLC or object, bad input, no project open, no portal."""
XML = (".xml",)
"""The file kind of a SimaticML import."""


class DeviceRef(ProjectTexts):
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


class ExportedFile(CamelStruct):
    """A file an export wrote: the object exported, where, and how many bytes."""

    name: str
    export_path: str
    size: int


class TreeNode(Protocol):
    """A node of one of a PLC's trees ("PLC tags", "PLC data types"): a folder with children, or an object."""

    @property
    def path(self) -> str: ...
    @property
    def is_folder(self) -> bool: ...
    @property
    def node_type(self) -> str: ...
    @property
    def children(self) -> Sequence[TreeNode]: ...


def folder_paths(node: TreeNode) -> list[str]:
    """The paths of every user folder below ``node``, each parent before its subfolders. The nodes of software units
    (:data:`~engineering_api.backend.models.SOFTWARE_UNITS_NODE`, ``SOFTWARE_UNIT_NODE``) hold folders but are none:
    what deletes or renames a folder refuses them, so a dry run must too."""
    found = []
    for child in node.children:
        if child.is_folder:
            own = [child.path] if child.node_type == FOLDER_NODE else []
            found += [*own, *folder_paths(child)]
    return found


def program_revision_key(ctx: OperationContext, device: str) -> tuple[str, str] | None:
    """The key a value derived from ``device``'s whole program is kept under
    (:class:`~engineering_api.lib.content_memo.RevisionMemo`): the PLC and its program's revision, or None when the
    adapter cannot tell (:meth:`~engineering_api.backend.areas.program.ProgramPort.program_revision`)."""
    revision = ctx.backend.program.program_revision(device)
    return None if revision is None else (device, revision)
