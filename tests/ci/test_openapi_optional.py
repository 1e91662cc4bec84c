"""Optional request fields are optional in clients generated with the tools' default settings: the README's own
bodies type-check against openapi-typescript's types under ``tsc --strict``.

openapi-typescript 7 (``defaultNonNullable`` on by default) makes a component property with a ``default``
required, whatever ``required`` says (openapi-ts/openapi-typescript#1741, #2012); the document therefore keeps no
``default`` on an optional property of a schema only request bodies use (engineering_api/lib/openapi_requests.py).
The rule is checked on the whole document here, and the real generator and compiler run when Node.js and npm are
on the machine (installed once into pytest's cache; skipped when the npm registry cannot be reached).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from engineering_api.lib.openapi_requests import optional_request_defaults
from tests.ci.kept_dirs import kept_dir
from tools.openapi_document import openapi_document, openapi_text

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ["openapi-typescript@7.13.0", "typescript@5.9.3"]


def _refs(node: Any) -> set[str]:
    return set(re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(node)))


def test_no_request_only_schema_has_a_default_on_an_optional_property() -> None:
    document = openapi_document()
    schemas = document["components"]["schemas"]
    bodies = {name for path in document["paths"].values() for op in path.values() if isinstance(op, dict)
              for name in _refs(op.get("requestBody"))}
    assert "ProjectsCreateRequest" in bodies
    create = schemas["ProjectsCreateRequest"]
    assert create["required"] == ["name"] and "default" not in create["properties"]["author"]
    assert 'Default: ""' in create["properties"]["author"]["description"]
    again = json.loads(json.dumps(document))
    assert optional_request_defaults(again) == document  # nothing left to move: the rule holds everywhere


def test_a_schema_answers_use_keeps_its_defaults() -> None:
    document = {"paths": {"/a": {"post": {
        "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Both"}}}},
        "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Both"}}}}}}}},
        "components": {"schemas": {"Both": {"properties": {"x": {"type": "string", "default": ""}}}}}}
    assert optional_request_defaults(json.loads(json.dumps(document))) == document


def _readme_bodies() -> list[tuple[str, str]]:
    """(route, JSON body) of each POST with a JSON body in the README's quick start."""
    text = (ROOT / "README.md").read_text().replace("\\\n", " ")
    return [(route, body) for body, route in re.findall(r"-d '(\{.*?\})'\s+localhost:9000(/api/\S+)", text)]


def test_the_readmes_bodies_compile_against_openapi_typescripts_types(tmp_path: Path,
                                                                      pytestconfig: pytest.Config) -> None:
    npm = shutil.which("npm")
    if shutil.which("node") is None or npm is None:
        pytest.skip("Node.js and npm are not installed")
    tools = kept_dir(pytestconfig, "openapi-typescript", " ".join(TOOLS), tmp_path / "tools")
    if not (tools / "node_modules" / ".bin" / "tsc").is_file():
        done = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--prefix", str(tools), *TOOLS],
                              capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            pytest.skip(f"npm could not install {' '.join(TOOLS)}: {done.stderr[-300:]}")
    bin_dir = tools / "node_modules" / ".bin"
    (tmp_path / "openapi.json").write_text(openapi_text())
    made = subprocess.run([str(bin_dir / "openapi-typescript"), str(tmp_path / "openapi.json"), "-o",
                           str(tmp_path / "api.ts")], capture_output=True, text=True, timeout=600)
    assert made.returncode == 0, made.stderr
    bodies = _readme_bodies()
    assert len(bodies) >= 2
    lines = ['import type { paths } from "./api";',
             'type Body<P extends keyof paths> = paths[P] extends { post: { requestBody?: { content: '
             '{ "application/json": infer B } } } } ? B : never;']
    lines += [f"export const body{n}: Body<{json.dumps(route)}> = {body};" for n, (route, body) in enumerate(bodies)]
    (tmp_path / "bodies.ts").write_text("\n".join(lines) + "\n")
    compiled = subprocess.run([str(bin_dir / "tsc"), "--strict", "--noEmit", "--target", "es2020",
                               "--moduleResolution", "node", str(tmp_path / "bodies.ts")],
                              capture_output=True, text=True, timeout=600)
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
