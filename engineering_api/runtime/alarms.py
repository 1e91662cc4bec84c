"""Runtime alarms: definitions, the alarm state machine, current alarms and the archive (in the service database).

Two sources raise alarms:

* the program's ``Program_Alarm`` instances (the simulated CPU reports their SIG edges; see
  :func:`fakes.runtime.stdlib_fbs._program_alarm`). TIA keeps their texts and classes in its alarm editor, not in the
  program, so a ``program`` definition may name an instance (``"Tank_DB".HighLevel``) to give it a text and class;
  without one an instance's alarm is of class Errors with its name as text;
* alarm definitions on tags: ``discrete`` (the tag, or one bit of it, is set) and ``analog`` (a limit with
  hysteresis: a high alarm comes above the limit and goes at or below limit - hysteresis; a low one mirrors it).

Alarm classes decide acknowledgement, as TIA's "Acknowledgement"/"No acknowledgement" classes do: ``Errors`` need
one, ``Warnings`` do not. An alarm is *current* while it is active, or gone but still waiting for its
acknowledgement. Every change (incoming, outgoing, acknowledged) is one archive row with its time: the scan time of
the cycle that raised or cleared it, the server's time for an acknowledgement.
"""

from __future__ import annotations

import json
import threading
from typing import TYPE_CHECKING, Annotated, Any, Literal

import msgspec

from sqlalchemy import func, literal, or_, select

from engineering_api.backend.errors import AlreadyExistsError, ConflictError, NotFoundError, ValidationError
from engineering_api.errors import codes
from engineering_api.lib.schema import CamelStruct, utc_now
from engineering_api.lib.tables import runtime_alarm_defs as defs
from engineering_api.lib.tables import runtime_alarm_log as log
from engineering_api.lib.tables import runtime_alarms as alarms
from engineering_api.runtime.simulated import canonical_name

if TYPE_CHECKING:
    from collections.abc import Callable

    from engineering_api.lib.db import Database

__all__ = ("ALARM_CLASSES", "Alarm", "AlarmDefinition", "AlarmPage", "AlarmService")

ALARM_CLASSES: dict[str, bool] = {"Errors": True, "Warnings": False}
"""Alarm class -> whether its alarms need an acknowledgement."""
_SQLITE_INT = 2**63
"""The database's integers are signed 64-bit: an id beyond is no id of ours."""
PROGRAM_CLASS: Literal["Errors"] = "Errors"
"""The class of a Program_Alarm without a definition (TIA's default class for it needs acknowledgement too)."""

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.\-]+$")]
ClassName = Literal["Errors", "Warnings"]


class AlarmDefinition(CamelStruct):
    """An alarm on a tag (``discrete``, ``analog``) or the text and class of a Program_Alarm instance (``program``)."""

    name: Name
    """Unique (case-insensitively); names the alarm in the current list and the archive."""
    kind: Literal["discrete", "analog", "program"]
    alarm_class: ClassName = "Errors"
    text: Annotated[str, msgspec.Meta(max_length=512)] = ""
    """The alarm text (empty: the name)."""
    tag: Annotated[str, msgspec.Meta(max_length=1024)] | None = None
    """discrete/analog: the released tag watched (``"Tank_DB".Level``)."""
    bit: Annotated[int, msgspec.Meta(ge=0, le=63)] | None = None
    """discrete: the bit of an integer tag that raises it (none: the tag itself as a Bool, or any non-zero value)."""
    limit: float | None = None
    """analog: the limit."""
    direction: Literal["high", "low"] = "high"
    """analog: a high alarm comes above the limit, a low alarm below it."""
    hysteresis: Annotated[float, msgspec.Meta(ge=0)] = 0.0
    """analog: how far back past the limit the value must go before the alarm goes."""
    source: Annotated[str, msgspec.Meta(max_length=1024)] | None = None
    """program: the Program_Alarm instance as the PLC names it (``"Tank_DB".HighLevel``)."""

    def check(self) -> None:
        """Raises ValidationError (``INVALID_ALARM_DEFINITION``) for fields that do not fit the kind."""
        wanted = {"discrete": ("tag",), "analog": ("tag", "limit"), "program": ("source",)}[self.kind]
        missing = [f for f in wanted if getattr(self, f) is None]
        if missing:
            raise ValidationError(f"A {self.kind} alarm needs {', '.join(missing)}.",
                                  code=codes.INVALID_ALARM_DEFINITION)

    def key(self) -> str:
        """The key of its current alarm: ``def:<name>`` for tag alarms, ``program:<instance>`` (canonical, lower
        case)."""
        return f"program:{canonical_name(self.source or '')}" if self.kind == "program" else \
            f"def:{self.name.lower()}"


class Alarm(CamelStruct):
    """One occurrence of an alarm, from incoming until it is gone and (if its class needs it) acknowledged."""

    alarm_id: int
    name: str
    source: str
    """The tag or Program_Alarm instance that raised it."""
    alarm_class: str
    text: str
    state: Literal["incoming", "outgoing", "acknowledged"]
    """The last thing that happened to it."""
    active: bool
    acknowledged: bool
    acknowledge_required: bool
    raised_at: str
    cleared_at: str | None = None
    acknowledged_at: str | None = None
    acknowledged_by: str | None = None
    value: Any = None
    """The tag's value when it came (tag alarms)."""
    associated_values: list[Any] = msgspec.field(default_factory=list)
    """SD_1..SD_n of the Program_Alarm call (program alarms)."""


class ArchiveEntry(CamelStruct):
    """One archived change of an alarm."""

    entry_id: int
    alarm_id: int
    name: str
    source: str
    alarm_class: str
    text: str
    event: Literal["incoming", "outgoing", "acknowledged"]
    timestamp: str
    value: Any = None
    associated_values: list[Any] = msgspec.field(default_factory=list)
    user: str | None = None


class AlarmPage(CamelStruct):
    """One page of the archive, oldest first."""

    entries: list[ArchiveEntry]
    continuation_point: str | None
    """Pass it back as ``continuationPoint`` for the next page; null on the last page."""


class AlarmService:
    """Definitions, the state machine, current alarms and the archive. Thread-safe."""

    def __init__(self, db: Database, on_change: Callable[[Alarm], None] | None = None) -> None:
        self._db = db
        self._lock = threading.RLock()
        self.on_change = on_change
        """Called with every alarm that changed (the subscriptions' feed)."""

    # ----- definitions ---------------------------------------------------------------------------
    def definitions(self) -> list[AlarmDefinition]:
        rows = self._db.all(select(defs.c.body).order_by(defs.c.name_key))
        return [msgspec.json.decode(r["body"], type=AlarmDefinition) for r in rows]

    def definition(self, name: str) -> AlarmDefinition:
        row = self._db.one(select(defs.c.body).where(defs.c.name_key == name.lower()))
        if row is None:
            raise NotFoundError(f'No alarm definition "{name}".', code=codes.ALARM_DEFINITION_NOT_FOUND)
        return msgspec.json.decode(row["body"], type=AlarmDefinition)

    def save_definition(self, new: AlarmDefinition, *, replace: str | None = None) -> AlarmDefinition:
        """Create (``replace`` None) or replace the definition named ``replace``.

        Raises ValidationError (fields), AlreadyExistsError (``ALARM_DEFINITION_EXISTS``), NotFoundError.
        """
        new.check()
        with self._lock:
            if replace is not None:
                self.definition(replace)
            taken = self._db.one(select(defs.c.name_key).where(defs.c.name_key == new.name.lower()))
            if taken and (replace is None or replace.lower() != new.name.lower()):
                raise AlreadyExistsError(f'An alarm definition "{new.name}" exists.',
                                         code=codes.ALARM_DEFINITION_EXISTS)
            with self._db.transaction() as conn:
                if replace is not None:
                    conn.execute(defs.delete().where(defs.c.name_key == replace.lower()))
                conn.execute(defs.insert().values(name_key=new.name.lower(), body=msgspec.json.encode(new).decode()))
        return new

    def delete_definition(self, name: str) -> AlarmDefinition:
        """Delete it; its current alarm, if any, goes (archived as outgoing)."""
        old = self.definition(name)
        with self._lock:
            self._db.execute(defs.delete().where(defs.c.name_key == name.lower()))
            if old.kind != "program":
                self._set(old.key(), old, False, utc_now())
        return old

    def watched_tags(self) -> list[tuple[str, str]]:
        """(definition name, tag) of every tag alarm: what the CPU must sample on change."""
        return [(d.name, d.tag) for d in self.definitions() if d.kind != "program" and d.tag]

    # ----- the state machine ----------------------------------------------------------------------
    def on_tag_value(self, definition_name: str, value: Any, timestamp: str) -> None:
        """A watched tag's new value (at its scan time): the definition's alarm comes or goes."""
        with self._lock:
            try:
                d = self.definition(definition_name)
            except NotFoundError:
                return
            current = self._open(d.key())
            active = _condition(d, value, current is not None and current.active)
            if active is not None:
                self._set(d.key(), d, active, timestamp, value=value)

    def on_program_alarm(self, source: str, incoming: bool, timestamp: str, values: list[Any]) -> None:
        """A Program_Alarm edge."""
        with self._lock:
            key = f"program:{canonical_name(source)}"
            d = next((x for x in self.definitions() if x.kind == "program" and x.key() == key), None)
            d = d or AlarmDefinition(name=source, kind="program", alarm_class=PROGRAM_CLASS, source=source)
            self._set(key, d, incoming, timestamp, associated=values, source=source)

    def _set(self, key: str, d: AlarmDefinition, active: bool, at: str, *, value: Any = None,
             associated: list[Any] | None = None, source: str | None = None) -> None:
        current = self._open(key)
        if active and (current is None or not current.active):
            if current is not None:  # came again before its acknowledgement: the old one is done
                self._close(current)
            needs = ALARM_CLASSES[d.alarm_class]
            alarm = Alarm(alarm_id=0, name=d.name, source=source or d.source or d.tag or d.name,
                          alarm_class=d.alarm_class, text=d.text or d.name, state="incoming", active=True,
                          acknowledged=False, acknowledge_required=needs, raised_at=at, value=value,
                          associated_values=list(associated or []))
            alarm.alarm_id = self._db.insert(alarms.insert().values(source_key=key, body="{}"))
            self._store(alarm, "incoming", at)
        elif not active and current is not None and current.active:
            current.active, current.state, current.cleared_at = False, "outgoing", at
            self._store(current, "outgoing", at, value=value, associated=associated)

    def acknowledge(self, alarm_id: int, user: str, *, at: str | None = None) -> Alarm:
        """Acknowledge a current alarm, ``at`` the PLC's time (the server's clock when not given).

        Raises NotFoundError (``ALARM_NOT_FOUND``: unknown, or no longer current), ConflictError
        (``ALARM_ALREADY_ACKNOWLEDGED``, ``ALARM_NEEDS_NO_ACKNOWLEDGEMENT``).
        """
        with self._lock:
            row = self._db.one(select(alarms.c.body).where(alarms.c.alarm_id == alarm_id, alarms.c.closed == 0)
                               ) if 0 < alarm_id < _SQLITE_INT else None
            if row is None:
                raise NotFoundError(f"No current alarm {alarm_id}.", code=codes.ALARM_NOT_FOUND)
            alarm = msgspec.json.decode(row["body"], type=Alarm)
            if not alarm.acknowledge_required:
                raise ConflictError(f"Alarm {alarm_id} is of class {alarm.alarm_class}, which needs no "
                                    "acknowledgement.", code=codes.ALARM_NEEDS_NO_ACKNOWLEDGEMENT)
            if alarm.acknowledged:
                raise ConflictError(f"Alarm {alarm_id} is already acknowledged.", code=codes.ALARM_ALREADY_ACKNOWLEDGED)
            now = at or utc_now()
            alarm.acknowledged, alarm.state, alarm.acknowledged_at, alarm.acknowledged_by = (
                True,
                "acknowledged",
                now,
                user,
            )
            self._store(alarm, "acknowledged", now, user=user)
            return alarm

    # ----- queries ---------------------------------------------------------------------------------
    def current(self, alarm_class: str | None = None) -> list[Alarm]:
        """Current alarms, oldest first."""
        rows = self._db.all(select(alarms.c.body).where(alarms.c.closed == 0).order_by(alarms.c.alarm_id))
        found = [msgspec.json.decode(r["body"], type=Alarm) for r in rows]
        return [a for a in found if alarm_class is None or a.alarm_class.lower() == alarm_class.lower()]

    def archive(self, *, start: str | None, end: str | None, alarm_class: str | None, text: str | None,
                after: int, limit: int) -> AlarmPage:
        """Archived changes with ``start <= timestamp < end``, of a class, whose text or name contains ``text``
        (case-insensitive), after entry ``after``, at most ``limit``."""
        where = [log.c.id > after]
        if start is not None:
            where.append(log.c.at >= start)
        if end is not None:
            where.append(log.c.at < end)
        if alarm_class is not None:
            where.append(func.lower(log.c["class"]) == func.lower(literal(alarm_class)))
        if text:
            # a substring, case-insensitive as the database lowers case; the text's own % and _ match themselves
            escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            pattern = func.lower(literal(f"%{escaped}%"))
            where.append(or_(func.lower(log.c.text).like(pattern, escape="\\"),
                             func.lower(log.c.body).like(pattern, escape="\\")))
        rows = self._db.all(select(log.c.id, log.c.body).where(*where).order_by(log.c.id).limit(limit + 1))
        entries = [msgspec.json.decode(r["body"], type=ArchiveEntry) for r in rows[:limit]]
        more = len(rows) > limit
        return AlarmPage(entries=entries, continuation_point=str(entries[-1].entry_id) if more and entries else None)

    # ----- storage ------------------------------------------------------------------------------------
    def _open(self, key: str) -> Alarm | None:
        row = self._db.one(select(alarms.c.body).where(alarms.c.source_key == key, alarms.c.closed == 0)
                           .order_by(alarms.c.alarm_id.desc()).limit(1))
        return msgspec.json.decode(row["body"], type=Alarm) if row is not None else None

    def _close(self, alarm: Alarm) -> None:
        self._db.execute(alarms.update().where(alarms.c.alarm_id == alarm.alarm_id).values(closed=1))

    def _store(self, alarm: Alarm, event: Literal["incoming", "outgoing", "acknowledged"], at: str, *,
               value: Any = None, associated: list[Any] | None = None,
               user: str | None = None) -> None:
        done = not alarm.active and (alarm.acknowledged or not alarm.acknowledge_required)
        entry = ArchiveEntry(entry_id=0, alarm_id=alarm.alarm_id, name=alarm.name, source=alarm.source,
                             alarm_class=alarm.alarm_class, text=alarm.text, event=event,
                             timestamp=at, value=alarm.value if value is None else value,
                             associated_values=associated if associated is not None else alarm.associated_values,
                             user=user)
        with self._db.transaction() as conn:
            conn.execute(alarms.update().where(alarms.c.alarm_id == alarm.alarm_id)
                         .values(body=msgspec.json.encode(alarm).decode(), closed=int(done)))
            cur = conn.execute(log.insert().values({"alarm_id": alarm.alarm_id, "at": at, "event": event,
                                                    "class": alarm.alarm_class, "text": alarm.text, "body": "{}"}))
            entry.entry_id = int(cur.lastrowid or 0)
            conn.execute(log.update().where(log.c.id == entry.entry_id).values(
                body=msgspec.json.encode(entry).decode()))
        if self.on_change is not None:
            self.on_change(alarm)


def _condition(d: AlarmDefinition, value: Any, active: bool) -> bool | None:
    """Whether the alarm of ``d`` is active at ``value`` (None: a value it cannot judge, e.g. not a number)."""
    if d.kind == "discrete":
        if d.bit is not None:
            return bool(int(value) >> d.bit & 1) if isinstance(value, int) else None
        return bool(value) if isinstance(value, (bool, int, float)) else None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or d.limit is None:
        return None
    if d.direction == "high":
        return bool(value > d.limit if not active else value > d.limit - d.hysteresis)
    return bool(value < d.limit if not active else value < d.limit + d.hysteresis)


def decode_point(point: str | None) -> int:
    """An archive continuation point (the last entry's id) as an int.

    Raises ValidationError (``INVALID_CONTINUATION_POINT``).
    """
    if not point:
        return 0
    try:
        after = int(json.loads(point))
    except (ValueError, TypeError, OverflowError):
        after = -1
    if not 0 <= after < _SQLITE_INT:
        raise ValidationError("continuationPoint is not one this server gave out",
                              code=codes.INVALID_CONTINUATION_POINT)
    return after
