"""Files over HTTP: upload into the file roots and download from them, for CI runners without a shared disk.

``POST /api/files`` (multipart: ``file`` and ``path``, optional ``overwrite``) stores a file where a later import
reads it; ``GET /api/files?path=`` returns one, e.g. what an export wrote. Paths are confined like every path field
(:class:`engineering_api.lib.paths.PathPolicy`: inside the roots, never the data directory), the body limit is the
service's, an upload never lands in the open project's folder (TIA manages those files), an existing file is only
replaced with ``overwrite``, and the write is atomic (a temporary file renamed into place), so a failed upload
leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, QueryParameter
from litestar.response import File

from engineering_api.backend.errors import AlreadyExistsError, NotFoundError, ValidationError
from engineering_api.errors import codes
from engineering_api.jobs.input_checks import refuse_project_folder
from engineering_api.lib.paths import PathNotFoundError, PathRejectedError
from engineering_api.lib.responses import Envelope, ok, problem_responses
from engineering_api.lib.schema import CamelStruct
from engineering_api.services import services_of

if TYPE_CHECKING:
    from engineering_api.services import Services

__all__ = ("FilesController", "StoredFile")

SECTION = "Files"
_CHUNK = 1024 * 1024


@dataclass
class UploadForm:
    """A multipart upload: the file, where to store it (relative to the first file root), and whether an existing
    file may be replaced."""

    file: UploadFile
    path: str
    overwrite: bool = False


class StoredFile(CamelStruct):
    """A file inside the file roots."""

    path: str
    """Absolute path, as import routes accept it."""
    relative_path: str
    """Relative to its root, with ``/``."""
    size: int
    last_modified: str


def _confined(services: Services, path: str, *, must_exist: bool = False) -> Path:
    try:
        return services.paths.resolve(path, must_exist=must_exist, allow_directory=False)
    except PathNotFoundError as exc:
        raise NotFoundError(str(exc), code=codes.FILE_NOT_FOUND, details={"path": path}) from None
    except PathRejectedError as exc:
        raise ValidationError(str(exc), code=codes.PATH_REJECTED, details={"path": path}) from None


def _stored(services: Services, target: Path) -> StoredFile:
    stat = target.stat()
    modified = dt.datetime.fromtimestamp(stat.st_mtime, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return StoredFile(path=str(target), relative_path=services.paths.relative(target), size=stat.st_size,
                      last_modified=modified)


async def _write_atomically(upload: UploadFile, target: Path, overwrite: bool) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".upload-", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            while chunk := await upload.read(_CHUNK):
                out.write(chunk)
        if overwrite:
            os.replace(temporary, target)
        else:
            # link() fails if the name appeared meanwhile, where a rename would silently replace it.
            try:
                os.link(temporary, target)
            except FileExistsError:
                raise AlreadyExistsError(f"'{target.name}' already exists; send overwrite=true to replace it.",
                                         code=codes.FILE_EXISTS, details={"path": str(target)}) from None
            os.unlink(temporary)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


_PATH = Annotated[str, QueryParameter(description="The file, relative to the first file root or absolute inside one")]


class UploadFileResponse(Envelope[StoredFile]): ...


class FilesController(Controller):
    """Upload and download files inside the file roots."""

    path = "/api/files"
    tags = [SECTION]

    @post(operation_id="UploadFile", status_code=201, opt={"role": "engineer"},
          responses=problem_responses("engineer", body=True, params=True, errors=(AlreadyExistsError,)))
    async def upload(
        self, request: Request[Any, Any, Any],
        data: Annotated[UploadForm, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> Response[UploadFileResponse]:
        """Store an uploaded file inside the file roots (multipart: file, path, overwrite) and answer its path."""
        services = services_of(request)
        target = _confined(services, data.path)
        if target.exists() and not data.overwrite:
            raise AlreadyExistsError(f"'{data.path}' already exists; send overwrite=true to replace it.",
                                     code=codes.FILE_EXISTS, details={"path": str(target)})
        # An upload may not add or replace files in the open project's folder, as no export may.
        await services.worker.call(lambda: refuse_project_folder(services.backend, [("path", target)]),
                                   timeout=services.settings.call_timeout_seconds,
                                   description="upload target check")
        await _write_atomically(data.file, target, data.overwrite)
        return ok(_stored(services, target), "file stored", status_code=201)

    # media_type: the document's content type of the bytes (Litestar otherwise declares an empty one, which client
    # generators refuse); the answer's Content-Type is still guessed from the file name.
    @get(operation_id="DownloadFile", opt={"role": "viewer"}, media_type="application/octet-stream",
         responses=problem_responses("viewer", params=True, errors=(NotFoundError,)))
    async def download(self, request: Request[Any, Any, Any], path: _PATH) -> File:
        """Download a file from inside the file roots (the bytes, as an attachment)."""
        target = _confined(services_of(request), path, must_exist=True)
        return File(path=target, filename=target.name)
