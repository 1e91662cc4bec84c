"""``[tool.engineering-api.style]``: the opt-in style rules a repository turns on, each a table of its own::

    [tool.engineering-api.style.block-prefix]     # STYLE_BLOCK_PREFIX
    enabled = true
    FB = "FB_"                                    # FB FC OB DB InstanceDB UDT; a kind left out is not checked
    [tool.engineering-api.style.member-prefix]    # STYLE_MEMBER_PREFIX (FB, FC, OB interfaces)
    enabled = true
    Input = "i"                                   # Input Output InOut Static Temp Constant
    [tool.engineering-api.style.unused-locals]    # STYLE_UNUSED_LOCAL
    enabled = true
    sections = ["Temp"]                           # Temp (default) Static Input Output InOut
    [tool.engineering-api.style.nesting-depth]    # STYLE_NESTING_DEPTH
    enabled = true
    max = 4
    [tool.engineering-api.style.block-length]     # STYLE_BLOCK_LENGTH
    enabled = true
    max-statements = 200

A rule is on when its table says ``enabled = true``; without the table, or with ``enabled = false``, it is off and
the checks report exactly what they report without any style setting. The rules themselves:
:mod:`engineering_api.rules.compiler.style`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping, Optional

from engineering_api.rules.compiler.style import (BLOCK_KINDS, BLOCK_LENGTH, BLOCK_PREFIX, MEMBER_PREFIX,
                                                  MEMBER_SECTIONS, NESTING_DEPTH, RULES, UNUSED_LOCAL,
                                                  UNUSED_SECTIONS, StyleRule, StyleSettings)

__all__ = ("StyleConfigError", "style_settings")


class StyleConfigError(ValueError):
    """The style table cannot be used; the message names the key and what it takes."""


def _rule_table(path: Path, rule: StyleRule, value: object) -> Optional[dict[str, object]]:
    """The parameters of ``rule`` (its defaults filled in) when its table turns it on, else None."""
    where = f"{path}: style.{rule.setting}"
    if not isinstance(value, dict):
        raise StyleConfigError(f"{where} must be a table ([tool.engineering-api.style.{rule.setting}])")
    unknown = sorted(set(value) - set(rule.parameters) - {"enabled"})
    if unknown:
        raise StyleConfigError(f"{where}: unknown key(s) {', '.join(unknown)}; known: "
                               f"{', '.join(['enabled', *rule.parameters])}")
    enabled = value.get("enabled", False)
    if not isinstance(enabled, bool):
        raise StyleConfigError(f"{where}: enabled must be true or false")
    return {**rule.parameters, **value} if enabled else None


def _prefixes(path: Path, rule: StyleRule, table: Mapping[str, object], keys: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key in keys:
        prefix = table[key]
        if not isinstance(prefix, str):
            raise StyleConfigError(f"{path}: style.{rule.setting}: {key} must be a string (the prefix)")
        if prefix:
            out[key] = prefix
    return out


def _limit(path: Path, rule: StyleRule, table: Mapping[str, object], key: str) -> int:
    value = table[key]
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise StyleConfigError(f"{path}: style.{rule.setting}: {key} must be a whole number of at least 1")
    return value


def _sections(path: Path, table: Mapping[str, object]) -> frozenset[str]:
    value = table["sections"]
    if not isinstance(value, list) or not all(isinstance(item, str) and item in UNUSED_SECTIONS for item in value):
        raise StyleConfigError(f"{path}: style.{UNUSED_LOCAL.setting}: sections must be a list of "
                               f"{', '.join(UNUSED_SECTIONS)}")
    return frozenset(value)


def style_settings(path: Path, value: object) -> StyleSettings:
    """The style rules the ``style`` table of the settings file ``path`` turns on.

    Raises:
        StyleConfigError: an unknown rule or key, or a value of the wrong kind.
    """
    if not isinstance(value, dict):
        raise StyleConfigError(f"{path}: style must be a table ([tool.engineering-api.style])")
    by_setting = {rule.setting: rule for rule in RULES}
    unknown = sorted(set(value) - set(by_setting))
    if unknown:
        raise StyleConfigError(f"{path}: style: unknown rule(s) {', '.join(unknown)}; known: "
                               f"{', '.join(by_setting)}")
    on = {setting: _rule_table(path, by_setting[setting], table) for setting, table in value.items()}

    def table(rule: StyleRule) -> Optional[dict[str, object]]:
        return on.get(rule.setting)

    blocks, members, unused = table(BLOCK_PREFIX), table(MEMBER_PREFIX), table(UNUSED_LOCAL)
    nesting, length = table(NESTING_DEPTH), table(BLOCK_LENGTH)
    return StyleSettings(
        block_prefixes=None if blocks is None else _prefixes(path, BLOCK_PREFIX, blocks, BLOCK_KINDS),
        member_prefixes=None if members is None else _prefixes(path, MEMBER_PREFIX, members, MEMBER_SECTIONS),
        unused_sections=None if unused is None else _sections(path, unused),
        max_nesting=None if nesting is None else _limit(path, NESTING_DEPTH, nesting, "max"),
        max_statements=None if length is None else _limit(path, BLOCK_LENGTH, length, "max-statements"),
    )
