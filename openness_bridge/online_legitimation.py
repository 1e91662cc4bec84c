"""TIA's TLS trust prompt when it connects to a CPU that presents a certificate (going online, comparing, downloading).

Openness shape (the V17 API stubs of github:Repsay/siemens-tia-openness-python-stubs, branch v17, and Siemens' V17
add-in github:tia-portal-applications/TIA-Add-In-StartPlcSimAdvanced, ``src/PLCSIMAdvStarter/Run.cs``, which does
exactly this before its download): ``ConnectionConfiguration.OnlineLegitimation`` is an event of
``OnlineConfigurationDelegate(OnlineConfiguration)``; the add-in subscribes on the ``OnlineProvider``'s configuration,
answers ``TlsVerificationConfiguration.CurrentSelection = TlsVerificationConfigurationSelection.Trusted`` and
unsubscribes afterwards. The V16 API has no such event (nothing to answer there).

The bridge answers ``Trusted`` only when the caller's ``trustTls`` (or the server's ``trust_plc_certificates``) says
so, else ``NonTrusted``; every prompt and its answer is reported (:class:`TlsVerification`) and logged, and a
connection TIA then refuses is 409 ``TLS_NOT_TRUSTED`` naming the option.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Literal

from engineering_api.backend.areas.online import TlsVerification
from engineering_api.backend.errors import ConflictError
from engineering_api.errors import codes

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

__all__ = ("TlsAnswer",)

_log = logging.getLogger(__name__)


class TlsAnswer:
    """The answer to TIA's TLS trust prompts during one call.

    Args:
        namespace: the loaded API's ``Siemens.Engineering.<name>`` namespace, by name.
        trust: answer ``Trusted`` (else ``NonTrusted``).
        decided_by: where ``trust`` came from, for the report.
    """

    def __init__(self, namespace: Callable[[str], Any], *, trust: bool,
                 decided_by: Literal["request", "setting"] = "request") -> None:
        self._namespace = namespace
        self._trust = trust
        self._decided_by = decided_by
        self.verifications: list[TlsVerification] = []
        """The prompts TIA raised and how each was answered."""

    @contextmanager
    def subscribed(self, configuration: Any) -> Iterator[None]:
        """``OnlineLegitimation`` answered while the block runs (an API without the event: nothing to answer)."""
        if not hasattr(configuration, "OnlineLegitimation"):
            yield
            return
        delegate = self._namespace("Online").OnlineConfigurationDelegate(self._answer)
        configuration.OnlineLegitimation += delegate
        try:
            yield
        finally:
            configuration.OnlineLegitimation -= delegate

    def _answer(self, prompt: Any) -> None:
        configurations = self._namespace("Online.Configurations")
        if not isinstance(prompt, configurations.TlsVerificationConfiguration):
            return
        choice: Literal["Trusted", "NonTrusted"] = "Trusted" if self._trust else "NonTrusted"
        try:
            prompt.CurrentSelection = getattr(configurations.TlsVerificationConfigurationSelection, choice)
            verification = TlsVerification(plc_name=str(prompt.PlcName), verification_info=str(prompt.VerificationInfo),
                                           choice=choice, decided_by=self._decided_by)
        except Exception:  # never let a Python error cross into TIA's connection; TIA then refuses
            _log.exception("answering TIA's TLS trust prompt failed")
            return
        self.verifications.append(verification)
        _log.info("TLS trust prompt of PLC %r (%s) answered %s (decided by the %s)", verification.plc_name,
                  verification.verification_info, choice, self._decided_by)

    def refused(self, device: str) -> ConflictError | None:
        """The 409 for a connection TIA refused after its trust prompt was answered ``NonTrusted``, else None."""
        if self._trust or not self.verifications:
            return None
        return ConflictError(
            f"The PLC of '{device}' presents a TLS certificate ({self.verifications[-1].verification_info}) that was "
            'not trusted, so TIA did not connect. Send "trustTls": true to trust it (or set the server setting '
            "trust_plc_certificates).", code=codes.TLS_NOT_TRUSTED,
            details={"option": "trustTls", "tlsVerifications": [v.verification_info for v in self.verifications]},
        )

    def call(self, device: str, configuration: Any, fn: Callable[[], Any]) -> Any:
        """``fn()`` with the prompt answered on ``configuration``; TIA's refusal after a ``NonTrusted`` is the 409."""
        with self.subscribed(configuration):
            try:
                return fn()
            except Exception as exc:
                refusal = self.refused(device)
                if refusal is None:
                    raise
                raise refusal from exc
