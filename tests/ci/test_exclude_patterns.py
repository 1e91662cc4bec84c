"""``exclude`` patterns follow git's rules (gitignore's wildmatch, issue 92): the docs' own ``**/Generated/*.scl``
matched only a ``Generated/`` below another folder under ``fnmatch``, where git (and every reader of the docs)
also matches one at the top. Checked through the console script, as the pre-commit hook and the Action run it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tools.bounds import HANG_GUARD_S

BROKEN = 'FUNCTION "{name}" : Void\nBEGIN\n    #x := ;\nEND_FUNCTION\n'
FILES = ("Generated/G_Top.scl", "src/Generated/G_Nested.scl", "src/Generated/deeper/G_Deeper.scl",
         "Generated/G_Top.udt", "vendor/V_Top.scl", "lib/vendor/V_Nested.scl", "build/B_Out.scl",
         "src/Main.scl")


def _checked(repo: Path, exclude: list[str]) -> set[str]:
    """The files ``scl check .`` reports on (every file has an error), with ``exclude`` in pyproject.toml."""
    (repo / "pyproject.toml").write_text(f'[tool.engineering-api]\nexclude = {json.dumps(exclude)}\n')
    script = Path(sys.executable).with_name("engineering-api")
    done = subprocess.run([str(script), "scl", "check", ".", "--format", "json"], cwd=repo, capture_output=True,
                          text=True, timeout=HANG_GUARD_S, check=False)
    assert done.returncode in (0, 1), done.stderr
    report = json.loads(done.stdout)
    found = {(repo / d["file"]).resolve().relative_to(repo.resolve()).as_posix() for d in report["diagnostics"]}
    assert len(found) == report["files"]  # one error in each file checked
    return found


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    for name in FILES:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(BROKEN.format(name=path.stem))
    return tmp_path


def test_the_docs_example_excludes_generated_at_the_top_and_below(repo: Path) -> None:
    """docs/cli.md's ``exclude = ["vendor", "**/Generated/*.scl"]``."""
    assert _checked(repo, ["vendor", "**/Generated/*.scl"]) == {
        "Generated/G_Top.udt",  # *.scl only
        "src/Generated/deeper/G_Deeper.scl",  # * stops at a slash, as in git
        "build/B_Out.scl", "src/Main.scl",
    }


@pytest.mark.parametrize(("exclude", "kept"), [
    # a name without a slash matches at any depth, a folder excludes what it holds
    (["vendor"], set(FILES) - {"vendor/V_Top.scl", "lib/vendor/V_Nested.scl"}),
    # a slash anchors it to the settings file's folder; a trailing slash: folders only
    (["/vendor", "build/"], set(FILES) - {"vendor/V_Top.scl", "build/B_Out.scl"}),
    (["Generated/"], set(FILES) - {"Generated/G_Top.scl", "Generated/G_Top.udt", "src/Generated/G_Nested.scl",
                                   "src/Generated/deeper/G_Deeper.scl"}),
    # ** crosses folders; a later ! brings a file back
    (["src/**/*.scl", "!src/Main.scl"], set(FILES) - {"src/Generated/G_Nested.scl",
                                                       "src/Generated/deeper/G_Deeper.scl"}),
    ([], set(FILES)),
])
def test_patterns_follow_git(repo: Path, exclude: list[str], kept: set[str]) -> None:
    assert _checked(repo, exclude) == kept
