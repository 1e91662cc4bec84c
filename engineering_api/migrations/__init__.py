"""The service database's migrations (Alembic): each revision in ``versions/`` changes the schema one step, and
``alembic_version`` records where a database stands. :mod:`engineering_api.lib.migrate` runs them
(it is their environment: no ``env.py``)."""

__all__ = ()
