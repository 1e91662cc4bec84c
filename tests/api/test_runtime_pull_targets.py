"""A pull's source may not be this machine, a link-local address or a cloud metadata service unless the server's
settings name the host (``pullAllowedTargets``): the rule the assistant's base URL follows
(:mod:`engineering_api.lib.outbound_targets`), loopback included for pulls. Before, 169.254.169.254,
``fd00:ec2::254`` and ``metadata.google.internal`` were accepted as sources."""

from __future__ import annotations

from typing import Any

import pytest

from engineering_api.config import Settings
from engineering_api.lib.outbound_targets import refused_target
from tests.conftest import Headers, assert_error, data

PULLS = "/api/runtime/pulls"
MAPPING = [{"tag": '"Line_DB".Setpoint', "path": "$.order.setpoint"}]


@pytest.mark.parametrize("url", [
    "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
    "http://[fd00:ec2::254]/latest/meta-data/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://2852039166/latest/",  # 169.254.169.254 written as one number
    "http://127.0.0.1:8080/erp",
    "http://localhost/erp",
    "http://[::1]/erp",
    "http://[fe80::1]/erp",
])
def test_a_source_on_a_metadata_link_local_or_loopback_host_is_refused(
        client: Any, admin_headers: Headers, url: str) -> None:
    refused = client.post(PULLS, json={"name": "Steal", "source": {"url": url}, "mapping": MAPPING},
                          headers=admin_headers)
    assert_error(refused, 422, "PULL_SOURCE_INVALID")
    assert "ENGINEERING_API_PULL_ALLOWED_TARGETS" in refused.json()["message"], refused.json()
    assert data(client.get(PULLS, headers=admin_headers)) == []


def test_the_allowance_names_hosts_and_networks_and_the_assistant_keeps_loopback() -> None:
    allowed = Settings.from_env(pull_allowed_targets=("127.0.0.0/8", "erp.local")).pull_allowed_targets
    assert refused_target("http://127.0.0.2/erp", loopback=True, allowed=allowed) is None
    assert refused_target("http://[::1]/erp", loopback=True, allowed=allowed) is not None
    assert refused_target("http://169.254.169.254/", loopback=True, allowed=allowed) is not None
    assert refused_target("http://127.0.0.1:11434/v1") is None  # the assistant's Ollama on this machine
    assert refused_target("http://10.0.0.5/erp", loopback=True) is None  # a LAN ERP needs no allowance
