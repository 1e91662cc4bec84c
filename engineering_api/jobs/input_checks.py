"""The checks an operation's input passes before its handler runs, whichever way it came in (a route, a job, an MCP
tool, a nested call): its arguments read as its input Struct, the texts a change would store, its file fields confined
to the roots, and no export target inside the open project's folder.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import msgspec

from engineering_api.backend.errors import NoProjectOpenError, NotFoundError, PortalUnavailableError, ValidationError
from engineering_api.errors import codes
from engineering_api.lib.paths import PathNotFoundError, PathRejectedError, is_within, real_path
from engineering_api.rules.project_texts import ProjectTexts, refuse_unstorable_texts

if TYPE_CHECKING:
    from collections.abc import Iterator

    from engineering_api.backend.models import ProjectInfo
    from engineering_api.jobs.operations import FileRule, Operation
    from engineering_api.lib.paths import PathPolicy

__all__ = (
    "OpenProjectsSource", "confine_files", "open_projects_if_any", "operation_input", "refuse_project_folder",
    "refuse_project_targets", "refuse_unstorable_input", "server_made",
)

_SERVER_MADE: set[str] = set()
"""Temporary files and folders the server itself made for one call (an inline upload, a download's export target):
absolute paths below a root, in a dot-folder that no request path may name (:class:`PathPolicy` refuses names
beginning with a dot), so :func:`confine_files` keeps them as they are. Added and removed by
:mod:`engineering_api.jobs.transfer`. A request could only name one by its random (128-bit) folder name while
the call runs, and would reach that same temporary file inside a root."""


def server_made(path: Path, made: bool = True) -> str:
    """Mark (or, with ``made=False``, unmark) ``path`` as the server's own temporary file; returns it as a str."""
    text = str(path)
    if made:
        _SERVER_MADE.add(text)
    else:
        _SERVER_MADE.discard(text)
    return text



@functools.cache
def _wire_names(struct: type) -> dict[str, str]:
    """An input Struct's field names to their names on the wire, read once per type: ``msgspec.structs.fields``
    evaluates the class's annotations at every call, twice per request of an export (one per block)."""
    return {f.name: f.encode_name for f in msgspec.structs.fields(struct)}


def _file_fields(operation: Operation[Any, Any], data: Any) -> Iterator[tuple[str, str, FileRule, Any]]:
    """``(field name, name on the wire, rule, value)`` of each file field the input holds (omitted ones skipped)."""
    struct: type = type(data)
    wire = _wire_names(struct)
    for field_name, rule in operation.files.items():
        value = getattr(data, field_name, None)
        if value is not None:
            yield field_name, wire.get(field_name, field_name), rule, value


def operation_input(operation: Operation[Any, Any], values: dict[str, Any], *, what: str = "request") -> Any:
    """``values`` (a request's or a tool call's arguments) as the operation's input Struct; None without one.

    Raises:
        ValidationError: ``VALIDATION_FAILED``, saying which field is wrong (``invalid <what>: ...``).
    """
    if operation.input is None:
        return None
    try:
        return msgspec.convert(values, operation.input, str_keys=True)
    except msgspec.ValidationError as exc:
        raise ValidationError(f"invalid {what}: {exc}", code=codes.VALIDATION_FAILED) from None


def refuse_unstorable_input(operation: Operation[Any, Any], data: Any) -> None:
    """Refuse the input of an operation that changes the project when a text of it cannot be stored there
    (:mod:`engineering_api.rules.project_texts`); a read's input, and any other, is left alone: a read stores nothing,
    so it answers as it would for any other name.

    Raises:
        ValidationError: ``UNSTORABLE_CHARACTER`` (422) at the field.
    """
    if operation.mutating and isinstance(data, ProjectTexts):
        refuse_unstorable_texts(data)


def confine_files(operation: Operation[Any, Any], data: Any, paths: PathPolicy, *,
                  texts_checked_next: bool = False) -> Any:
    """Resolve the operation's file fields inside the roots, replacing them with absolute paths.

    An omitted (``null``) field stays omitted; an empty one is refused like any unusable path, since ``""``
    would otherwise name the server's working directory. A temporary file the server made for the call
    (:func:`server_made`) is kept as it is.

    ``texts_checked_next``: the caller hands the input straight on to
    :meth:`~engineering_api.jobs.manager.JobManager.start` or :meth:`~engineering_api.jobs.manager.JobManager.
    run_inline`, which refuse an unstorable text themselves: the texts are then checked here only when a path is
    refused (so that the text's refusal still comes first), not twice for every change (a REST route's). Such a
    caller that refuses something of the request's own before handing the input on (a blank ``Idempotency-Key``)
    checks the texts first itself.

    Raises:
        ValidationError: a path is empty, outside the roots or otherwise refused (422).
        NotFoundError: a file that must exist does not (404).
        ValidationError: ``UNSTORABLE_CHARACTER``: a text the project cannot store (:func:`refuse_unstorable_input`),
            refused before the paths are looked at: it is what the path is named with that is wrong.
    """
    if not texts_checked_next:
        refuse_unstorable_input(operation, data)
    if not operation.files or data is None:
        return data
    try:
        return _confined(operation, data, paths)
    except (NotFoundError, ValidationError):
        if texts_checked_next:  # the text's refusal first, as without the flag
            refuse_unstorable_input(operation, data)
        raise


def _confined(operation: Operation[Any, Any], data: Any, paths: PathPolicy) -> Any:
    """:func:`confine_files`'s resolution of the file fields of ``data`` (which has some)."""
    def resolve(value: str, field: str, rule: FileRule) -> str:
        if value in _SERVER_MADE:  # made by the server for this call (see server_made), already inside a root
            return value
        try:
            return str(paths.resolve(
                value, extensions=rule.extensions, must_exist=rule.must_exist, allow_directory=rule.allow_directory
            ))
        except PathNotFoundError as exc:
            raise NotFoundError(str(exc), code=codes.FILE_NOT_FOUND, details={"field": field}) from None
        except PathRejectedError as exc:
            raise ValidationError(str(exc), code=codes.PATH_REJECTED,
                                  details={"field": field, "reason": exc.reason}) from None

    changes: dict[str, Any] = {}
    for field_name, sent_as, rule, value in _file_fields(operation, data):
        if isinstance(value, list):
            changes[field_name] = [resolve(item, f"{sent_as}[{i}]", rule) for i, item in enumerate(value)]
        else:
            changes[field_name] = resolve(value, sent_as, rule)
    return msgspec.structs.replace(data, **changes) if changes else data


class OpenProjectsSource(Protocol):
    """What the project-folder check asks of the backend: which projects are open (the port's method)."""

    def open_projects(self) -> list[ProjectInfo]: ...


def open_projects_if_any(backend: OpenProjectsSource) -> list[ProjectInfo]:
    """The open projects; none when no portal is attached or no project is open (nothing to ask).

    Raises:
        EngineeringError: they could not be read for another reason; a caller cannot take that for "none open".
    """
    try:
        return backend.open_projects()
    except (PortalUnavailableError, NoProjectOpenError):
        return []


def refuse_project_targets(operation: Operation[Any, Any], data: Any, backend: OpenProjectsSource) -> None:
    """Refuse export targets inside the open project's folder, where a write would damage the project.

    Runs on the TIA worker before the handler (the backend knows which project is open); ``data`` holds the
    paths :func:`confine_files` resolved.

    Raises:
        ValidationError: ``PATH_REJECTED`` for a target of a ``writes`` field inside the open project's folder.
    """
    if not operation.files or data is None:
        return
    targets = [
        (sent_as, real_path(Path(value))) for _, sent_as, rule, value in _file_fields(operation, data)
        if rule.writes
    ]
    if targets:
        refuse_project_folder(backend, targets)


def refuse_project_folder(backend: OpenProjectsSource, targets: list[tuple[str, Path]]) -> None:
    """Refuse any resolved ``(field, path)`` target inside an open project's folder (on the TIA worker).

    Raises:
        ValidationError: ``PATH_REJECTED``, naming the field.
        EngineeringError: the open projects could not be read for another reason than "no portal" or "no project"
            (then nobody can tell whether the target is safe, so nothing is written).
    """
    # No portal or no project: nothing to protect, and the handler reports why it cannot run.
    folders = [real_path(Path(project.path)).parent for project in open_projects_if_any(backend)]
    for sent_as, target in targets:
        inside = next((folder for folder in folders if is_within(target, folder)), None)
        if inside is not None:
            reason = f"the target is inside the open project's folder '{inside.name}', whose files TIA manages"
            raise ValidationError(
                f"{sent_as}: {reason}; choose a folder outside the project.",
                code=codes.PATH_REJECTED, details={"field": sent_as, "reason": reason},
            )
