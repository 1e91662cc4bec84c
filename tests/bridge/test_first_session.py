"""The first Windows session on each stand-in build, through HTTP (tests/bridge/first_session.py): doctor --smoke,
project, CPU, SCL FB and instance DB, SimaticML, compile, export, PLCSIM Advanced, download, and a tag read of the
instance DB's member; then what each version lacks by the real assemblies' metadata (openness_bridge/reference), each
answering 501 ``NOT_IN_THIS_TIA_VERSION`` naming the version, never a 500.

It walks the build this process loaded (V19 by default). pythonnet loads one ``Siemens.Engineering`` per process, so
the V17, V18 and V21 walks run in the processes tests/bridge/test_contract_versions.py starts for those builds
anyway (one interpreter, app and Mono start per version instead of two).

Before this test: ``GET /api/simulation/tags/CounterDB.count`` was 404 after the download (the stand-in listed only the
members an instance DB's own document names), library type editing answered 500 on V19 and V21, and a Unified
connection with a partner was a 500 (``HmiConnection.Partner`` has no setter in the real API); then it was written
through ``SetAttribute("Partner", …)``, which no source confirms, and is now refused (501) unless TIA holds it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bridge.conftest import require_standin

LACKS = {
    "V17": {"catalog", "edit", "unifiedGroups"},
    "V18": {"edit"},
    "V19": {"edit"},
    "V21": {"edit"},
}
"""What each version's Openness lacks among the calls the walk makes (hardware catalog, type edit, Unified groups).
V21 (best evidence: no assembly is public) fails closed on ``LibraryTypeVersion.Edit``, which no V16-V19 has
(tests/bridge/test_api_reference.py)."""


def test_the_first_session_ends_with_a_tag_read(tmp_path: Path) -> None:
    require_standin()
    from openness_bridge.standin import STANDIN_VERSION
    from tests.bridge.first_session import main

    version = STANDIN_VERSION
    report = main(tmp_path)
    assert report["version"] == version
    assert report["smoke"] and all(report["smoke"].values()), report["smoke"]
    assert report["project"]["data"]["path"].endswith(f".ap{version[1:]}")
    assert [i["status"] for i in report["imports"]] == [200, 200, 200], report["imports"]
    assert report["compile"]["data"]["state"] == "Success" and report["export"] is True
    assert report["download"]["data"]["state"] == "Success", report["download"]
    assert report["tag"]["status"] == 200, report["tag"]
    assert (report["tag"]["data"]["name"], report["tag"]["data"]["value"]) == ("CounterDB.count", 0)
    assert report["settingsTag"]["data"]["value"] == 7  # a global DB's start value, from raw SimaticML
    for call in ("catalog", "edit", "unifiedGroups"):
        answer = report[call]
        if call in LACKS[version]:
            assert (answer["status"], answer["code"]) == (501, "NOT_IN_THIS_TIA_VERSION"), answer
            assert version in answer["message"], answer
        else:
            assert answer["status"] == 200, answer
    # HmiConnection.Partner is get-only in the real V17-V19 API and Create takes only a name: a partner TIA does not
    # hold is 501 before anything changes (no screen either); once TIA holds it, the connection is kept.
    unconnected = report["unconnected"]
    assert (unconnected["status"], unconnected["code"]) == (501, "NO_OPENNESS_EQUIVALENT"), unconnected
    assert "network view" in unconnected["message"]
    assert "Overview" not in report["unconnectedScreens"]
    assert report["unified"]["status"] == 200, report["unified"]
    assert report["connections"] == [{"name": "HMI_Connection_1", "partner": "PLC_1",
                                      "communicationDriver": "SIMATIC S7 1500"}]


@pytest.mark.parametrize("version", ["V16", "V20"])
def test_a_version_the_standin_does_not_play_is_refused_clearly(version: str) -> None:
    from openness_bridge.standin import StandInUnavailable, build_standin

    with pytest.raises(StandInUnavailable, match="plays"):
        build_standin(version=version)
