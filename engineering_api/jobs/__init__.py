"""The operation framework: every call of the API is declared once, as an operation, and served from that.

* :mod:`.operations`: the declaration (:class:`~.operations.Operation`), its input and file rules, and the one
  registry (:class:`~.operations.OperationRegistry`);
* :mod:`.route_shape` and :mod:`.routes`: the routes of an engineering operation built from its declaration (a read,
  or a ``-sync`` and 202 pair with a job), with ``dryRun``, ``Idempotency-Key`` and files over HTTP (:mod:`.transfer`);
* :mod:`.call_routes`: what the route of an inline call (a runtime or service call) takes from its declaration;
* :mod:`.manager`: running operations on the TIA worker and keeping their jobs in the service database;
* :mod:`.preview`: the dry run of a destructive operation;
* :mod:`.controllers`: the jobs' own routes (status, events, cancel, execute-sync over the registry).

The package imports none of its modules here, so importing one (``engineering_api.jobs.operations``, which the
domain modules declare their calls with) loads no routes or manager.
"""

__all__ = ("call_routes", "controllers", "manager", "operations", "preview", "route_shape", "routes", "transfer")
