"""What a pipeline plugs in: the GitHub Action's and the GitLab template's check scripts run as their runners would run
them, their install lines run in a clean environment without git (python:3.12-slim has none), the Dockerfile passes
hadolint and makes its data folder for its user, and ``python -m build`` makes an sdist and a wheel that ``twine
check`` passes.

No container builder runs on this machine (no Docker daemon), so the image is linted, not built.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
BROKEN = 'FUNCTION "FC_Tags" : Void\nVAR_TEMP\n    x : Int;\nEND_VAR\nBEGIN\n    #x := 1;\n    #x := ;\nEND_FUNCTION\n'
CLEAN = BROKEN.replace("#x := ;", "#x := 2;")
EXPRESSION = re.compile(r"\$\{\{\s*([a-z_.-]+)\s*\}\}")


def _tool(name: str) -> str:
    path = BIN / name
    if not path.is_file():
        skip_or_fail(f"{name} is not installed (pip install -e '.[test]')", "the pipeline tests")
    return str(path)


def _env(**extra: str) -> dict[str, str]:
    """The environment of a runner's shell: the checker installed (this venv's bin first on PATH)."""
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", **extra}


def _checkout(tmp_path: Path, source: str) -> Path:
    repo = tmp_path / "repo"
    (repo / "PLC_1" / "Program blocks").mkdir(parents=True)
    (repo / "PLC_1" / "Program blocks" / "FC_Tags.scl").write_text(source)
    return repo


# ------------------------------------------------------------------------------------------------ GitHub Action
def _action() -> dict[str, Any]:
    action: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text())
    return action


def _evaluate(value: str, context: dict[str, str]) -> str:
    """The Action's ``${{ name }}`` expressions (plain names only) with the runner's values."""
    return EXPRESSION.sub(lambda m: context[m.group(1)], value)


def test_the_action_is_composite_and_names_only_declared_inputs() -> None:
    action = _action()
    assert action["runs"]["using"] == "composite"
    used = set(re.findall(r"inputs\.([a-z-]+)", (ROOT / "action.yml").read_text()))
    assert used == set(action["inputs"]) and used
    uses = [step["uses"] for step in action["runs"]["steps"] if "uses" in step]
    assert uses == ["actions/setup-python@v5", "github/codeql-action/upload-sarif@v3"]


@pytest.mark.parametrize("source, status", [(BROKEN, "1"), (CLEAN, "0")])
def test_the_action_check_step_writes_sarif_annotates_and_reports_the_status(tmp_path: Path, source: str,
                                                                           status: str) -> None:
    repo = _checkout(tmp_path, source)
    action = _action()
    context = {f"inputs.{name}": str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    context.update({"github.action_path": str(ROOT), "github.action_repository": "example/engineering-api",
                    "github.action_ref": "v1"})
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "check")
    outputs = tmp_path / "github_output"
    env = _env(GITHUB_OUTPUT=str(outputs), **{k: _evaluate(v, context) for k, v in step["env"].items()})
    done = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=repo, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr  # the step records the status; the last step fails the job
    assert outputs.read_text().strip() == f"exit-code={status}"
    log = json.loads((repo / "engineering-api.sarif").read_text())
    results = log["runs"][0]["results"]
    if status == "1":
        assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results] == [7]
        assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
            "PLC_1/Program%20blocks/FC_Tags.scl"
        assert log["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"].startswith(
            "https://github.com/example/engineering-api/blob/v1/docs/diagnostic-codes.md#")
        assert "::error file=./PLC_1/Program blocks/FC_Tags.scl,line=7" in done.stdout
    else:
        assert results == [] and "::error" not in done.stdout

    fail = next(s for s in action["runs"]["steps"] if s.get("name") == "Fail on errors")
    ended = subprocess.run(["bash", "-e", "-c", fail["run"]], env=_env(STATUS=status), capture_output=True,
                           text=True, timeout=60)
    assert ended.returncode == int(status)


# ------------------------------------------------------------------------------------------------- GitLab CI
@pytest.mark.parametrize("source, status", [(BROKEN, 1), (CLEAN, 0)])
def test_the_gitlab_template_fails_on_errors_and_writes_junit(tmp_path: Path, source: str, status: int) -> None:
    repo = _checkout(tmp_path, source)
    template = yaml.safe_load((ROOT / "ci" / "gitlab" / "engineering-api.gitlab-ci.yml").read_text())
    job = template[".engineering-api-check"]
    assert template["engineering-api"]["extends"] == ".engineering-api-check"
    assert job["artifacts"]["reports"]["junit"] == "$ENGINEERING_API_REPORT"
    install, *script = job["script"]
    assert "pip install" in install and "$ENGINEERING_API_INSTALL" in install  # the checker is on PATH here
    variables = {name: str(value) for name, value in template["variables"].items()}
    done = subprocess.run(["bash", "-e", "-c", "\n".join(script)], cwd=repo, env=_env(**variables),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == status, done.stdout + done.stderr
    junit = (repo / variables["ENGINEERING_API_REPORT"]).read_text()
    assert f'failures="{status}"' in junit
    if status:
        assert "FC_Tags.scl:7:" in junit and "FC_Tags.scl:7:" in done.stdout


# ------------------------------------------------------------------------------- installs on the runners' images
def _copy_checkout(target: Path) -> Path:
    """The files git tracks (what a clone or an Action checkout holds), copied to ``target``."""
    listed = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, check=True)
    for name in filter(None, listed.stdout.decode().split("\0")):
        if (ROOT / name).is_file():  # a file deleted but not yet committed is listed too
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    return target


def _bare_image(tmp_path: Path, name: str) -> tuple[Path, dict[str, str]]:
    """A fresh venv (pip only) and the environment of an image without git: PATH holds the venv and a shell."""
    venv = tmp_path / name
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    tools = tmp_path / f"{name}-tools"
    tools.mkdir()
    for tool in ("sh", "bash"):
        found = shutil.which(tool)
        assert found is not None
        (tools / tool).symlink_to(found)
    path = f"{venv / 'bin'}{os.pathsep}{tools}"
    assert shutil.which("git", path=path) is None
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))}
    return venv, {**env, "PATH": path, "PIP_NO_COMPILE": "0", "PIP_QUIET": "1"}


def _installed(venv: Path) -> list[str]:
    listed = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "list", "--format", "json"],
                            capture_output=True, text=True, check=True, timeout=120)
    return sorted(d["name"] for d in json.loads(listed.stdout))


@pytest.mark.parametrize("source, status", [(BROKEN, 1)])
def test_the_gitlab_job_installs_from_a_package_index_without_git_and_checks(tmp_path: Path, source: str,
                                                                              status: int) -> None:
    """The template's own lines on python:3.12-slim's terms: the checker's wheel published to a package index (a
    PEP 503 folder here, as GitLab's registry serves one), no git on PATH, at most 15 distributions installed."""
    checkout = _copy_checkout(tmp_path / "checkout")
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--wheel-dir", str(wheels), str(checkout)], check=True, timeout=600)
    wheel = next(wheels.glob("engineering_api-*.whl"))
    project = tmp_path / "index" / "engineering-api"
    project.mkdir(parents=True)
    (project / "index.html").write_text(f'<a href="{wheel.as_uri()}">{wheel.name}</a>\n')
    template = yaml.safe_load((ROOT / "ci" / "gitlab" / "engineering-api.gitlab-ci.yml").read_text())
    variables = {name: str(value) for name, value in template["variables"].items()}
    assert "git+" not in json.dumps(template)
    variables["ENGINEERING_API_INDEX_URL"] = (tmp_path / "index").as_uri()
    venv, env = _bare_image(tmp_path, "slim")
    repo = _checkout(tmp_path, source)
    install, *script = template[".engineering-api-check"]["script"]
    done = subprocess.run(["sh", "-e", "-c", install], cwd=repo, env={**env, **variables}, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    installed = _installed(venv)
    assert "engineering-api" in installed and len(installed) <= 15, installed
    done = subprocess.run(["bash", "-e", "-c", "\n".join(script)], cwd=repo, env={**env, **variables},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == status and "FC_Tags.scl:7:" in done.stdout, done.stdout + done.stderr


def test_the_action_installs_the_checker_from_its_own_checkout(tmp_path: Path) -> None:
    """The Action's install step, ``pip install`` of the Action's checkout (no git, no index of ours)."""
    action = _action()
    step = next(s for s in action["runs"]["steps"] if s.get("name") == "Install engineering-api")
    checkout = _copy_checkout(tmp_path / "action")
    venv, env = _bare_image(tmp_path, "runner")
    done = subprocess.run(["bash", "-e", "-c", step["run"]], env={**env, "ACTION_PATH": str(checkout)},
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    installed = _installed(venv)
    assert len(installed) <= 15 and "litestar" not in installed, installed


# ----------------------------------------------------------------------------------------- container, packaging
def test_the_dockerfile_passes_hadolint_and_runs_the_cli_as_a_user() -> None:
    done = subprocess.run([_tool("hadolint"), str(ROOT / "Dockerfile")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    text = (ROOT / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["engineering-api"]' in text
    users = re.findall(r"^USER (\S+)$", text, flags=re.MULTILINE)
    assert users and users[-1].split(":")[0] not in ("root", "0")


def test_the_image_makes_its_data_folder_for_its_user() -> None:
    """The documented volume (``-v engineering-api-var:/home/engineer/var``) is a folder of the image, owned by the
    user the server runs as: Docker copies a new named volume's content and owner from the image's folder, and
    creates a folder the image lacks as root, which the user then cannot write."""
    text = (ROOT / "Dockerfile").read_text()
    final = text[text.rindex("\nFROM "):]
    data = re.search(r"ENGINEERING_API_DATA_DIR=(\S+)", final)
    user = re.findall(r"^USER (\S+)$", final, flags=re.MULTILINE)[-1]
    assert data and user
    folder, (uid, _, gid) = data.group(1), user.partition(":")
    before_user = final[:final.index(f"USER {user}")]
    made = re.search(rf"install -d -o {uid} -g {gid or uid}(?: -m \d+)? {re.escape(folder)}\b", before_user)
    assert made, f"{folder} is not created for {user} before USER"
    volumes = re.findall(r"^VOLUME (.+)$", final, flags=re.MULTILINE)
    assert any(folder in json.loads(v) for v in volumes)
    assert f"{folder}" in (ROOT / "Dockerfile").read_text().split("FROM", 1)[0]  # the documented run line


def test_build_makes_an_sdist_and_a_wheel_that_twine_check_passes(tmp_path: Path) -> None:
    twine = _tool("twine")
    listed = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, check=True)
    source = tmp_path / "source"
    for name in filter(None, listed.stdout.decode().split("\0")):
        if (ROOT / name).is_file():  # a file deleted but not yet committed is listed too
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    built = subprocess.run([sys.executable, "-m", "build", "--outdir", str(tmp_path / "dist"), str(source)],
                           capture_output=True, text=True, timeout=900)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    made = sorted(p.name for p in (tmp_path / "dist").iterdir())
    assert sorted(name.rsplit(".", 1)[-1] for name in made) == ["gz", "whl"], made
    checked = subprocess.run([twine, "check", "--strict", *[str(p) for p in (tmp_path / "dist").iterdir()]],
                             capture_output=True, text=True, timeout=300)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count("PASSED") == 2


# --------------------------------------------------------------------------------------------- docs/cli.md
def test_the_pasteable_examples_of_docs_cli_parse_and_name_what_exists() -> None:
    """The workflow, GitLab and pre-commit examples users paste: valid YAML naming real inputs, variables and hooks."""
    blocks = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", (ROOT / "docs" / "cli.md").read_text(),
                                                    flags=re.DOTALL)]
    inputs = set(_action()["inputs"])
    action_steps = [step for block in blocks if "jobs" in block for job in block["jobs"].values()
                    for step in job["steps"] if "engineering-api@" in step.get("uses", "")]
    assert action_steps and all(set(step["with"]) <= inputs for step in action_steps)
    template = yaml.safe_load((ROOT / "ci" / "gitlab" / "engineering-api.gitlab-ci.yml").read_text())
    includes = [block for block in blocks if "include" in block]
    assert includes and all(set(block.get("variables", {})) <= set(template["variables"]) for block in includes)
    hooks = {hook["id"] for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    configs = [block for block in blocks if "repos" in block]
    assert configs and all({hook["id"] for repo in block["repos"] for hook in repo["hooks"]} <= hooks
                           for block in configs)
