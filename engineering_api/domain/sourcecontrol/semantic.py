"""The semantic diff of one object between two versions, as Siemens' compare tool and Copia show it.

The comparison itself is a rule the adapters share (:mod:`engineering_api.rules.object_changes`); here it is
placed at a repository path (device, domain, object) and summed up for the diff of a commit. A station's AML is
reported as a hardware change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engineering_api.domain.sourcecontrol.export import HARDWARE, parse_path
from engineering_api.domain.sourcecontrol.schemas import ObjectDiff
from engineering_api.rules.object_changes import ObjectChanges, change_summary

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ("object_diff",)


def object_diff(path: str, status: str, compare: Callable[[], ObjectChanges]) -> ObjectDiff:
    """What changed in the object at ``path``: for a modified object what ``compare()`` found between its two
    versions; an added or removed object is summed up by its status alone."""
    ref = parse_path(path)
    if ref.domain == HARDWARE:
        changes = ObjectChanges(kind="hardware")
    elif status == "Modified":
        changes = compare()
    else:
        changes = ObjectChanges()
    if status == "Modified":
        summary = change_summary(ref.name, changes)
    else:
        summary = f"{ref.domain[:-1] if ref.domain.endswith('s') else ref.domain} {ref.name} {status.lower()}"
    return ObjectDiff(
        path=path, device_name=ref.device, domain=ref.domain, item_name=ref.name, status=status, kind=changes.kind,
        members_added=changes.members_added, members_removed=changes.members_removed,
        members_changed=changes.members_changed, networks_changed=changes.networks_changed,
        comments_only=changes.comments_only, summary=summary,
    )
