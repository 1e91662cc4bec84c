"""What real TIA asks when it connects to or downloads to a CPU, modelled in the stand-in (``standin/Legitimation.cs``,
``standin/DownloadChecks.cs``) and answered by the bridge (``online_legitimation.py``, ``online.py``): the TLS trust
prompt (``ConnectionConfiguration.OnlineLegitimation``), the alarm text libraries, data block re-initialisation and the
PLC master secret's password, each answered as the caller asked and reported in the result."""

from __future__ import annotations

from typing import Any

from engineering_api.backend.areas.online import DownloadChecks
from engineering_api.backend.errors import ConflictError
from tests.bridge.online_session import cpu
from tests.lib.outcomes import raises_code
from tests.contract.stub_engine import SCL, load_scl

FINGERPRINT = "3F:A1:07:C2"
MASTER = "Master-Secret-1!"


def test_an_untrusted_certificate_is_refused_with_a_409_naming_the_option(online_plc: Any) -> None:
    cpu().TlsFingerprint = FINGERPRINT
    refused = raises_code(ConflictError, "TLS_NOT_TRUSTED", online_plc.online.go_online, "PLC_1")
    assert '"trustTls": true' in str(refused) and FINGERPRINT in str(refused)
    assert refused.details["option"] == "trustTls"
    assert online_plc.online.online_status("PLC_1").online is False


def test_a_trusted_certificate_goes_online_and_the_choice_is_reported(online_plc: Any) -> None:
    cpu().TlsFingerprint = FINGERPRINT
    status = online_plc.online.go_online("PLC_1", trust_tls=True)
    assert status.online is True
    (verification,) = status.tls_verifications
    assert (verification.plc_name, verification.choice) == ("PLC_1", "Trusted")
    assert FINGERPRINT in verification.verification_info


def test_a_download_answers_the_trust_prompt_and_reports_it(online_plc: Any) -> None:
    load_scl(online_plc, SCL)
    cpu().TlsFingerprint = FINGERPRINT
    raises_code(ConflictError, "TLS_NOT_TRUSTED", online_plc.online.download, "PLC_1")
    assert cpu().Device is None  # nothing was loaded
    result = online_plc.online.download("PLC_1", trust_tls=True)
    assert [v.choice for v in result.tls_verifications] == ["Trusted"]
    assert cpu().Device == "PLC_1"


def _checks(result: Any) -> dict[str, str]:
    return {c.category: c.answer for c in result.pre_download_checks}


def test_alarm_text_libraries_are_answered_per_request(online_plc: Any) -> None:
    load_scl(online_plc, SCL)
    cpu().AsksAlarmTexts = True
    result = online_plc.online.download("PLC_1")
    assert _checks(result)["AlarmTextLibrariesDownload"] == "ConsistentDownload"  # as Siemens' own add-in answers
    assert cpu().AlarmTextsLoaded is True
    result = online_plc.online.download("PLC_1", checks=DownloadChecks(alarm_text_libraries="NoAction"))
    assert (_checks(result)["AlarmTextLibrariesDownload"], cpu().AlarmTextsLoaded) == ("NoAction", False)


def test_reinitialising_a_changed_data_block_is_answered_per_request(online_plc: Any) -> None:
    load_scl(online_plc, SCL)
    online_plc.online.download("PLC_1")
    load_scl(online_plc, SCL.replace("count : Int;", "count : Int;\n      total : DInt;"))
    refused = raises_code(ConflictError, "DOWNLOAD_FAILED", online_plc.online.download, "PLC_1",
                          checks=DownloadChecks(data_block_reinitialization="NoAction"))
    assert "reinitialized" in str(refused.details["messages"])
    assert _checks_of(refused)["DataBlockReinitialization"] == "NoAction"
    result = online_plc.online.download("PLC_1")  # the default: TIA's StopPlcAndReinitialize
    assert _checks(result)["DataBlockReinitialization"] == "StopPlcAndReinitialize"
    assert result.reinitialised_data_blocks == ["Data"]


def test_a_protected_master_secret_needs_its_password(online_plc: Any) -> None:
    load_scl(online_plc, SCL)
    online_plc.security.master_secret("PLC_1", "protect", MASTER, None)
    refused = raises_code(ConflictError, "DOWNLOAD_FAILED", online_plc.online.download, "PLC_1")
    assert "master secret" in str(refused.details["messages"])
    assert _checks_of(refused)["PlcMasterSecretPassword"] == "Left at TIA's default"
    wrong = "not-" + MASTER
    checks = DownloadChecks(plc_master_secret_password=wrong)
    refused = raises_code(ConflictError, "DOWNLOAD_FAILED", online_plc.online.download, "PLC_1", checks=checks)
    assert wrong not in f"{refused} {refused.details} {checks!r}"
    result = online_plc.online.download("PLC_1", checks=DownloadChecks(plc_master_secret_password=MASTER))
    assert _checks(result)["PlcMasterSecretPassword"] == "Password given"
    assert cpu().Device == "PLC_1"


def _checks_of(refused: Any) -> dict[str, str]:
    return {c["category"]: c["answer"] for c in refused.details["preDownloadChecks"]}
