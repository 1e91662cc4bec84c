"""The operation framework: every call of the API is declared once, as an operation, and served from that.

* :mod:`.operations`: the declaration (:class:`~.operations.Operation`), its file rules, and the one registry
  (:class:`~.operations.OperationRegistry`);
* :mod:`.input_checks`: what an operation's input passes before its handler runs (its texts, its files confined to
  the roots, no export target inside the open project);
* :mod:`.transfer`: files over HTTP (what an operation's route takes and answers as files);
* :mod:`.manager`: running operations on the TIA worker and keeping their jobs in the service database
  (:class:`~.manager.JobManager`), built of a job's record and its row (:mod:`.records`), the runner that queues and
  supervises jobs (:mod:`.runner`) and the inline fast path, calls answered without a job or a hop (:mod:`.inline`);
* :mod:`.preview`: the dry run of a destructive operation.

The routes built from the declarations, and the jobs' own routes, are the HTTP face's (:mod:`engineering_api.web`).

The package imports none of its modules here, so importing one (``engineering_api.jobs.operations``, which the
domain modules declare their calls with) loads no manager.
"""

__all__ = ("inline", "input_checks", "manager", "operations", "preview", "records", "runner", "transfer")
