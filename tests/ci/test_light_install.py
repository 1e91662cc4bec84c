"""The checker's install (``pip install engineering-api``, what the pre-commit hook, the Action and the GitLab job
install): at most 15 distributions in a clean environment, and every checker command runs with only those.

The distributions are the closure of the project's declared dependencies (pyproject.toml), resolved through the
metadata of what this environment installed (the versions a user gets). The commands then run in a fresh virtual
environment that sees only those distributions and this checkout: a command that imports anything else (the
server's Litestar, SQLAlchemy, ...) fails here as it would in the hook's environment. bench/checker_install.py
measures the real ``pip install`` into a clean venv and pre-commit's first run.
"""

from __future__ import annotations

import importlib.metadata as md
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from tests.ci.counter_source import COUNTER
from tests.lib.shared_corpus import SHARED

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 15
TAG_TABLE = ROOT / "tests" / "ci" / "data" / "tag_editor_table.xml"
BLOCK = SHARED / "corpus" / "simaticml" / "fc" / "fseenig_Denormalisation.xml"
"""An FBD export of the corpus, for ``simaticml textconv``."""
CLEAN_VENV = ("pip", "setuptools")
"""What ``python -m venv`` installs by itself (Python 3.11: pip and setuptools; 3.12 and later: pip only)."""
BROKEN = 'FUNCTION "FC_Tags" : Void\nVAR_TEMP\n    x : Int;\nEND_VAR\nBEGIN\n    #x := 1;\n    #x := ;\nEND_FUNCTION\n'
CLEAN = BROKEN.replace("#x := ;", "#x := 2;")
CASE = {"name": "counts cycles", "steps": [{"cycles": 3, "assert": {'"Counter_DB".count': {"expected": 3}}}]}


def declared(extra: str = "") -> list[Requirement]:
    """The project's requirements for ``extra`` ('' = the plain install) as pyproject.toml declares them."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    listed = project["dependencies"] if not extra else project["optional-dependencies"][extra]
    return [Requirement(r) for r in listed]


def closure(requirements: list[Requirement]) -> dict[str, md.Distribution]:
    """Every distribution ``requirements`` pull in (markers evaluated for this interpreter, extras followed), as
    installed here."""
    found: dict[str, md.Distribution] = {}
    todo = [(r, "") for r in requirements]
    seen: set[tuple[str, frozenset[str]]] = set()
    while todo:
        requirement, extra = todo.pop()
        if requirement.marker and not requirement.marker.evaluate({"extra": extra}):
            continue
        name = canonicalize_name(requirement.name)
        if (name, frozenset(requirement.extras)) in seen:
            continue
        seen.add((name, frozenset(requirement.extras)))
        dist = found.setdefault(name, md.distribution(name))
        for text in dist.requires or []:
            todo += [(Requirement(text), wanted) for wanted in ("", *requirement.extras)]
    return found


def test_the_checker_install_is_at_most_15_distributions() -> None:
    light = closure(declared())
    names = {*light, "engineering-api", *CLEAN_VENV}
    assert len(names) <= LIMIT, sorted(names)
    assert not {"litestar", "sqlalchemy", "httpx", "mcp"} & set(light)  # the server stays behind its extra
    server = closure(declared("server"))
    assert len(server) > 3 * LIMIT  # what the checker no longer installs


@pytest.fixture(scope="module")
def checker_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv whose only packages are the checker's distributions (linked from this environment) and this
    checkout's sources."""
    base = tmp_path_factory.mktemp("checker")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    purelib = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                                  capture_output=True, text=True, check=True).stdout.strip())
    linked = base / "site"
    linked.mkdir()
    dists = [*closure(declared()).values(), md.distribution("engineering-api")]
    for dist in dists:
        site = Path(str(dist.locate_file("")))
        tops = {Path(str(f)).parts[0] for f in dist.files or ()} - {"..", "__pycache__"}
        for top in tops:
            if top.startswith("__editable__") or top.endswith(".pth") or not (site / top).exists():
                continue  # the editable finder would point back into this environment
            if not (linked / top).exists():
                (linked / top).symlink_to(site / top)
    (purelib / "checker.pth").write_text(f"{linked}\n{ROOT}\n")
    return python


def _cli(python: Path, cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(python), "-I", "-m", "engineering_api.cli", *argv], cwd=cwd, capture_output=True,
                          text=True, timeout=600)


def test_every_checker_command_runs_without_the_server(checker_python: Path, tmp_path: Path) -> None:
    probe = subprocess.run([str(checker_python), "-I", "-c", "import litestar"], capture_output=True, text=True)
    assert probe.returncode != 0  # the server's dependencies are really out of reach
    repo = tmp_path / "repo"
    (repo / "src").mkdir(parents=True)
    (repo / "src" / "FC_Tags.scl").write_text(BROKEN)
    done = _cli(checker_python, repo, "scl", "check", "src")
    assert done.returncode == 1 and "FC_Tags.scl:7:" in done.stdout, done.stdout + done.stderr
    (repo / "src" / "FC_Tags.scl").write_text(CLEAN)
    for argv in (["scl", "check", "src"], ["plc", "check", "src", "--format", "sarif", "-o", "out.sarif"],
                 ["simaticml", "check", "--allow-missing", str(TAG_TABLE)], ["simaticml", "textconv", str(BLOCK)],
                 ["scl", "fmt", "src"], ["scl", "build", "src", "--out", "built"], ["--version"]):
        done = _cli(checker_python, repo, *argv)
        assert done.returncode == 0, (argv, done.stdout + done.stderr)
    assert json.loads((repo / "out.sarif").read_text())["runs"][0]["results"] == []

    tests = tmp_path / "plc"
    tests.mkdir()
    (tests / "Counter.scl").write_text(COUNTER)
    (tests / "counter.test.json").write_text(json.dumps(CASE))
    done = _cli(checker_python, tmp_path, "test", "run", "plc", "--junit", "junit.xml")
    assert done.returncode == 0 and "1 passed" in done.stdout, done.stdout + done.stderr

    lsp = subprocess.run([str(checker_python), "-I", "-c", "from engineering_api.lsp.server import *"],
                         capture_output=True, text=True, timeout=300)
    assert lsp.returncode == 0, lsp.stderr


@pytest.mark.parametrize("argv", [["serve", "--data-dir", "var"],
                                  ["test", "run", "--url", "http://127.0.0.1:9", "--api-key", "k"]])
def test_a_server_command_names_the_install_it_needs(checker_python: Path, tmp_path: Path, argv: list[str]) -> None:
    done = _cli(checker_python, tmp_path, *argv)
    assert done.returncode == 2
    assert "pip install 'engineering-api[server]'" in done.stderr and "Traceback" not in done.stderr, done.stderr
