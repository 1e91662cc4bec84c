"""What a pipeline plugs in: the GitHub Action's and the GitLab template's check scripts run as their runners would run
them, the Dockerfile passes hadolint, and ``python -m build`` makes an sdist and a wheel that ``twine check`` passes.

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


# ----------------------------------------------------------------------------------------- container, packaging
def test_the_dockerfile_passes_hadolint_and_runs_the_cli_as_a_user() -> None:
    done = subprocess.run([_tool("hadolint"), str(ROOT / "Dockerfile")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    text = (ROOT / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["engineering-api"]' in text
    users = re.findall(r"^USER (\S+)$", text, flags=re.MULTILINE)
    assert users and users[-1].split(":")[0] not in ("root", "0")


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
