"""Every Openness exception becomes a domain error that still shows the inner exception and DetailText."""

from __future__ import annotations

from pathlib import Path

import pytest

from engineering_api.backend import errors as e
from openness_bridge.errors import MEANINGS, OPENNESS_ACCESS_HINT, translate
from tests.lib.outcomes import raises_code


@pytest.fixture
def project(bridge, tmp_path: Path):
    bridge.launch_portal(with_ui=False, version=None)
    return bridge.create_project(tmp_path, "Line1", author="", comment="")


def _openness(err: e.EngineeringError) -> dict:
    return err.details["openness"]


def test_security_exception_is_permission_denied_with_the_group_hint(bridge, machine, faults) -> None:
    pid = machine.StartInteractive()
    faults.ArmNext("TiaPortalProcess.Attach", "Security", "Access denied.", "The user is not allowed to attach.",
                   "operation timed out")
    err = raises_code(e.PermissionDeniedError, "OPENNESS_ACCESS_DENIED", bridge.attach_portal, pid)
    assert "Siemens TIA Openness" in err.message and OPENNESS_ACCESS_HINT in err.message
    assert "The user is not allowed to attach." in err.message  # DetailText
    assert "operation timed out" in err.message  # inner exception
    assert _openness(err)["type"] == "Siemens.Engineering.EngineeringSecurityException"
    assert _openness(err)["detailText"] == "The user is not allowed to attach."
    assert _openness(err)["inner"] == {"type": "System.InvalidOperationException", "message": "operation timed out"}
    assert isinstance(err.__cause__, Exception)  # the .NET exception stays chained for the log


def test_target_invocation_is_validation_where_input_is_refused(bridge, tmp_path: Path, faults) -> None:
    bridge.launch_portal(with_ui=False, version=None)
    faults.ArmNext("ProjectComposition.Create", "TargetInvocation", "The project cannot be created.",
                   "The path is not allowed.", "disk says no")
    err = raises_code(e.ValidationError, "OPENNESS_REFUSED", bridge.create_project, tmp_path, "P", author="",
                      comment="")
    assert "The path is not allowed." in err.message and "disk says no" in err.message
    assert _openness(err)["detailMessages"] == ["The path is not allowed."]


def test_target_invocation_is_a_conflict_where_state_forbids_it(bridge, project, faults) -> None:
    faults.ArmNext("Project.Save", "TargetInvocation", "The project is write-protected.", "Another user edits it.",
                   None)
    with pytest.raises(e.ConflictError) as info:
        bridge.save_project()
    assert "Another user edits it." in info.value.message
    assert "inner" not in _openness(info.value)


def test_object_disposed_is_resolved_again_and_retried_once(bridge, project, faults) -> None:
    faults.ArmNext("Project.Access", "ObjectDisposed", "The object has been disposed.", "", None)
    assert bridge.save_project().name == "Line1"  # transparent retry
    faults.ArmNext("Project.Access", "ObjectDisposed", "The object has been disposed.", "", None)
    faults.ArmNext("Project.Access", "ObjectDisposed", "The object has been disposed.", "still gone", None)
    err = raises_code(e.ConflictError, "OPENNESS_OBJECT_DISPOSED", bridge.save_project)
    assert "still gone" in err.message


def test_non_recoverable_exception_is_portal_unavailable_and_the_session_is_rebuilt(bridge, machine, faults) -> None:
    """NonRecoverableException: TIA closed or crashed (V21 manual's exception table; base System.Exception)."""
    pid = machine.StartInteractive()
    bridge.attach_portal(pid)
    faults.ArmNext("TiaPortal.Access", "NonRecoverable", "The connection was lost.", "Remoting channel closed.",
                   "socket reset")
    err = raises_code(e.PortalUnavailableError, "PORTAL_CONNECTION_LOST", bridge.open_projects)
    assert "Remoting channel closed." in err.message and "socket reset" in err.message
    status = bridge.session_status()  # attaches again by pid
    assert (status.connected, status.pid) == (True, pid)
    assert bridge.open_projects() == []


def test_runtime_exception_is_an_error_of_its_own_and_keeps_the_session(bridge, machine, faults) -> None:
    """EngineeringRuntimeException is recoverable (V21 manual's exception table): no 503, no re-attach."""
    pid = machine.StartInteractive()
    bridge.attach_portal(pid)
    portal = bridge.link.portal
    faults.ArmNext("TiaPortal.Access", "Runtime", "Specified cast is not valid.", "", None)
    err = raises_code(e.EngineeringError, "OPENNESS_RUNTIME_ERROR", bridge.open_projects)
    assert type(err) is e.EngineeringError and "Specified cast is not valid." in err.message
    assert bridge.link.portal is portal  # the session was kept
    assert bridge.open_projects() == []


def test_a_portal_that_died_is_unavailable(bridge, machine) -> None:
    pid = bridge.launch_portal(with_ui=False, version=None).pid
    machine.Kill(pid)
    with pytest.raises(e.PortalUnavailableError):
        bridge.open_projects()
    assert bridge.session_status().connected is False
    assert bridge.list_portals() == []


def test_other_errors_keep_their_type_and_message() -> None:
    err = translate(ValueError("boom"), "Project.Save")
    assert (type(err), err.code) == (e.EngineeringError, "BRIDGE_ERROR")
    assert "boom" in err.message and err.details["operation"] == "Project.Save"


@pytest.mark.parametrize("kind", sorted(MEANINGS))
def test_each_exception_subclass_has_its_own_code_and_next_step(bridge, project, faults, kind: str) -> None:
    """The real V19 assembly's EngineeringTargetInvocationException subclasses (and the out-of-memory one) are not a
    generic refusal: each answers its own code, and the message says what to do next. Before, all of them were
    ``OPENNESS_REFUSED`` (409) or ``OPENNESS_ERROR``."""
    meaning = MEANINGS[kind]
    faults.ArmNext("Project.Save", kind, "TIA says no.", "The reason TIA gives.", None)
    err = raises_code(meaning.error, meaning.code, bridge.save_project)
    assert meaning.next_step in err.message and "The reason TIA gives." in err.message
    assert _openness(err)["type"] == f"Siemens.Engineering.{kind}"
    assert bridge.session_status().connected is True  # none of them ends the session


def test_every_exception_subclass_of_the_real_api_is_mapped() -> None:
    """Each subclass of ``EngineeringException`` in ``Siemens.Engineering`` of the real V17-V19 metadata has its
    meaning (the namespace's own: DCC, test suite and multiuser ones belong to options the bridge does not drive)."""
    from openness_bridge.api_reference import reference

    real = {r.type for r in reference().rows if r.version in {"V17", "V18", "V19"} and r.kind == "type"
            and r.namespace == "Siemens.Engineering" and r.type.endswith("Exception")}
    generic = {"EngineeringException", "EngineeringTargetInvocationException", "EngineeringSecurityException",
               "EngineeringObjectDisposedException", "EngineeringRuntimeException", "EngineeringNotSupportedException",
               "NonRecoverableException"}
    assert real - generic == set(MEANINGS)
