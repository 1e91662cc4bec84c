"""The success envelopes of the runtime API's alarm, history and tag calls: named OpenAPI components shared by the
calls answering the same record (declared in :mod:`.actions`) and the routes written by hand (:mod:`.routes`,
:mod:`.event_routes`)."""

from __future__ import annotations

from engineering_api.lib.responses import Envelope
from engineering_api.runtime.alarms import Alarm, AlarmDefinition, AlarmPage
from engineering_api.runtime.schemas import TagList, TagValueResult
from engineering_api.runtime.tag_logging import LoggingSetting

__all__ = (
    "RuntimeAlarmArchiveResponse", "RuntimeAlarmDefinitionResponse", "RuntimeAlarmDefinitionsResponse",
    "RuntimeAlarmResponse", "RuntimeAlarmsResponse", "RuntimeLoggingSettingResponse", "RuntimeLoggingSettingsResponse",
    "RuntimeTagListResponse", "RuntimeTagValuesResponse",
)


class RuntimeAlarmsResponse(Envelope[list[Alarm]]): ...


class RuntimeAlarmResponse(Envelope[Alarm]): ...


class RuntimeAlarmArchiveResponse(Envelope[AlarmPage]): ...


class RuntimeAlarmDefinitionsResponse(Envelope[list[AlarmDefinition]]): ...


class RuntimeAlarmDefinitionResponse(Envelope[AlarmDefinition]): ...


class RuntimeLoggingSettingsResponse(Envelope[list[LoggingSetting]]): ...


class RuntimeLoggingSettingResponse(Envelope[LoggingSetting]): ...


class RuntimeTagListResponse(Envelope[TagList]): ...


class RuntimeTagValuesResponse(Envelope[list[TagValueResult]]): ...
