"""Alembic's environment: the migrations run on the connection :mod:`engineering_api.lib.migrate` hands over,
inside the transaction it holds (so a failure leaves the database as it was)."""

from __future__ import annotations

from alembic import context

from engineering_api.lib.tables import metadata

__all__ = ()

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, transactional_ddl=False)
context.run_migrations()
