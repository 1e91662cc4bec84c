"""The TIA Portal version the adapter under test plays, and what the contract tests derive from it.

The fake plays its default portal version (V19); the bridge plays the version of the ``Siemens.Engineering`` it
loaded: the stand-in's build (``ENGINEERING_API_STANDIN_VERSION``, V19 by default, V17 and V21 in their own runs,
tests/bridge/test_contract_versions.py) or the real TIA Portal's. File extensions (``.ap17``, ``.zap21``), the
SimaticML documents the tests write and the members a version's Openness lacks follow from it, so the one suite
holds on every version the stand-in plays.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, overload

from engineering_api.backend.errors import EngineeringError, NotSupportedError
from engineering_api.backend.port import EngineeringBackend
from tests.lib.outcomes import raises_code

if TYPE_CHECKING:
    from openness_bridge.api_reference import ApiReference

__all__ = ("Played", "played")


class _Extension:
    """A file extension of the played version: a stem and the version's number (``.ap19``), for any of TIA's
    project and library files."""

    __slots__ = ("stem",)

    def __init__(self, stem: str) -> None:
        self.stem = stem

    @overload
    def __get__(self, played: None, owner: type[Played]) -> _Extension: ...

    @overload
    def __get__(self, played: Played, owner: type[Played]) -> str: ...

    def __get__(self, played: Played | None, owner: type[Played]) -> str | _Extension:
        return self if played is None else f".{self.stem}{played.number}"


@dataclass(frozen=True, slots=True)
class Played:
    """A TIA Portal version (``V19``) as a contract test needs it."""

    version: str
    gated: bool
    """Whether the adapter answers members this version's Openness lacks with 501 (the bridge, by the reference)."""

    @property
    def number(self) -> int:
        """``19`` for V19."""
        return int(self.version.removeprefix("V"))

    project = _Extension("ap")
    """A project file's extension (``.ap19``)."""
    archive = _Extension("zap")
    """A project archive's extension (``.zap19``)."""
    library = _Extension("al")
    """A global library file's extension (``.al19``)."""
    library_archive = _Extension("zal")
    """A global library archive's extension (``.zal19``)."""

    @property
    def newer(self) -> str:
        """A version newer than this one (its SimaticML this version refuses)."""
        return f"V{self.number + 1}"

    def lacks(self, type_name: str, member: str) -> bool:
        """Whether this version's Openness lacks ``type_name.member`` by the reference, so the adapter answers 501
        ``NOT_IN_THIS_TIA_VERSION`` (never on the fake, which models every version's features)."""
        gate = self._gate()
        return gate is not None and gate.member_status(self.version, type_name, member) == "absent"

    def lacks_type(self, type_name: str) -> bool:
        """Whether this version's Openness has no type of that simple name by the reference (never on the fake)."""
        gate = self._gate()
        return gate is not None and gate.type_status(self.version, type_name) == "absent"

    def _gate(self) -> ApiReference | None:
        """The Openness reference the adapter answers 501 by (the bridge's), None when it models every version."""
        if not self.gated:
            return None
        from openness_bridge.api_reference import reference

        return reference()

    def refuses(self, call: Callable[..., object], /, *args: Any, **kwargs: Any) -> EngineeringError:
        """``call(*args, **kwargs)`` is refused with 501 ``NOT_IN_THIS_TIA_VERSION`` naming this version."""
        __tracebackhide__ = True
        error = raises_code(NotSupportedError, "NOT_IN_THIS_TIA_VERSION", call, *args, **kwargs)
        assert self.version in error.message, error
        return error


def played(backend: EngineeringBackend) -> Played:
    """The version ``backend`` plays: the fake's default portal version, the bridge's loaded assemblies' version."""
    from fakes.backend import FakeBackend
    from openness_bridge.backend import OpennessBackend

    if isinstance(backend, FakeBackend):
        return Played(backend.default_version, gated=False)
    assert isinstance(backend, OpennessBackend), backend
    return Played(backend.version, gated=True)
