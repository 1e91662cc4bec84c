"""The statements of :mod:`engineering_api.lib.db`: what a call answers (:class:`Result` of :class:`Record` rows) and
the hot statements compiled once per dialect (:class:`Prepared`), and how a statement of any kind runs on a
connection (:func:`run`)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import InvalidRequestError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy import Connection, CursorResult, Dialect, Executable, Select
    from sqlalchemy.sql.dml import UpdateBase

__all__ = ("Form", "Prepared", "Record", "Result", "Transaction", "run")


class Record(dict[str, Any]):
    """A row by column name or by position, as ``sqlite3.Row`` answers: ``tuple(row)`` is its values, as it was
    when the stores read ``sqlite3.Row`` (``keys()`` gives the names)."""

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, int):
            return list(self.values())[key]
        return super().__getitem__(key)

    def __iter__(self) -> Iterator[Any]:  # sqlite3.Row's iteration: the values
        return iter(self.values())


class Result:
    """What callers read from an executed statement: rows, ``rowcount`` and the new row's key (``lastrowid``)."""

    def __init__(self, rowcount: int, lastrowid: int | None, rows: list[Record]) -> None:
        self.rowcount = rowcount
        self.lastrowid = lastrowid
        self._rows = rows

    @classmethod
    def of(cls, result: CursorResult[Any]) -> Result:
        lastrowid = None
        if result.context.isinsert and not result.context.executemany:
            try:
                key = result.inserted_primary_key
            except InvalidRequestError:  # an INSERT … RETURNING answers its rows instead (insert_new)
                key = None
            lastrowid = key[0] if key and isinstance(key[0], int) else None
        return cls(result.rowcount, lastrowid, [Record(row) for row in result.mappings()] if result.returns_rows
                   else [])

    def fetchone(self) -> Record | None:
        return self._rows[0] if self._rows else None

    def fetchall(self) -> list[Record]:
        return self._rows

    def __iter__(self) -> Iterator[Record]:
        return iter(self._rows)


@dataclass(frozen=True, slots=True)
class Form:
    """A prepared statement's SQL for one dialect and one set of parameter names."""

    sql: str
    order: tuple[str, ...] | None
    """The parameters' order for a positional driver (sqlite3's ``?``); None: by name (psycopg's ``%(name)s``)."""
    fixed: dict[str, Any]
    """Values the statement binds itself (``column == 5``)."""
    returning: bool
    """The SQL ends in ``RETURNING`` the new row's key (PostgreSQL's INSERT)."""
    is_insert: bool


class Prepared:
    """A Core statement compiled once per dialect (and set of parameter names), then run on the driver's own cursor.

    SQLAlchemy's execution (the statement's cache key, its execution context, the result's metadata) costs about
    45 Python calls a statement; the job path runs seven per job. A prepared statement costs a few: for the hot
    statements of the stores (jobs, audit, settings). A statement whose columns need a type's conversion on the way
    in or out (none of the hot ones) runs through SQLAlchemy as any other."""

    __slots__ = ("_forms", "statement")

    def __init__(self, statement: Select[Any] | UpdateBase) -> None:
        self.statement = statement
        self._forms: dict[tuple[str, frozenset[str]], Form | None] = {}

    def form(self, dialect: Dialect, names: frozenset[str]) -> Form | None:
        """The compiled form for ``names``; None when a column needs SQLAlchemy's conversions."""
        key = (dialect.name, names)
        try:
            return self._forms[key]
        except KeyError:
            form = self._forms[key] = _compile(self.statement, dialect, names)
            return form


def _compile(statement: Select[Any] | UpdateBase, dialect: Dialect, names: frozenset[str]) -> Form | None:
    compiled: Any = statement.compile(dialect=dialect, column_keys=sorted(names))
    binds = compiled.binds.values()
    outputs = [column.type for column in getattr(statement, "selected_columns", ())]
    if any(bind.type.dialect_impl(dialect).bind_processor(dialect) is not None for bind in binds) or any(
            kind.dialect_impl(dialect).result_processor(dialect, None) is not None for kind in outputs):
        return None
    fixed = {name: bind.effective_value for name, bind in compiled.binds.items() if not bind.required}
    return Form(compiled.string, tuple(compiled.positiontup) if compiled.positiontup is not None else None, fixed,
                 bool(compiled.effective_returning), bool(compiled.isinsert))


def run_prepared(cursor: Any, form: Form, params: Mapping[str, Any]) -> Result:
    values = {**form.fixed, **params} if form.fixed else params
    cursor.execute(form.sql, [values[name] for name in form.order] if form.order is not None else values)
    if form.returning:
        return Result(cursor.rowcount, cursor.fetchone()[0], [])
    if cursor.description is None:
        # sqlite3's cursor knows the new rowid; psycopg's has no lastrowid (PostgreSQL says it by RETURNING)
        return Result(cursor.rowcount, getattr(cursor, "lastrowid", None) if form.is_insert else None, [])
    names = [column[0] for column in cursor.description]
    return Result(cursor.rowcount, None, [Record(zip(names, row)) for row in cursor.fetchall()])


class Transaction:
    """The connection inside :meth:`Database.transaction`: ``execute`` as outside it, all in one transaction."""

    def __init__(self, conn: Connection, cursor: Any) -> None:
        self._conn = conn
        self._cursor = cursor

    def execute(self, statement: Executable | str | Prepared,
                params: Sequence[Any] | Mapping[str, Any] | None = None) -> Result:
        return run(self._conn, self._cursor, statement, params)


def run(conn: Connection, cursor: Any, statement: Executable | str | Prepared,
         params: Sequence[Any] | Mapping[str, Any] | None = None) -> Result:
    if isinstance(statement, Prepared):
        named: Mapping[str, Any] = params if isinstance(params, Mapping) else {}
        form = statement.form(conn.dialect, frozenset(named))
        if form is not None:
            return run_prepared(cursor, form, named)
        statement = statement.statement
    if isinstance(statement, str):
        if conn.dialect.name == "postgresql":
            statement = _pyformat(statement)
        return Result.of(conn.exec_driver_sql(statement, tuple(params) if isinstance(params, (list, tuple))
                                              else params or ()))
    return Result.of(conn.execute(statement, dict(params) if params else None))


_QUOTED = re.compile(r"('(?:[^']|'')*')")


def _pyformat(sql: str) -> str:
    """Ad-hoc SQL's ``?`` placeholders as psycopg's ``%s`` (a literal ``%`` doubled), quoted text left alone. Only
    the placeholders: the SQL itself must be valid on both (the stores use Core statements)."""
    parts = _QUOTED.split(sql)
    return "".join(part.replace("%", "%%") if index % 2 else part.replace("%", "%%").replace("?", "%s")
                   for index, part in enumerate(parts))
