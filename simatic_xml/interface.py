"""The typed block/UDT interface: ``Sections`` > ``Section`` > ``Member`` (notes §4).

Members keep every attribute (typed where known, ``extra`` for the rest) and their children in TIA's
fixed order: AttributeList, Comment, nested Members, Sections, Subelements, StartValue.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .system_types import SystemType, lookup

__all__ = ("Comment", "Interface", "Member", "MemberAttribute", "Section", "Sections", "StartValue", "Subelement")


@dataclass(slots=True)
class MemberAttribute:
    """``BooleanAttribute``/``StringAttribute``/… inside a member's AttributeList."""

    kind: str
    name: str
    value: str
    system_defined: str | None = None
    informative: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Comment:
    """An interface comment: ``<Comment><MultiLanguageText Lang=…>`` per culture."""

    texts: dict[str, str] = field(default_factory=dict)
    informative: str | None = None


@dataclass(slots=True)
class StartValue:
    """``<StartValue>``; ``informative`` is set when the value comes from the FB/UDT (instance DBs)."""

    value: str = ""
    informative: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Subelement:
    """Start value (or comment) of one array element, ``Path="1"`` or ``"0,3"``."""

    path: str
    start_value: StartValue | None = None
    comment: Comment | None = None


@dataclass(slots=True)
class Member:
    """An interface member. Struct members nest ``members``; multi-instances and typed members of
    system types carry their expanded interface in ``sections``."""

    name: str
    datatype: str
    version: str | None = None
    remanence: str | None = None
    accessibility: str | None = None
    informative: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    attributes: list[MemberAttribute] | None = None
    comment: Comment | None = None
    members: list[Member] = field(default_factory=list)
    sections: Sections | None = None
    subelements: list[Subelement] = field(default_factory=list)
    start_value: StartValue | None = None
    line: int = field(default=0, compare=False, repr=False)
    """The line of the ``<Member>`` in the document it was read from (0: built, not read); not part of its
    meaning: a finding about the member points there."""

    @property
    def is_array(self) -> bool:
        """True for ``Array[..] of …`` members."""
        return self.datatype.startswith("Array[")

    @property
    def system_type(self) -> SystemType | None:
        """The TIA system type of this member (``TON_TIME``, ``TCON_IP_v4``, ``PID_Compact``...) from the one
        catalog (:mod:`simatic_xml.system_types`), or None (elementary, array, quoted user type, unknown)."""
        text = self.datatype
        if not text or text[0] == '"' or text.startswith("Array["):
            return None
        return lookup(text)

    def system_sections(self) -> Sections | None:
        """The expanded interface of a member of a system type: the ``<Sections>`` TIA exported, else one
        built from the catalog as TIA lays it out (``flat``: one ``None`` section; else Input/Output/InOut/
        Static). None when the member is of no catalog type."""
        if self.sections is not None:
            return self.sections
        st = self.system_type
        if st is None:
            return None
        sections: dict[str, Section] = {}
        for m in st.members:
            name = "None" if st.layout == "flat" or m.section is None else m.section
            nested = lookup(m.data_type)
            sections.setdefault(name, Section(name)).members.append(
                Member(m.name, m.data_type, version=nested.version if nested is not None else None))
        return Sections(list(sections.values()))


@dataclass(slots=True)
class Section:
    """``<Section Name=…>``: members, or for ``Base`` a nested typed ``Sections``."""

    name: str
    members: list[Member] = field(default_factory=list)
    sections: Sections | None = None
    extra: dict[str, str] = field(default_factory=dict)
    line: int = field(default=0, compare=False, repr=False)
    """The line of the ``<Section>`` in the document it was read from (0: built, not read)."""


@dataclass(slots=True)
class Sections:
    """``<Sections>``; ``datatype``/``version`` are set on the nested ones (``GRAPH_BASE`` 1.0)."""

    sections: list[Section] = field(default_factory=list)
    datatype: str | None = None
    version: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def section(self, name: str) -> Section | None:
        """The section called ``name``."""
        for sec in self.sections:
            if sec.name == name:
                return sec
        return None


@dataclass(slots=True)
class Interface:
    """The block/UDT interface; ``namespace`` is the Interface namespace URI (v2/v4/v5)."""

    namespace: str
    sections: Sections = field(default_factory=Sections)

    def section(self, name: str) -> Section | None:
        """The top-level section called ``name``."""
        return self.sections.section(name)
