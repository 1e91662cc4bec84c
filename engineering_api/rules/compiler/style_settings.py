"""The opt-in style rules' settings: each rule's code, setting and parameters, and what a repository turned on.

The data the program carries (:attr:`~.program.Program.style`) and the settings reader builds
(:mod:`engineering_api.ci.style_config`); the rules themselves are :mod:`.style`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional

__all__ = ("BLOCK_KINDS", "BLOCK_LENGTH", "BLOCK_PREFIX", "MEMBER_PREFIX", "MEMBER_SECTIONS", "NESTING_DEPTH",
           "RULES", "UNUSED_LOCAL", "UNUSED_SECTIONS", "StyleRule", "StyleSettings")


@dataclass(frozen=True)
class StyleRule:
    """One style rule: its diagnostic code, the table that turns it on (``[tool.engineering-api.style.<setting>]``)
    and its parameters with their defaults."""

    code: str
    setting: str
    parameters: Mapping[str, object] = field(default_factory=dict)


BLOCK_KINDS = ("FB", "FC", "OB", "DB", "InstanceDB", "UDT")
"""The kinds a block prefix is set for; a DB of an FB takes ``InstanceDB``'s prefix (``DB``'s when that is unset)."""
MEMBER_SECTIONS = ("Input", "Output", "InOut", "Static", "Temp", "Constant")
UNUSED_SECTIONS = ("Temp", "Static", "Input", "Output", "InOut")
"""The sections an unused member may be reported in; the default is ``Temp`` alone: a temporary lives for one call
of the block, so one its body never names is dead. A static may be read by an HMI, OPC UA or another block through
the instance (``"Inst".x``), and a parameter is interface a caller supplies: a team opts into those knowingly."""

BLOCK_PREFIX = StyleRule("STYLE_BLOCK_PREFIX", "block-prefix", {kind: "" for kind in BLOCK_KINDS})
MEMBER_PREFIX = StyleRule("STYLE_MEMBER_PREFIX", "member-prefix", {section: "" for section in MEMBER_SECTIONS})
UNUSED_LOCAL = StyleRule("STYLE_UNUSED_LOCAL", "unused-locals", {"sections": ["Temp"]})
NESTING_DEPTH = StyleRule("STYLE_NESTING_DEPTH", "nesting-depth", {"max": 4})
BLOCK_LENGTH = StyleRule("STYLE_BLOCK_LENGTH", "block-length", {"max-statements": 200})
RULES = (BLOCK_PREFIX, MEMBER_PREFIX, UNUSED_LOCAL, NESTING_DEPTH, BLOCK_LENGTH)


@dataclass(frozen=True)
class StyleSettings:
    """The style rules a repository turned on, each with its parameters; None: the rule is off."""

    block_prefixes: Optional[Mapping[str, str]] = None
    member_prefixes: Optional[Mapping[str, str]] = None
    unused_sections: Optional[frozenset[str]] = None
    max_nesting: Optional[int] = None
    max_statements: Optional[int] = None

    @property
    def any_on(self) -> bool:
        return any(value is not None for value in (self.block_prefixes, self.member_prefixes, self.unused_sections,
                                                   self.max_nesting, self.max_statements))
