"""A validated block spec as data: :class:`BlockSpec` and its :class:`NetworkSpec` s.

:func:`~simatic_xml.generate.spec.parse_spec` makes them (the JSON form is described there); the generator's
modules read them. Members are :class:`~simatic_xml.generate.spec_members.MemberSpec`, parsed with the interface.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from .spec_members import MemberSpec

if TYPE_CHECKING:
    from ..scl.ast import Stmt
    from ..scl_context import SclContext
    from ..xmlnode import XmlNode

__all__ = ("BlockSpec", "CheckedScl", "NetworkSpec")


@dataclass(slots=True)
class NetworkSpec:
    """One network: exactly one of scl/lad/fbd/graph is set (``kind`` says which)."""

    kind: str
    body: Any
    title: dict[str, str] = field(default_factory=dict)
    comment: dict[str, str] = field(default_factory=dict)
    calls: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    """SCL only: called global name -> (BlockType, FB name for an instance DB / None for an FC)."""
    checked: CheckedScl | None = field(default=None, init=False, compare=False, repr=False)
    """SCL only: the token parse the network check made of ``body`` (:func:`.checks.check_networks`), which
    the builder takes instead of parsing the text again when it asks for the same parse (not copied by
    ``dataclasses.replace``: a copy with another body has no parse)."""
    blanked_from: NetworkSpec | None = field(default=None, init=False, compare=False, repr=False)
    """SCL only, on the copy the network checks read of a source's network (:mod:`.source_check`): the network
    itself when the copy's text is its text with block comments and REGION names blanked and ``a.#b`` read ``a. b``,
    and nothing else (an OB's event inputs are left to the copy). Where
    both texts have the same significant tokens (:func:`.checks.check_networks`), the check parses the network's own
    text and keeps it for the builder (:attr:`checked`) instead of parsing two texts."""

    def take_checked(self, version: str, context: SclContext) -> CheckedScl | None:
        """The check's parse of ``body`` if it is the one ``version`` and ``context`` give (else None); once."""
        checked, self.checked = self.checked, None
        if checked is None or checked.version != version or checked.text != self.body:
            return None
        # Global constants only decide how a name the text spells is written: names it does not hold cannot
        # change the parse, whichever of the two contexts has them.
        others = checked.context.global_constants ^ context.global_constants
        if any(name in self.body for name in others):
            return None
        if replace(context, global_constants=checked.context.global_constants) != checked.context:
            return None
        return checked


@dataclass(frozen=True, slots=True)
class CheckedScl:
    """An SCL network's token parse (a ``StructuredText`` body) and what it was made from."""

    text: str
    version: str
    context: SclContext
    body: XmlNode
    statements: list[Stmt]
    """The front end's parse of ``text``, which ``body`` was written from."""
    laid_out: str
    """``text`` with its layout tabs as blanks where no token holds one
    (:func:`~simatic_xml.scl.lexer.layout_tabs_as_blanks`): the text ``body`` reads back as where it writes the
    text's tokens as they stand; it lexes alike ``text``, so ``statements`` are its parse too."""


def checked_scl(text: str, version: str, context: SclContext) -> CheckedScl:
    """``text``'s network written as StructuredText ``version`` (``v3``, ``v4``) in ``context``, with its parse.

    Raises:
        SclSyntaxError: as :func:`~simatic_xml.scl_parse.parse_scl`.
    """
    from ..scl.lexer import layout_tabs_as_blanks
    from ..scl_parse import parse_scl_tokens

    body, statements, tokens = parse_scl_tokens(text, version=version, context=context)
    return CheckedScl(text, version, context, body, statements, layout_tabs_as_blanks(text, tokens))


@dataclass(slots=True)
class BlockSpec:
    """A validated block spec (its JSON form: :mod:`simatic_xml.generate.spec`)."""

    block_type: str
    name: str
    language: str | None
    number: int | None = None
    title: dict[str, str] = field(default_factory=dict)
    comment: dict[str, str] = field(default_factory=dict)
    author: str | None = None
    family: str | None = None
    header_name: str | None = None
    header_version: str | None = None
    memory_layout: str = "Optimized"
    secondary_type: str | None = None
    cyclic_time: int | None = None
    phase_shift: int | None = None
    instance_of: str | None = None
    instance_of_type: str = "FB"
    return_type: str = "Void"
    sections: dict[str, list[MemberSpec]] = field(default_factory=dict)
    networks: list[NetworkSpec] = field(default_factory=list)
    start_values: list[tuple[str, str]] = field(default_factory=list)
    """DBs: start values below a member (``timer_value[0]``, ``reference.x`` of a UDT member, members of an
    instance DB's FB), as ``(path, value)``; the builder writes them as ``Subelement``/nested members."""
    lenient: bool = False
    """Parsed from an SCL source (``parse_spec(..., source=True)``): TIA's source rules, not the JSON API's."""
    namespace: str = ""
    """A software unit's namespace (``Plant``): the block is ``Plant.<name>`` in the PLC; V18 and later."""
