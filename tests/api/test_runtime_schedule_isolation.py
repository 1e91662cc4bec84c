"""Scheduled jobs of one kind cannot starve the others: more pulls than the event loop's shared thread pool holds wait
on an ERP that accepts connections and never answers (a real socket on loopback), and meanwhile another ERP's pull
fetches and a push's firing reaches its receiver. Before each kind had a pool of its own (and a source a bound on
its runs), the hanging pulls held every thread of the loop's default executor and nothing else ran."""

from __future__ import annotations

import datetime as dt
import os
from typing import TYPE_CHECKING, Any

import pytest

from tests.api.runtime_pulls import PULLS, SETPOINT
from tests.erp_stubs import LOOPBACK, Erp, Hanging
from tests.api.runtime_pushes import Receiver
from tests.conftest import data
from tools.bounds import until

from engineering_api.config import Settings

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from tests.conftest import Headers


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The served settings, with the loopback ERPs these tests start allowed as pull sources."""
    return Settings.from_env(data_dir=tmp_path, pull_allowed_targets=LOOPBACK)


@pytest.fixture
def erp() -> Iterator[Erp]:
    running = Erp()
    yield running
    running.server.shutdown()


def _fire_now(scheduler: Any, job_id: str, jobstore: str | None = None) -> None:
    """Make a scheduled job due now: the scheduler runs it as it runs any due job (its trigger, executor, limits)."""
    scheduler.modify_job(job_id, jobstore, next_run_time=dt.datetime.now(dt.UTC))
    scheduler.wakeup()


def test_pulls_hanging_on_one_erp_delay_neither_another_erps_pull_nor_a_push(
        client: Any, admin_headers: Headers, erp: Erp) -> None:
    h = admin_headers
    scheduler = client.app.state.services.scheduler
    hanging = Hanging()
    receiver = Receiver()
    receiver.start()
    try:
        # more than the loop's default executor holds (min(32, CPUs + 4) threads), and at least the eight reported
        count = max(8, min(32, (os.cpu_count() or 1) + 4) + 2)
        mapping = [{"tag": SETPOINT, "path": "$.order.setpoint"}]
        stuck = [data(client.post(PULLS, json={"name": f"Stuck {n}", "intervalSeconds": 3600, "mapping": mapping,
                                               "source": {"url": hanging.url, "timeoutSeconds": 120}},
                                  headers=h), 201)["pullId"] for n in range(count)]
        good = data(client.post(PULLS, json={"name": "Good", "intervalSeconds": 3600, "mapping": mapping,
                                             "source": {"url": erp.url}}, headers=h), 201)["pullId"]
        push = data(client.post("/api/runtime/pushes", headers=h, json={
            "name": "Minutely", "schedule": {"cron": "* * * * *"}, "format": "json",
            "template": '{"push": "${pushName}"}', "target": {"url": receiver.url}}), 201)["pushId"]
        for pull_id in stuck:
            _fire_now(scheduler, f"pull:{pull_id}")
        until(lambda: len(hanging.accepted) >= 2, "the stuck pulls to connect to the hanging ERP")
        _fire_now(scheduler, f"pull:{good}")
        _fire_now(scheduler, f"push:{push}", "runtime-pushes")
        until(lambda: erp.seen, "the good ERP's pull to fetch while the stuck pulls hang")
        until(lambda: receiver.requests, "the push to reach its receiver while the stuck pulls hang")
        assert len(hanging.accepted) < count  # the hanging ERP holds a bounded share of the pulls' threads
    finally:
        hanging.close()
        receiver.stop()
