"""A call on the channel of a TIA that died throws a .NET channel exception, not an Openness one.

When TIA crashes during a call, the next call on the IPC channel fails with ``RemotingException``,
``CommunicationObjectFaultedException`` or ``ObjectDisposedException`` (siemens/tia-portal-ai-extensions,
skills/crash-diagnosis/SKILL.md). Those mean what ``NonRecoverableException`` means: 503, and the session attaches
again by pid instead of reusing the dead proxies on every later request.
"""

from __future__ import annotations

from typing import Any

import pytest

from engineering_api.backend import errors as e
from tests.lib.outcomes import raises_code


@pytest.mark.parametrize("kind", ["Remoting", "ChannelDisposed"])
def test_a_broken_channel_is_portal_unavailable_and_the_session_is_rebuilt(bridge: Any, machine: Any, faults: Any,
                                                                          kind: str) -> None:
    pid = machine.StartInteractive()
    bridge.attach_portal(pid)
    faults.ArmNext("TiaPortal.Access", kind, "The IPC channel is closed.", "", None)
    err = raises_code(e.PortalUnavailableError, "PORTAL_CONNECTION_LOST", bridge.open_projects)
    assert "The IPC channel is closed." in err.message
    assert bridge.link.portal is None  # dropped: the next request attaches again
    assert bridge.open_projects() == []
    assert bridge.session_status().pid == pid


def test_an_openness_exception_keeps_its_own_family(bridge: Any, machine: Any, faults: Any) -> None:
    # an ordinary Openness error of one call keeps the session (only a broken channel drops it)
    bridge.attach_portal(machine.StartInteractive())
    faults.ArmNext("TiaPortal.Access", "Runtime", "An invalid cast.", "", None)
    raises_code(e.EngineeringError, "OPENNESS_RUNTIME_ERROR", bridge.open_projects)
    assert bridge.link.portal is not None
