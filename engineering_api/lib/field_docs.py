"""Field descriptions for the wire: each Struct field's own documentation, in plain words.

A field is documented where it is declared, by the string literal right after it (the attribute docstring that
Sphinx and IDEs read) or by ``Annotated[..., Meta(description=...)]``. msgspec reads only the latter, so
:func:`field_docs` reads the former from the source. A few names mean the same everywhere (``deviceName``,
``overwrite``...): :data:`COMMON` documents them once, for any field that says nothing of its own.

:func:`plain` strips the reStructuredText markup of the source (````x````, ``:class:`~a.B```) so that clients
that show descriptions as plain text (MCP tools, Swagger) show words, not markup.

REST's OpenAPI document reads the same descriptions through Litestar's schema plugin for Structs
(:class:`engineering_api.web._litestar.struct_schemas.DocumentedStructSchemas`).
"""

from __future__ import annotations

import ast
import inspect
import linecache
import re
import typing
from functools import lru_cache
from typing import Any

import msgspec

__all__ = ("COMMON", "borrow_field_docs", "document", "field_docs", "plain")

COMMON: dict[str, str] = {
    "deviceName": "Name of the PLC (device) in the open project, e.g. PLC_1.",
    "blockName": "Name of the program block, e.g. FB_Motor.",
    "tableName": "Name of the tag table (or watch/force table).",
    "tagTableName": "Name of the PLC tag table.",
    "tagName": "Name of the PLC tag.",
    "constantName": "Name of the user constant.",
    "parentPath": "Path (a/b) of the folder that holds the named folder; empty for the top level.",
    "stopForcing": "End the active forces of force tables being deleted; without it such a delete is refused.",
    "udtName": "Name of the PLC data type (UDT).",
    "memberName": "Name of the interface member (parameter or static variable) of the block.",
    "sourceName": "Name of the external source of the PLC, e.g. Motor.scl.",
    "orderNumber": "Article number from the hardware catalog, e.g. 6ES7 516-3AN02-0AB0 (the catalog search finds it).",
    "allProjects": "Also list the snapshots taken in other projects, not only in the open one.",
    "typeName": "Name of the type.",
    "instanceName": "Name of the PLCSIM instance (virtual PLC).",
    "libraryName": "Name of the global library.",
    "screenName": "Name of the HMI screen.",
    "connectionName": "Name of the HMI connection.",
    "scriptName": "Name of the HMI script module.",
    "listName": "Name of the text or graphic list.",
    "graphicName": "Name of the graphic in the project's graphics collection.",
    "branchName": "Name of the git branch.",
    "folderName": "Name of the folder.",
    "snapshotId": "Id of the snapshot, as the history lists it.",
    "overwrite": "Replace an existing object of the same name instead of refusing with 409.",
    "allowInvalid": "Accept the input even where it does not validate (TIA keeps it as inconsistent).",
    "folder": "Folder path inside the program (or table) tree, '/'-separated; empty for the top level.",
    "folderPath": "Folder path inside the tree, '/'-separated; empty for the top level.",
    "exportPath": "File to write, under one of the service's export roots.",
    "importFilePath": "File to read, under one of the service's import roots.",
    "filePath": "File path, under one of the service's roots.",
    "outputPath": "Where to write the output, under one of the service's export roots.",
    "path": "File or folder path, under one of the service's roots.",
    "directory": "Directory, under one of the service's roots.",
    "newName": "The new name.",
    "comment": "Comment, as shown in TIA Portal.",
    "description": "Free text describing the object.",
    "title": "Title, as shown in TIA Portal.",
    "author": "Author, as shown in the block properties.",
    "dataType": "Data type, as written in TIA Portal (Bool, Int, Real, \"UDT_Name\", Array[1..10] of Int...).",
    "limit": "At most this many items.",
    "password": "Password (never stored in logs or answers).",
    "targetVersion": "TIA Portal version to target, e.g. V19.",
    "value": "The value, as TIA Portal writes it (TRUE, 42, 3.5, 'text').",
    "ipAddress": "IPv4 address, e.g. 192.168.0.1.",
    "subnetMask": "IPv4 subnet mask, e.g. 255.255.255.0.",
}
"""Names that mean one thing wherever they appear."""

_ROLE = re.compile(r":[a-z]+:`~?([^`]+)`")
_LITERAL = re.compile(r"``([^`]*)``|`([^`]*)`")
_EMPHASIS = re.compile(r"(?<![\w*])\*\*?([^*\s][^*]*?)\*\*?(?![\w*])")


def plain(text: str) -> str:
    """``text`` without reStructuredText markup, on one line."""
    text = _ROLE.sub(lambda m: m.group(1).rsplit(".", 1)[-1], text)
    text = _LITERAL.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), text)
    text = _EMPHASIS.sub(r"\1", text)
    return " ".join(text.split())


class _ClassIndex(ast.NodeVisitor):
    """Qualified name → the first class statement of that name in a module, as ``inspect.getsource`` finds it."""

    def __init__(self) -> None:
        self.stack: list[str] = []
        self.classes: dict[str, ast.ClassDef] = {}

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.stack += [node.name, "<locals>"]
        self.generic_visit(node)
        del self.stack[-2:]

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.stack.append(node.name)
        self.classes.setdefault(".".join(self.stack), node)
        self.generic_visit(node)
        self.stack.pop()


@lru_cache(maxsize=None)
def _classes_of(filename: str) -> dict[str, ast.ClassDef]:
    """The class statements of a source file, parsed once per file: ``inspect.getsource`` parses the whole
    module again for each class, which made the MCP tool catalog cost a second of start-up."""
    try:
        tree = ast.parse("".join(linecache.getlines(filename)))
    except (SyntaxError, ValueError):
        return {}
    index = _ClassIndex()
    index.visit(tree)
    return index.classes


def _docstrings(cls: type) -> dict[str, str]:
    """The attribute docstrings of one class's own body."""
    try:
        filename = inspect.getsourcefile(cls)
    except TypeError:
        return {}
    node = _classes_of(filename).get(cls.__qualname__) if filename else None
    found: dict[str, str] = {}
    if node is None:
        return found
    for item, after in zip(node.body, node.body[1:]):
        if (isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name) and isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant) and isinstance(after.value.value, str)):
            found[item.target.id] = plain(inspect.cleandoc(after.value.value))
    return found


_DOCS_OF = "__field_docs_of__"
"""The attribute of a Struct built from another one's fields (a REST body) that names that other Struct."""


def borrow_field_docs(struct: type[msgspec.Struct], source: type[Any] | None) -> None:
    """Document ``struct``'s fields (built at run time, without docstrings) by ``source``'s of the same names."""
    setattr(struct, _DOCS_OF, source)  # a class attribute of the built Struct: msgspec Structs take new ones


@lru_cache(maxsize=None)
def field_docs(struct: type[msgspec.Struct]) -> dict[str, str]:
    """Wire name → description of each documented field of ``struct`` (its own docstrings, its bases', then
    :data:`COMMON`)."""
    written: dict[str, str] = {}
    source = getattr(struct, _DOCS_OF, None)  # see borrow_field_docs
    if isinstance(source, type) and issubclass(source, msgspec.Struct):
        written.update({info.name: text for info in msgspec.structs.fields(source)
                        if (text := field_docs(source).get(info.encode_name))})
    for cls in reversed(struct.__mro__):
        if isinstance(cls, type) and issubclass(cls, msgspec.Struct) and cls is not msgspec.Struct:
            written.update(_docstrings(cls))
    docs: dict[str, str] = {}
    for info in msgspec.structs.fields(struct):
        text = written.get(info.name) or COMMON.get(info.encode_name)
        if text:
            docs[info.encode_name] = text
    return docs


def _structs_in(tp: Any, found: dict[str, type[msgspec.Struct]]) -> None:
    if isinstance(tp, type) and issubclass(tp, msgspec.Struct):
        if tp.__name__ in found:
            return
        found[tp.__name__] = tp
        hints = typing.get_type_hints(tp, include_extras=False)
        for info in msgspec.structs.fields(tp):
            _structs_in(hints.get(info.name), found)
        return
    for arg in typing.get_args(tp):
        _structs_in(arg, found)


def _enum_words(prop: dict[str, Any]) -> list[str] | None:
    for candidate in (prop, *prop.get("anyOf", ())):
        values = candidate.get("enum")
        if values:
            return [str(v) for v in values]
    return None


def _describe_properties(schema: dict[str, Any], docs: dict[str, str]) -> None:
    for name, prop in schema.get("properties", {}).items():
        text = plain(prop.get("description") or docs.get(name) or "")
        values = _enum_words(prop)
        if values and not all(v in text for v in values):
            text = f"{text} One of: {', '.join(values)}.".strip()
        if text:
            prop["description"] = text


def document(schema: dict[str, Any], struct: type[msgspec.Struct]) -> dict[str, Any]:
    """``schema`` (the JSON schema of ``struct``, its root inlined, nested Structs in ``$defs``) with every
    property described from its field's documentation, without markup, enumerations naming their values."""
    nested: dict[str, type[msgspec.Struct]] = {}
    _structs_in(struct, nested)
    _describe_properties(schema, field_docs(struct))
    for name, definition in schema.get("$defs", {}).items():
        owner = nested.get(name.rsplit("_", 1)[-1]) or nested.get(name)
        _describe_properties(definition, field_docs(owner) if owner is not None else {})
        if definition.get("description"):
            definition["description"] = plain(definition["description"])
    return schema
