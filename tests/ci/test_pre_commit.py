"""``.pre-commit-hooks.yaml`` through the real pre-commit: a repository that uses this checkout as its hook repository
refuses a commit of a broken SCL source, naming the line, and takes the fixed one.

pre-commit installs the hook repository at a commit, so the hooks tested are those of this checkout's HEAD (commit
a change to the hooks file before running this). The installed environment is pre-commit's own (a fresh venv and
``pip install`` of this checkout), as a user's machine gets it: the test takes a minute or two. pytest's cache keeps
that store (tests/ci/kept_dirs.py), so a later run at the same commit reuses the environment.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ci.kept_dirs import kept_dir
from tests.conftest import skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
BROKEN = 'FUNCTION "FC_Tags" : Void\nVAR_TEMP\n    x : Int;\nEND_VAR\nBEGIN\n    #x := 1;\n    #x := ;\nEND_FUNCTION\n'
FIXED = BROKEN.replace("#x := ;", "#x := 2;")


def _git(repo: Path, *argv: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(repo), *argv], capture_output=True, text=True, env=env, timeout=900)


def test_a_commit_of_broken_scl_fails_naming_the_line_and_the_fixed_one_passes(
        tmp_path: Path, pytestconfig: pytest.Config) -> None:
    pre_commit = Path(sys.executable).with_name("pre-commit")
    if shutil.which("git") is None or not pre_commit.is_file():
        skip_or_fail("git or pre-commit is missing (pip install -e '.[test]')", "the pre-commit hook test")
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, check=True)
    rev = head.stdout.strip()
    # pre-commit's store (the clone at rev and the hook environment it built) is kept for the next run at this rev
    home = kept_dir(pytestconfig, "pre-commit-home", f"{ROOT}\0{rev}", tmp_path / "cache")
    # pip's --no-compile, a setting a user may have too: the hook environment's modules are left uncompiled (seconds
    # of CPU for every module of every dependency) and the hooks compile what they import when they run. A falsy
    # value switches pip's --no-compile on (pip's configuration docs, quoted in pypa/pip#7736): "1" would compile.
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PIP_NO_COMPILE": "0", "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
           "PATH": f"{pre_commit.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    repo = tmp_path / "plc"
    repo.mkdir()
    assert _git(repo, "init", "-q", env=env).returncode == 0
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {ROOT}\n    rev: {rev}\n    hooks:\n      - id: scl-check\n      - id: simaticml-check\n")
    installed = subprocess.run([str(pre_commit), "install"], cwd=repo, capture_output=True, text=True, env=env,
                               timeout=300)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    (repo / "FC_Tags.scl").write_text(BROKEN)
    assert _git(repo, "add", ".", env=env).returncode == 0
    refused = _git(repo, "commit", "-m", "broken", env=env)
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    assert "FC_Tags.scl:7:" in output and "[SYNTAX_ERROR]" in output, output
    assert _git(repo, "rev-parse", "--verify", "HEAD", env=env).returncode != 0  # nothing was committed

    (repo / "FC_Tags.scl").write_text(FIXED)
    assert _git(repo, "add", ".", env=env).returncode == 0
    taken = _git(repo, "commit", "-m", "fixed", env=env)
    assert taken.returncode == 0, taken.stdout + taken.stderr
    report = taken.stdout + taken.stderr  # git passes the hook's output on standard error
    assert "SCL check (engineering-api)" in report and "Passed" in report


@pytest.mark.parametrize("hook", ["scl-check", "simaticml-check", "plc-check"])
def test_each_hook_runs_an_existing_command(hook: str) -> None:
    """The entries name commands the parser knows (a renamed option would break every user's hook)."""
    import yaml

    from engineering_api.cli import build_parser

    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    argv = hooks[hook]["entry"].split()[1:] + hooks[hook].get("args", []) + ([] if hook == "plc-check" else ["x"])
    build_parser().parse_args(argv)
