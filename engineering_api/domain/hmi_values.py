"""Live values of HMI tags: what a panel (classic or Unified) would show, read from the simulated PLCs its tags are
bound to.

An external HMI tag (one with a connection) is bound to a PLC tag (``ControllerTag``: ``Start``,
``Motor_DB.Speed``) of the connection's partner PLC; an internal tag has no connection and lives only in HMI
Runtime ("We distinguish between external tags (process tags) and internal tags, depending on whether or not
the tag is interconnected with the PLC": Siemens, *Comfort Panels Operating Instructions*, A5E03404994-02,
glossary "Tag"). The server runs no HMI Runtime, so an HMI tag has a value when its partner PLC runs in PLCSim:
the powered-on simulated instance the PLC's program was downloaded to (``SimInstanceInfo.device``). The values
are read through the port's runtime-values methods (the same PLCSim API both adapters serve), one
batch per instance, so the tags of one PLC come from the same cycle. They are read as an HMI client reads
(``hmi_read``: the CPU's protection must allow HMI access) and only where the downloaded program releases the
PLC tag to HMI (``released_tags``; an adapter that cannot tell skips that check).

Each value says where it came from (``plc``, ``instance``, ``plcTag``) or why it has none (``error.code``):
``INTERNAL_TAG``, ``CONNECTION_NOT_FOUND``, ``NO_PARTNER``, ``PLC_NOT_SIMULATED``, ``SIMULATION_UNAVAILABLE``,
``NOT_ACCESSIBLE``, ``CPU_ACCESS_DENIED``, ``INSTANCE_OFF`` or PLCSim's per-tag code (``DoesNotExist``...).
"""

from __future__ import annotations

from typing import Any

from engineering_api.backend import errors as e
from engineering_api.backend.areas.hmi import HmiTagInfo
from engineering_api.domain.hmi_tree import HmiDeviceRef, panel_read
from engineering_api.domain.hmi_unified_view import connections as unified_connections
from engineering_api.domain.hmi_unified_view import tag_tables as unified_tag_tables
from engineering_api.domain.hmi_unified_view import unified_or
from engineering_api.jobs.operations import Operation, OperationContext
from engineering_api.errors import codes
from engineering_api.lib.schema import CamelStruct

__all__ = ("OPERATIONS", "HmiTagValue", "read_values")

_BATCH = 1000
"""PLCSim's batch limit (``SIM_BATCH_SIZE``): larger reads go in several batches."""


class ValueProblem(CamelStruct):
    """Why a tag has no value."""

    code: str
    message: str


class HmiTagValue(CamelStruct, kw_only=True):
    """An HMI tag's current value and its source; ``value`` is null when ``error`` says why."""

    name: str
    data_type: str = ""
    tag_table: str = ""
    connection: str = ""
    plc_tag: str = ""
    plc: str | None = None
    """The partner PLC of the tag's connection."""
    instance: str | None = None
    """The PLCSim instance the value was read from."""
    value: Any = None
    quality: str = "Bad"
    """``Good``; ``Uncertain`` (the CPU is in STOP: the last value); ``Bad`` (no value)."""
    timestamp: str | None = None
    error: ValueProblem | None = None


class TagValuesInput(HmiDeviceRef):
    """An HMI panel, and the tags to read (every tag of the panel when left out)."""

    tag_names: list[str] | None = None
    """Names of the HMI tags to read; every tag of the panel when omitted."""


def _failed(tag: HmiTagInfo, code: str, message: str, plc: str | None = None) -> HmiTagValue:
    return HmiTagValue(name=tag.name, data_type=tag.data_type, tag_table=tag.tag_table, connection=tag.connection,
                       plc_tag=tag.plc_tag, plc=plc, error=ValueProblem(code=code, message=message))


def _instances(ctx: OperationContext) -> tuple[dict[str, str], str | None]:
    """Powered-on PLCSim instances by the lower-case name of the PLC downloaded to them, or why there are none."""
    try:
        listed = ctx.backend.simulation.list_instances()
    except e.EngineeringError as exc:
        return {}, exc.message
    found: dict[str, str] = {}
    for info in listed:
        if info.device and info.operating_state.lower() not in ("off", "shuttingdown"):
            found.setdefault(info.device.lower(), info.name)
    return found, None


def _plain(name: str) -> str:
    """A PLC tag reference without TIA's quotes, lower case: ``"Line_DB".Count`` and ``Line_DB.Count`` are one."""
    return name.replace('"', "").strip().lower()


def _released(ctx: OperationContext, instance: str) -> set[str] | None:
    """The plain names of the tags the instance's program releases to HMI/OPC UA/Web API; None when the adapter
    cannot tell (``NotSupportedError``). The Openness bridge tells from the flags in the open project, since
    PLCSIM Advanced's tag list does not carry them."""
    try:
        return {_plain(t.name) for t in ctx.backend.runtime_values.released_tags(instance)}
    except e.NotSupportedError:
        return None


def _read_batch(ctx: OperationContext, instance: str,
                names: list[str]) -> list[tuple[Any, str, str, ValueProblem | None]]:
    """(value, quality, timestamp, problem) per name from ``instance``, read as an HMI client reads (between two
    cycles, with the CPU's HMI access check). A tag the program does not release to HMI is ``NOT_ACCESSIBLE``:
    TIA lets an HMI reach a PLC tag only when its "Accessible from HMI/OPC UA/Web API" is on."""
    released = _released(ctx, instance)
    out: list[tuple[Any, str, str, ValueProblem | None]] = []
    for start in range(0, len(names), _BATCH):
        for name, read in zip(names[start:start + _BATCH],
                              ctx.backend.runtime_values.hmi_read(names[start:start + _BATCH], instance).values,
                              strict=True):
            if read.error is not None:
                out.append((None, "Bad", read.timestamp,
                            ValueProblem(code=read.error.code, message=read.error.message)))
            elif released is not None and _plain(name) not in released:
                out.append((None, "Bad", read.timestamp, ValueProblem(
                    code=codes.NOT_ACCESSIBLE, message=f"{name} is not accessible from HMI/OPC UA/Web API in the "
                                                   "downloaded program.")))
            else:
                out.append((read.value, read.quality, read.timestamp, None))
    return out


def read_values(ctx: OperationContext, device: str, tags: list[HmiTagInfo]) -> list[HmiTagValue]:
    """The values of ``tags`` (HMI tags of ``device``), in their order; see the module docstring."""
    listed = unified_or(ctx, device, lambda: ctx.backend.hmi.list_hmi_connections(device), unified_connections) \
        if tags else []
    connections = {c.name.lower(): c for c in listed}
    instances, unavailable = _instances(ctx) if any(t.connection for t in tags) else ({}, None)
    out: list[HmiTagValue | None] = [None] * len(tags)
    batches: dict[str, list[tuple[int, str]]] = {}
    for index, tag in enumerate(tags):
        connection = connections.get(tag.connection.lower()) if tag.connection else None
        if not tag.connection:
            out[index] = _failed(tag, codes.INTERNAL_TAG,
                                 f"{tag.name} is an internal tag: its value exists only in HMI "
                                                      "Runtime, which this server does not simulate.")
        elif connection is None:
            out[index] = _failed(tag, codes.CONNECTION_NOT_FOUND, f"Connection {tag.connection} of the {tag.name} tag "
                                                              "was not found.")
        elif not connection.partner:
            out[index] = _failed(tag, codes.NO_PARTNER, f"The connection {connection.name} names no partner PLC.")
        elif not tag.plc_tag:
            out[index] = _failed(tag, codes.NO_PLC_TAG, f"{tag.name} is bound to no PLC tag.", connection.partner)
        elif unavailable is not None:
            out[index] = _failed(tag, codes.SIMULATION_UNAVAILABLE, unavailable, connection.partner)
        elif connection.partner.lower() not in instances:
            out[index] = _failed(tag, codes.PLC_NOT_SIMULATED, f"No powered-on PLCSim instance holds the program of "
                                 f"{connection.partner}; download it to a simulated PLC to see its values.",
                                 connection.partner)
        else:
            batches.setdefault(instances[connection.partner.lower()], []).append((index, tag.plc_tag))
    for instance, wanted in batches.items():
        try:
            results = _read_batch(ctx, instance, [name for _, name in wanted])
        except (e.PermissionDeniedError, e.ConflictError, e.NotFoundError) as exc:
            for index, _ in wanted:
                plc = connections[tags[index].connection.lower()].partner
                out[index] = _failed(tags[index], exc.code or codes.SIMULATION_FAILED, exc.message, plc)
            continue
        for (index, _), (value, quality, timestamp, problem) in zip(wanted, results, strict=True):
            tag = tags[index]
            out[index] = HmiTagValue(
                name=tag.name, data_type=tag.data_type, tag_table=tag.tag_table, connection=tag.connection,
                plc_tag=tag.plc_tag, plc=connections[tag.connection.lower()].partner, instance=instance, value=value,
                quality=quality, timestamp=timestamp, error=problem)
    return [value for value in out if value is not None]


def device_tags(ctx: OperationContext, device: str) -> list[HmiTagInfo]:
    """Every HMI tag of the panel (classic or Unified), table by table."""
    tables = unified_or(ctx, device, lambda: ctx.backend.hmi.list_hmi_tag_tables(device), unified_tag_tables)
    return [tag for table in tables for tag in table.tags]


def _values(ctx: OperationContext, d: TagValuesInput) -> list[HmiTagValue]:
    tags = device_tags(ctx, d.device_name)
    if d.tag_names:
        by_name = {t.name.lower(): t for t in tags}
        missing = [n for n in d.tag_names if n.lower() not in by_name]
        if missing:
            raise e.NotFoundError(f"The HMI tag(s) {', '.join(missing)} were not found in '{d.device_name}'.",
                                  code=codes.HMI_TAG_NOT_FOUND, details={"tagNames": missing})
        tags = [by_name[n.lower()] for n in dict.fromkeys(d.tag_names)]
    return read_values(ctx, d.device_name, tags)


OPERATIONS: tuple[Operation[Any, Any], ...] = (
    panel_read(
        "hmi.tags.values", "Read the current values of a panel's HMI tags from the simulated PLCs.", "tags/values",
        _values, TagValuesInput, list[HmiTagValue],
        description="Each external HMI tag reads its PLC tag from the powered-on PLCSim instance its connection's "
                    "partner PLC was downloaded to (one batch per PLC, one cycle); a tag without a value says why "
                    "(INTERNAL_TAG, PLC_NOT_SIMULATED, CONNECTION_NOT_FOUND, PLCSim's DoesNotExist...). tagNames "
                    "(repeatable) picks tags; an unknown one is 404 HMI_TAG_NOT_FOUND.",
    ),
)
