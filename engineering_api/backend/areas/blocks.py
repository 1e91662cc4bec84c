"""Blocks and external sources: listing, content, interface members, folders, compile (port area and its models).

Writing a block goes through the program area's ``import_program_documents`` (SimaticML in, as
TIA's import); reading its SimaticML through its ``export_program_object``. This area adds what the
program-documents half does not have: block listings with folders, delete/rename, block folders and
the "External source files" group, and TIA's "generate blocks from source" as one call.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

from engineering_api.backend.models import SourceGeneration
from engineering_api.lib.schema import CamelStruct
from engineering_api.rules.source_generation import generate_blocks

if TYPE_CHECKING:
    from collections.abc import Callable

    from engineering_api.rules.source_generation import GenerationAccess

__all__ = ("BlockInfo", "BlocksPort", "BlocksWithGeneration", "ExternalSourceInfo", "FolderRemoval", "SourceGeneration")


class BlockInfo(CamelStruct):
    """A program block (OB, FB, FC or data block) of a PLC."""

    name: str
    block_type: str
    """``OB``, ``FB``, ``FC``, ``GlobalDB``, ``InstanceDB``, ``ArrayDB``, ``TechnologicalInstanceDB``."""
    number: int | None = None
    language: str | None = None
    folder: str = ""
    """Group path below "Program blocks", ``/``-separated."""
    instance_of: str | None = None
    consistent: bool = True
    know_how_protected: bool = False
    modified_date: str | None = None


class ExternalSourceInfo(CamelStruct):
    """A file in the PLC's "External source files" group."""

    name: str
    folder: str = ""
    length: int = 0
    """Characters of text."""
    line_count: int = 0


class FolderRemoval(CamelStruct):
    """A deleted folder and what was inside it (TIA deletes the content with the folder)."""

    folder: str
    removed: list[str] = []  # msgspec copies defaults


class BlocksPort(ABC):
    """Blocks and external sources: listing, content, interface members, folders, compile.

    Every method runs on the TIA worker thread; docstrings name the domain errors raised. Errors common
    to all: ``NotFoundError`` for an unknown device, ``ValidationError`` (code ``NOT_A_PLC``) for a device
    without PLC software, and the project/portal errors of :class:`EngineeringBackend`.
    """

    @abstractmethod
    def list_blocks(self, device: str) -> list[BlockInfo]:
        """The program blocks of a PLC, in the project's order (PLC data types and tag tables excluded)."""

    @abstractmethod
    def block_folders(self, device: str) -> list[str]:
        """Every folder below "Program blocks" (``a``, ``a/b``), sorted, empty ones included."""

    @abstractmethod
    def get_block(self, device: str, name: str) -> BlockInfo:
        """One block.

        Raises:
            NotFoundError: no such block (code ``BLOCK_NOT_FOUND``).
        """

    @abstractmethod
    def delete_block(self, device: str, name: str) -> BlockInfo:
        """Delete a block; returns what it was.

        Raises:
            NotFoundError: no such block.
        """

    @abstractmethod
    def rename_block(self, device: str, name: str, new_name: str) -> BlockInfo:
        """Rename a block (its SimaticML ``Name`` too), keeping its number and folder.

        Raises:
            NotFoundError: no such block.
            ValidationError: ``new_name`` breaks TIA's naming rules.
            AlreadyExistsError: a block, PLC data type or tag table of that name exists.
        """

    @abstractmethod
    def create_block_folder(self, device: str, path: str) -> str:
        """Create a folder (and its parents) below "Program blocks"; returns the normalised path.

        Raises:
            ValidationError: ``INVALID_FOLDER``: the path breaks :mod:`engineering_api.rules.folders`.
            AlreadyExistsError: the folder exists.
        """

    @abstractmethod
    def delete_block_folder(self, device: str, path: str) -> FolderRemoval:
        """Delete a block folder with its subfolders and blocks.

        Raises:
            NotFoundError: no such folder.
        """

    @abstractmethod
    def list_external_sources(self, device: str) -> list[ExternalSourceInfo]:
        """The external source files of a PLC."""

    @abstractmethod
    def external_source_folders(self, device: str) -> list[str]:
        """Every folder below "External source files", sorted."""

    @abstractmethod
    def add_external_source(self, device: str, name: str, text: str, *, folder: str,
                            overwrite: bool) -> ExternalSourceInfo:
        """Add a source file (TIA: ``ExternalSourceComposition.CreateFromFile``).

        Raises:
            ValidationError: a name that cannot be a file name (``INVALID_NAME``), a folder path breaking the
                folder rules (``INVALID_FOLDER``, :mod:`engineering_api.rules.folders`), or an unknown folder.
            AlreadyExistsError: a source of that name exists and ``overwrite`` is false.
        """

    @abstractmethod
    def read_external_source(self, device: str, name: str) -> str:
        """The text of a source file.

        Raises:
            NotFoundError: no such source.
        """

    @abstractmethod
    def delete_external_source(self, device: str, name: str) -> ExternalSourceInfo:
        """Delete a source file.

        Raises:
            NotFoundError: no such source.
        """

    @abstractmethod
    def create_external_source_folder(self, device: str, path: str) -> str:
        """Create a folder below "External source files".

        Raises:
            ValidationError: ``INVALID_FOLDER``: the path breaks :mod:`engineering_api.rules.folders`.
            AlreadyExistsError: the folder exists.
        """

    @abstractmethod
    def delete_external_source_folder(self, device: str, path: str) -> FolderRemoval:
        """Delete a source folder with its content.

        Raises:
            NotFoundError: no such folder.
        """

    @abstractmethod
    def generate_blocks_from_source(
        self, device: str, source_name: str, text: str, *, version: str, overwrite: bool, folder: str = "",
        progress: Callable[[int, str], None] | None = None,
    ) -> SourceGeneration:
        """Generate the blocks of an SCL source (TIA's "generate blocks from source") and import them into the PLC.

        The blocks are written for ``version`` with what the PLC already holds as context (its FBs, UDTs and
        tags), imported in dependency order all or nothing into ``folder``, and the ones that refer to objects
        the PLC lacks stay inconsistent until they compile. Both adapters run this service's generator over their
        program, compile and tag areas (:class:`BlocksWithGeneration`), so it is one port call: a farm runs it on the
        agent holding the project. An adapter over TIA could map it to ``PlcExternalSource.GenerateBlocksFromSource``
        instead.

        Raises:
            ValidationError: the source has errors (``details.diagnostics`` lists every finding; the code is
                ``SCL_SYNTAX_ERROR``, ``INVALID_SPEC`` or the finding's own), or ``version`` cannot express it
                (``VERSION_CANNOT_EXPRESS``); and what ``import_program_documents`` raises.
            AlreadyExistsError: ``OBJECT_EXISTS``: a generated block's name exists and ``overwrite`` is false.
        """


class BlocksWithGeneration(BlocksPort, ABC):
    """A blocks area whose "generate blocks from source" is this service's generator
    (:func:`~engineering_api.rules.source_generation.generate_blocks`), run over the adapter's program, compile and
    tag areas: ``_generation``, which the adapter's constructor sets (never the backend itself)."""

    _generation: GenerationAccess

    def generate_blocks_from_source(
        self, device: str, source_name: str, text: str, *, version: str, overwrite: bool, folder: str = "",
        progress: Callable[[int, str], None] | None = None,
    ) -> SourceGeneration:
        return generate_blocks(self._generation, device, source_name, text, version=version, overwrite=overwrite,
                               folder=folder, progress=progress)
