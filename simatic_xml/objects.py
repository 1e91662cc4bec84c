"""Typed ``SW.*`` object classes: blocks, UDTs, tag tables, tags, compile units, watch/force tables.

They are :class:`~simatic_xml.model.SwObject` subclasses that only add typed accessors, so the reader
can pick the class by element name and everything else stays uniform.
"""

from __future__ import annotations

from .interface import Interface
from .sw_base import Document, NetworkSource, SwObject
from .xmlnode import XmlNode

__all__ = (
    "OBJECT_CLASSES", "ArrayDB", "Block", "CompileUnit", "DB", "FB", "FC", "GlobalDB", "InstanceDB", "OB",
    "PlcForceTable", "PlcStruct", "PlcTag", "PlcTagTable", "PlcUserConstant", "PlcWatchTable",
    "TechnologicalInstanceDB", "is_auto_numbered",
)


class Block(SwObject):
    """Common accessors of program blocks."""

    __slots__ = ()

    @property
    def number(self) -> int | None:
        """Block number."""
        return self.typed_attr("Number", int)

    @property
    def programming_language(self) -> str | None:
        """Block language (LAD, FBD, SCL, STL, GRAPH, F_LAD, DB, …)."""
        return self.typed_attr("ProgrammingLanguage", str)

    @property
    def memory_layout(self) -> str | None:
        """Optimized or Standard."""
        return self.typed_attr("MemoryLayout", str)

    @property
    def interface(self) -> Interface | None:
        """The typed interface."""
        return self.typed_attr("Interface", Interface)

    @property
    def compile_units(self) -> list[CompileUnit]:
        """Networks in order."""
        return [c for c in self.children or () if isinstance(c, CompileUnit)]


class OB(Block):
    """Organisation block."""

    __slots__ = ()
    ELEMENT = "SW.Blocks.OB"

    @property
    def secondary_type(self) -> str | None:
        """ProgramCycle, Startup, CyclicInterrupt, …"""
        return self.typed_attr("SecondaryType", str)


class FB(Block):
    """Function block."""

    __slots__ = ()
    ELEMENT = "SW.Blocks.FB"


class FC(Block):
    """Function."""

    __slots__ = ()
    ELEMENT = "SW.Blocks.FC"


class DB(Block):
    """Common base of data blocks."""

    __slots__ = ()


class GlobalDB(DB):
    """Global data block."""

    __slots__ = ()
    ELEMENT = "SW.Blocks.GlobalDB"


class InstanceDB(DB):
    """Instance DB of an FB, of a UDT (``InstanceOfType`` UDT) or of a system type."""

    __slots__ = ()
    ELEMENT = "SW.Blocks.InstanceDB"

    @property
    def instance_of_name(self) -> str | None:
        """The FB/UDT/system type this DB instantiates."""
        return self.typed_attr("InstanceOfName", str)

    @property
    def instance_of_type(self) -> str | None:
        """``FB`` or ``UDT`` when exported; None for system types (see OfSystemLibElement)."""
        return self.typed_attr("InstanceOfType", str)


class ArrayDB(DB):
    """Array data block (not in the corpus; structure assumed like other DBs)."""

    __slots__ = ()
    ELEMENT = "SW.Blocks.ArrayDB"


class TechnologicalInstanceDB(DB):
    """Technology-object DB; ``ParameterData`` is kept as a generic tree."""

    __slots__ = ()
    ELEMENT = "SW.TechnologicalObjects.TechnologicalInstanceDB"

    @property
    def parameter_data(self) -> XmlNode | None:
        """The ``ParameterData`` tree."""
        return self.typed_attr("ParameterData", XmlNode)


class PlcStruct(SwObject):
    """PLC data type (UDT)."""

    __slots__ = ()
    ELEMENT = "SW.Types.PlcStruct"

    @property
    def interface(self) -> Interface | None:
        """The typed interface (one ``None`` section)."""
        return self.typed_attr("Interface", Interface)


class PlcTag(SwObject):
    """A PLC tag."""

    __slots__ = ()
    ELEMENT = "SW.Tags.PlcTag"

    @property
    def data_type(self) -> str | None:
        """``DataTypeName``."""
        return self.typed_attr("DataTypeName", str)

    @property
    def logical_address(self) -> str | None:
        """``%I0.0`` and friends."""
        return self.typed_attr("LogicalAddress", str)


class PlcUserConstant(SwObject):
    """A user constant of a tag table."""

    __slots__ = ()
    ELEMENT = "SW.Tags.PlcUserConstant"

    @property
    def value(self) -> str | None:
        """The constant's value text."""
        return self.typed_attr("Value", str)


class PlcTagTable(SwObject):
    """A PLC tag table."""

    __slots__ = ()
    ELEMENT = "SW.Tags.PlcTagTable"

    @property
    def tags(self) -> list[PlcTag]:
        """Tags in order."""
        return [c for c in self.children or () if isinstance(c, PlcTag)]

    @property
    def user_constants(self) -> list[PlcUserConstant]:
        """User constants in order."""
        return [c for c in self.children or () if isinstance(c, PlcUserConstant)]


class PlcWatchTable(SwObject):
    """Watch table (not in the corpus; entries are generic SW objects)."""

    __slots__ = ()
    ELEMENT = "SW.WatchAndForceTables.PlcWatchTable"


class PlcForceTable(SwObject):
    """Force table (not in the corpus; entries are generic SW objects)."""

    __slots__ = ()
    ELEMENT = "SW.WatchAndForceTables.PlcForceTable"


class CompileUnit(SwObject):
    """A network: ``NetworkSource`` + ``ProgrammingLanguage``, with Title/Comment children."""

    __slots__ = ()
    ELEMENT = "SW.Blocks.CompileUnit"

    @property
    def network_source(self) -> NetworkSource | None:
        """The network body wrapper."""
        return self.typed_attr("NetworkSource", NetworkSource)

    @property
    def programming_language(self) -> str | None:
        """The network's own language (can differ from the block's)."""
        return self.typed_attr("ProgrammingLanguage", str)


OBJECT_CLASSES: dict[str, type[SwObject]] = {
    cls.ELEMENT: cls
    for cls in (
        OB, FB, FC, GlobalDB, InstanceDB, ArrayDB, TechnologicalInstanceDB, PlcStruct, PlcTag,
        PlcUserConstant, PlcTagTable, PlcWatchTable, PlcForceTable, CompileUnit,
    )
}
"""Element name -> typed class; other ``SW.*`` elements become plain :class:`SwObject`."""


def is_auto_numbered(doc: Document) -> bool:
    """Does TIA give the document's block a free number when its number is taken on import?

    ``<AutoNumber>true``; or no ``<AutoNumber>`` in an export that leaves default values out (no DocumentInfo,
    or an ``ExportSetting`` without WithDefaults): automatic numbering is TIA's default for a new block, and such
    exports write AutoNumber only when it is false (V19/V20 VCI exports of the held-out survey: false twice,
    left out 136 times; the shared corpus's V20/V21 exports likewise never write true). Real case: two V19 FBs
    numbered 6, JonasFernandezGITHUB/Projekt2B_Repo@ac5cbf2 ``Arduino_Modbus.xml``, ``FC_Modbus_Arduino.xml``."""
    obj = doc.object
    if not isinstance(obj, Block):
        return False
    value = obj.attr("AutoNumber")
    if value is not None:
        return value is True
    info = doc.document_info
    setting = info.export_setting if info is not None else None
    return setting is None or "WithDefaults" not in setting
