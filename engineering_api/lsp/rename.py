"""Rename (``textDocument/prepareRename`` and ``textDocument/rename``) of the names the workspace's SCL sources
declare: a block's variables (every section), the members of a block's interface as other blocks use them
(``"Inst".start``, ``#inst.start``, ``#inst(start := ..)``), the members of a PLC data type, and blocks.

The name under the cursor is resolved as hover and find references resolve it (:class:`.symbols.Model`), and each
SCL source of the document's PLC is searched with the same resolver (:meth:`.symbols.Model.occurrences`): the
edit touches the declaration and every use, never a string, a comment or a same-named member of another type.
What cannot be renamed honestly (a system instruction, a keyword, a tag or a type declared in a SimaticML export,
a new name TIA would not accept, or one the scope already has) is refused with a ``RequestFailed`` error whose
message says why.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional, TypeVar

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from simatic_xml.scl import ast as A
from simatic_xml.scl import parse
from simatic_xml.scl.errors import SclError
from simatic_xml.scl.lexer import KEYWORDS
from simatic_xml.scl_text import needs_quotes
from simatic_xml.system_types import lookup, lookup_instruction

from engineering_api.lib.file_walk import read_regular
from engineering_api.rules.compiler.builtins import FUNCTIONS, conversion
from engineering_api.rules.compiler.check import source_text
from engineering_api.rules.compiler.program import BlockDef
from engineering_api.rules.values import MAX_NAME

from .features import resolve_in
from .guard import guarded
from .session import too_large
from .symbols import Model, Place, Target, is_scl, own_declarations
from .text import WORD, Text
from .trees import current_model

if TYPE_CHECKING:
    from .session import SclLanguageServer

__all__ = ("RenameRefused", "prepare", "register", "rename")

T = TypeVar("T")

_BLOCK_NAME = re.compile(r'[A-Za-z_]+\s+(#?"[^"\n]*"|[^\W\d]\w*)')


class RenameRefused(JsonRpcException):
    """A rename the server will not make, answered as LSP's ``RequestFailed`` with the reason."""

    CODE = types.LSPErrorCodes.RequestFailed.value


def _shown(target: Target) -> str:
    return f'"{target.name}"' if target.kind == "block" else target.name


def _system_name(name: str) -> bool:
    return (lookup_instruction(name) is not None or lookup(name) is not None or name.upper() in FUNCTIONS
            or conversion(name.upper()) is not None)


def _current_model(ls: SclLanguageServer, uri: str) -> tuple[Model, Text]:
    """The document's model, from its current text (a rename from an older text would edit the wrong places)."""
    model, text = current_model(ls, uri)
    if model is None:
        if too_large(text.source):
            raise RenameRefused("The document is not checked (too large), so nothing in it can be renamed.")
        raise RenameRefused("The document does not parse: fix its syntax errors first, then rename.")
    return model, text


def _target(ls: SclLanguageServer, uri: str, position: types.Position
            ) -> tuple[Model, Text, Target, A.Node, A.Block]:
    """What the name under the cursor declares, or a refusal saying why it cannot be renamed."""
    model, text = _current_model(ls, uri)
    node, block, target = resolve_in(model, text, position)
    word = text.word_at(position)[0].lstrip("#").strip('"')
    if node is None or block is None:
        if word.upper() in KEYWORDS:
            raise RenameRefused(f"{word} is an SCL keyword: it cannot be renamed.")
        raise RenameRefused("Nothing to rename here: place the cursor on a variable, a member or a block name.")
    if target is None:
        raise RenameRefused(f"The type of what {word} is a member of is not declared in the workspace, so the "
                            "member cannot be renamed.")
    if target.kind == "global":
        raise RenameRefused(f'"{word}" is a PLC tag or constant of a tag table: rename it in the tag table (TIA '
                            "Portal), the language server renames what the workspace's SCL sources declare.")
    owner = model.object(target.owner if target.kind in ("local", "member") else target.name)
    if owner is None:
        if _system_name(target.owner or target.name):
            what = f"a member of TIA's system type {target.owner}" if target.kind == "member" else \
                "a system instruction or system type of TIA"
            raise RenameRefused(f"{word} is {what}: its name is TIA's and cannot be renamed.")
        raise RenameRefused(f"{word} is not declared in the workspace's sources, so it cannot be renamed.")
    if target.kind != "block" and target.name not in owner.vars or isinstance(node, A.VarDecl) and not any(
            node is d for d in own_declarations(block)):
        raise RenameRefused(f'{word} is not a declared variable of "{owner.name}" (a member of an anonymous Struct '
                            "or an undeclared name), so it cannot be renamed.")
    if target.kind != "block" and owner.vars[target.name].section == "Return":
        raise RenameRefused(f'{word} is the function value of "{owner.name}": rename the function itself.')
    where = model.view.file_of.get(id(owner), "") if target.kind != "local" else target.file
    if not is_scl(where):
        raise RenameRefused(f"{word} is declared in {os.path.basename(where) or 'no file'}, a SimaticML export: "
                            "rename it in TIA Portal and export again.")
    return model, text, target, node, block


def _short_name(obj: BlockDef) -> str:
    """A block's name as its source's header writes it (without its software unit's namespace), lower-case."""
    return (obj.name.split(".")[-1] if obj.namespace else obj.name).lower()


def _equivalents(model: Model, target: Target) -> frozenset[Target]:
    """The targets that name the same declaration: a block's variable inside it (a local) and from outside (a
    member of the block), a PLC data type's member in its TYPE source and through a variable of the type."""
    if target.kind == "local":
        return frozenset({target, Target("member", target.name, target.owner)})
    if target.kind == "member":
        owner = model.object(target.owner)
        assert owner is not None
        where = model.view.file_of.get(id(owner), "")
        return frozenset({target, Target("local", target.name, _short_name(owner), where)})
    block = model.object(target.name)
    if block is not None and block.kind == "FC":  # its function value, ``#Scale := ..`` in "Scale", goes with it
        short = _short_name(block)
        return frozenset({target, Target("local", short, short, model.view.file_of.get(id(block), ""))})
    return frozenset({target})


def _refuse_name(model: Model, target: Target, new_name: str) -> None:
    """Refuse a new name TIA would not accept, or one its scope already has."""
    if needs_quotes(new_name, reserved=True) or len(new_name) > MAX_NAME:
        raise RenameRefused(f"{new_name!r} is not a plain SCL name: a letter or _ then letters, digits or _, at most "
                            f"{MAX_NAME} characters, no keyword or data type name.")
    key = new_name.lower()
    if key == target.name:
        return
    if target.kind == "block":
        program = model.program
        if key in program.blocks or key in program.types or key in program.tags or key in program.constants \
                or _system_name(new_name):
            raise RenameRefused(f'"{new_name}" is already the name of a block, type, tag or system instruction of '
                                "the PLC: choose another name.")
        return
    owner = model.object(target.owner)
    scope: Optional[BlockDef] = owner
    if scope is not None and key in scope.vars:
        raise RenameRefused(f'"{scope.name}" already declares {scope.vars[key].name}: choose another name.')


def _editor_text(ls: SclLanguageServer, path: str) -> Text:
    """The text the client edits: an open document's, else the file's (UTF-8 with its byte order mark kept as a
    character, or Windows-1252 as TIA's older exports are written)."""
    uri = ls.opened.get(path)
    if uri is not None:
        return ls.text(uri)
    data = read_regular(path)
    bom = data.startswith(b"\xef\xbb\xbf")
    return Text(("\ufeff" if bom else "") + source_text(data[3:] if bom else data))  # the checker's decoding


def _file_model(ls: SclLanguageServer, model: Model, path: str) -> tuple[Model, Text]:
    """Another SCL source of the PLC, in the view of the renamed document, and its text."""
    text = _editor_text(ls, path)
    try:
        parsed = parse(text.source.lstrip("\ufeff"), path)
    except (SclError, RecursionError) as exc:
        raise RenameRefused(f"{os.path.basename(path)} does not parse ({exc}); fix it first, then rename.") from exc
    return Model(path, parsed, model.view), text


def _bare(written: str, start: int) -> tuple[int, str]:
    """Where the name itself of ``written`` (``#"my var"``, ``"Motor"``, ``speed``; at ``start``) begins, and it:
    its ``#`` and quotes stay as they are."""
    name = written.lstrip("#").strip('"')
    return start + len(written) - len(written.lstrip("#").lstrip('"')), name


def _edit_range(text: Text, node: A.Node, place: Place, old: str) -> types.Range:
    """The range of the name itself at ``place`` (inside its quotes, after its ``#``)."""
    index = place.line - 1
    line = text.line(index)
    start = place.col - 1 + (1 if text.bom and index == 0 else 0)
    match = (_BLOCK_NAME if isinstance(node, A.Block) else WORD).match(line, start)
    if match is None:
        raise RenameRefused(f"The name {old} was not found at line {place.line}; the file changed on disk?")
    group = 1 if isinstance(node, A.Block) else 0
    begin, name = _bare(match.group(group), match.start(group))
    if name.lower() != old.lower():
        raise RenameRefused(f"The name {old} was not found at line {place.line}; the file changed on disk?")
    return types.Range(start=text.position(index, begin), end=text.position(index, begin + len(name)))


def rename(ls: SclLanguageServer, uri: str, position: types.Position, new_name: str) -> types.WorkspaceEdit:
    """The edit renaming the name under ``position`` to ``new_name`` in every SCL source of the PLC."""
    model, current, target, _, _ = _target(ls, uri, position)
    _refuse_name(model, target, new_name)
    targets = _equivalents(model, target)
    files = {model.view.file_of.get(id(obj), "") for obj in
             [*model.program.blocks.values(), *model.program.types.values()]}
    changes: dict[str, list[types.TextEdit]] = {}
    for path in sorted(f for f in files | {model.path} if is_scl(f)):
        file_model, text = (model, current) if path == model.path else _file_model(ls, model, path)
        edits = {}
        for node, place in file_model.occurrences(targets):
            found = _edit_range(text, node, place, target.name)
            edits[(found.start.line, found.start.character)] = types.TextEdit(range=found, new_text=new_name)
        if edits:
            changes[ls.opened.get(path) or Path(path).resolve().as_uri()] = [edits[k] for k in sorted(edits)]
    return types.WorkspaceEdit(changes=changes)


def prepare(ls: SclLanguageServer, uri: str, position: types.Position) -> types.PrepareRenamePlaceholder:
    """The range of the name under ``position`` and the name, or a refusal saying why it cannot be renamed."""
    _, text, target, _, _ = _target(ls, uri, position)
    written, start, _ = text.word_at(position)
    if not written:
        raise RenameRefused(f"Nothing to rename here ({_shown(target)} is not under the cursor).")
    begin, name = _bare(written, start)
    return types.PrepareRenamePlaceholder(range=types.Range(
        start=text.position(position.line, begin), end=text.position(position.line, begin + len(name))),
        placeholder=name)


def register(server: SclLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
    def on_prepare(ls: SclLanguageServer, params: types.PrepareRenameParams
                   ) -> Optional[types.PrepareRenamePlaceholder]:
        return _answer(lambda: prepare(ls, params.text_document.uri, params.position))

    # advertised as RenameOptions(prepare_provider=True) to a client that says it supports prepareRename (pygls
    # builds it from the two features: the spec allows the options only then), else as a plain true
    @server.feature(types.TEXT_DOCUMENT_RENAME)
    def on_rename(ls: SclLanguageServer, params: types.RenameParams) -> Optional[types.WorkspaceEdit]:
        return _answer(lambda: rename(ls, params.text_document.uri, params.position, params.new_name))


def _answer(call: Callable[[], T]) -> Optional[T]:
    """``call()``; a refusal goes to the client as an error response, any other failure is logged (:func:`guarded`)
    and answered empty."""
    refused: list[RenameRefused] = []

    def attempt() -> Optional[T]:
        try:
            return call()
        except RenameRefused as exc:
            refused.append(exc)
            return None

    found = guarded(attempt, None)
    if refused:
        raise refused[0]
    return found
