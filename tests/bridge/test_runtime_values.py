"""The bridge's released tags over the stand-in: the leaves from PLCSIM's tag list, the flags from the project.

Where both adapters agree (a program as downloaded) is the contract suite's
(``tests/contract/test_runtime_values_contract.py``); here is what only the bridge does: the flags are the open
project's, read at the first call after a download and kept until the next one (as the CPU keeps its program),
and without that PLC in an open project it refuses.
"""

from __future__ import annotations

from typing import Any

import pytest

from engineering_api.backend.errors import ConflictError, NoProjectOpenError
from tests.lib.outcomes import raises_code
from tests.contract.stub_engine import load_scl
from tests.contract.released_program import RELEASED_SCL


def _released(bridge: Any) -> dict[str, bool]:
    """Released leaf -> writable."""
    return {t.name: t.writable for t in bridge.runtime_values.released_tags("Sim_A")}


@pytest.fixture
def downloaded(online_plc: Any) -> Any:
    """RELEASED_SCL downloaded from PLC_1 to Sim_A."""
    load_scl(online_plc, RELEASED_SCL)
    online_plc.online.download("PLC_1")
    return online_plc


def test_the_flags_are_the_projects_at_the_download(downloaded: Any) -> None:
    assert _released(downloaded) == {'"Hidden".on': True, '"Line".count': True, '"Line".limit': False,
                                     '"Line".speed': True}
    # Changed in the project, not downloaded: the CPU still runs the program it was given, so nothing changes
    # (and the DBs are not exported again at every read).
    edited = (RELEASED_SCL.replace("secret { ExternalAccessible := 'False'}", "secret")
              .replace("limit { ExternalWritable := 'False'}", "limit"))
    load_scl(downloaded, edited)
    assert _released(downloaded)['"Line".limit'] is False and '"Line".secret' not in _released(downloaded)
    downloaded.online.download("PLC_1")  # now the CPU has them
    assert _released(downloaded) == {'"Hidden".on': True, '"Line".count': True, '"Line".limit': True,
                                     '"Line".secret': True, '"Line".speed': True}


def test_a_db_the_project_no_longer_has_releases_nothing(downloaded: Any) -> None:
    # The CPU holds "Hidden"; the project no longer does, so its flags cannot be read.
    downloaded.blocks.delete_block("PLC_1", "Hidden")
    assert '"Hidden".on' not in _released(downloaded)


def test_a_new_download_is_listed_without_a_refresh(downloaded: Any) -> None:
    load_scl(downloaded, RELEASED_SCL.replace("speed : Real;", "speed : Real;\n      total : DInt;"))
    downloaded.online.download("PLC_1")  # Sim_A is not connected, so nothing refreshed its tag list
    assert downloaded.simulation.instance_state("Sim_A").tags_up_to_date is False
    assert _released(downloaded)['"Line".total'] is True
    assert downloaded.simulation.instance_state("Sim_A").tags_up_to_date is True  # UpdateTagList, as PLCSIM needs


def test_without_the_plc_in_an_open_project_it_refuses(downloaded: Any) -> None:
    downloaded.devices.delete_device("PLC_1")
    missing = raises_code(ConflictError, "PROGRAM_NOT_IN_PROJECT", downloaded.runtime_values.released_tags, "Sim_A")
    assert '"PLC_1"' in missing.message
    downloaded.close_project()
    raises_code(NoProjectOpenError, "NO_PROJECT_OPEN", downloaded.runtime_values.released_tags, "Sim_A")


def test_the_runtime_apis_simulated_source_serves_a_plcsim_instance(downloaded: Any) -> None:
    """What the runtime API does with them: only released tags, written only where writable, any spelling."""
    from engineering_api.runtime.simulated import SimulatedSource
    from engineering_api.runtime.sources import TagWrite

    source = SimulatedSource(downloaded, "Sim_A")
    assert {t.name for t in source.browse()} == {'"Hidden".on', '"Line".count', '"Line".limit', '"Line".speed'}
    written = source.write([TagWrite("Line.count", 5), TagWrite('"Line".limit', 1)])
    assert written[0].value == 5 and written[0].error is None
    assert written[1].error is not None and written[1].error.code == "TAG_NOT_WRITABLE"
    read = source.read(['"Line".count', "Line.secret"])
    assert read[0].value == 5 and read[1].error is not None and read[1].error.code == "TAG_NOT_FOUND"


def test_alarms_and_history_poll_a_plcsim_instance_that_samples_nothing(downloaded: Any, tmp_path: Any) -> None:
    """PLCSIM Advanced's API has no monitored items (the bridge answers NO_PLCSIM_EQUIVALENT), so the runtime's
    monitor reads the alarm and logged tags between cycles instead, as it does for a real PLC."""
    from engineering_api.lib.db import Database
    from engineering_api.runtime.alarms import AlarmDefinition, AlarmService
    from engineering_api.runtime.tag_logging import DatabaseHistoryStore, TagLoggingService, LoggingSetting
    from engineering_api.runtime.monitor import RuntimeMonitor
    from engineering_api.runtime.simulated import SimulatedSource
    from engineering_api.runtime.sources import TagWrite
    from engineering_api.runtime.subscriptions import SubscriptionHub

    db = Database(tmp_path / "runtime.sqlite")
    hub = SubscriptionHub()
    alarms = AlarmService(db, on_change=hub.on_alarm)
    history = TagLoggingService(db, DatabaseHistoryStore(db))
    source = SimulatedSource(downloaded, "Sim_A")
    monitor = RuntimeMonitor(downloaded, source, alarms, history, hub)
    monitor.stop()  # no background thread: the stand-in is driven from this one
    alarms.save_definition(AlarmDefinition(name="CountHigh", kind="analog", tag='"Line".count', limit=10.0))
    history.save_setting(LoggingSetting(tag='"Line".speed', mode="onChange"))
    history.save_setting(LoggingSetting(tag='"Line".secret', mode="onChange"))  # not released: never logged
    monitor.pump()
    assert alarms.current() == []
    source.write([TagWrite('"Line".count', 20), TagWrite('"Line".speed', 2.5)])
    monitor.pump()
    assert [(a.name, a.state, a.value) for a in alarms.current()] == [("CountHigh", "incoming", 20)]
    logged = history.query('"Line".speed', 0, 2**62, "raw", None, 100)
    assert [p.value for p in logged] == [0.0, 2.5]
    assert history.query('"Line".secret', 0, 2**62, "raw", None, 100) == []
