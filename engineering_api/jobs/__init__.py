"""The operation framework: every call of the API is declared once, as an operation, and served from that.

* :mod:`.operations`: the declaration (:class:`~.operations.Operation`), its input and file rules, and the one
  registry (:class:`~.operations.OperationRegistry`);
* :mod:`.transfer`: files over HTTP (what an operation's route takes and answers as files);
* :mod:`.manager`: running operations on the TIA worker and keeping their jobs in the service database
  (:class:`~.manager.JobManager`), built of a job's record and its row (:mod:`.records`), the runner that queues and
  supervises jobs (:mod:`.runner`) and the inline fast path, calls answered without a job or a hop (:mod:`.inline`);
* :mod:`.preview`: the dry run of a destructive operation.

The routes built from the declarations, and the jobs' own routes, are the HTTP face's (:mod:`engineering_api.web`).

The package imports none of its modules here, so importing one (``engineering_api.jobs.operations``, which the
domain modules declare their calls with) loads no manager.
"""

__all__ = ("inline", "manager", "operations", "preview", "records", "runner", "transfer")
