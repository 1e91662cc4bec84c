"""The base of the typed SimaticML model: the document, the generic ``SW.*`` object and what it holds.

Every ``SW.*`` object is an :class:`SwObject` (element name, ID, CompositionName, scalar ``AttributeList`` and
``ObjectList`` children); :mod:`simatic_xml.objects` adds the typed object classes on top of it, and
:mod:`simatic_xml.model` gathers both (import the model from there). Network bodies are stored as generic
:class:`~simatic_xml.xmlnode.XmlNode` trees inside :class:`NetworkSource`.

Scalar attributes are typed where the meaning is known (``Number`` is an ``int``, ``AutoNumber``
a ``bool``) and only when the text is in canonical form, so writing gives back the same text.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, TypeVar, Union

from lxml import etree

from .interface import Interface
from .digest import tree_digest
from .xmlnode import XmlNode, from_lxml, local_name

if TYPE_CHECKING:
    from .scl.ast import Stmt

__all__ = (
    "BOOL_ATTRIBUTES",
    "INT_ATTRIBUTES",
    "AttrValue",
    "Document",
    "DocumentInfo",
    "MultilingualText",
    "MultilingualTextItem",
    "NetworkSource",
    "ObjectChild",
    "Product",
    "SwObject",
    "format_scalar",
    "parse_scalar",
)

# ---------------------------------------------------------------- scalar attribute values

AttrValue = Union[str, int, bool, XmlNode, "Interface", "NetworkSource"]
"""What an ``AttributeList`` entry holds: a typed scalar, the Interface, a NetworkSource, or a
generic tree for compound entries we do not type (``ParameterData``)."""

BOOL_ATTRIBUTES = frozenset(
    {
        "AutoNumber", "IsIECCheckEnabled", "IsRetainMemResEnabled", "IsOnlyStoredInLoadMemory",
        "IsWriteProtectedInAS", "SetENOAutomatically", "UDAEnableTagReadback", "DBAccessibleFromOPCUA",
        "DBAccessibleFromWebserver", "IsFailsafeCompliant", "ExternalAccessible", "ExternalVisible",
        "ExternalWritable", "InitialValuesAcquisition", "AcknowledgeErrorsRequired", "LockOperatingMode",
        "PermanentILProcessingInMANMode", "SkipSteps", "WithAlarmHandling", "IsConsistent",
        "IsKnowHowProtected", "IsWriteProtected", "HandleErrorsWithinBlock", "ParameterModified",
        "StructureModified", "PLCSimAdvancedSupport",
    }
)
INT_ATTRIBUTES = frozenset({"Number", "MemoryReserve"})
_Value = TypeVar("_Value")

_CANONICAL_INT = re.compile(r"-?(?:0|[1-9][0-9]*)\Z")


def parse_scalar(name: str, text: str) -> str | int | bool:
    """Type a scalar attribute's text when its name is known and the text canonical."""
    if name in BOOL_ATTRIBUTES and text in ("true", "false"):
        return text == "true"
    if name in INT_ATTRIBUTES and _CANONICAL_INT.match(text):
        return int(text)
    return text


def format_scalar(value: str | int | bool) -> str:
    """Inverse of :func:`parse_scalar`."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


# ---------------------------------------------------------------- document


@dataclass(slots=True)
class Product:
    """One ``InstalledProducts`` entry; ``kind`` is ``Product`` or ``OptionPackage``."""

    kind: str
    display_name: str
    display_version: str


@dataclass(slots=True)
class DocumentInfo:
    """``<DocumentInfo>`` (V14 SP1–V17 exports only)."""

    created: str | None = None
    export_setting: str | None = None
    installed_products: list[Product] | None = None


@dataclass(slots=True)
class Document:
    """A whole SimaticML file: ``<Engineering version>``, optional DocumentInfo, one ``SW.*`` object."""

    engineering_version: str
    object: SwObject
    document_info: DocumentInfo | None = None


# ---------------------------------------------------------------- networks


class NetworkSource:
    """``<NetworkSource>``: ``body`` is the FlgNet/StructuredText/StatementList/Graph tree, or None when empty.

    The reader hands over the parsed lxml element and the generic tree is only built when ``body`` is
    first read; until then the writer serialises the element directly (the output is the same, see
    :func:`simatic_xml.writer.lxml_body_text`). This keeps read-check-write pipelines fast.
    """

    __slots__ = ("_body", "_element", "_written_from")

    def __init__(self, body: XmlNode | None = None, *, element: etree._Element | None = None,
                 written_from: tuple[str, list[Stmt]] | None = None) -> None:
        self._body = body
        self._element = element
        self._written_from = written_from

    @property
    def written_from(self) -> tuple[str, list[Stmt]] | None:
        """A generated SCL body's text and the front end's parse of it (its statements), which the body was
        written from, the text's layout tabs written as blanks as the body writes them where no token holds one
        (:func:`~simatic_xml.scl.lexer.layout_tabs_as_blanks`: the two lex alike); None for a body read from a
        document or changed since."""
        return self._written_from

    @property
    def body(self) -> XmlNode | None:
        """The network body as a generic tree (built on first access)."""
        if self._element is not None:
            self._body = from_lxml(self._element)
            self._element = None
        return self._body

    @body.setter
    def body(self, value: XmlNode | None) -> None:
        self._body = value
        self._element = None
        self._written_from = None

    @property
    def lazy_element(self) -> etree._Element | None:
        """The untouched lxml element, while ``body`` has not been built yet."""
        return self._element

    @property
    def kind(self) -> str | None:
        """``FlgNet``, ``StructuredText``, ``StatementList``, ``Graph`` or None."""
        if self._element is not None:
            return local_name(self._element)
        return self._body.tag if self._body is not None else None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, NetworkSource):
            return NotImplemented
        return self.body == other.body

    def digest(self) -> bytes:
        """:func:`~simatic_xml.digest.tree_digest` of the body: equal for two sources exactly when they are equal,
        read from the lxml element while the generic tree is not built (and without building it)."""
        return tree_digest(self._element if self._element is not None else self._body)

    # Defining __eq__ leaves the class unhashable (__hash__ is None): it is mutable, like the dataclasses.

    def __repr__(self) -> str:
        return f"NetworkSource(body={self.body!r})"

    def __deepcopy__(self, memo: dict[int, object]) -> NetworkSource:
        if self._element is not None:
            return NetworkSource(element=copy.deepcopy(self._element, memo))
        return NetworkSource(copy.deepcopy(self._body, memo))


# ---------------------------------------------------------------- objects


@dataclass(slots=True)
class MultilingualTextItem:
    """One culture of a MultilingualText."""

    culture: str
    text: str = ""
    id: str | None = None
    composition_name: str | None = "Items"


@dataclass(slots=True)
class MultilingualText:
    """An object title or comment (``CompositionName`` Title/Comment) with one item per culture."""

    composition_name: str | None
    items: list[MultilingualTextItem] = field(default_factory=list)
    id: str | None = None

    def text(self, culture: str) -> str | None:
        """The text for ``culture`` or None."""
        for item in self.items:
            if item.culture == culture:
                return item.text
        return None


@dataclass(slots=True, eq=True)
class SwObject:
    """Any ``SW.*`` object. ``attributes`` holds the AttributeList in order (None = element absent),
    ``children`` the ObjectList (None = element absent)."""

    element: str
    id: str | None = None
    composition_name: str | None = None
    attributes: dict[str, AttrValue] | None = field(default_factory=dict)
    children: list[ObjectChild] | None = field(default_factory=list)
    read_only: list[str] = field(default_factory=list)
    """Names of attributes exported with ``ReadOnly="true"`` (``WithReadOnly`` exports)."""

    ELEMENT: ClassVar[str] = ""

    def attr(self, name: str, default: AttrValue | None = None) -> AttrValue | None:
        """An AttributeList value."""
        return (self.attributes or {}).get(name, default)

    def typed_attr(self, name: str, kind: type[_Value]) -> _Value | None:
        """The AttributeList value ``name`` when it is a ``kind`` (``str``, ``int``, an :class:`Interface`...),
        else None (absent, or of another type)."""
        value = (self.attributes or {}).get(name)
        return value if isinstance(value, kind) else None

    @property
    def name(self) -> str | None:
        """The ``Name`` attribute."""
        value = self.attr("Name")
        return value if isinstance(value, str) else None

    @property
    def qualified_name(self) -> str | None:
        """``Namespace.Name`` when the object has a non-empty ``Namespace`` attribute, else ``Name``.

        TIA V20 software units write the unit's namespace as ``<Namespace>Conveyor2</Namespace>`` next to the plain
        ``<Name>``, and every reference to the object uses the qualified name (``<Component
        Name="Conveyor2.InterfaceTP_C2" />``, ``<InstanceOfName>Conveyor2.Conveyor_C2</InstanceOfName>``): public
        export JorisSpanhoven/TeamEngineering@03a8bb4 ``CPU1500/Software units/Conveyor2/Program blocks/*.xml``.
        An empty ``<Namespace />`` (every V18+ block outside a namespace) adds nothing."""
        name = self.name
        namespace = self.attr("Namespace")
        if name and isinstance(namespace, str) and namespace:
            return f"{namespace}.{name}"
        return name

    def texts(self, composition_name: str) -> MultilingualText | None:
        """The MultilingualText child with this CompositionName (``Title``/``Comment``)."""
        for child in self.children or ():
            if isinstance(child, MultilingualText) and child.composition_name == composition_name:
                return child
        return None

    @property
    def title(self) -> MultilingualText | None:
        """Title texts."""
        return self.texts("Title")

    @property
    def comment(self) -> MultilingualText | None:
        """Comment texts."""
        return self.texts("Comment")

    def objects(self, composition_name: str) -> list[SwObject]:
        """SW child objects with this CompositionName."""
        return [
            c for c in self.children or () if isinstance(c, SwObject) and c.composition_name == composition_name
        ]


ObjectChild = Union[SwObject, MultilingualText]
