"""The HTTP face: the routes built from the operations' declarations, the jobs' own routes, and Litestar's internals.

* :mod:`.route_shape` and :mod:`.routes`: the routes of an engineering operation built from its declaration (a read,
  or a ``-sync`` and 202 pair with a job), with ``dryRun``, ``Idempotency-Key`` and files over HTTP
  (:mod:`engineering_api.jobs.transfer`);
* :mod:`.call_routes`: what the route of an inline call (a runtime or service call) takes from its declaration;
* :mod:`.controllers`: the jobs' own routes (status, events, cancel, execute-sync over the registry);
* :mod:`._litestar`: every patch of Litestar's internals, the one place that knows them.

The package imports none of its modules here, so importing one loads no other.
"""

__all__ = ("call_routes", "controllers", "route_shape", "routes")
