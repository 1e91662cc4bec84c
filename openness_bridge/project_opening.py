"""What TIA asks when a project is opened or retrieved: the upgrade of an older project and UMAC credentials.

Openness shape (the V16 and V17 API stubs of github:Repsay/siemens-tia-openness-python-stubs,
``typings/Siemens/Engineering/__init__.pyi``): ``ProjectComposition.Open(FileInfo, UmacDelegate)`` and
``OpenWithUpgrade(FileInfo, UmacDelegate)``, ``Retrieve(FileInfo, DirectoryInfo, UmacDelegate)`` and
``RetrieveWithUpgrade(...)``; ``delegate void UmacDelegate(UmacCredentials)`` is "called if user authentication with
UMAC is required", and the callee fills in ``UmacCredentials.Name``, ``.Type`` (``UmacUserType.Project``/``Global``)
and ``.SetPassword(SecureString)``.

The bridge always passes a delegate (on an API that has one), and from V17 answers TIA's
``TiaPortal.Authentication`` event with the same credentials (:mod:`openness_bridge.portal_events`). It answers
with the caller's credentials, or, when there are none, with nothing, so TIA refuses; either way it remembers that
TIA asked, which tells a protected project (403 ``PROJECT_CREDENTIALS_REQUIRED`` / ``PROJECT_CREDENTIALS_REFUSED``)
from any other refusal. The password goes into a ``SecureString`` and nowhere else: not into messages, details or logs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engineering_api.backend.errors import PermissionDeniedError
from engineering_api.errors import codes
from openness_bridge.security import secure_string

if TYPE_CHECKING:
    from engineering_api.backend.models import ProjectCredentials
    from openness_bridge.portal_events import PortalEvents

__all__ = ("UmacAnswer", "opened")


class UmacAnswer:
    """The UmacDelegate of one open or retrieve, and whether TIA called it.

    Args:
        engineering: the ``Siemens.Engineering`` namespace of the loaded API.
        credentials: the user to answer with, or None (then TIA's question stays unanswered and the open fails).
    """

    def __init__(self, engineering: Any, credentials: ProjectCredentials | None) -> None:
        self._engineering = engineering
        self._credentials = credentials
        self.asked = False
        """Whether TIA called the delegate: the project is protected."""

    def delegate(self) -> Any | None:
        """A ``UmacDelegate`` answering TIA's question, or None on an API without one (before V16)."""
        kind = getattr(self._engineering, "UmacDelegate", None)
        return None if kind is None else kind(self._answer)

    def _answer(self, umac: Any) -> None:
        self.fill(umac)

    def fill(self, umac: Any) -> str | None:
        """Fill in ``umac`` (a ``UmacCredentials``: TIA asked, through the delegate or the ``Authentication`` event);
        returns the user answered with, or None when there are no credentials or they could not be set."""
        self.asked = True
        credentials = self._credentials
        if credentials is None:
            return None
        try:
            umac.Name = credentials.user
            umac.Type = getattr(self._engineering.UmacUserType, credentials.user_type)
            umac.SetPassword(secure_string(credentials.password))
        except Exception:  # never let a Python error cross into TIA's open; TIA then refuses
            return None
        return credentials.user

    def refused(self, project: str) -> PermissionDeniedError | None:
        """The 403 for a refused open of ``project`` when TIA asked for credentials, else None (another refusal)."""
        if not self.asked:
            return None
        if self._credentials is None:
            return PermissionDeniedError(
                f"The project '{project}' is protected (UMAC): opening it needs the name and password of a user who "
                'may open it. Send "credentials": {"user": ..., "password": ..., "userType": "Project" | "Global"}, or '
                "store them on the server (PUT /api/projects/credentials, admin).",
                code=codes.PROJECT_CREDENTIALS_REQUIRED, details={"option": "credentials"},
            )
        return PermissionDeniedError(
            f"TIA Portal refused the credentials of the {self._credentials.user_type.lower()} user "
            f"'{self._credentials.user}' for the protected project '{project}' (wrong user, password or user type).",
            code=codes.PROJECT_CREDENTIALS_REFUSED, details={"user": self._credentials.user},
        )


def opened(answer: UmacAnswer, project: str, open_call: Any, events: PortalEvents | None = None) -> Any:
    """``open_call(delegate)`` (an Openness open or retrieve); a refusal after TIA asked for credentials is the 403.
    While it runs, ``events`` answers TIA's ``Authentication`` event with the same credentials."""
    if events is not None:
        events.authenticating(answer)
    try:
        return open_call(answer.delegate())
    except Exception as exc:
        refusal = answer.refused(project)
        if refusal is None:
            raise
        raise refusal from exc
    finally:
        if events is not None:
            events.authenticating(None)
