"""What the network checks of :func:`~simatic_xml.generate.spec.parse_spec` see of an SCL-source block.

The checks (:mod:`.checks`) look for ``#operands`` in the text. In a source, three things that look like
operands are not operands of the block interface: ``#names`` inside ``(* *)`` comments and REGION names,
the ``a.#b`` member spelling of TIA exports, and an OB's event inputs (``#IO_State``), which come from the
OB type. :func:`for_network_checks` gives a copy of the spec whose SCL texts have them blanked (newlines
kept, so lines and columns stay); the generated document keeps the text as written.
"""

from __future__ import annotations

import re

from .spec_types import BlockSpec, NetworkSpec

__all__ = ("for_network_checks", "hashed_members", "ob_inputs")


def ob_inputs(spec: BlockSpec, text: str) -> str:
    """OBs: ``#names`` the source does not declare are the event inputs of the OB's type (``#IO_State``,
    ``#LADDR`` of a diagnostic error interrupt OB), which TIA takes from the OB type, not the source."""
    if spec.block_type != "OB":
        return text
    declared = {m.name.casefold() for members in spec.sections.values() for m in members}
    return re.sub(r"#([^\W\d]\w*)", lambda m: m.group() if m.group(1).casefold() in declared else " " + m.group(1),
                  text)


def hashed_members(text: str) -> str:
    """``a.#b`` (a member spelling of TIA exports) as ``a. b``: ``#b`` there is no operand of its own."""
    return re.sub(r"\.#", ". ", text) if ".#" in text else text


def for_network_checks(spec: BlockSpec) -> BlockSpec:
    """A copy whose SCL texts have ``(* *)``/``/* */`` comments and REGION names blanked and ``a.#b`` read as
    ``a. b`` (newlines kept, so line and column numbers stay), for the network checks: ``#names`` there are
    not operands of the block interface."""
    from dataclasses import replace

    from ..scl_blanking import blank_block_comments

    nets = [_checked_text(n, blank_block_comments(n.body, regions=True, doc_delimiters=True), spec)
            if n.kind == "scl" else n
            for n in spec.networks]
    return replace(spec, networks=nets)


def _checked_text(net: NetworkSpec, blanked: str, spec: BlockSpec) -> NetworkSpec:
    """The network to check, its text with comments and REGION names blanked (``blanked``), then ``a.#b`` and an OB's
    event inputs: itself where nothing was blanked, so that the check's parse of its text is kept for the builder
    (:attr:`NetworkSpec.checked`); else a copy, which names the network where only comments and REGION names were
    blanked and ``a.#b`` read ``a. b`` (:attr:`NetworkSpec.blanked_from`)."""
    from dataclasses import replace

    members_read = hashed_members(blanked)
    text = ob_inputs(spec, members_read)
    if text == net.body:
        return net
    copy = replace(net, body=text)
    if text == members_read:
        copy.blanked_from = net
    return copy
