"""The one place where Openness exceptions become domain errors.

Peers' users complain most about swallowed causes, so every translated error carries the Openness
exception type, its ``MessageData.Text``/``DetailText``, the ``DetailMessageData`` texts and the whole
chain of inner exceptions, both in the message (for people) and in ``details["openness"]`` (for clients).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engineering_api.backend.errors import (
    ConflictError,
    EngineeringError,
    NotSupportedError,
    OperationCanceledError,
    PermissionDeniedError,
    PortalUnavailableError,
    ValidationError,
)
from engineering_api.errors import codes

__all__ = ("MEANINGS", "OPENNESS_ACCESS_HINT", "Meaning", "describe", "kind_of", "translate")

OPENNESS_ACCESS_HINT = (
    "TIA Portal refused the Openness connection. Add the Windows user running this service to the local group "
    "'Siemens TIA Openness' (then log off and on), and allow python.exe when TIA Portal asks, or whitelist it "
    "permanently; 'engineering-api doctor --backend openness' shows the whitelist entry and its SHA-256. "
    "An unanswered authorization prompt also ends in this error."
)



@dataclass(frozen=True, slots=True)
class Meaning:
    """What one Openness exception subclass tells the user: its error class and code, and the next step."""

    error: type[EngineeringError]
    code: str
    next_step: str


MEANINGS: dict[str, Meaning] = {
    "SimaticMLVersionNotSupportedException": Meaning(
        ValidationError, codes.SIMATICML_VERSION_NOT_SUPPORTED,
        "The document was exported by a TIA Portal version this one cannot import: use an export of this TIA "
        "version (or an older one it reads), or import it in the TIA version that wrote it."),
    "MissingProductsException": Meaning(
        ConflictError, codes.MISSING_PRODUCTS,
        "The project uses TIA Portal products (options, hardware support packages) this installation lacks: install "
        "the products TIA names above, then open it again."),
    "LicenseNotFoundException": Meaning(
        ConflictError, codes.LICENSE_NOT_FOUND,
        "TIA Portal found no licence for this: check the licence with the Automation License Manager on this "
        "machine, then repeat the request."),
    "EngineeringUserAbortException": Meaning(
        OperationCanceledError, codes.OPENNESS_USER_ABORTED,
        "Someone canceled the operation in TIA Portal (a dialog or its progress window); repeat the request."),
    "EngineeringDelegateInvocationException": Meaning(
        EngineeringError, codes.OPENNESS_CALLBACK_FAILED,
        "An answer this service gave TIA Portal (a confirmation, a download or a credentials callback) failed; the "
        "inner exception says why."),
    "EngineeringPasswordPolicyViolationException": Meaning(
        ValidationError, codes.PASSWORD_POLICY_VIOLATION,
        "The password does not meet the project's password policy: choose one that does (the project's user "
        "management settings list the rules)."),
    "PasswordPolicySettingsException": Meaning(
        ValidationError, codes.PASSWORD_POLICY_SETTINGS_INVALID,
        "TIA Portal refused the password policy settings: correct them as TIA's message says."),
    "FunctionRightNotFoundException": Meaning(
        PermissionDeniedError, codes.FUNCTION_RIGHT_MISSING,
        "The project user lacks the function right this needs: grant it in the project's user management (UMAC), "
        "or sign in as a user who has it."),
    "EngineeringOutOfMemoryException": Meaning(
        PortalUnavailableError, codes.OPENNESS_OUT_OF_MEMORY,
        "TIA Portal ran out of memory: save your work, restart TIA Portal, and split the operation into smaller "
        "ones."),
}
"""The exception subclasses of the real ``Siemens.Engineering`` (V17-V19 metadata, reference/openness_api.tsv;
``LicenseNotFoundException`` from V17, ``SimaticMLVersionNotSupportedException``, ``MissingProductsException`` and
the password-policy ones by V19), each with its own code and next step. All but ``EngineeringOutOfMemoryException``
(an ``EngineeringException``) derive from ``EngineeringTargetInvocationException``; they are matched before it.
The out-of-memory answer is a 503 that keeps the session: TIA may still answer once memory is freed."""

_KINDS = (
    # Most specific first: the stand-in and the real assemblies share these names. NonRecoverableException derives
    # from System.Exception, not EngineeringException (15.1/V17 stubs; V21 manual's exception table).
    *MEANINGS,
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
    meaning = MEANINGS.get(kind or "")
    if meaning is not None:
        return meaning.error(f"{message} {meaning.next_step}", code=meaning.code, details=details)
    if kind == "EngineeringSecurityException":
        return PermissionDeniedError(f"{message} {OPENNESS_ACCESS_HINT}", code=codes.OPENNESS_ACCESS_DENIED,
                                     details=details)
    if kind == "NonRecoverableException":
        return PortalUnavailableError(
            f"{message} The connection to TIA Portal was lost; the session will attach again on the next request.",
            code=codes.PORTAL_CONNECTION_LOST, details=details,
        )
    if kind == "EngineeringObjectDisposedException":
        return ConflictError(
            f"{message} The object went away (closed or deleted in TIA Portal) and could not be found again.",
            code=codes.OPENNESS_OBJECT_DISPOSED, details=details,
        )
    if kind == "EngineeringRuntimeException":
        return EngineeringError(message, code=codes.OPENNESS_RUNTIME_ERROR, details=details)
    if kind == "EngineeringNotSupportedException":
        return NotSupportedError(message, code=codes.OPENNESS_NOT_SUPPORTED, details=details)
    if kind == "EngineeringTargetInvocationException":
        return invocation(message, code=codes.OPENNESS_REFUSED, details=details)
    if kind == "EngineeringException":
        return EngineeringError(message, code=codes.OPENNESS_ERROR, details=details)
    return EngineeringError(message, code=codes.BRIDGE_ERROR, details=details)
