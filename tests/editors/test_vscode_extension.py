"""The VS Code extension (editors/vscode, issue 94): its .vsix builds with the pinned npm packages (tsc, esbuild,
vsce) and holds what VS Code needs and nothing more; its bundle, taken out of that .vsix, activates under Node with
a stand-in for the `vscode` module (tests/editors/vscode-host.cjs) and talks to a real ``engineering-api lsp``
process through vscode-languageclient: diagnostics, hover, formatting, a rename, SimaticML exports only where the
settings say, and a clear message naming the next step when the server is not there.

Without node 20+ or npm, or when npm cannot install the packages (no registry on the first run), the tests skip
with the reason; with ``CI=true`` they fail instead (tests.conftest.skip_or_fail). See docs/editors.md.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from tests.conftest import skip_or_fail
from tools.bounds import HANG_GUARD_S
from tests.lib.shared_corpus import SHARED

pytestmark = pytest.mark.xdist_group("vscode extension")  # one worker builds the .vsix once for all of them

REPO = Path(__file__).resolve().parents[2]
EXTENSION = REPO / "editors" / "vscode"
HARNESS = Path(__file__).parent / "harness.mjs"
SIMATICML_EXPORT = SHARED / "corpus" / "simaticml" / "fc" / "Gildej31_FC_LIST_V18.xml"
SUITE = "the VS Code extension tests"
MIN_NODE = 20  # @vscode/vsce 3.9 needs Node 20 or newer
BUILD_TIMEOUT_S = 2 * HANG_GUARD_S + 300  # the first build installs the npm packages
MAX_VSIX_BYTES = 1_000_000  # one bundle, no node_modules: about 120 KB today
def _node() -> str:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        skip_or_fail("node and npm are needed to build the VS Code extension (apt-get install nodejs npm)", SUITE)
    assert node is not None
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    if int(version.lstrip("v").split(".")[0]) < MIN_NODE:
        skip_or_fail(f"node {version} is too old to package the extension (@vscode/vsce needs {MIN_NODE}+)", SUITE)
    return node


@pytest.fixture(scope="module")
def node() -> str:
    return _node()


@pytest.fixture(scope="module")
def vsix(node: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The .vsix, built by editors/vscode/build.mjs into a temporary directory."""
    out = tmp_path_factory.mktemp("vsix")
    built = subprocess.run([node, str(EXTENSION / "build.mjs"), "--out", str(out)], capture_output=True, text=True,
                           timeout=BUILD_TIMEOUT_S, check=False)
    if built.returncode == 3:
        skip_or_fail(built.stdout.strip(), SUITE)
    assert built.returncode == 0, f"build.mjs failed (exit {built.returncode}):\n{built.stdout}\n{built.stderr}"
    return Path(json.loads(built.stdout.strip().splitlines()[-1])["vsix"])


@pytest.fixture(scope="module")
def installed(vsix: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The .vsix unpacked as VS Code unpacks it: its ``extension/`` folder."""
    target = tmp_path_factory.mktemp("unpacked")
    with zipfile.ZipFile(vsix) as archive:
        archive.extractall(target)
    return target / "extension"


def run_harness(node: str, installed: Path, where: Path, scenario: str, *, path: list[Path],
                settings: dict[str, Any] | None = None, simaticml: Path | None = None,
                answer: str | None = None) -> dict[str, Any]:
    """Run harness.mjs in ``where`` with PATH made of ``path`` only; its report."""
    for folder in ("workspace", "storage"):
        (where / folder).mkdir(parents=True, exist_ok=True)
    report = where / "report.json"
    # the server runs this checkout's code whichever interpreter starts it
    env = {**os.environ, "PATH": os.pathsep.join(map(str, path)), "PYTHONPATH": str(REPO)}
    run = subprocess.run(
        [node, str(HARNESS), "--extension", str(installed), "--workspace", str(where / "workspace"),
         "--storage", str(where / "storage"), "--scenario", scenario, "--report", str(report),
         "--settings", json.dumps(settings or {}), "--timeout", str(HANG_GUARD_S),
         *(["--simaticml", str(simaticml)] if simaticml else []), *(["--answer", answer] if answer else [])],
        capture_output=True, text=True, timeout=4 * HANG_GUARD_S, env=env, check=False)
    assert run.returncode == 0 and report.exists(), f"the harness failed (exit {run.returncode}):\n{run.stderr}"
    found: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    assert not found["missingApi"], f"the extension used members the vscode stand-in lacks: {found['missingApi']}"
    return found


def passed(report: dict[str, Any], name: str) -> Any:
    """The detail of the check ``name``, which must have passed."""
    assert name in report["checks"], f"{name} was not checked: {json.dumps(report['checks'], indent=1)}"
    check = report["checks"][name]
    assert check["ok"], f"{name}: {json.dumps(check['detail'], indent=1)}\noutput: {report['output']}"
    return check["detail"]


def _bin() -> Path:
    return Path(sys.executable).parent


@pytest.fixture(scope="module")
def served(node: str, installed: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The extension finding engineering-api on PATH and serving an SCL source and a SimaticML export."""
    if not SIMATICML_EXPORT.is_file():
        skip_or_fail(f"{SIMATICML_EXPORT} is not there (../shared/corpus)", SUITE)
    return run_harness(node, installed, tmp_path_factory.mktemp("served"), "serve", path=[_bin()],
                       simaticml=SIMATICML_EXPORT)


# ------------------------------------------------------------------------------------------------ the package
def test_the_vsix_holds_the_manifest_and_one_bundle(vsix: Path) -> None:
    with zipfile.ZipFile(vsix) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("extension/package.json"))
        notices = archive.read("extension/THIRD-PARTY-NOTICES.txt").decode("utf-8")
        identity = ElementTree.fromstring(archive.read("extension.vsixmanifest"))
    source = json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))
    assert manifest == source
    assert f"extension/{manifest['main'].removeprefix('./')}" in names
    assert {"extension/readme.md", "extension/language-configuration.json"} <= names
    assert not [n for n in names if "node_modules" in n or n.endswith(".ts") or n.endswith(".map")], names
    assert vsix.stat().st_size < MAX_VSIX_BYTES
    # what the Marketplace and Open VSX read: the identity, the engine, the repository
    ns = {"v": "http://schemas.microsoft.com/developer/vsx-schema/2011"}
    ident = identity.find("v:Metadata/v:Identity", ns)
    assert ident is not None
    assert (ident.get("Id"), ident.get("Publisher"), ident.get("Version")) == (
        "siemens-scl", "engineering-api", manifest["version"])
    properties = {p.get("Id"): p.get("Value") for p in identity.iterfind("v:Metadata/v:Properties/v:Property", ns)}
    assert properties["Microsoft.VisualStudio.Code.Engine"] == manifest["engines"]["vscode"]
    assert properties["Microsoft.VisualStudio.Services.Links.Source"] == manifest["repository"]["url"]
    # the language and the settings the extension promises
    (scl,) = manifest["contributes"]["languages"]
    assert (scl["id"], set(scl["extensions"])) == ("scl", {".scl", ".SCL", ".udt", ".db"})
    assert {"engineeringApi.path", "engineeringApi.python", "engineeringApi.extraArgs",
            "engineeringApi.trace.server"} <= set(manifest["contributes"]["configuration"]["properties"])
    # a folder's own settings cannot choose what runs until the user trusts it
    assert set(manifest["capabilities"]["untrustedWorkspaces"]["restrictedConfigurations"]) == {
        "engineeringApi.path", "engineeringApi.python", "engineeringApi.extraArgs", "engineeringApi.installSpec"}
    # exact versions, and a lock for what they need in turn: the build is the same wherever it runs
    pinned = {**manifest["dependencies"], **manifest["devDependencies"]}
    assert all(v[0].isdigit() for v in pinned.values()), pinned
    locked = json.loads((EXTENSION / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    assert {**locked[""]["dependencies"], **locked[""]["devDependencies"]} == pinned
    assert all(locked[f"node_modules/{name}"]["version"] == version for name, version in pinned.items())
    # the bundled packages' license texts travel with it
    assert "vscode-languageclient@11.0.0 (MIT)" in notices and "Copyright (c) Microsoft Corporation" in notices


# ----------------------------------------------------------------------------------- the extension at work
def test_diagnostics_of_an_scl_source_arrive_from_the_server(served: dict[str, Any]) -> None:
    assert passed(served, "started")["output"][0].endswith("(found by PATH)")
    (finding,) = passed(served, "diagnostics")
    assert (finding["code"], finding["line"], finding["character"]) == ("UNDECLARED", 7, 0)
    assert "#Missing" in finding["message"]


def test_hover_on_an_identifier_shows_its_declaration(served: dict[str, Any]) -> None:
    shown = passed(served, "hover")
    assert "#Raw : Int" in shown and "the sensor value" in shown


def test_formatting_returns_tias_layout(served: dict[str, Any]) -> None:
    edits = passed(served, "formatting")
    assert any("\n  Raw : Int;   // the sensor value\n" in e["newText"] for e in edits), edits


def test_rename_answers_with_the_edits(served: dict[str, Any]) -> None:
    edits = passed(served, "rename")
    assert {(e["line"], e["newText"]) for e in edits} >= {(3, "RawValue"), (6, "RawValue")}


def test_simaticml_exports_are_checked_only_in_tias_export_folders(served: dict[str, Any]) -> None:
    seen = passed(served, "simaticml")
    assert seen["languageId"] == "xml"  # not claimed: XML files keep VS Code's XML language
    assert seen["export"], "the export's findings (its tags are in no tag table here)"


def test_deactivate_stops_the_client(served: dict[str, Any]) -> None:
    passed(served, "stop")
    assert passed(served, "commands") == ["engineeringApi.restart", "engineeringApi.install",
                                          "engineeringApi.showOutput"]


def test_the_python_setting_starts_python_m_engineering_api_and_trace_logs_the_traffic(
        node: str, installed: Path, tmp_path: Path) -> None:
    report = run_harness(node, installed, tmp_path, "serve", path=[tmp_path / "nothing"],
                         settings={"engineeringApi.python": sys.executable, "engineeringApi.trace.server": "messages"})
    assert passed(report, "started")["output"][0].endswith("-m engineering_api lsp (found by the setting "
                                                           "engineeringApi.python)")
    assert [d["code"] for d in passed(report, "diagnostics")] == ["UNDECLARED"]
    traced = "\n".join(report["output"])
    assert "Sending request 'initialize" in traced
    assert "Received notification 'textDocument/publishDiagnostics'" in traced
    assert "trace" not in report["checks"]  # on from the start: nothing to switch


def test_the_trace_setting_switches_the_trace_on_while_the_server_runs(served: dict[str, Any]) -> None:
    assert passed(served, "trace") == {"before": 0, "after": 1}  # off by default, on once the setting says so


# --------------------------------------------------------------------------------------- when it is missing
def test_without_the_checker_the_message_names_the_next_step_and_nothing_is_installed(
        node: str, installed: Path, tmp_path: Path) -> None:
    report = run_harness(node, installed, tmp_path, "missing", path=[tmp_path / "nothing"])
    shown = passed(report, "message")
    assert shown["level"] == "error"
    assert "engineering-api was not found" in shown["text"] and "pip install engineering-api" in shown["text"]
    assert shown["actions"] == ["Install", "Open Settings"]
    # the harness dismissed the message: the install runs only when the user chooses it
    passed(report, "nothing installed")
    passed(report, "not started")


def test_install_chosen_without_a_python_names_what_to_install(node: str, installed: Path, tmp_path: Path) -> None:
    # the user chooses Install; with no Python on PATH the install says what is missing before it makes anything
    report = run_harness(node, installed, tmp_path, "missing", path=[tmp_path / "nothing"], answer="Install")
    assert passed(report, "message")["actions"] == ["Install", "Open Settings"]
    then = passed(report, "answered")
    assert then["level"] == "error" and "needs Python 3.11 or newer" in then["text"], then
    assert "none is on PATH" in then["text"] and "set engineeringApi.python" in then["text"]
    passed(report, "nothing installed")
    passed(report, "not started")


def test_a_path_setting_that_points_nowhere_is_named(node: str, installed: Path, tmp_path: Path) -> None:
    nowhere = tmp_path / "no" / "engineering-api"
    report = run_harness(node, installed, tmp_path, "missing", path=[_bin()],
                         settings={"engineeringApi.path": str(nowhere)})
    shown = passed(report, "message")
    assert f'engineeringApi.path is "{nowhere}"' in shown["text"] and "clear it" in shown["text"]
    assert shown["actions"] == ["Open Settings"]  # a wrong setting is fixed, not installed over
    passed(report, "not started")


def test_a_python_setting_that_cannot_run_is_named(node: str, installed: Path, tmp_path: Path) -> None:
    nowhere = tmp_path / "no" / "python3"
    report = run_harness(node, installed, tmp_path, "missing", path=[_bin()],
                         settings={"engineeringApi.python": str(nowhere)})
    shown = passed(report, "message")
    assert f'engineeringApi.python is "{nowhere}", which cannot be run' in shown["text"], shown
    assert f'"{nowhere} -m pip install engineering-api", or clear the setting' in shown["text"]
    assert shown["actions"] == ["Open Settings"]
    passed(report, "not started")


def test_an_executable_that_is_no_language_server_is_named(node: str, installed: Path, tmp_path: Path) -> None:
    not_a_server = shutil.which("true")
    if not_a_server is None:
        pytest.skip("no `true` executable to stand for a program that is not a language server")
    report = run_harness(node, installed, tmp_path, "missing", path=[tmp_path / "nothing"],
                         settings={"engineeringApi.path": not_a_server})
    ours = [m for m in report["messages"] if m["actions"] == ["Open Settings"]]
    assert ours, report["messages"]  # vscode-languageclient's own messages come first
    assert ours[-1]["text"].startswith(f"{not_a_server} lsp did not start as a language server (")
    assert "point engineeringApi.path at another engineering-api" in ours[-1]["text"]
    passed(report, "not started")
