"""The runtime API's threads reach the backend port through the TIA worker (engineering_api.runtime.on_worker)."""

from __future__ import annotations


def test_the_runtime_reaches_the_port_through_the_worker_and_never_deadlocks_on_it(client, admin):
    """From any other thread a call is queued to the TIA worker; on the worker itself it runs in place."""
    import threading

    from engineering_api.runtime.on_worker import WorkerBackend

    services = client.app.state.services
    backend = WorkerBackend(services)
    seen: list[str | None] = []
    thread = threading.Thread(target=lambda: seen.append(backend.session_status().backend))
    thread.start()
    thread.join(10)
    assert seen == ["fake"]
    import functools

    call = functools.partial(services.worker.call, lambda: backend.session_status().connected, timeout=10)
    with client.portal() as portal:
        assert isinstance(portal.call(call), bool)
