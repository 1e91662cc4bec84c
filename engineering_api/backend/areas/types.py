"""PLC data types (UDTs): listing, content, create/update, folders (port area and its models).

Consistency: an object that uses a UDT is inconsistent when the UDT's interface changed after the object
was last built (compiled) against it, when a type it uses is missing, or when a type it uses is itself
inconsistent. A successful compile makes it consistent again.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from engineering_api.lib.schema import CamelStruct

__all__ = (
    "TypeDeleteResult", "TypeDetails", "TypeInfo", "TypeMember", "TypeTreeNode", "TypeUpdateResult", "TypeUser",
    "TypesPort",
)


class TypeMember(CamelStruct):
    """A member of a UDT; ``Struct`` members nest ``members``."""

    name: str
    data_type: str
    start_value: str | None = None
    comment: str | None = None
    comments: dict[str, str] = {}
    members: list[TypeMember] = []


class TypeUser(CamelStruct):
    """A block or UDT whose interface refers to a UDT."""

    name: str
    kind: str
    """``FB``, ``GlobalDB``, ``UDT``…"""
    is_consistent: bool = True


class TypeInfo(CamelStruct):
    """A UDT as listed (``Number`` is always null: PLC data types have no number)."""

    name: str
    folder: str = ""
    number: int | None = None
    is_consistent: bool = True
    member_count: int = 0
    uses_types: list[str] = []
    missing_types: list[str] = []


class TypeDetails(TypeInfo, kw_only=True):
    """A UDT with its members, comment and the objects that use it."""

    comment: str | None = None
    title: str | None = None
    members: list[TypeMember] = []
    used_by: list[TypeUser] = []


class TypeUpdateResult(CamelStruct):
    """The updated UDT and the users that became inconsistent (they need a compile)."""

    udt: TypeDetails
    affected_users: list[TypeUser]
    interface_changed: bool


class TypeDeleteResult(CamelStruct):
    """What was deleted; users left with a missing type when ``force`` was set."""

    deleted: list[str]
    orphaned_users: list[TypeUser] = []


class TypeTreeNode(CamelStruct):
    """A node of the "PLC data types" tree: a folder (with children) or a UDT."""

    name: str
    path: str
    is_folder: bool
    node_type: str
    """``Folder`` or ``UDT``; on a CPU with software units (bridge) also ``SoftwareUnits`` and ``SoftwareUnit``, which
    hold folders but are none (:data:`~engineering_api.backend.models.SOFTWARE_UNITS_NODE`)."""
    is_consistent: bool | None = None
    children: list[TypeTreeNode] = []


class TypesPort(ABC):
    """PLC data types (UDTs): listing, content, create/update, folders.

    Every method runs on the TIA worker thread; docstrings name the domain errors raised. Common to all:
    NotFoundError for an unknown device, ValidationError (``NOT_A_PLC``) for a device without PLC software.
    """

    @abstractmethod
    def list_types(self, device: str) -> list[TypeInfo]:
        """The PLC data types of a PLC, in project order."""

    @abstractmethod
    def type_tree(self, device: str) -> TypeTreeNode:
        """The "PLC data types" folder with its subfolders (including empty ones) and UDTs."""

    @abstractmethod
    def get_type(self, device: str, name: str) -> TypeDetails:
        """One UDT with members and users.

        Raises:
            NotFoundError: no such UDT (``UDT_NOT_FOUND``).
        """

    @abstractmethod
    def import_type(self, device: str, data: bytes, *, folder: str, overwrite: bool, source: str) -> TypeDetails:
        """Create (or with ``overwrite`` replace) a UDT from a SimaticML ``PlcStruct`` document.

        Raises:
            ValidationError: not SimaticML, not a PLC data type (``NOT_A_UDT``), a newer version, a UDT
                that contains itself directly or through other UDTs (``RECURSIVE_TYPE``), or a folder path
                breaking the folder rules (``INVALID_FOLDER``, :mod:`engineering_api.rules.folders`).
            AlreadyExistsError: a UDT of that name exists and ``overwrite`` is false.
        """

    @abstractmethod
    def update_type(self, device: str, name: str, data: bytes) -> TypeUpdateResult:
        """Replace the members of an existing UDT (the document must keep the UDT's name).

        Users of the UDT (blocks and UDTs referring to ``"name"``, directly or through other UDTs) become
        inconsistent when the interface changed, until they are compiled again.

        Raises:
            NotFoundError: no such UDT.
            ValidationError: as for :meth:`import_type`, or a document naming another UDT (``NAME_MISMATCH``).
        """

    @abstractmethod
    def delete_type(self, device: str, name: str, *, force: bool) -> TypeDeleteResult:
        """Delete a UDT.

        Raises:
            NotFoundError: no such UDT.
            ConflictError: the UDT is still used and ``force`` is false (``TYPE_IN_USE``).
        """

    @abstractmethod
    def export_type(self, device: str, name: str) -> bytes:
        """The SimaticML of a UDT, as TIA exports it.

        Raises:
            NotFoundError: no such UDT.
        """

    @abstractmethod
    def add_type_folder(self, device: str, path: str) -> str:
        """Create a folder (and its parents) below "PLC data types"; returns the normalised path.

        Raises:
            ValidationError: ``INVALID_FOLDER``: the path breaks :mod:`engineering_api.rules.folders`.
            AlreadyExistsError: the folder exists.
        """

    @abstractmethod
    def delete_type_folder(self, device: str, path: str, *, force: bool) -> TypeDeleteResult:
        """Delete a folder with its subfolders and the UDTs in them (as TIA does).

        Raises:
            NotFoundError: no such folder.
            ConflictError: a UDT inside is used by an object outside the folder and ``force`` is false.
        """
