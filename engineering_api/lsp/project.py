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
from engineering_api.ci.sources import Segments, check_segments, merge

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
        self._open: dict[str, Loaded] = {}
        self._good: dict[str, Loaded] = {}
        self._segments: dict[str, Segments] = {}
        """path -> what the last check of an open document found block by block (an edit re-checks its block)."""
        """path -> the piece of the last text of an open document that parsed (navigation while one types)."""

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
        self._segments.pop(path, None)

    def piece(self, path: str) -> Loaded:
        """What ``path`` holds: the open document's last checked text, else the file (read once)."""
        found = self._open.get(path) or self._pieces.get(path)
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
        """The pieces ``path`` is checked with: the other files of its PLC, and the other open documents."""
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
        memory = self._segments.setdefault(path, Segments())
        piece, found = check_segments(path, text, self.context_of(path), memory, config=self.config,
                                      cpu_family=self.cpu_family)
        self._open[path] = piece
        if piece.program.blocks or piece.program.types or not any(d.code == "SYNTAX_ERROR" for d in found):
            self._good[path] = piece
        return found

    def view(self, path: str) -> Loaded:
        """The program as the document ``path`` sees it (its context and its last checked text)."""
        return merge([*self.context_of(path), self._good.get(path) or self.piece(path)], cpu_family=self.cpu_family)

    def open_paths(self) -> list[str]:
        return list(self._open)


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
