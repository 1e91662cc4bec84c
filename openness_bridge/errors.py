"""The one place where Openness exceptions become domain errors.

Peers' users complain most about swallowed causes, so every translated error carries the Openness
exception type, its ``MessageData.Text``/``DetailText``, the ``DetailMessageData`` texts and the whole
chain of inner exceptions, both in the message (for people) and in ``details["openness"]`` (for clients).
"""

from __future__ import annotations

from typing import Any

from engineering_api.backend.errors import (
    ConflictError,
    EngineeringError,
    NotSupportedError,
    PermissionDeniedError,
    PortalUnavailableError,
)

__all__ = ("OPENNESS_ACCESS_HINT", "describe", "kind_of", "translate")

OPENNESS_ACCESS_HINT = (
    "TIA Portal refused the Openness connection. Add the Windows user running this service to the local group "
    "'Siemens TIA Openness' (then log off and on), and allow python.exe when TIA Portal asks, or whitelist it "
    "permanently; 'engineering-api doctor --backend openness' shows the whitelist entry and its SHA-256. "
    "An unanswered authorization prompt also ends in this error."
)

_KINDS = (
    # Most specific first: the stand-in and the real assemblies share these names. NonRecoverableException derives
    # from System.Exception, not EngineeringException (15.1/V17 stubs; V21 manual's exception table).
    "NonRecoverableException",
    "EngineeringSecurityException",
    "EngineeringObjectDisposedException",
    "EngineeringRuntimeException",
    "EngineeringNotSupportedException",
    "EngineeringTargetInvocationException",
    "EngineeringException",
)


def _type_chain(exc: Any) -> list[str]:
    """Names of the .NET type of ``exc`` and its base types (works without importing Siemens types)."""
    names = []
    get_type = getattr(exc, "GetType", None)
    net_type = get_type() if callable(get_type) else None
    while net_type is not None:
        names.append(str(net_type.Name))
        net_type = net_type.BaseType
    return names


_CHANNEL_FAILURES = ("RemotingException", "CommunicationException", "ObjectDisposedException")
""".NET exceptions of the IPC channel to TIA: when TIA dies during a call, the next call on the channel throws one of
these rather than an Openness exception (siemens/tia-portal-ai-extensions, skills/crash-diagnosis/SKILL.md;
``CommunicationException`` is the base of WCF's ``CommunicationObjectFaultedException``). They count as the
``NonRecoverableException`` family: the session is rebuilt by attaching again."""


def kind_of(exc: BaseException) -> str | None:
    """The Openness exception family of ``exc`` (e.g. ``EngineeringSecurityException``), or None; a broken channel to
    TIA (:data:`_CHANNEL_FAILURES`) is ``NonRecoverableException``."""
    chain = _type_chain(exc)
    for kind in _KINDS:
        if kind in chain:
            return kind
    if any(name in chain for name in _CHANNEL_FAILURES):
        return "NonRecoverableException"
    return None


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def describe(exc: Any, depth: int = 0) -> dict[str, Any]:
    """Type, message, Openness message data and the inner-exception chain of a .NET exception."""
    get_type = getattr(exc, "GetType", None)
    info: dict[str, Any] = {
        "type": str(get_type().FullName) if callable(get_type) else type(exc).__name__,
        "message": _text(getattr(exc, "Message", None) or str(exc)),
    }
    data = getattr(exc, "MessageData", None)
    if data is not None:
        info["text"] = _text(data.Text)
        info["detailText"] = _text(data.DetailText)
    details = getattr(exc, "DetailMessageData", None)
    if details is not None:
        info["detailMessages"] = [_text(d.Text) for d in details]
    inner = getattr(exc, "InnerException", None)
    if inner is not None and depth < 8:
        info["inner"] = describe(inner, depth + 1)
    return info


def _summary(info: dict[str, Any]) -> str:
    parts = [info.get("text") or info["message"]]
    if info.get("detailText"):
        parts.append(f"Detail: {info['detailText']}")
    inner = info.get("inner")
    while inner is not None:
        parts.append(f"Inner {inner['type']}: {inner.get('text') or inner['message']}")
        if inner.get("detailText"):
            parts.append(f"Detail: {inner['detailText']}")
        inner = inner.get("inner")
    return " ".join(p if p.endswith(".") else p + "." for p in parts if p)


def translate(
    exc: BaseException, operation: str, *, invocation: type[EngineeringError] = ConflictError
) -> EngineeringError:
    """The domain error for an exception raised by Openness during ``operation``.

    Args:
        exc: what pythonnet raised (a .NET exception proxy or a Python exception).
        operation: the Openness call in words, e.g. ``"Projects.Open"``; starts the message.
        invocation: the class for ``EngineeringTargetInvocationException`` at this call site, since TIA
            uses it both for state conflicts (409, the default) and for refused input (422).

    ``EngineeringObjectDisposedException`` reaching this point means the retry after re-resolving failed
    too; ``NonRecoverableException`` means TIA Portal closed or crashed (the caller rebuilds the session), while
    ``EngineeringRuntimeException`` is an ordinary error of one call (Siemens' V21 exception table lists it with
    the recoverable ones, e.g. an invalid cast): it keeps the session and is a 500 of its own.
    """
    info = describe(exc)
    kind = kind_of(exc)
    message = f"{operation} failed: {_summary(info)}"
    details = {"openness": info, "operation": operation}
    if kind == "EngineeringSecurityException":
        return PermissionDeniedError(f"{message} {OPENNESS_ACCESS_HINT}", code="OPENNESS_ACCESS_DENIED",
                                     details=details)
    if kind == "NonRecoverableException":
        return PortalUnavailableError(
            f"{message} The connection to TIA Portal was lost; the session will attach again on the next request.",
            code="PORTAL_CONNECTION_LOST", details=details,
        )
    if kind == "EngineeringObjectDisposedException":
        return ConflictError(
            f"{message} The object went away (closed or deleted in TIA Portal) and could not be found again.",
            code="OPENNESS_OBJECT_DISPOSED", details=details,
        )
    if kind == "EngineeringRuntimeException":
        return EngineeringError(message, code="OPENNESS_RUNTIME_ERROR", details=details)
    if kind == "EngineeringNotSupportedException":
        return NotSupportedError(message, code="OPENNESS_NOT_SUPPORTED", details=details)
    if kind == "EngineeringTargetInvocationException":
        return invocation(message, code="OPENNESS_REFUSED", details=details)
    if kind == "EngineeringException":
        return EngineeringError(message, code="OPENNESS_ERROR", details=details)
    return EngineeringError(message, code="BRIDGE_ERROR", details=details)
