"""Retarget a document to another TIA version (V16…V21).

What is rewritten (each rule is backed by the corpus, ../shared/notes/simaticml.md):

* ``Engineering/@version``;
* every Openness namespace to the target's (Interface v4/v5, FlgNet v4/v5, StructuredText v3/v4, …);
* ``DocumentInfo`` is dropped for V18+ (no V18+ export has one);
* an empty ``Namespace`` block attribute is dropped below V18 (it appears from V18);
* StructuredText v4 never writes ``Num="1"`` on ``Blank``/``NewLine`` (the default), so it is dropped.

What is refused with :class:`VersionError` (the target cannot express it, or the mapping is unknown):

* a part whose namespace was never observed in the target version (StatementList outside V17/V18,
  GRAPH in V20, ProDiag ``BlockTypeSupervisions`` outside V17, technology-object ``Parameters`` outside V18);
* a GRAPH network between different Graph namespace versions (v1/v5/v6 differ structurally and the
  differences are not documented);
* StructuredText v4 → v3 with a jump ``Label`` (no v3 export holding one was seen); calls are kept: user-block
  calls are ``CallInfo`` and system-FB instance calls the nameless ``Instruction`` in both versions
  (../shared/notes/simaticml.md §7);
* StructuredText v3 → v4 with ``LineComment`` carrying the v3-only ``Inserted``/``NoClosingBracket``
  attributes (the nameless-``Instruction`` multi-instance call form occurs in both, so it is kept);
* FlgNet v5 → v4 with ``Labels`` (added in v5);
* a non-empty ``Namespace`` block attribute below V18.

Kept as written: a namespace the tables do not know (or not for the target) when the target is the version
that wrote the document: the document is already in the target's form, nothing needs mapping (TIA imports what
it exported; issue 13 found V17 ProDiag supervisions and V19 GRAPH this way).

Older exports (TIA's import rule). Siemens, TIA Portal Openness V21 system manual, "Basic principles of
import/export" > "SIMATIC ML versioning": up to V18 an import needs an Openness API at least as new as the
SimaticML; since V19 every SimaticML version of the LTS scope (Vxx-3 to Vxx) can be imported. So a V19 project
reads V16-V19 documents and a V21 project V18-V21 (:func:`import_scope`). Inside that scope TIA converts the
document itself: what the tables here cannot map (StatementList, a Graph namespace change, a StructuredText/v3
network using v3-only attributes) is kept as written, in the namespace the document was exported in. Outside it
the documented namespace rewrites above still apply, and anything else is refused with a message naming the
rule and the next step (export from a TIA in the scope, or upgrade the project holding the block).

Not done: adding or removing default-valued attributes (V19+ leave them out; both forms import).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator

from .errors import VersionError
from .model import Document, Interface, NetworkSource, SwObject
from .versions import (
    GENERATION_TARGETS,
    KNOWN_VERSIONS,
    namespace_for,
    namespace_part,
    normalize_version,
    version_index,
)
from .xmlnode import XmlNode, split_tag

__all__ = ("convert_bytes", "import_scope", "retarget")


def retarget(doc: Document, target: str, *, in_place: bool = False) -> Document:
    """A copy of ``doc`` for TIA ``target``; raises :class:`VersionError` for what cannot be expressed.

    ``in_place``: change ``doc`` itself instead, for a caller that parsed it and keeps no other reference (the
    copy is most of the cost of retargeting). ``doc`` may then be half changed when VersionError is raised."""
    ver = normalize_version(target)
    if ver not in GENERATION_TARGETS:
        raise VersionError(f"cannot generate for TIA {ver}; targets are {', '.join(GENERATION_TARGETS)}")
    written_by = doc.engineering_version
    # Inside TIA's import scope TIA converts what our tables cannot: keep it as written (module docstring).
    keep_unmapped = _same_version(written_by, ver) or _in_import_scope(written_by, ver)
    new = doc if in_place else copy.deepcopy(doc)
    new.engineering_version = ver
    if version_index(ver) >= version_index("V18"):
        new.document_info = None
    try:
        for obj in _sw_objects(new.object):
            _retarget_object(obj, ver, keep_unmapped)
    except VersionError as exc:
        if keep_unmapped or not _older(written_by, ver):  # generating for an older TIA: no import rule applies
            raise
        raise VersionError(f"{exc}. {_scope_advice(str(written_by or 'an unknown version'), ver)}") from None
    return new


def import_scope(target: str) -> tuple[str, ...]:
    """The versions whose SimaticML a TIA ``target`` project imports (and converts) itself: since V19 the LTS
    scope Vxx-3 to Vxx; before V19 an import needs an Openness (so a TIA) at least as new as the document, and
    only the target's own version is known to be read as written here."""
    ver = normalize_version(target)
    major = _major(ver)
    if major < 19:
        return (ver,)
    return tuple(v for v in KNOWN_VERSIONS if major - 3 <= _major(v) <= major)


def _major(version: str) -> int:
    return int(version[1:].split(" ")[0])


def _older(written_by: str | None, ver: str) -> bool:
    try:
        return bool(written_by) and version_index(str(written_by)) < version_index(ver)
    except VersionError:
        return False


def _in_import_scope(written_by: str | None, ver: str) -> bool:
    try:
        return bool(written_by) and normalize_version(str(written_by)) in import_scope(ver)
    except VersionError:
        return False


def _scope_advice(written_by: str, ver: str) -> str:
    scope = import_scope(ver)
    return (f"TIA {ver} imports SimaticML exported by {scope[0]} to {scope[-1]} (Openness manual, 'SIMATIC ML "
            f"versioning': the LTS scope Vxx-3 to Vxx); this document was exported by {written_by} and holds content "
            f"whose conversion to {ver} is not documented. Export the block from TIA {scope[0]} or later (open the "
            f"project that holds it in that TIA, which upgrades it, and export again), then import that export")


def _same_version(written_by: str | None, ver: str) -> bool:
    try:
        return bool(written_by) and normalize_version(str(written_by)) == ver
    except VersionError:
        return False


def _sw_objects(obj: object) -> Iterator[SwObject]:
    if isinstance(obj, SwObject):
        yield obj
        for child in obj.children or ():
            yield from _sw_objects(child)


def _where(obj: SwObject) -> str:
    name = obj.attr("Name")
    return f"{obj.element}" + (f" {name!r}" if isinstance(name, str) else "") + (f" (ID {obj.id})" if obj.id else "")


def _retarget_object(obj: SwObject, ver: str, same_version: bool) -> None:
    attrs = obj.attributes
    if attrs is None:
        return
    if "Namespace" in attrs and version_index(ver) < version_index("V18"):
        if attrs["Namespace"] not in ("", None):
            raise VersionError(f"{_where(obj)}: a block Namespace ({attrs['Namespace']!r}) needs V18 or later")
        del attrs["Namespace"]
        if "Namespace" in obj.read_only:
            obj.read_only.remove("Namespace")
    for name, value in attrs.items():
        if isinstance(value, Interface):
            value.namespace = _new_namespace(value.namespace, ver, f"{_where(obj)} Interface", same_version)
        elif isinstance(value, NetworkSource) and not _already_target(value, ver, same_version) \
                and value.body is not None:
            _retarget_tree(value.body, ver, f"{_where(obj)} network", same_version)
        elif isinstance(value, XmlNode):
            _retarget_tree(value, ver, f"{_where(obj)} {name}", same_version)


def _already_target(source: NetworkSource, ver: str, same_version: bool) -> bool:
    """A network body not read yet (the lxml element the reader kept) whose namespaces are all the target's:
    it is left as it is, unread, rather than built into a tree only to find nothing to change."""
    element = source.lazy_element
    if element is None:
        return False
    namespaces = set()
    for node in element.iter():
        tag = node.tag
        if not isinstance(tag, str):  # a comment or PI: the tree walk reports it
            return False
        namespaces.add(split_tag(tag)[0])
    namespaces.discard(None)
    try:
        return all(_new_namespace(ns, ver, "", same_version) == ns for ns in namespaces if ns is not None)
    except VersionError:  # the tree walk reports it, with where
        return False


def _new_namespace(uri: str, ver: str, where: str, same_version: bool = False) -> str:
    split = namespace_part(uri)
    if split is None:
        if same_version:
            return uri
        raise VersionError(f"{where}: unknown namespace {uri!r} cannot be retargeted")
    part, _suffix = split
    try:
        return namespace_for(part, ver)
    except VersionError as exc:
        if same_version:
            return uri
        raise VersionError(f"{where}: {exc}") from None


def _retarget_tree(root: XmlNode, ver: str, where: str, same_version: bool = False) -> None:
    """Rewrite the namespaces of one embedded tree; with ``same_version`` (the document is the target's own or
    inside its import scope) a tree whose change cannot be expressed is kept whole, as written."""
    try:
        _retarget_tree_strict(root, ver, where)
    except VersionError:
        if not same_version:
            raise


def _retarget_tree_strict(root: XmlNode, ver: str, where: str) -> None:
    mapping: dict[str, str] = {}
    for node in root.iter():
        if node.ns is not None and node.ns not in mapping:
            mapping[node.ns] = _new_namespace(node.ns, ver, where)
    for old, new in mapping.items():
        part_old = namespace_part(old)
        part_new = namespace_part(new)
        if part_old is not None and part_new is not None and part_old[1] != part_new[1]:
            _check_transition(root, part_old[0], part_old[1], part_new[1], ver, where)
    if all(old == new for old, new in mapping.items()):
        return  # already the target's namespaces (a document generated for, or exported by, that version)
    for node in root.iter():
        if node.ns is not None:
            node.ns = mapping[node.ns]


def _check_transition(root: XmlNode, part: str, old: str, new: str, ver: str, where: str) -> None:
    """Refuse what the target namespace cannot express; apply the documented rewrites."""
    if part == "NetworkSource/Graph":
        raise VersionError(f"{where}: GRAPH Graph/{old} -> Graph/{new} (TIA {ver}) is not supported: the differences "
                           "are undocumented")
    if part == "NetworkSource/FlgNet" and (old, new) == ("v5", "v4"):
        if any(n.tag in ("Labels", "LabelDeclaration") for n in root.iter()):
            raise VersionError(f"{where}: FlgNet labels need FlgNet/v5 (V19 or later), target is {ver}")
    if part == "NetworkSource/StructuredText":
        if (old, new) == ("v4", "v3"):
            for node in root.iter():
                if node.tag == "Label":
                    raise VersionError(
                        f"{where}: SCL jump label <{node.tag}> (StructuredText/v4): no StructuredText/v3 export "
                        f"holding one is known; target is {ver}"
                    )
        elif (old, new) == ("v3", "v4"):
            for node in root.iter():
                if node.tag == "LineComment" and ("Inserted" in node.attrs or "NoClosingBracket" in node.attrs):
                    raise VersionError(
                        f"{where}: LineComment Inserted/NoClosingBracket exist only in StructuredText/v3"
                    )
                if node.tag in ("Blank", "NewLine") and node.attrs.get("Num") == "1":
                    del node.attrs["Num"]


def convert_bytes(data: bytes, target: str, *, renumber: bool = True) -> bytes:
    """Read a document, retarget it and write it (``engineering-api simaticml convert FILE --to V19``)."""
    from .reader import parse_bytes
    from .writer import to_bytes

    return to_bytes(retarget(parse_bytes(data), target), renumber=renumber)
