"""Port calls on the wire between the API node and an agent: tagged JSON, never pickle.

A port method takes and returns msgspec Structs, dataclasses, enums, paths, bytes and plain values. JSON keeps
only the plain values, so each richer value is sent as a one-key object naming its kind (``{"$s": [cls, fields]}``
for a Struct). Classes are named by module and qualified name and resolved only inside this service's own
packages (:data:`TRUSTED_MODULES`): a message from the broker can make an agent build our models, nothing else.
Celery's own documentation warns that pickle from a broker runs whatever the broker's writer wants.

A domain error travels the same way (its class, message, code and details), so the API node raises the
agent's ``NotFoundError`` as a ``NotFoundError``; anything else arrives as :class:`AgentCallError`.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as _dt
import enum
import importlib
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

import msgspec

from engineering_api.backend.errors import EngineeringError
from engineering_api.errors import codes

__all__ = ("TRUSTED_MODULES", "AgentCallError", "decode", "decode_error", "encode", "encode_error")

TRUSTED_MODULES = ("engineering_api.", "simatic_xml.")
"""Module prefixes whose classes a message may name."""

_PROGRESS = "$progress"
"""Stands for a progress callback argument: the agent puts its own in, reporting through the task's state."""


class AgentCallError(EngineeringError):
    """The agent failed with an error that is not a domain error (a bug or a crash in the adapter)."""

    default_code = codes.AGENT_CALL_FAILED


def _class_name(obj: Any) -> str:
    cls = type(obj)
    return f"{cls.__module__}:{cls.__qualname__}"


def _resolve(name: str) -> type:
    module_name, _, qualname = name.partition(":")
    if not module_name.startswith(TRUSTED_MODULES):
        raise ValueError(f"a farm message named the untrusted class {name!r}")
    target: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        target = getattr(target, part)
    if not isinstance(target, type):
        raise ValueError(f"{name!r} is not a class")
    return target


def encode(value: Any) -> Any:
    """``value`` as JSON-ready data with kind tags; callables become the progress placeholder."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, enum.Enum):
        return {"$e": [_class_name(value), value.value]}
    if isinstance(value, msgspec.Struct):
        fields = {name: encode(getattr(value, name)) for name in value.__struct_fields__}
        return {"$s": [_class_name(value), fields]}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
        return {"$d": [_class_name(value), fields]}
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"$b": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, PureWindowsPath) and not isinstance(value, Path):
        return {"$w": str(value)}
    if isinstance(value, (Path, PurePosixPath)):
        return {"$p": str(value)}
    if isinstance(value, _dt.datetime):
        return {"$t": value.isoformat()}
    if isinstance(value, _dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, tuple):
        return {"$tuple": [encode(v) for v in value]}
    if isinstance(value, (set, frozenset)):
        return {"$set": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) and not k.startswith("$") for k in value):
            return {k: encode(v) for k, v in value.items()}
        return {"$map": [[encode(k), encode(v)] for k, v in value.items()]}
    if callable(value):
        return {_PROGRESS: True}
    raise TypeError(f"cannot send a {type(value).__name__} to a farm agent")


def decode(data: Any, *, progress: Any = None) -> Any:
    """The value :func:`encode` sent; ``progress`` replaces a callback placeholder."""
    if isinstance(data, list):
        return [decode(v, progress=progress) for v in data]
    if not isinstance(data, dict):
        return data
    if len(data) == 1:
        ((tag, body),) = data.items()
        if tag.startswith("$"):
            return _decode_tagged(tag, body, progress)
    return {k: decode(v, progress=progress) for k, v in data.items()}


def _decode_tagged(tag: str, body: Any, progress: Any) -> Any:  # one branch per kind
    if tag in ("$s", "$d"):  # a Struct or a dataclass: both are built from their fields by keyword
        return _resolve(body[0])(**{k: decode(v, progress=progress) for k, v in body[1].items()})
    if tag == "$e":
        return _resolve(body[0])(body[1])
    if tag == "$b":
        return base64.b64decode(body)
    if tag == "$p":
        return Path(body)
    if tag == "$w":
        return PureWindowsPath(body)
    if tag == "$t":
        return _dt.datetime.fromisoformat(body)
    if tag == "$date":
        return _dt.date.fromisoformat(body)
    if tag == "$tuple":
        return tuple(decode(v, progress=progress) for v in body)
    if tag == "$set":
        return {decode(v, progress=progress) for v in body}
    if tag == "$map":
        return {decode(k, progress=progress): decode(v, progress=progress) for k, v in body}
    if tag == _PROGRESS:
        return progress
    raise ValueError(f"unknown farm value tag {tag!r}")


def encode_error(exc: BaseException) -> dict[str, Any]:
    """A raised error as data; a domain error keeps its class, code and details."""
    if isinstance(exc, EngineeringError):
        return {
            "class": _class_name(exc), "message": exc.message, "code": exc.code, "details": encode(exc.details),
        }
    return {"class": None, "message": f"{type(exc).__name__}: {exc}", "code": AgentCallError.default_code,
            "details": {}}


def decode_error(data: dict[str, Any], *, agent: str) -> EngineeringError:
    """The error an agent raised, as the same domain error class where it is one."""
    details = decode(data.get("details") or {})
    cls: type[EngineeringError] = AgentCallError
    if data.get("class"):
        try:
            resolved = _resolve(data["class"])
        except (ValueError, ImportError, AttributeError):
            resolved = AgentCallError
        if issubclass(resolved, EngineeringError):
            cls = resolved
    if cls is AgentCallError:
        details = {**details, "agent": agent}
    try:
        return cls(data.get("message", ""), code=data.get("code"), details=details)
    except TypeError:  # a subclass with its own constructor: keep the message and code
        return AgentCallError(data.get("message", ""), code=data.get("code"), details={**details, "agent": agent})
