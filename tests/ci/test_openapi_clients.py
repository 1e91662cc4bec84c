"""Clients generated from the OpenAPI document work: openapi-python-client generates one without a warning, it is
installed into a fresh venv and calls a served instance (health, projects, a job round trip); openapi-generator's
``python`` target (its jar ships in the ``openapi-generator-cli`` wheel; Java is on the machine) reads the same
document without error. The client's venv is kept in pytest's cache for the next run that generates the same client.

The generator configuration maps the non-JSON answers (PNG and SVG images, JUnit XML) to bytes:
openapi-python-client reads only JSON, text and ``application/octet-stream`` bodies and documents
``content_type_overrides`` for the others; the document declares those types as served.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.ci.kept_dirs import kept_dir, tree_digest
from tests.conftest import skip_or_fail
from tools.openapi_document import openapi_text
from tests.realclient.conftest import serve

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.realclient.conftest import Served

BIN = Path(sys.executable).parent
GENERATOR_CONFIG = """content_type_overrides:
  image/png: application/octet-stream
  image/svg+xml: application/octet-stream
  application/xml: application/octet-stream
"""
CALLS = """
import sys
from engineering_api_client import AuthenticatedClient, Client
from engineering_api_client.api.async_jobs import get_job
from engineering_api_client.api.health_status import get_health
from engineering_api_client.api.project_operations import projects_create_async, projects_list
from engineering_api_client.models import ErrorBody, ProjectsCreateRequest

base, key = sys.argv[1], sys.argv[2]
health = get_health.sync(client=Client(base_url=base))
assert health.success and health.data.status, health
client = AuthenticatedClient(base_url=base, token=key, prefix="", auth_header_name="X-API-Key", timeout=300)
accepted = projects_create_async.sync(client=client, body=ProjectsCreateRequest(name="Line1"))
assert not isinstance(accepted, ErrorBody), accepted.to_dict()
for _ in range(10):  # the server waits up to 60 s per request (?wait=)
    job = get_job.sync(accepted.data.job_id, client=client, wait=30)
    assert not isinstance(job, ErrorBody), job.to_dict()
    if job.data.status.value not in ("Pending", "Running"):
        break
assert job.data.status.value == "Completed", job
projects = projects_list.sync(client=client)
print("ok", health.data.api_version, job.data.status.value, sorted(p.name for p in projects.data))
"""


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("openapi") / "openapi.json"
    path.write_text(openapi_text(), encoding="utf-8")  # `engineering-api openapi`, run in this process
    return path


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    yield from serve(tmp_path / "data")


def _tool(name: str) -> str:
    path = BIN / name
    if not path.is_file():
        skip_or_fail(f"{name} is not installed (pip install -e '.[test]')", "the OpenAPI client tests")
    return str(path)


def test_the_document_has_none_of_the_defects_generators_refused(document: Path) -> None:
    spec = json.loads(document.read_text())
    remove = spec["paths"]["/api/source-control/remotes/{remoteName}"]["delete"]["parameters"]
    assert [p["schema"] for p in remove if p["in"] == "path"] == [{"type": "string"}]
    titles = [schema.get("title", name) for name, schema in spec["components"]["schemas"].items()]
    assert sorted(t for t in titles if titles.count(t) > 1) == []
    assert spec["components"]["schemas"]["RuntimeLogoutResponse"]["properties"]["data"] != {"type": "null"}


def _client_venv(client: Path, config: pytest.Config, tmp_path: Path) -> Path:
    """A fresh venv with the generated ``client`` installed by pip; pytest's cache keeps it for the next run that
    generates the same client (tests/ci/kept_dirs.py)."""
    home = kept_dir(config, "openapi-client-venv", tree_digest(client), tmp_path / "kept")
    python = home / "venv" / "bin" / "python"
    installed = home / "installed"
    if not installed.is_file():  # a first run, or one interrupted before the install ended: build afresh
        shutil.rmtree(home / "venv", ignore_errors=True)
        # A venv without pip of its own (ensurepip installs one, seconds of CPU): this process's pip installs into it
        # (``--python``, pip 22.3 and later). Nothing is byte-compiled at install; the calls compile what they import.
        venv.create(home / "venv", with_pip=False)
        done = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
                               "--no-compile", str(client)], capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr
        installed.write_text("pip install of the generated client succeeded\n")
    return python


def test_openapi_python_client_generates_installs_and_calls_a_served_instance(
        document: Path, served: Served, tmp_path: Path, pytestconfig: pytest.Config) -> None:
    config = tmp_path / "generator.yaml"
    config.write_text(GENERATOR_CONFIG)
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}  # its post hooks run ruff
    generated = subprocess.run(
        [_tool("openapi-python-client"), "generate", "--path", str(document), "--config", str(config), "--meta",
         "setup", "--output-path", str(tmp_path / "client")], capture_output=True, text=True, env=env, timeout=600)
    output = generated.stdout + generated.stderr
    assert generated.returncode == 0, output
    assert "warning" not in output.lower(), output
    assert "remotes_remove" in " ".join(p.name for p in (tmp_path / "client").rglob("vcs_remotes_remove.py"))

    python = _client_venv(tmp_path / "client", pytestconfig, tmp_path)
    called = subprocess.run([str(python), "-c", CALLS, served.base, served.admin_key], capture_output=True,
                            text=True, timeout=600, cwd=tmp_path)
    assert called.returncode == 0, called.stdout + called.stderr
    assert called.stdout.startswith("ok ") and "Completed" in called.stdout and "Line1" in called.stdout


def test_openapi_generator_python_target_reads_the_document(document: Path, tmp_path: Path) -> None:
    if shutil.which("java") is None:
        skip_or_fail("java is not installed (openapi-generator is a Java program)", "the OpenAPI client tests")
    # The models and APIs are generated; their docs and test stubs are not what this test reads (openapi-generator's
    # global properties, https://openapi-generator.tech/docs/globals/).
    done = subprocess.run(
        [_tool("openapi-generator-cli"), "generate", "-i", str(document), "-g", "python", "-o", str(tmp_path / "out"),
         "--package-name", "engineering_api_client",
         "--global-property", "apiTests=false,modelTests=false,apiDocs=false,modelDocs=false"],
        capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    assert (tmp_path / "out" / "engineering_api_client" / "api" / "source_control_api.py").is_file()
