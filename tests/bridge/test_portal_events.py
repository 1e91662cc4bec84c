"""TIA Portal's own events over HTTP (the stand-in raising them as the real V17-V19 ``TiaPortal`` declares them):
a confirmation is answered with the safe choice and named in the failing call's error, a notification is
recorded, ``Disposed`` ends the session with a clear next step, ``Authentication`` gets the stored credentials."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from openness_bridge.portal_events import safe_choice
from tests.conftest import assert_error, data

YES, NO, OK, RETRY, IGNORE = 2, 64, 1, 16, 32
"""``ConfirmationChoices`` flags, as the real API numbers them."""
SECRET = "Commissioning24-s3cret"


@pytest.fixture
def service(bridge_client: tuple[TestClient[Any], dict[str, str]]) -> tuple[TestClient[Any], dict[str, str], Any]:
    """The service over the bridge (stand-in), its admin key, and ``StandIn.Control.Dialogs``."""
    from StandIn.Control import Dialogs

    return (*bridge_client, Dialogs)


def _project(client: TestClient[Any], h: dict[str, str]) -> str:
    data(client.post("/api/instance/actions/launch", json={}, headers=h))
    return str(data(client.post("/api/projects/actions/create-sync", json={"name": "Line1"}, headers=h))["path"])


def test_a_confirmation_is_declined_and_named_in_the_error(service: Any) -> None:
    client, h, dialogs = service
    _project(client, h)
    dialogs.ArmConfirmation("Project.Save", "Save project", "Overwrite the project's older format?", "", 0, YES | NO)
    body = assert_error(client.post("/api/projects/actions/save-sync", json={}, headers=h), 409,
                        "OPENNESS_USER_ABORTED")
    assert list(dialogs.Answers) == ["Save project=No"]
    assert "'Save project: Overwrite the project's older format?' answered No" in body["message"]
    assert body["details"]["dialogs"] == [{"kind": "confirmation", "caption": "Save project",
                                           "text": "Overwrite the project's older format?", "choices": ["Yes", "No"],
                                           "answer": "No", "operation": "Project.Save"}]
    # nothing else was asked, and the project is still there to be saved
    data(client.post("/api/projects/actions/save-sync", json={}, headers=h))
    listed = data(client.get("/api/instance/diagnostics", headers=h))["dialogs"]
    assert [(d["kind"], d["answer"]) for d in listed] == [("confirmation", "No")]


def test_an_acknowledgement_is_answered_ok_and_the_call_goes_on(service: Any) -> None:
    client, h, dialogs = service
    _project(client, h)
    dialogs.ArmConfirmation("Project.Save", "Note", "The project was saved in a new format.", "", 0, OK)
    data(client.post("/api/projects/actions/save-sync", json={}, headers=h))
    assert list(dialogs.Answers) == ["Note=Ok"]


def test_a_dialog_without_a_safe_choice_is_left_unanswered(service: Any) -> None:
    client, h, dialogs = service
    _project(client, h)
    dialogs.ArmConfirmation("Project.Save", "Retry?", "The file is busy.", "", 2, RETRY | IGNORE)
    body = assert_error(client.post("/api/projects/actions/save-sync", json={}, headers=h), 409, "OPENNESS_REFUSED")
    assert list(dialogs.Answers) == ["Retry?=unanswered"]
    assert body["details"]["dialogs"][0]["choices"] == ["Retry", "Ignore"]
    assert "answered nothing" in body["message"]


def test_a_notification_is_handled_and_recorded(service: Any) -> None:
    client, h, dialogs = service
    _project(client, h)
    dialogs.ArmNotification("Project.Save", "Save", "Saved with warnings.", "2 objects were not saved.", 2)
    data(client.post("/api/projects/actions/save-sync", json={}, headers=h))
    listed = data(client.get("/api/instance/diagnostics", headers=h))["dialogs"]
    assert listed == [{"kind": "notification", "caption": "Save", "text": "Saved with warnings.",
                       "detailText": "2 objects were not saved.", "answer": "Warning", "operation": "Project.Save"}]


def test_disposed_ends_the_session_with_the_next_step(service: Any) -> None:
    client, h, dialogs = service
    pid = data(client.post("/api/instance/actions/launch", json={}, headers=h))["pid"]
    data(client.post("/api/projects/actions/create-sync", json={"name": "Line1"}, headers=h))
    dialogs.CloseByUser(pid)
    body = assert_error(client.post("/api/projects/actions/save-sync", json={}, headers=h), 503,
                        "PORTAL_SESSION_ENDED")
    assert f"pid {pid}" in body["message"] and "/api/instance/actions/launch" in body["message"]
    # the session is free again: a new portal is launched without detaching first
    data(client.post("/api/instance/actions/launch", json={}, headers=h))


def test_authentication_is_answered_with_the_stored_credentials_and_never_shows_the_password(service: Any) -> None:
    from StandIn.Control import ProjectProtection

    client, h, _ = service
    path = _project(client, h)
    data(client.post("/api/security/users", json={"name": "engineer", "password": SECRET}, headers=h))
    data(client.post("/api/projects/actions/save-sync", headers=h))
    data(client.post("/api/projects/actions/close-sync", headers=h))
    ProjectProtection.Protect(path)
    assert_error(client.post("/api/projects/actions/open-sync", json={"path": path}, headers=h), 403,
                 "PROJECT_CREDENTIALS_REQUIRED")
    data(client.put("/api/projects/credentials", json={"user": "engineer", "password": SECRET,
                                                       "userType": "Project"}, headers=h))
    data(client.post("/api/projects/actions/open-sync", json={"path": path}, headers=h))
    listed = data(client.get("/api/instance/diagnostics", headers=h))["dialogs"]
    assert [(d["kind"], d.get("answer", "")) for d in listed] == [("authentication", ""),
                                                                  ("authentication", "Credentials")]
    assert SECRET not in str(listed)


@pytest.mark.parametrize(("offered", "answer"), [
    (("Yes", "No"), "No"), (("Ok", "Cancel"), "Cancel"), (("Yes", "YesToAll", "No", "NoToAll"), "No"),
    (("Abort", "Retry", "Ignore"), "Abort"), (("Ok",), "Ok"), (("Yes",), None), (("Retry", "Ignore"), None), ((), None),
])
def test_the_safe_choice_declines_whatever_declines(offered: tuple[str, ...], answer: str | None) -> None:
    assert safe_choice(offered) == answer


def test_a_connection_of_an_abandoned_worker_thread_records_nothing(bridge: Any, tmp_path: Path) -> None:
    """After the worker thread is replaced the session attaches again; the old connection still hears TIA's events,
    which are ignored (not recorded twice)."""
    from StandIn.Control import Dialogs

    bridge.launch_portal(with_ui=False, version=None)
    bridge.create_project(tmp_path, "Line1", author="", comment="")
    bridge.on_worker_thread_started()  # a new worker: the launched portal's TiaPortal is dropped, not disposed
    Dialogs.ArmNotification("Project.Save", "Save", "Saved.", "", 1)
    bridge.save_project()  # attaches again by pid
    assert [d["kind"] for d in bridge.events.recent()] == ["notification"]
