"""The rows of the console's long tables: a tag table's tags, where its tags are used, and where one object is used.

Written here rather than by a Jinja macro per row, since these tables grow with the program: a table of 1,740 tags
and 2,030 uses wrote some 60,000 values through Jinja's attribute lookup and escape, 73 of the page's 86 ms of CPU
(docs/benchmarks.md). Here each distinct text (a name, a title, a link, a block's or a network's cell) is escaped or
encoded once per page, looked up after that as a dictionary's item, and a row is one string. The HTML is the one
the macros wrote: ``data-tag``, ``data-tag-use`` and ``data-access`` on rows, every name linked to its page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from engineering_api.lib.encoded_paths import segment

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

__all__ = ("tag_rows", "tag_use_rows", "usage_rows")

_HTML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;"})
"""MarkupSafe's ``escape``, character for character, without a ``Markup`` made per text."""


class _Escaped(dict[Any, str]):
    """A value's text escaped for HTML (none: empty), kept for the page: ``texts[value]``."""

    def __missing__(self, value: Any) -> str:
        self[value] = escaped = "" if value is None else str(value).translate(_HTML_ESCAPES)
        return escaped


class _Segments(dict[str, str]):
    """A name as one URL path segment (:func:`~engineering_api.lib.encoded_paths.segment`), kept for the page."""

    def __missing__(self, name: str) -> str:
        self[name] = encoded = segment(name)
        return encoded


class _Cells(dict[tuple[Any, ...], str]):
    """Cells that repeat from row to row (a block's, a network's), each written once by ``write``."""

    def __init__(self, write: Any) -> None:
        super().__init__()
        self._write = write

    def __missing__(self, key: tuple[Any, ...]) -> str:
        self[key] = cell = self._write(*key)
        return cell


class _Links:
    """The texts, links and repeated cells of one page's rows."""

    def __init__(self, device: str) -> None:
        self.text = _Escaped()
        self.segment = _Segments()
        self.device = f"/console/devices/{segment(device)}"
        self._blocks = _Cells(self._block_cell)
        self._networks = _Cells(self._network_cell)
        self._operands = _Cells(self._operand_cell)

    def usage_cells(self, use: Mapping[str, Any]) -> str:
        """A use's block (with its type and language), network (or the interface), access and operand."""
        block = use["block"]
        return (f"{self._blocks[block, use['blockType'], use.get('language')]}"
                f"{self._networks[block, use.get('network'), use.get('networkTitle')]}"
                f"<td>{self.text[use['access']]}</td>{self._operands[use['operand'],]}")

    def _block_cell(self, block: str, block_type: str, language: str | None) -> str:
        text = self.text
        kind = f"{text[block_type]}, {text[language]}" if language else text[block_type]
        return (f'<td><a href="{self.device}/blocks/{self.segment[block]}">{text[block]}</a> '
                f'<span class="kind">{kind}</span></td>')

    def _network_cell(self, block: str, network: int | None, title: str | None) -> str:
        if network is None:
            return "<td>Interface</td>"
        named = f"NW {network}: {self.text[title]}" if title else f"NW {network}"
        return (f'<td><a class="network-link" href="{self.device}/blocks/{self.segment[block]}#network-{network}">'
                f"{named}</a></td>")

    def _operand_cell(self, operand: str) -> str:
        return (f'<td class="type"><a href="{self.device}/cross-references?name={segment(operand)}">'
                f"{self.text[operand]}</a></td>")

    def tag_link(self, name: str) -> str:
        return f'<a href="{self.device}/tags/{self.segment[name]}">{self.text[name]}</a>'


def usage_rows(usages: Iterable[Mapping[str, Any]], device: str) -> Markup:
    """The rows of one object's uses (the cross-reference page's and a tag page's table)."""
    links = _Links(device)
    text = links.text
    return Markup("\n".join(f'<tr data-access="{text[u["access"]]}">{links.usage_cells(u)}</tr>' for u in usages))


def tag_use_rows(uses: Iterable[Mapping[str, Any]], device: str) -> Markup:
    """The rows of a tag table's uses: one group per used tag, the tag's name (a row header spanning its group)
    on its first row."""
    links, rows = _Links(device), []
    text = links.text
    for used in uses:
        tag, usages = used["tag"], used["usages"]
        opening = f'<th scope="rowgroup" rowspan="{len(usages)}">{links.tag_link(tag)}</th>'
        for use in usages:
            rows.append(f'<tr data-tag-use="{text[tag]}" data-access="{text[use["access"]]}">{opening}'
                        f"{links.usage_cells(use)}</tr>")
            opening = ""
    return Markup("\n".join(rows))


_HMI = {(visible, accessible, writable): (f'{"visible" if visible else "hidden"}, '
                                          f'{"accessible" if accessible else "not accessible"}, '
                                          f'{"writable" if writable else "read-only"}')
        for visible in (False, True) for accessible in (False, True) for writable in (False, True)}
"""A tag's HMI settings in words, by (visible, accessible from HMI, writable from HMI)."""


def tag_rows(tags: Iterable[Mapping[str, Any]], device: str) -> Markup:
    """The rows of a tag table's tags: name (linked to the tag's page), data type, address, comment, HMI settings."""
    links = _Links(device)
    text = links.text
    return Markup("\n".join(
        f'<tr data-tag="{text[t["name"]]}"><td>{links.tag_link(t["name"])}</td><td class="type">'
        f'{text[t.get("dataType")]}</td><td class="type">{text[t.get("logicalAddress")]}</td><td>'
        f'{text[t.get("comment")]}</td><td class="muted">'
        f'{_HMI[bool(t.get("hmiVisible")), bool(t.get("hmiAccessible")), bool(t.get("hmiWriteable"))]}</td></tr>'
        for t in tags))
