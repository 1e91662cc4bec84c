"""What SCL text and the StructuredText token stream share, below both converters (:mod:`simatic_xml.scl_text`
renders tokens as text, :mod:`simatic_xml.scl_parse` writes text's syntax tree as tokens): the facts text does not say
(:class:`SclContext`), the namespaces, SCL's keywords and the lookup key of a called operand.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .template_value import TemplateValue
from .versions import NS_PREFIX
from .xmlnode import XmlNode

__all__ = ("KEYWORDS", "ST_NAMESPACE", "SclContext", "call_key")

ST_NAMESPACE = {"v3": f"{NS_PREFIX}NetworkSource/StructuredText/v3",
                "v4": f"{NS_PREFIX}NetworkSource/StructuredText/v4"}

KEYWORDS = frozenset(
    """IF THEN ELSIF ELSE END_IF CASE OF END_CASE FOR TO BY DO END_FOR WHILE END_WHILE REPEAT UNTIL
    END_REPEAT EXIT CONTINUE RETURN GOTO REGION END_REGION AND OR XOR NOT MOD""".split()
)


@dataclass(slots=True)
class SclContext:
    """What SCL text does not say (see :mod:`simatic_xml.scl_text`): TIA resolves these against the project."""

    local_constants: set[str] = field(default_factory=set)
    global_constants: set[str] = field(default_factory=set)
    calls: dict[str, tuple[str, str | None] | None] = field(default_factory=dict)
    """Called instance/block path without quotes (``LBP_OpUnitComm_DB``) -> (BlockType, CallInfo Name or
    None) for a ``CallInfo`` call, or None for the nameless-``Instruction`` form after the operand."""
    unflagged_names: set[str] = field(default_factory=set)
    """Names that must be quoted in text (not identifiers) but carry no ``HasQuotes`` in the tokens."""
    templates: dict[str, list[list[TemplateValue]]] = field(default_factory=dict)
    """Instruction name -> per occurrence, its TemplateValues (without UIds: a parsed network is renumbered)."""
    local_names: set[str] = field(default_factory=set)
    """Casefolded names of the block's interface members: a bare word naming one is that local (TIA resolves
    ``x`` to ``#x`` when the source leaves the ``#`` out)."""
    explicit_num_one: bool = False
    line_comment_attrs: dict[str, str] = field(default_factory=dict)


def call_key(parts: list[XmlNode]) -> str:
    """Lookup key of a called operand: its component names and tokens, without quotes or ``#``."""
    return "".join(p.attrs.get("Name", "") if p.tag == "Component" else p.attrs.get("Text", "") for p in parts)
