"""Libraries: master copies and types with versions (:mod:`engineering_api.rules.library` has TIA's rules).

Every method takes ``library``: None is the open project's library; a global library open in the portal
(:mod:`.global_library` has their lifecycle) is named there, the same model in another container. Instances of
types live in the project's PLCs and are linked to the project library's types: instantiating a type of a global
library first copies it (the version with the types it uses) into the project library, as TIA does.

On a global library: a change of a library opened read-only is refused with ``ConflictError``
``LIBRARY_READ_ONLY``; types are edited in the project library, so ``create``/``edit``/``release``/``discard`` of a
global library's type raise ``ValidationError`` ``EDIT_IN_PROJECT_LIBRARY`` (copy a type over with
:meth:`~.global_library.GlobalLibraryPort.update_global_library`); reading one needs no open project.

Errors common to all methods: ``NotFoundError`` ``LIBRARY_NOT_FOUND`` (no such open global library),
``NoProjectOpenError``, ``PortalUnavailableError``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from engineering_api.backend.models import ObjectChangeDetail
from engineering_api.lib.schema import CamelStruct

__all__ = (
    "LibraryInfo", "LibraryPort", "LibraryTreeNode", "LibraryTypeInfo", "LibraryTypesPort", "MasterCopyContent",
    "MasterCopyInfo",
    "MasterCopyInstantiation", "TypeComparison", "TypeInstance", "TypeInstantiation", "TypeVersionInfo",
)


class MasterCopyContent(CamelStruct):
    """One object inside a master copy (Openness ``MasterCopy.ContentDescriptions``)."""

    kind: str
    """``FB``, ``FC``, ``OB``, ``GlobalDB``..., ``UDT``, ``TagTable`` or ``Device``."""
    name: str


class MasterCopyInfo(CamelStruct, kw_only=True):
    """A master copy: a copy of project objects to paste again (no versions, no link to what it came from)."""

    name: str
    path: str
    """``Folder/Sub/Name``: the folders it sits in and its name."""
    folder: str = ""
    source_kind: str = ""
    """``Block``, ``PlcDataType``, ``TagTable`` or ``Device`` (null on TIA Portal: Openness does not say)."""
    contents: list[MasterCopyContent] = []
    author: str = ""
    created_at: str | None = None


class TypeInstance(CamelStruct, kw_only=True):
    """An object in a PLC that is an instance of a type version."""

    device_name: str
    name: str
    version_number: str
    write_protected: bool = True
    """True while the version is released; the test instance of an in-work version is editable."""


class TypeVersionInfo(CamelStruct, kw_only=True):
    """One version of a type."""

    version_number: str
    state: str
    """``InWork`` or ``Released`` (Openness ``LibraryTypeVersionState.InWork`` / ``Committed``)."""
    is_default: bool = False
    author: str = ""
    comment: str = ""
    created_at: str | None = None
    dependencies: list[str] = []
    """Types this version uses, as ``Name@version`` (a FB's UDTs and called blocks)."""


class LibraryTypeInfo(CamelStruct, kw_only=True):
    """A type with its versions and the instances the project has of them."""

    name: str
    kind: str
    """``FB``, ``FC`` or ``UDT``; an HMI type's kind (``VBScript``, ``Faceplate``…,
    :data:`engineering_api.rules.hmi_resources.HMI_LIBRARY_TYPES`), whose instances are objects of HMI panels."""
    folder: str = ""
    default_version: str | None = None
    in_work_version: str | None = None
    versions: list[TypeVersionInfo] = []
    instances: list[TypeInstance] = []
    created_dependencies: list[str] = []
    """When a type is created: the types created along for what it uses."""


class LibraryInfo(CamelStruct, kw_only=True):
    """A library and what it holds."""

    name: str
    kind: str
    """``Project`` or ``Global``."""
    path: str | None = None
    read_only: bool = False
    master_copy_count: int = 0
    master_copy_folders: list[str] = []
    type_count: int = 0
    type_folders: list[str] = []


class LibraryTreeNode(CamelStruct, kw_only=True):
    """A node of the library tree: a folder, a master copy, a type or a type version."""

    name: str
    node_type: str
    """``Library``, ``Folder``, ``MasterCopy``, ``Type`` or ``Version``."""
    path: str = ""
    is_folder: bool = False
    state: str | None = None
    """For a version: ``InWork`` or ``Released``."""
    children: list[LibraryTreeNode] = []


class MasterCopyInstantiation(CamelStruct, kw_only=True):
    """What pasting a master copy created."""

    master_copy: str
    device_name: str
    created: list[MasterCopyContent] = []


class TypeInstantiation(CamelStruct, kw_only=True):
    """What instantiating a type created or updated in a PLC (the type and its dependencies)."""

    type_name: str
    version_number: str
    device_name: str
    created: list[str] = []
    updated: list[str] = []


class TypeComparison(ObjectChangeDetail, kw_only=True):
    """Differences between two versions of a type, or a version and an instance (``kind`` empty when identical)."""

    type_name: str
    left: str
    right: str
    identical: bool


class LibraryPort(ABC):
    """The project library (and, with ``library``, an open global library)."""

    @abstractmethod
    def library_info(self, library: str | None = None) -> LibraryInfo:
        """Name, kind and counts of a library."""

    @abstractmethod
    def library_tree(self, library: str | None = None) -> LibraryTreeNode:
        """The library as a tree: ``Master copies`` and ``Types`` with their folders, types with their versions."""

    @abstractmethod
    def list_master_copies(self, library: str | None = None) -> list[MasterCopyInfo]:
        """Every master copy, in every folder."""

    @abstractmethod
    def create_master_copy(
        self, device: str, object_name: str | None, *, name: str | None, folder: str, library: str | None = None,
    ) -> MasterCopyInfo:
        """A master copy of a block, PLC data type or tag table of ``device``, or of the device (no object).

        Raises:
            NotFoundError: no such device (``DEVICE_NOT_FOUND``), object (``OBJECT_NOT_FOUND``) or folder
                (``FOLDER_NOT_FOUND``).
            ValidationError: ``INVALID_NAME``.
            AlreadyExistsError: ``MASTER_COPY_EXISTS`` in that folder.
        """

    @abstractmethod
    def delete_master_copy(self, path: str, library: str | None = None) -> MasterCopyInfo:
        """Delete a master copy by path (``Folder/Name``) or, without a separator, by name in any folder.

        Raises:
            NotFoundError: ``MASTER_COPY_NOT_FOUND``.
            ConflictError: ``AMBIGUOUS_MASTER_COPY``: the name is in several folders (details list the paths).
        """

    @abstractmethod
    def create_master_copy_folder(self, path: str, library: str | None = None) -> str:
        """Create a master copy folder (and its parents); returns its path.

        Raises:
            ValidationError: ``INVALID_FOLDER``.
            AlreadyExistsError: ``FOLDER_EXISTS``.
        """

    @abstractmethod
    def instantiate_master_copy(
        self, path: str, device: str | None, *, new_name: str | None = None, library: str | None = None,
    ) -> MasterCopyInstantiation:
        """Paste a master copy: its objects into the PLC ``device``, or a device master copy into the project.

        Raises:
            NotFoundError: ``MASTER_COPY_NOT_FOUND``, ``DEVICE_NOT_FOUND``.
            ValidationError: ``DEVICE_REQUIRED`` (objects need a PLC), ``NOT_A_PLC``.
            AlreadyExistsError: an object or device of that name exists (TIA's ``MasterCopyMode.ThrowIfExists``).
            ConflictError: ``BLOCK_NUMBER_IN_USE``.
        """



class LibraryTypesPort(ABC):
    """Types with their versions in the project library (and, with ``library``, in an open global library): create,
    edit, release, discard, instantiate, delete, compare. Their instances live in the project's PLCs and panels."""

    @abstractmethod
    def list_library_types(self, library: str | None = None) -> list[LibraryTypeInfo]:
        """Every type with its versions and its instances in the project."""

    @abstractmethod
    def create_library_type(
        self, device: str, object_name: str, *, folder: str, comment: str, library: str | None = None,
    ) -> LibraryTypeInfo:
        """A type from a FB, FC or UDT of ``device`` (version 0.0.1, released); the object becomes its instance.

        Types are created along for the user types and blocks it uses that are not types yet. On a classic HMI
        panel ``object_name`` is a VB script, which becomes a ``VBScript`` type.

        Raises:
            NotFoundError: ``OBJECT_NOT_FOUND``, ``DEVICE_NOT_FOUND``.
            ValidationError: ``NOT_TYPEABLE`` (an OB or data block), ``TYPE_INCONSISTENT`` (compile it first).
            AlreadyExistsError: ``TYPE_EXISTS``; ``ALREADY_AN_INSTANCE``.
            NotSupportedError: ``NO_OPENNESS_EQUIVALENT`` on TIA Portal before V21.
        """

    @abstractmethod
    def edit_library_type(self, type_name: str, device: str, library: str | None = None) -> LibraryTypeInfo:
        """A new in-work version from the default one; the instance in ``device`` (made if missing) is its test
        instance, the one that can be edited.

        Raises:
            NotFoundError: ``TYPE_NOT_FOUND``, ``DEVICE_NOT_FOUND``.
            ConflictError: ``IN_WORK_VERSION_EXISTS``: a type has one in-work version at a time.
        """

    @abstractmethod
    def release_library_type(
        self, type_name: str, *, version_number: str | None, comment: str, library: str | None = None,
    ) -> LibraryTypeInfo:
        """Release the in-work version with the test instance's content; it becomes the default and every instance
        of the type in the project is updated to it.

        Raises:
            NotFoundError: ``TYPE_NOT_FOUND``.
            ConflictError: ``NO_IN_WORK_VERSION``.
            ValidationError: ``INVALID_VERSION`` (not above every existing version), ``TYPE_INCONSISTENT``.
        """

    @abstractmethod
    def discard_library_type(self, type_name: str, library: str | None = None) -> LibraryTypeInfo:
        """Drop the in-work version; its test instance goes back to the default version.

        Raises:
            NotFoundError: ``TYPE_NOT_FOUND``.
            ConflictError: ``NO_IN_WORK_VERSION``.
        """

    @abstractmethod
    def instantiate_library_type(
        self, type_name: str, device: str, *, version_number: str | None, library: str | None = None,
    ) -> TypeInstantiation:
        """Create an instance of a version (default: the default version) in a PLC, with its dependencies.

        Raises:
            NotFoundError: ``TYPE_NOT_FOUND``, ``VERSION_NOT_FOUND``, ``DEVICE_NOT_FOUND``.
            ValidationError: ``NOT_A_PLC``; ``VERSION_IN_WORK`` (only released versions are instantiated).
            AlreadyExistsError: ``OBJECT_EXISTS``: an object of that name that is no instance of the type.
            ConflictError: ``BLOCK_NUMBER_IN_USE``.
        """

    @abstractmethod
    def delete_library_type(self, type_name: str, library: str | None = None) -> LibraryTypeInfo:
        """Delete a type with all its versions.

        Raises:
            NotFoundError: ``TYPE_NOT_FOUND``.
            ConflictError: ``TYPE_HAS_INSTANCES`` (details name them), ``TYPE_IS_DEPENDENCY``.
        """

    @abstractmethod
    def set_default_library_type_version(
        self, type_name: str, version_number: str, library: str | None = None,
    ) -> LibraryTypeInfo:
        """Make a released version the one new instances get.

        Raises:
            NotFoundError: ``TYPE_NOT_FOUND``, ``VERSION_NOT_FOUND``.
            ValidationError: ``VERSION_IN_WORK``.
        """

    @abstractmethod
    def compare_library_type(
        self, type_name: str, left_version: str, *, right_version: str | None, device: str | None,
        library: str | None = None,
    ) -> TypeComparison:
        """Interface and code differences between two versions, or a version and the type's instance in ``device``.

        Raises:
            NotFoundError: ``TYPE_NOT_FOUND``, ``VERSION_NOT_FOUND``, ``INSTANCE_NOT_FOUND``.
            NotSupportedError: ``NO_OPENNESS_EQUIVALENT`` on TIA Portal before V21 (versions cannot be exported).
        """
