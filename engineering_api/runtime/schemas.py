"""Wire shapes of the runtime API (camelCase, in the service's success envelope)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from engineering_api.lib.schema import CamelStruct
from engineering_api.runtime.sources import Quality
from engineering_api.runtime.users import PASSWORD_MAX, USERNAME_MAX, RuntimeUser

__all__ = (
    "BULK_MAX", "BulkRead", "BulkWrite", "CurrentUser", "ItemErrorOut", "LoginAnswer", "LoginRequest", "NewRuntimeUser",
    "RuntimeTagInfo", "RuntimeUserChange", "TagList", "TagValue", "TagValueResult", "TagWriteItem", "ValueWrite",
)

BULK_MAX = 1000
"""Items one bulk read or write may hold."""

RoleName = Literal["read", "write", "alarmAck", "admin"]
Username = Annotated[str, msgspec.Meta(min_length=1, max_length=USERNAME_MAX)]
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=PASSWORD_MAX)]
TagName = Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]


class NewRuntimeUser(CamelStruct):
    """A runtime user to create."""

    username: Username
    """Unique, case-insensitively; printable, no spaces."""
    password: Password
    """At least 8 characters; stored as a salted scrypt hash, never returned."""
    roles: Annotated[list[RoleName], msgspec.Meta(max_length=4)]
    """read (browse and read), write (write writable tags), alarmAck, admin (all of them)."""


class RuntimeUserChange(CamelStruct):
    """New password and/or roles; either ends the user's sessions."""

    password: Password | None = None
    roles: Annotated[list[RoleName], msgspec.Meta(max_length=4)] | None = None


class LoginRequest(CamelStruct):
    """Credentials of a runtime user."""

    username: Username
    password: Password


class LoginAnswer(CamelStruct):
    """A session: send ``Authorization: Bearer <token>`` until ``expiresAt``."""

    token: str
    expires_at: str
    user: RuntimeUser


class CurrentUser(CamelStruct):
    """The runtime user of the presented token."""

    user_id: str
    username: str
    roles: list[str]
    expires_at: str
    """When the presented token expires."""


class RuntimeTagInfo(CamelStruct):
    """A released tag."""

    name: str
    """As the PLC spells it: ``"Motor_DB".Speed``, ``"Start"``."""
    data_type: str
    access: Literal["read", "readWrite"]
    """``readWrite`` when the tag is writable from HMI/OPC UA/Web API."""


class TagList(CamelStruct):
    """One page of released tags."""

    tags: list[RuntimeTagInfo]
    continuation_point: str | None
    """Pass it back as ``continuationPoint`` for the next page; null on the last page."""


class TagValue(CamelStruct):
    """A value with its quality and the time it was read from the PLC."""

    name: str
    value: Any
    data_type: str | None
    quality: Quality
    timestamp: str


class ItemErrorOut(CamelStruct):
    """Why one item of a bulk call failed."""

    code: str
    description: str


class TagValueResult(CamelStruct):
    """One item of a bulk call: the value, or (quality Bad, value null) its error."""

    name: str
    value: Any
    data_type: str | None
    quality: Quality
    timestamp: str
    error: ItemErrorOut | None = None


class BulkRead(CamelStruct):
    """Tags to read: ``tagNames`` (``names``, the field's first spelling, is still read)."""

    tag_names: Annotated[list[TagName], msgspec.Meta(min_length=1, max_length=BULK_MAX)] | None = None
    names: Annotated[list[TagName], msgspec.Meta(min_length=1, max_length=BULK_MAX)] | None = None

    def __post_init__(self) -> None:
        # One name per concept on the wire (tagNames, as the MCP tool and history queries): the REST body used
        # to say names, and clients written against it keep working.
        if (self.tag_names is None) == (self.names is None):
            raise ValueError("give the tags to read as tagNames (one list)")

    @property
    def wanted(self) -> list[str]:
        """The tag names asked for, in order."""
        return list(self.tag_names if self.tag_names is not None else self.names or ())


class ValueWrite(CamelStruct):
    """A value to write to one tag."""

    value: Any


class TagWriteItem(CamelStruct):
    """One item of a bulk write."""

    name: TagName
    """Name of the released tag to write, as the PLC spells it (Start, "Motor_DB".Speed)."""
    value: Any


class BulkWrite(CamelStruct):
    """Values to write, in order."""

    values: Annotated[list[TagWriteItem], msgspec.Meta(min_length=1, max_length=BULK_MAX)]
    """The writes, in order, each a tag name and its value (JSON bool, number or string)."""
