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

__all__ = ("ObjectChanges", "change_summary", "compare_documents")


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
    """``(label, code, comments)`` per network."""
    result = []
    for index, unit in enumerate(getattr(obj, "compile_units", None) or [], start=1):
        title = _texts(unit.title)
        label = f"#{index}" + (f" {title[0][1]}" if title else "")
        result.append((label, (unit.network_source, unit.programming_language), (title, _texts(unit.comment))))
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


def _compare(diff: ObjectChanges, old: Any, new: Any) -> None:
    kinds: list[str] = []
    comment_changes = _texts(old.title) != _texts(new.title) or _texts(old.comment) != _texts(new.comment)

    before, after = _interface(old), _interface(new)
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

    old_nets, new_nets = _networks(old), _networks(new)
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

    old_tags, new_tags = _tags(old), _tags(new)
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

    if _attributes(old) != _attributes(new):
        kinds.append("attributes")
    kinds = list(dict.fromkeys(kinds))
    if not kinds and comment_changes:
        diff.comments_only = True
        kinds.append("comments only")
    diff.kind = ", ".join(kinds) or "formatting"


def compare_documents(old: bytes, new: bytes) -> ObjectChanges:
    """What changed from the SimaticML document ``old`` to ``new`` (kind ``unreadable`` when one cannot be read)."""
    from simatic_xml import SimaticMLError, parse_bytes

    changes = ObjectChanges()
    try:
        _compare(changes, parse_bytes(old).object, parse_bytes(new).object)
    except (SimaticMLError, ValueError):
        changes.kind = "unreadable"
    return changes


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
