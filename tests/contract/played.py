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
from typing import Any

from engineering_api.backend.errors import EngineeringError, NotSupportedError
from engineering_api.backend.port import EngineeringBackend
from tests.conftest import raises_code

__all__ = ("Played", "played")


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

    @property
    def project(self) -> str:
        """A project file's extension (``.ap19``)."""
        return f".ap{self.number}"

    @property
    def archive(self) -> str:
        """A project archive's extension (``.zap19``)."""
        return f".zap{self.number}"

    @property
    def library(self) -> str:
        """A global library file's extension (``.al19``)."""
        return f".al{self.number}"

    @property
    def library_archive(self) -> str:
        """A global library archive's extension (``.zal19``)."""
        return f".zal{self.number}"

    @property
    def newer(self) -> str:
        """A version newer than this one (its SimaticML this version refuses)."""
        return f"V{self.number + 1}"

    def lacks(self, type_name: str, member: str) -> bool:
        """Whether this version's Openness lacks ``type_name.member`` by the reference, so the adapter answers 501
        ``NOT_IN_THIS_TIA_VERSION`` (never on the fake, which models every version's features)."""
        if not self.gated:
            return False
        from openness_bridge.api_reference import reference

        return reference().member_status(self.version, type_name, member) == "absent"

    def lacks_type(self, type_name: str) -> bool:
        """Whether this version's Openness has no type of that simple name by the reference (never on the fake)."""
        if not self.gated:
            return False
        from openness_bridge.api_reference import reference

        return reference().type_status(self.version, type_name) == "absent"

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
