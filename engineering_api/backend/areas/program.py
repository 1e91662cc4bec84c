"""A PLC's program objects as SimaticML documents: import, listing, export (port area).

Blocks, PLC data types and tag tables travel alike here, as TIA's ``Import``/``Export`` move them: this area is what
source control, history, the bulk import and "generate blocks from source" write and read through. The blocks,
types and tags areas add what is particular to each kind (listings with folders, renames, tags one by one).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from engineering_api.backend.areas.program_pages import Category, ProgramPage
    from engineering_api.backend.models import ProgramDocument, ProgramImportReport, ProgramObjectInfo

__all__ = ("ProgramPort",)


class ProgramPort(ABC):
    """SimaticML documents in and out of a PLC's software.

    Every method runs on the TIA worker thread; docstrings name the domain errors raised, besides the project and
    portal errors of :class:`~engineering_api.backend.port.EngineeringBackend`.
    """

    @abstractmethod
    def import_program_documents(
        self, device: str, documents: list[ProgramDocument], *, overwrite: bool
    ) -> list[ProgramImportReport]:
        """Import SimaticML blocks, PLC data types and tag tables into a PLC, in the order given.

        All or nothing: when one document fails, none is imported.

        Raises:
            NotFoundError: no such device.
            ValidationError: the device has no PLC software; a document is not valid SimaticML, is from a
                newer TIA version, or is an instance DB whose FB is missing; its folder breaks the folder rules
                (``INVALID_FOLDER``, :mod:`engineering_api.rules.folders`). With several documents the error's
                details carry a report per document.
            AlreadyExistsError: an object of that name exists and ``overwrite`` is false.
            ConflictError: a block number is already used by another block.
        """

    @abstractmethod
    def list_program_objects(self, device: str) -> list[ProgramObjectInfo]:
        """Blocks, PLC data types and tag tables of a PLC.

        Raises:
            NotFoundError: no such device.
            ValidationError: the device has no PLC software.
        """

    def find_program_objects(self, device: str, names: Iterable[str]) -> list[ProgramObjectInfo]:
        """The blocks, PLC data types and tag tables of a PLC named in ``names``, each whatever its case, as
        :meth:`list_program_objects` describes them; a name no object has is left out. What a call about a few
        objects asks instead of the listing: an adapter that can look names up answers in proportion to
        ``names``, not to the program (a plant's 20,000 objects). The default filters the listing.

        Raises:
            NotFoundError: no such device.
            ValidationError: the device has no PLC software.
        """
        wanted = {name.lower() for name in names}
        return [obj for obj in self.list_program_objects(device) if obj.name.lower() in wanted]

    def program_revision(self, device: str) -> str | None:
        """The state of a PLC's program as a token: another token after any change of a block, PLC data type, tag
        table or their consistency, the same while none changes, and never a token the adapter gave before for
        other contents (in any project, PLC or process). What a caller derives from the whole program (the
        cross-reference index) it may keep under the token and reuse while the token stays, instead of reading
        every object again: a plant's 20,000. None (the default) when the adapter cannot tell: callers read the
        program again.

        Raises:
            NotFoundError: no such device.
            ValidationError: the device has no PLC software.
        """
        return None

    def program_page(self, device: str, category: Category, *, find: str, offset: int, limit: int) -> ProgramPage:
        """A page of the PLC's blocks or PLC data types (:mod:`~engineering_api.backend.areas.program_pages`): from
        ``offset``, at most ``limit``, of those whose name holds ``find`` whatever its case. What the console's
        project page asks instead of the whole tree: an adapter that keeps its objects in order answers in
        proportion to the page. The default pages :meth:`list_program_objects` (folders without objects left out).

        Raises:
            NotFoundError: no such device.
            ValidationError: the device has no PLC software.
        """
        from engineering_api.backend.areas.program_pages import ListedObject, OrderedTree
        from engineering_api.rules.program_objects import BLOCK_KINDS

        kinds = set(BLOCK_KINDS) if category == "blocks" else {"UDT"}
        listed = [ListedObject(name=o.name, kind=o.kind, number=o.number, language=o.language, folder=o.folder)
                  for o in self.list_program_objects(device) if o.kind in kinds]
        return OrderedTree(listed, ()).page(find, offset, limit)

    @abstractmethod
    def export_program_object(self, device: str, name: str) -> bytes:
        """The SimaticML of one block, PLC data type or tag table, as TIA would export it.

        Raises:
            NotFoundError: no such device or object.
            ValidationError: the device has no PLC software.
        """
