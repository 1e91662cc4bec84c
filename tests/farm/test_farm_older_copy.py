"""Redis back from an older copy of its data (issue 91): a restored snapshot, or a failover to a replica that missed
writes. The copy carries claims the farm has since ended and misses the ones made after it; its agents' leases,
older than a lease, have lapsed. Each agent holds its own truth (its instance, the ownership's fencing token, its
holder, the open project), and its first heartbeat writes it back where Redis is behind it: the session that holds
the agent keeps its project and unsaved work, and the session whose ended claim came back holds nothing (never a
stale token's refusal).
"""

from __future__ import annotations

import pytest

from tests.conftest import CPU, data
from tests.farm.conftest import OwnFarm
from tests.farm.farm_calls import until
from tests.farm.unscheduled_session import ADD, device_names, session_headers
from tools.farm_harness import redis_client

pytestmark = pytest.mark.xdist_group("farm-2")

CREATE = "/api/projects/actions/create-sync"
LEASE = 2.0
"""The agents' lease: short, so the copy is older than a lease (its leases lapsed) sooner."""


def _held_by(farm: OwnFarm, session: str) -> str | None:
    """The agent whose claim names the session ``session`` (of any key)."""
    return next((agent for agent, claim in farm.registry.claims().items()
                 if str(claim.get("caller", "")).endswith(f"/{session}")), None)


def test_redis_back_from_an_older_copy_keeps_the_holders_project_and_gives_an_ended_claim_nothing(own_farm):
    farm = own_farm(1, env={"ENGINEERING_API_FARM_LEASE_SECONDS": f"{LEASE:g}"})
    with farm.node() as node:
        earlier = session_headers(node, "earlier")
        data(node.post(CREATE, json={"name": "Earlier"}, headers=earlier))
        agent = _held_by(farm, "earlier")
        redis_client(farm.redis.url).save()  # the older copy: "earlier" holds the agent
        data(node.post("/api/projects/actions/close-sync", headers=earlier))  # the ownership ends
        later = session_headers(node, "later")
        data(node.post(CREATE, json={"name": "Later"}, headers=later))
        assert _held_by(farm, "later") == agent, "the next ownership of the same agent"
        data(node.post(ADD, json={"orderNumber": CPU, "name": "PLC_1"}, headers=later))  # unsaved
        redis = redis_client(farm.redis.url)
        until(lambda: redis.time()[0] > redis.lastsave().timestamp() + LEASE, "the copy is older than a lease")
        farm.redis.stop()
        farm.redis.start()  # from the copy (its snapshot file)
        # at once, the session that holds the agent: its project and unsaved work (not NO_PROJECT_OPEN from a free
        # agent), once the agent's heartbeat has written its claim back (the node waits a lease for it)
        assert device_names(node, later) == ["PLC_1"]
        data(node.post("/api/projects/actions/close-sync", headers=later))
        # the session whose ended claim came back holds nothing: the free agent answers it, never a stale token's
        # refusal (the agent has served a newer ownership since)
        listed = node.get("/api/projects", headers=earlier)
        assert listed.status_code == 200, listed.text
