"""Files over HTTP for every export and import of the registry, so a CI runner on another machine needs no shared disk.

**Downloads.** The direct route of an operation with a ``writes`` file field answers the written file itself when
asked (``download=true``, or an ``Accept`` whose best match is a file type; ``download=false`` keeps the envelope).
The export runs as it would otherwise; then the file goes out as an attachment (Content-Type from the extension, or
the Accept's type where the Accept does not cover it). With the path omitted, the target is a temporary folder in
the first file root, removed once sent. Several written files come as one zip when the request allows it, else 406.
A failed export answers its problem JSON; async routes keep answering a job.

**Inline imports.** Where an operation reads one file (``must_exist``, not written, not a list, ``inline``), the body
also takes ``content`` (text) or ``contentBase64`` (binaries), optionally ``contentFileName``, instead of the path:
written to a temporary file the same handler reads (so the same body limit and the same checks apply), removed when
the call or its job ends. Exactly one of path and content, else 400 with nothing changed. Several such fields would
take ``<field>Content`` etc.; GET and DELETE routes have no body, so no inline content. README "Files over HTTP".
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import hashlib
import shutil
import stat
import time
import typing
import uuid
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec
from litestar.background_tasks import BackgroundTask
from litestar.datastructures import Accept
from litestar.exceptions import ClientException
from litestar.openapi.spec import OpenAPIFormat, OpenAPIMediaType, OpenAPIResponse, OpenAPIType, Schema
from litestar.openapi.spec import Operation as OpenAPIOperation
from litestar.response import File

from engineering_api.backend.errors import NotFoundError, ValidationError
from engineering_api.errors import codes
from engineering_api.jobs.input_checks import server_made
from engineering_api.lib.file_walk import walk_tree
from engineering_api.lib.paths import component_problem

if TYPE_CHECKING:
    from collections.abc import Sequence

    from litestar import Request

    from engineering_api.jobs.operations import FileRule, Operation
    from engineering_api.services import Services

__all__ = (
    "DOWNLOAD_DOC", "FILE_MEDIA_TYPES", "FileAnswerOperation", "InlineField", "Transfer", "TransferPlan", "wants_file",
)


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_BY_EXTENSION = {
    ".xml": "application/xml", ".aml": "application/xml",
    ".scl": "text/plain", ".awl": "text/plain", ".db": "text/plain", ".udt": "text/plain", ".txt": "text/plain",
    ".csv": "text/csv", ".xlsx": XLSX_TYPE, ".zip": "application/zip",
}
"""Content-Type of a downloaded file by extension; anything else (a JSON export too, so it is not mistaken for the
JSON envelope) is ``application/octet-stream``."""
FILE_MEDIA_TYPES = ("application/xml", "text/plain", "text/csv", XLSX_TYPE, "application/zip",
                    "application/octet-stream")
"""What a download answers, besides the JSON envelope; an Accept naming one of them asks for the file."""
_JSON_TYPES = ["application/json", "application/problem+json"]
_ZIP_OK = ("application/zip", "application/octet-stream")
DOWNLOAD_DOC = (
    "Answer the written file itself instead of the JSON envelope (true), or the JSON envelope whatever the Accept "
    "header says (false). Without it, an Accept whose best match is a file type (application/xml, text/plain, "
    "text/csv, application/octet-stream, application/zip) asks for the file. The path field may then be omitted: "
    "the export goes to a temporary file that is removed after sending. Several files come as one zip."
)
_TRANSFER_PREFIX = ".transfer-"
_STALE_AFTER = 24 * 3600.0
"""Temporary transfer folders left by a stopped server are removed this long after they were made."""
_SWEEP_EVERY = 600.0
_last_sweep = 0.0
_waiting: set[asyncio.Task[Any]] = set()
"""Clean-ups waiting for a job to end (kept referenced until they ran)."""


def _bad_request(code: str, message: str) -> ClientException:
    return ClientException(detail=message, extra={"code": code})


@dataclass(frozen=True)
class InlineField:
    """A file field that may come inline, with the names of its body fields (snake_case; camelCase on the wire)."""

    name: str
    """The path field (``import_file_path``)."""
    sent_as: str
    """Its wire name (``importFilePath``)."""
    rule: FileRule
    required: bool
    """Whether the input needs the path (so the content is then needed instead)."""
    content: str
    content_base64: str
    file_name: str


@dataclass(frozen=True)
class TransferPlan:
    """What an operation's route offers for files over HTTP."""

    inline: tuple[InlineField, ...] = ()
    exports: tuple[tuple[str, str, FileRule, bool], ...] = ()
    """``(field, wire name, rule, required)`` of each ``writes`` field."""
    download: bool = False
    """Whether this route can answer the written file (the direct route of an operation with an export field)."""

    @classmethod
    def of(cls, operation: Operation[Any, Any],
           input_fields: Sequence[tuple[str, msgspec.structs.FieldInfo, Any, tuple[tuple[str, Any], ...]]],
           *, is_async: bool, has_body: bool) -> TransferPlan:
        """The plan of one route; ``input_fields`` are the input's ``(wire name, field, type hint, bounds)``, read
        once per input by the route's shape (``route_shape.InputField``: reading type hints evaluates every
        annotation).

        Raises:
            ValueError: an input field already uses a name the plan adds (``content``, ``download``...).
        """
        if operation.input is None or not operation.files:
            return cls()
        fields = {info.name: info for _, info, _, _ in input_fields}
        hints = {info.name: hint for _, info, hint, _ in input_fields}
        readable = [name for name, rule in operation.files.items()
                    if rule.accepts_inline and name in fields and not _is_list(hints[name])]
        inline: list[InlineField] = []
        if has_body:
            for name in readable:
                prefix = "" if len(readable) == 1 else f"{name}_"
                item = InlineField(name=name, sent_as=fields[name].encode_name, rule=operation.files[name],
                                   required=fields[name].required, content=f"{prefix}content",
                                   content_base64=f"{prefix}content_base64", file_name=f"{prefix}content_file_name")
                clash = {item.content, item.content_base64, item.file_name} & set(fields)
                if clash:
                    raise ValueError(f"{operation.name}: input fields {clash} clash with inline file content")
                inline.append(item)
        exports = tuple((name, fields[name].encode_name, rule, fields[name].required)
                        for name, rule in operation.files.items() if rule.writes and name in fields)
        download = bool(exports) and not is_async
        if download and "download" in fields:
            raise ValueError(f"{operation.name}: an input field 'download' clashes with the download query parameter")
        return cls(inline=tuple(inline), exports=exports, download=download)

    @property
    def optional_paths(self) -> set[str]:
        """Path fields the request body may omit: an inline file's (its content comes instead) and an export's (in
        download mode the server picks a temporary target)."""
        return {item.name for item in self.inline} | {name for name, *_ in self.exports}

    def body_fields(self) -> list[tuple[str, Any, Any]]:
        """The extra request-body fields (msgspec ``defstruct`` specs) for inline content."""
        specs: list[tuple[str, Any, Any]] = []
        for item in self.inline:
            specs += [
                (item.content, _described(f"The file's text itself instead of {item.sent_as} (stored as UTF-8 in a "
                                          "temporary file for this call)."), None),
                (item.content_base64, _described(f"The file's bytes, base64, instead of {item.sent_as} (XLSX, "
                                                 "archives and other binaries)."), None),
                (item.file_name, _described(f"Name the inline file is stored under (a bare file name with an allowed "
                                            f"extension); default {_default_name(item.rule)}."), None),
            ]
        return specs

    def body_doc(self) -> str:
        """A paragraph for the request body's description."""
        parts = []
        if self.inline:
            names = ", ".join(f"{i.sent_as} or {_camel(i.content)}/{_camel(i.content_base64)}" for i in self.inline)
            parts.append(f"Inline file: send exactly one of {names} (400 otherwise, nothing changed).")
        if self.exports:  # the same text on the direct and the async route: both share the body's schema name
            wires = ", ".join(wire for _, wire, *_ in self.exports)
            parts.append(f"On the direct route, with download=true (or a file type in Accept), {wires} may be "
                         "omitted: the file comes back in the answer.")
        return " ".join(parts)

    def extra_answers(self) -> dict[int, str]:
        """Statuses this plan adds to the route's documented answers."""
        answers: dict[int, str] = {}
        if self.inline:
            answers[400] = "Both or neither of the path and the inline content given"
        if self.download:
            answers[406] = "The export wrote several files and the Accept header excludes application/zip"
            answers[404] = "The export succeeded but left no file to send (EXPORT_NOT_FOUND)"
        return answers


def _is_list(hint: Any) -> bool:
    return any(typing.get_origin(arg) is list or arg is list for arg in (hint, *typing.get_args(hint)))


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _described(text: str) -> Any:
    return typing.Annotated[str | None, msgspec.Meta(description=text)]


def _default_name(rule: FileRule) -> str:
    return "content" + (rule.extensions[0] if rule.extensions else "")


def wants_file(request: Request[Any, Any, Any], download: bool | None) -> str | None:
    """Whether the request asks for the file: the media type it asked for, ``""`` for ``download=true`` alone, or
    None for the JSON answer."""
    if download is not None:
        return _accepted_file_type(request) or "" if download else None
    return _accepted_file_type(request)


def _accepted_file_type(request: Request[Any, Any, Any]) -> str | None:
    """The file type the request's (first) ``Accept`` header matches best, None when that is JSON or there is none.

    Read from the raw headers (:func:`_file_type_accepted`)."""
    for name, value in request.scope["headers"]:
        if name == b"accept":
            return _file_type_accepted(value)
    return None


@lru_cache(maxsize=64)
def _file_type_accepted(accept: bytes) -> str | None:
    """:func:`_accepted_file_type` of one raw ``Accept`` value.

    Remembered for the values sent last: clients send one or two (httpx and curl ``*/*``), and parsing one (Litestar's
    ``Accept``: a ``MediaTypeHeader`` per offered type) was a twentieth of a served ``-sync`` export's CPU on the event
    loop (``cProfile`` with ``time.thread_time`` in the served process). Bounded and least recently used first out: a
    client sending a new value with every request neither grows the map nor keeps the common values out of it."""
    best = Accept(accept.decode("latin-1")).best_match([*_JSON_TYPES, *FILE_MEDIA_TYPES])
    return best if best in FILE_MEDIA_TYPES else None


def _media_type(request: Request[Any, Any, Any], path: Path, asked: str) -> str:
    """The file's type by extension, unless the Accept header does not cover it and named another file type."""
    own = _BY_EXTENSION.get(path.suffix.lower(), "application/octet-stream")
    if not asked or "accept" not in request.headers or request.accept.best_match([own]) is not None:
        return own
    return asked


class Transfer:
    """One request's temporary files: inline content written before the call, export targets made for a download,
    and the answer with the written file. :meth:`close` removes what is left unless a job or the response still
    needs it."""

    def __init__(self, plan: TransferPlan, services: Services, request: Request[Any, Any, Any],
                 operation: str = "") -> None:
        self.plan = plan
        self.services = services
        self.request = request
        self._operation = operation
        self._folders: list[Path] = []
        self._marked: list[Path] = []
        self._job_id: str | None = None
        self._handed_over = False

    # ----- before the call ---------------------------------------------------------------------------------------
    def take_inline(self, values: dict[str, Any], body: Any) -> None:
        """Write each inline file to a temporary file and put its path into ``values`` (by wire name).

        Raises:
            ClientException: 400 ``CONTENT_AND_PATH`` (both given), ``PATH_OR_CONTENT_REQUIRED`` (neither, where the
                path is required) or ``INVALID_BASE64``.
            ValidationError: 422 ``PATH_REJECTED``: a content file name that is not a bare, allowed file name.
        """
        for item in self.plan.inline:
            text = getattr(body, item.content, None) if body is not None else None
            encoded = getattr(body, item.content_base64, None) if body is not None else None
            name = getattr(body, item.file_name, None) if body is not None else None
            path = values.get(item.sent_as)
            content_wire, base64_wire = _camel(item.content), _camel(item.content_base64)
            given = [wire for wire, value in ((item.sent_as, path), (content_wire, text), (base64_wire, encoded))
                     if value is not None]
            if len(given) > 1:
                raise _bad_request(codes.CONTENT_AND_PATH,
                                   f"send only one of {', '.join(given)}: the file comes either "
                                                       f"from a path inside the file roots or inline, not both.")
            if not given:
                if name is not None:
                    raise _bad_request(codes.PATH_OR_CONTENT_REQUIRED,
                                       f"{_camel(item.file_name)} names inline content, but neither {content_wire} "
                                       f"nor {base64_wire} was sent.")
                if item.required:
                    raise _bad_request(codes.PATH_OR_CONTENT_REQUIRED,
                                       f"send {item.sent_as} (a file inside the file roots) or the file itself as "
                                       f"{content_wire} (text) or {base64_wire} (binary).")
                values.pop(item.sent_as, None)
                continue
            if path is not None:
                if name is not None:
                    raise _bad_request(codes.CONTENT_AND_PATH, f"{_camel(item.file_name)} goes with inline content, "
                                                           f"not with {item.sent_as}.")
                continue
            if text is not None:
                payload = text.encode("utf-8")
            else:
                try:
                    payload = base64.b64decode(encoded or "", validate=True)
                except (binascii.Error, ValueError):
                    raise _bad_request(codes.INVALID_BASE64, f"{base64_wire} is not valid base64 (RFC 4648, with "
                                                         "padding, no line breaks).") from None
            file_name = self._file_name(name, item)
            target = self._folder(hashlib.sha256(payload).hexdigest()) / file_name
            _write_atomically(target, payload)
            values[item.sent_as] = self._mark(target)

    def _file_name(self, name: str | None, item: InlineField) -> str:
        if name is None:
            return _default_name(item.rule)
        field_name = _camel(item.file_name)
        problem = component_problem(name) if name not in (".", "..") else "'.' and '..' are not file names"
        if problem is None and name.startswith("."):
            problem = "names beginning with a dot are reserved for the service's temporary files"
        allowed = item.rule.extensions
        if problem is None and allowed and not name.lower().endswith(tuple(e.lower() for e in allowed)):
            problem = f"the extension must be one of {', '.join(allowed)}"
        if problem is not None:
            raise ValidationError(f"{field_name}: {problem}: {name!r}", code=codes.PATH_REJECTED,
                                  details={"field": field_name, "reason": problem})
        return name

    def export_targets(self, values: dict[str, Any], asked: str | None) -> None:
        """In download mode (``asked`` not None) give each omitted export field a temporary target; otherwise refuse
        an omitted required one.

        Raises:
            ValidationError: 422 ``VALIDATION_FAILED``: a required export path is missing outside download mode.
        """
        for name, wire, rule, required in self.plan.exports:
            if values.get(wire) is not None:
                continue
            if asked is not None and self.plan.download:
                folder = self._folder()
                values[wire] = self._mark(folder if rule.allow_directory and not rule.extensions
                                          else folder / f"export{(rule.extensions or ('',))[0]}")
            elif required:
                how = " (or ask this route for the file itself with download=true: the server then picks a " \
                      "temporary target)" if self.plan.download else ""
                raise ValidationError(f"invalid request: {wire} is required{how}.", code=codes.VALIDATION_FAILED,
                                      details={"field": wire})
            else:
                values.pop(wire, None)

    def _folder(self, content: str = "") -> Path:
        root = self.services.paths.roots[0]
        _sweep(root)
        seed = _seed(self.request, self._operation)  # only a call with files needs it (reads pay nothing)
        if seed is None:
            name = uuid.uuid4().hex
        else:  # a retry with the same Idempotency-Key names the same files, so its input matches the first call's
            # (and other content other files, so that a retry with other content is told the key was used).
            name = hashlib.sha256(f"{seed}\0{len(self._folders)}\0{content}".encode()).hexdigest()[:32]
        folder = root / f"{_TRANSFER_PREFIX}{name}"
        folder.mkdir(parents=True, exist_ok=seed is not None)
        self._folders.append(folder)
        self._mark(folder)
        return folder

    def _mark(self, path: Path) -> str:
        self._marked.append(path)
        return server_made(path)

    # ----- the call ----------------------------------------------------------------------------------------------
    def track_job(self, job_id: str) -> None:
        """The call runs as this job: the temporary files stay until it ends."""
        self._job_id = job_id

    def before(self, data: Any) -> dict[Path, dict[Path, tuple[int, int]]]:
        """The export targets (resolved) with what they held before the call, to tell what it wrote."""
        targets: dict[Path, dict[Path, tuple[int, int]]] = {}
        for name, *_ in self.plan.exports:
            value = getattr(data, name, None)
            if value is not None:
                target = Path(value)
                targets[target] = _listing(target) if target.is_dir() else {}
        return targets

    def answer(self, before: dict[Path, dict[Path, tuple[int, int]]], asked: str, result: Any,
               headers: dict[str, str]) -> File:
        """The written file (or a zip of the written files) as an attachment; removes the temporary files once sent.

        Raises:
            NotFoundError: ``EXPORT_NOT_FOUND``: the export reported success but no written file is found.
            HTTPException: 406 ``NOT_ACCEPTABLE``: several files and the Accept header excludes a zip.
        """
        written = self._written(before, result)
        if not written:
            raise NotFoundError("the export succeeded but wrote no file this route could send (a retry with the same "
                                "Idempotency-Key finds the first call's temporary file gone): export again with a new "
                                "key, or to a path and fetch it with GET /api/files?path=", code=codes.EXPORT_NOT_FOUND)
        if len(written) == 1:
            path = written[0]
        else:
            if asked and not any(self.request.accept.best_match([t]) for t in _ZIP_OK):
                raise ClientException(
                    status_code=406,
                    detail=f"the export wrote {len(written)} files (a folder); they come as one zip: ask with Accept: "
                           "application/zip (or download=true), or fetch each with GET /api/files?path=.",
                    extra={"code": codes.NOT_ACCEPTABLE},
                )
            path = self._zip(written, before)
        media_type = _media_type(self.request, path, asked)
        self._handed_over = True
        return File(path=path, filename=path.name, media_type=media_type, headers=headers or None,
                    background=BackgroundTask(self._remove))

    def _written(self, before: dict[Path, dict[Path, tuple[int, int]]], result: Any) -> list[Path]:
        files: list[Path] = []
        for target, listing in before.items():
            if target.is_file():
                files.append(target)
            elif target.is_dir():  # what appeared or changed below it during the call
                files += sorted(path for path, state in _listing(target).items() if listing.get(path) != state)
        if not files:  # the result may name a file the export placed beside its target
            reported = _reported_file(result)
            roots = [root.resolve() for root in self.services.paths.roots]
            if reported is not None and any(reported.resolve().is_relative_to(root) for root in roots):
                files.append(reported)
        return files

    def _zip(self, files: list[Path], before: dict[Path, dict[Path, tuple[int, int]]]) -> Path:
        base = next(iter(before))
        archive = self._folder() / f"{base.name or 'export'}.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
            for path in files:
                out.write(path, path.relative_to(base).as_posix() if path.is_relative_to(base) else path.name)
        return archive

    # ----- after the call ----------------------------------------------------------------------------------------
    def close(self) -> None:
        """Remove the temporary files now, or once the job using them ends, or after the answer is sent."""
        if self._handed_over or not self._folders:
            return
        if self._job_id is not None:
            try:
                running = not self.services.jobs.get(self._job_id).terminal
            except Exception:  # a job that is gone no longer needs the files
                running = False
            if running:
                task = asyncio.get_running_loop().create_task(self._remove_after(self._job_id))
                _waiting.add(task)
                task.add_done_callback(_waiting.discard)
                return
        self._remove()

    async def _remove_after(self, job_id: str) -> None:
        try:
            with contextlib.suppress(Exception):
                await self.services.jobs.wait(job_id)
        finally:
            self._remove()

    def _remove(self) -> None:
        for path in self._marked:
            server_made(path, made=False)
        for folder in self._folders:
            shutil.rmtree(folder, ignore_errors=True)
        self._folders.clear()
        self._marked.clear()


def _seed(request: Request[Any, Any, Any], operation: str) -> str | None:
    key = request.headers.get("idempotency-key")
    if not key:
        return None
    principal = request.scope.get("user")
    return f"{getattr(principal, 'key_id', '')}\0{key}\0{operation}"


def _write_atomically(target: Path, payload: bytes) -> None:
    # A retry with the same Idempotency-Key rewrites the same file while the first call's job may read it.
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}")
    temporary.write_bytes(payload)
    temporary.replace(target)


def _listing(folder: Path) -> dict[Path, tuple[int, int]]:
    listing: dict[Path, tuple[int, int]] = {}
    for top, _folders, files in walk_tree(folder):  # not rglob: it recursed once per level (Python 3.11)
        for name in files:
            path = Path(top, name)
            try:
                found = path.stat()  # through a link, as is_file() looked before
            except OSError:
                continue
            if stat.S_ISREG(found.st_mode):
                listing[path] = (found.st_mtime_ns, found.st_size)
    return listing


def _reported_file(result: Any) -> Path | None:
    """The file an operation's result names (``path``, ``exportPath``, ``outputPath`` or ``filePath``), if any."""
    values = msgspec.to_builtins(result) if not isinstance(result, dict) else result
    if not isinstance(values, dict):
        return None
    for key in ("path", "exportPath", "outputPath", "filePath"):
        value = values.get(key)
        if isinstance(value, str) and value and Path(value).is_file():
            return Path(value)
    return None


def _sweep(root: Path) -> None:
    """Remove transfer folders a stopped server left behind (at most every few minutes)."""
    global _last_sweep
    now = time.time()
    if now - _last_sweep < _SWEEP_EVERY or not root.is_dir():
        return
    _last_sweep = now
    for folder in root.glob(f"{_TRANSFER_PREFIX}*"):
        with contextlib.suppress(OSError):
            if folder.is_dir() and now - folder.stat().st_mtime > _STALE_AFTER:
                shutil.rmtree(folder, ignore_errors=True)


_BINARY = Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)


@dataclass
class FileAnswerOperation(OpenAPIOperation):
    """The OpenAPI operation of a route that can answer a file: its 200 answer lists the file media types beside
    the JSON envelope."""

    def __post_init__(self) -> None:
        ok = (self.responses or {}).get("200")
        if isinstance(ok, OpenAPIResponse):
            content = dict(ok.content or {})
            for media_type in FILE_MEDIA_TYPES:
                content.setdefault(media_type, OpenAPIMediaType(schema=_BINARY))
            ok.content = content
            ok.description = (f"{ok.description or 'Request fulfilled'}; with download=true or a file type in "
                              "Accept: the written file (a zip for several files), as an attachment")

