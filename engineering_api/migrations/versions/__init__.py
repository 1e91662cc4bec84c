"""Alembic revisions, oldest first (``0001`` is the schema of release 9693d78, before migrations existed)."""

__all__ = ()
