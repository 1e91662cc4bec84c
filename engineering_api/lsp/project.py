"""The workspace folder as one PLC's software: the context every open SCL source is checked in.

Its files are those ``plc check`` reads (SimaticML blocks, PLC data types and tag tables, SCL sources) and TIA's
Excel tag export (``PLCTags.xlsx``, read as the tag import reads it). Each is read once, when first needed, and
again when the client says it changed; an open document stands for its file with the editor's text. A document
is checked with the files of its own PLC (:func:`engineering_api.ci.grouping.plc_groups`; loose files beside a
single PLC folder use that PLC, as ``plc check`` does), so a tag, type or block declared there is known and one
that is not is a ``MISSING_*`` error, and with the settings ``scl check`` finds from the workspace folder
(severities, ``cpu``, ``tia-version``, ``exclude``).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Optional

from simatic_xml.diagnostics import Diagnostic

from engineering_api.ci.commands import configured_family
from engineering_api.ci.config import CheckConfig, ConfigError, load_config
from engineering_api.ci.grouping import plc_groups
from engineering_api.ci.paths import SCL_SUFFIXES, XML_SUFFIXES
from engineering_api.ci.program import load
from engineering_api.lib.file_walk import refusal, walk_files
from engineering_api.rules.compiler.check import Loaded
from engineering_api.ci.sources import merge

from .incremental import DocumentCheck

__all__ = ("CONTEXT_SUFFIXES", "Project", "exports")

logger = logging.getLogger(__name__)
XLSX_SUFFIXES = frozenset({".xlsx"})
CONTEXT_SUFFIXES = SCL_SUFFIXES | XML_SUFFIXES | XLSX_SUFFIXES
MAX_CONTEXT_BYTES = 20 * 1024 * 1024
"""A file larger than this is no export TIA writes (its largest block sources are some hundred kB): not read as
context, so one stray dump cannot stall every check."""


class Project:
    """The files of a workspace folder (``root``; None: no folder, each document alone as ``scl check`` has it)."""

    def __init__(self, root: Optional[Path]) -> None:
        self.root = root.resolve() if root is not None else None
        self.problems: list[str] = []
        """What is wrong with the settings (shown to the user; the defaults are used instead)."""
        self.config = self._settings()
        problem, self.cpu_family = configured_family(self.config)
        if problem:
            self.problems.append(f"cpu: {problem}")
        self._files: Optional[list[str]] = None
        self._pieces: dict[str, Loaded] = {}
        self._open: dict[str, _Checked] = {}
        self._good: dict[str, _Checked] = {}
        """path -> the last text of an open document that parsed (navigation while one types)."""
        self._checks: dict[str, DocumentCheck] = {}
        """path -> what the checks of an open document found block by block (an edit compiles its block)."""
        self._generation = 0
        """Counts the changes of the files on disk (each may change a piece or the list of files)."""
        self._contexts: dict[str, tuple[object, list[Loaded]]] = {}
        """path -> the state of the workspace its context was gathered in, and that context: grouping every file of
        the workspace by PLC on each keystroke would cost more, the larger the workspace."""

    def _settings(self) -> CheckConfig:
        if self.root is None:
            return CheckConfig(root=Path.cwd())
        try:
            return load_config(start=self.root)
        except ConfigError as exc:
            self.problems.append(str(exc))
            return CheckConfig(root=self.root)

    # ------------------------------------------------------------------------------------------ the files
    def files(self) -> list[str]:
        """The workspace's context files, found once (then kept up to date by :meth:`changed`)."""
        if self._files is None:
            self._files = sorted(self._walk()) if self.root is not None else []
        return self._files

    def _walk(self) -> list[str]:
        # regular files only, no link out of the workspace (a FIFO or a link to /dev/zero would hang the server)
        assert self.root is not None
        walked = walk_files(self.root, lambda name: os.path.splitext(name)[1].lower() in CONTEXT_SUFFIXES)
        for skipped in walked.skipped:
            logger.info("workspace file %s not read: %s", skipped.path, skipped.reason)
        return self.config.keep(walked.files)

    def changed(self, path: str) -> None:
        """The file at ``path`` was created, changed or deleted on disk."""
        self._pieces.pop(path, None)
        self._generation += 1
        if self.root is None or self._files is None:
            return
        inside = path.startswith(str(self.root) + os.sep)
        wanted = (inside and os.path.isfile(path) and os.path.splitext(path)[1].lower() in CONTEXT_SUFFIXES
                  and refusal(path, os.path.realpath(self.root)) is None and not self.config.excluded(path))
        if wanted and path not in self._files:
            self._files = sorted([*self._files, path])
        elif not wanted and path in self._files:
            self._files = [f for f in self._files if f != path]

    def closed(self, path: str) -> None:
        """The editor closed ``path``: its file on disk is the context again."""
        self._open.pop(path, None)
        self._good.pop(path, None)
        self._checks.pop(path, None)
        self._contexts.pop(path, None)

    def piece(self, path: str) -> Loaded:
        """What ``path`` holds: the open document's last checked text, else the file (read once)."""
        opened = self._open.get(path)
        if opened is not None:
            return opened.piece()
        found = self._pieces.get(path)
        if found is None:
            found = self._pieces[path] = self._read(path)
        return found

    def _read(self, path: str) -> Loaded:
        try:
            size = os.path.getsize(path)
        except OSError:
            size = 0
        if self.root is not None and refusal(path, os.path.realpath(self.root)) is not None:
            return Loaded(load([], cpu_family=self.cpu_family).program, [path])
        if size > MAX_CONTEXT_BYTES or os.path.splitext(path)[1].lower() in XLSX_SUFFIXES:
            return _tag_workbook(path, self.cpu_family) if size <= MAX_CONTEXT_BYTES else Loaded(
                load([], cpu_family=self.cpu_family).program, [path])
        return load([path], tia_version=self.config.tia_version, cpu_family=self.cpu_family)

    # ------------------------------------------------------------------------------------------ checking
    def context_of(self, path: str) -> list[Loaded]:
        """The pieces ``path`` is checked with: the other files of its PLC, and the other open documents (the
        same list while no file changed on disk and no other document was checked, opened or closed)."""
        # the other documents' last checks themselves, not their ids: a freed one's id may come again
        state = (self._generation, [(f, checked) for f, checked in self._open.items() if f != path])
        kept = self._contexts.get(path)
        if kept is not None and kept[0] == state:
            return list(kept[1])
        context = self._gather(path)
        self._contexts[path] = (state, context)
        return list(context)

    def _gather(self, path: str) -> list[Loaded]:
        files = [f for f in self.files() if f != path]
        groups = plc_groups([*files, path])
        mine = next(key for key, members in groups.items() if path in members)
        others = [key for key in groups if key != mine]
        keys = {mine} | (set(others) if mine is None and len(others) == 1 else set())
        chosen = [f for key in keys for f in groups[key] if f != path]
        chosen += [f for f in self._open if f != path and f not in chosen and f not in files]
        return [self.piece(f) for f in chosen]

    def check(self, path: str, text: str) -> list[Diagnostic]:
        """The diagnostics of the open document ``path`` with the text ``text``."""
        document = self._checks.get(path)
        if document is None:
            document = self._checks[path] = DocumentCheck(path, self.config, self.cpu_family)
        piece, found = document.check(text, self.context_of(path))
        self._open[path] = checked = _Checked(document, text, piece)
        if piece is None or piece.program.blocks or piece.program.types or not any(
                d.code == "SYNTAX_ERROR" for d in found):
            self._good[path] = checked
        return found

    def interface(self, path: str) -> object:
        """What the open document ``path`` declares to the others (None: not open); cheap after an edit of a
        block's code, which leaves it as it was."""
        document = self._checks.get(path)
        if document is None or path not in self._open:
            return None
        return exports(self.piece(path)) if document.whole else document.interface()

    def view(self, path: str) -> Loaded:
        """The program as the document ``path`` sees it (its context and its last checked text)."""
        good = self._good.get(path)
        return merge([*self.context_of(path), good.piece() if good is not None else self.piece(path)],
                     cpu_family=self.cpu_family)

    def open_paths(self) -> list[str]:
        return list(self._open)


class _Checked:
    """An open document's last checked text and its piece, read whole when first asked for (a check block by block
    reads no whole piece: only navigation and the other documents' checks need one, with the text's lines)."""

    def __init__(self, document: DocumentCheck, text: str, piece: Optional[Loaded]) -> None:
        self.document, self.text, self._piece = document, text, piece

    def piece(self) -> Loaded:
        if self._piece is None:
            self._piece = self.document.whole_piece(self.text)
        return self._piece


def _tag_workbook(path: str, cpu_family: Optional[str]) -> Loaded:
    """The tags and user constants of TIA's Excel tag export (a workbook that is none: nothing)."""
    from engineering_api.domain.tag_formats import read_xlsx
    from engineering_api.rules.compiler.project import add_tags

    piece = load([], cpu_family=cpu_family)
    piece.files.append(path)
    try:
        parsed = read_xlsx(path)
    except (ValueError, OSError) as exc:
        piece.finding(path, f"The tag workbook cannot be read: {exc}", "INVALID_TAG_TABLE")
        return piece
    add_tags(piece.program, ((t.name, t.data_type) for t in parsed.tags),
             ((c.name, c.data_type) for c in parsed.constants))
    return piece


def exports(piece: Loaded) -> object:
    """What a document declares to the others: its blocks' and types' names, kinds and members (when this
    changes, the other open documents are checked again)."""
    program = piece.program
    return tuple(sorted((bd.name.lower(), bd.kind, bd.number or 0, str(bd.return_type), bd.instance_of or "",
                         tuple((v.name, str(v.type), v.section) for v in bd.decls))
                        for bd in list(program.types.values()) + list(program.blocks.values())))
