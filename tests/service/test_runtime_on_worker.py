"""The runtime API's threads reach the backend port through the TIA worker (engineering_api.runtime.on_worker)."""

from __future__ import annotations

from tools.bounds import HANG_GUARD_S


def test_the_runtime_reaches_the_port_through_the_worker_and_never_deadlocks_on_it(client, admin):
    """From any other thread a call is queued to the TIA worker; on the worker itself it runs in place."""
    import threading

    from engineering_api.runtime.on_worker import WorkerBackend

    services = client.app.state.services
    backend = WorkerBackend(services)
    seen: list[str | None] = []
    thread = threading.Thread(target=lambda: seen.append(backend.session_status().backend))
    thread.start()
    thread.join(HANG_GUARD_S)
    assert seen == ["fake"]
    import functools

    call = functools.partial(services.worker.call, lambda: backend.session_status().connected, timeout=HANG_GUARD_S)
    with client.portal() as portal:
        assert isinstance(portal.call(call), bool)


def test_a_held_areas_calls_are_queued_to_the_worker_too(client, admin):
    """backend.simulation.<method> from another thread runs on the TIA worker, as the backend's own methods do (in
    a farm the worker's task carries the runtime's session, which the dispatcher routes by)."""
    import threading

    from engineering_api.backend.worker import on_a_worker_thread
    from engineering_api.runtime.on_worker import WorkerBackend

    services = client.app.state.services
    fake = services.backend
    ran_on_worker: list[bool] = []
    original = fake.simulation.list_instances

    def spied() -> object:
        ran_on_worker.append(on_a_worker_thread())
        return original()

    fake.simulation.list_instances = spied
    try:
        result: list[object] = []
        thread = threading.Thread(target=lambda: result.append(WorkerBackend(services).simulation.list_instances()))
        thread.start()
        thread.join(HANG_GUARD_S)
    finally:
        del fake.simulation.list_instances
    assert ran_on_worker == [True] and result == [original()]
