"""What changed in one PLC object between two SimaticML documents, as Siemens' compare tool and Copia show it.

For a block or PLC data type: interface members added, removed or changed (type, start value, comment,
attributes), networks whose code changed, were added or removed, and whether everything that changed is a
comment or title (``comments only``). For a tag table: tags added, removed or changed. Content that cannot be read
as SimaticML is reported as ``unreadable``, without details. Source control's diff of a commit
(:mod:`engineering_api.domain.sourcecontrol.semantic`) and both adapters' compare of library type versions read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ("DocumentDigest", "ObjectChanges", "change_summary", "compare_digests", "compare_documents",
           "document_digest")


@dataclass(slots=True)
class ObjectChanges:
    """What changed in one object, member by member.

    Args:
        kind: ``interface``, ``code``, ``tags``, ``attributes`` (comma-joined), ``comments only``, ``formatting``
            (nothing an engineer reads changed) or ``unreadable``.
        members_added: interface members (``Section.Member``) or tags added.
        members_removed: the same, removed.
        members_changed: ``Section.Member: what`` (type, start value, comment, attributes; a tag's type, address,
            comment).
        networks_changed: networks (``#n title``) whose code changed, were added or removed.
        comments_only: everything that changed is a comment or title.
    """

    kind: str = ""
    members_added: list[str] = field(default_factory=list)
    members_removed: list[str] = field(default_factory=list)
    members_changed: list[str] = field(default_factory=list)
    networks_changed: list[str] = field(default_factory=list)
    comments_only: bool = False


def _texts(value: Any) -> tuple[tuple[str, str], ...]:
    """A multilingual text or member comment as sorted (culture, text) pairs."""
    if value is None:
        return ()
    if hasattr(value, "texts") and isinstance(value.texts, dict):
        return tuple(sorted((k, v) for k, v in value.texts.items() if v))
    items = getattr(value, "items", None) or []
    return tuple(sorted((i.culture, i.text) for i in items if getattr(i, "text", "")))


def _members(sections: Any, prefix: str, out: dict[str, dict[str, Any]]) -> None:
    for section in getattr(sections, "sections", None) or []:
        for member in section.members:
            _member(member, f"{prefix}{section.name}.", out)


def _member(member: Any, prefix: str, out: dict[str, dict[str, Any]]) -> None:
    path = prefix + member.name
    out[path] = {
        "type": member.datatype,
        "start value": member.start_value.value if member.start_value else None,
        "comment": _texts(member.comment),
        "attributes": repr([(a.name, a.value) for a in member.attributes or []])
        + repr((member.remanence, member.accessibility)),
    }
    for child in member.members:
        _member(child, path + ".", out)
    if member.sections is not None:
        _members(member.sections, path + ".", out)


def _interface(obj: Any) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    interface = getattr(obj, "interface", None)
    if interface is not None:
        _members(interface.sections, "", out)
    return out


def _networks(obj: Any) -> list[tuple[str, Any, tuple[Any, ...]]]:
    """``(label, code, comments)`` per network; the code is its body's digest (equal exactly when the bodies are,
    :meth:`simatic_xml.sw_base.NetworkSource.digest`) and its language."""
    result = []
    for index, unit in enumerate(getattr(obj, "compile_units", None) or [], start=1):
        title = _texts(unit.title)
        label = f"#{index}" + (f" {title[0][1]}" if title else "")
        source = unit.network_source
        code = (source.digest() if source is not None else None, unit.programming_language)
        result.append((label, code, (title, _texts(unit.comment))))
    return result


def _tags(obj: Any) -> dict[str, tuple[Any, ...]]:
    tags = {}
    for tag in getattr(obj, "tags", None) or []:
        tags[tag.name] = (tag.data_type, tag.logical_address, _texts(tag.comment))
    for constant in getattr(obj, "user_constants", None) or []:
        tags[constant.name] = (constant.attr("DataTypeName"), constant.value, _texts(constant.comment))
    return tags


def _attributes(obj: Any) -> dict[str, Any]:
    return {k: repr(v) for k, v in (obj.attributes or {}).items() if k not in ("Interface",)}


@dataclass(frozen=True, slots=True)
class DocumentDigest:
    """What the compare reads of one SimaticML document: its title and comment, interface members, networks (each
    body as a digest), tags and attributes. Small beside the parsed document, so it can be kept per content."""

    title: tuple[tuple[str, str], ...]
    comment: tuple[tuple[str, str], ...]
    interface: dict[str, dict[str, Any]]
    networks: list[tuple[str, Any, tuple[Any, ...]]]
    tags: dict[str, tuple[Any, ...]]
    attributes: dict[str, Any]


def document_digest(xml: bytes) -> DocumentDigest | None:
    """What the compare reads of the SimaticML document ``xml``; None when it cannot be read."""
    from simatic_xml import SimaticMLError, parse_bytes

    try:
        obj = parse_bytes(xml).object
        return DocumentDigest(_texts(obj.title), _texts(obj.comment), _interface(obj), _networks(obj), _tags(obj),
                              _attributes(obj))
    except (SimaticMLError, ValueError):
        return None


def _compare(diff: ObjectChanges, old: DocumentDigest, new: DocumentDigest) -> None:
    kinds: list[str] = []
    comment_changes = old.title != new.title or old.comment != new.comment

    before, after = old.interface, new.interface
    diff.members_added = [m for m in after if m not in before]
    diff.members_removed = [m for m in before if m not in after]
    for name in (m for m in after if m in before):
        changed = [what for what in after[name] if after[name][what] != before[name][what]]
        if changed == ["comment"]:
            comment_changes = True
        if changed:
            diff.members_changed.append(f"{name}: {', '.join(changed)}")
    if diff.members_added or diff.members_removed or any(not c.endswith(": comment") for c in diff.members_changed):
        kinds.append("interface")

    old_nets, new_nets = old.networks, new.networks
    for index in range(max(len(old_nets), len(new_nets))):
        if index >= len(old_nets):
            diff.networks_changed.append(f"{new_nets[index][0]} (added)")
        elif index >= len(new_nets):
            diff.networks_changed.append(f"{old_nets[index][0]} (removed)")
        elif old_nets[index][1] != new_nets[index][1]:
            diff.networks_changed.append(new_nets[index][0])
        elif old_nets[index][2] != new_nets[index][2]:
            comment_changes = True
    if diff.networks_changed:
        kinds.append("code")

    old_tags, new_tags = old.tags, new.tags
    if old_tags or new_tags:
        diff.members_added += [t for t in new_tags if t not in old_tags]
        diff.members_removed += [t for t in old_tags if t not in new_tags]
        for name in (t for t in new_tags if t in old_tags and new_tags[t] != old_tags[t]):
            what = [w for w, a, b in zip(("type", "address", "comment"), old_tags[name], new_tags[name]) if a != b]
            diff.members_changed.append(f"{name}: {', '.join(what)}")
            if what == ["comment"]:
                comment_changes = True
            else:
                kinds.append("tags")
        if [t for t in new_tags if t not in old_tags] or [t for t in old_tags if t not in new_tags]:
            kinds.append("tags")

    if old.attributes != new.attributes:
        kinds.append("attributes")
    kinds = list(dict.fromkeys(kinds))
    if not kinds and comment_changes:
        diff.comments_only = True
        kinds.append("comments only")
    diff.kind = ", ".join(kinds) or "formatting"


def compare_digests(old: DocumentDigest | None, new: DocumentDigest | None) -> ObjectChanges:
    """What changed from one document to another, by their digests (kind ``unreadable`` when one is None)."""
    changes = ObjectChanges()
    if old is None or new is None:
        changes.kind = "unreadable"
    else:
        _compare(changes, old, new)
    return changes


def compare_documents(old: bytes, new: bytes) -> ObjectChanges:
    """What changed from the SimaticML document ``old`` to ``new`` (kind ``unreadable`` when one cannot be read)."""
    return compare_digests(document_digest(old), document_digest(new))


def change_summary(name: str, changes: ObjectChanges) -> str:
    """One line for a modified object: ``FB_Motor: interface, code (1 added, 2 changed members); networks #2``."""
    parts = []
    if changes.members_added:
        parts.append(f"{len(changes.members_added)} added")
    if changes.members_removed:
        parts.append(f"{len(changes.members_removed)} removed")
    if changes.members_changed:
        parts.append(f"{len(changes.members_changed)} changed")
    text = f"{name}: {changes.kind}"
    if parts:
        text += f" ({', '.join(parts)} members)"
    if changes.networks_changed:
        text += f"; networks {', '.join(changes.networks_changed)}"
    return text
