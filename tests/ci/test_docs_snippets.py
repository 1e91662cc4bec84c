"""The snippets users paste from docs/cli.md, docs/editors.md and the README: every revision they pin is one a clone
of what is delivered holds, with the files that snippet needs there, and every ``engineering-api`` command line in
them parses with today's options.

A delivered clone holds main's history and no tag (tags are made where the repository is hosted, by
``.github/workflows/release.yml``), so the snippets pin a commit of main: each pin must name a commit of this clone
(a tag only where the clone has it: no fallback), and at that commit the hook, Action or template the snippet
names must be there. The package index's pin (``engineering-api==…``) is the version a build of this tree publishes.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import tomllib
from pathlib import Path

import pytest

from engineering_api.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "docs" / "cli.md", ROOT / "docs" / "editors.md", ROOT / "README.md"]
TEMPLATES = [ROOT / "ci" / "gitlab" / "engineering-api.gitlab-ci.yml"]
PINS = {
    "pre-commit": re.compile(r"^\s*rev:\s*(\S+)", re.MULTILINE),  # pre-commit's repository revision
    "gitlab": re.compile(r"project:\s*\S*engineering-api[^\n]*\n[#\s]*ref:\s*(\S+)"),  # GitLab's include
    "action": re.compile(r"uses:\s*\S+/engineering-api@(\S+)"),  # the GitHub Action
    "pip": re.compile(r"engineering-api\.git@([\w.\-]+)"),  # pip's git URL
}
"""The git revisions the snippets pin, by what uses them."""
NEEDS = {"pre-commit": ".pre-commit-hooks.yaml", "gitlab": "ci/gitlab/engineering-api.gitlab-ci.yml",
         "action": "action.yml", "pip": "pyproject.toml"}
"""The file each kind of pin needs at its revision."""
PACKAGE_PIN = re.compile(r"engineering-api==([\w.\-]+)")
"""A requirement pinned to a version of a package index (the version, not a revision)."""


def _version() -> str:
    version: str = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    return version


def _git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False)


def _pins() -> list[tuple[str, str, str]]:
    """(page, kind, revision) of every git pin of the pages and templates."""
    found = []
    for path in PAGES + TEMPLATES:
        text = path.read_text()
        for kind, pattern in PINS.items():
            found += [(path.name, kind, match.group(1)) for match in pattern.finditer(text)]
    return found


def test_the_version_is_the_one_the_command_line_prints() -> None:
    from engineering_api.lib.version import api_version

    assert api_version() == _version()
    assert re.fullmatch(r"\d+\.\d+\.\d+", _version())


def test_every_pinned_revision_is_in_this_clone_with_what_its_snippet_needs() -> None:
    if _git("rev-parse", "--is-shallow-repository").stdout.strip() != "false":
        pytest.skip("a shallow clone holds only its last commits: the pins are checked in a full clone")
    pins = _pins()
    assert {kind for _, kind, _ in pins} == set(PINS), "a kind of pin the docs no longer show"
    assert {page for page, _, _ in pins} >= {"cli.md", "engineering-api.gitlab-ci.yml"}
    wrong = []
    for page, kind, revision in pins:
        commit = _git("rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
        if commit.returncode != 0:
            wrong.append(f"{page}: {kind} pins {revision}, which this clone does not hold")
        elif _git("cat-file", "-e", f"{commit.stdout.strip()}:{NEEDS[kind]}").returncode != 0:
            wrong.append(f"{page}: {kind} pins {revision}, which has no {NEEDS[kind]}")
    assert not wrong, wrong


def test_the_pinned_hooks_are_the_ones_the_docs_name() -> None:
    """The pre-commit snippet's hook ids exist in the hooks file of the revision it pins."""
    page = (ROOT / "docs" / "cli.md").read_text()
    snippet = page[page.index("repos:\n  - repo:"):]
    snippet = snippet[:snippet.index("```")]
    revision = PINS["pre-commit"].search(snippet)
    assert revision is not None
    shown = _git("show", f"{revision.group(1)}:.pre-commit-hooks.yaml")
    if shown.returncode != 0:
        pytest.skip(f"{revision.group(1)} is not in this clone (shallow): {shown.stderr.strip()}")
    offered = set(re.findall(r"^- id: (\S+)", shown.stdout, re.MULTILINE))
    named = set(re.findall(r"id: ([\w-]+)", snippet))
    assert named and named <= offered, (named, offered)


def test_a_pinned_package_version_is_this_trees() -> None:
    pinned = {match.group(1) for path in PAGES + TEMPLATES for match in PACKAGE_PIN.finditer(path.read_text())}
    assert pinned == {_version()}


def test_the_release_workflow_tags_the_version_the_command_line_prints() -> None:
    workflow = (ROOT / ".github" / "workflows" / "release.yml").read_text()
    assert 'tomllib.load(open("pyproject.toml", "rb"))["project"]["version"]' in workflow
    assert 'echo "tag=v$version"' in workflow and 'git tag "$TAG" "$GITHUB_SHA"' in workflow


def _blocks(text: str, languages: tuple[str, ...]) -> list[str]:
    """The fenced code blocks of a Markdown page in these languages (a fence opens and closes a block)."""
    blocks: list[str] = []
    lines: list[str] = []
    language: str | None = None
    for line in text.splitlines():
        if line.startswith("```"):
            if language is None:
                language, lines = line[3:].strip(), []
            else:
                if language in languages:
                    blocks.append("\n".join(lines) + "\n")
                language = None
        elif language is not None:
            lines.append(line)
    return blocks


def _commands(text: str) -> list[str]:
    """The ``engineering-api …`` command lines of a page's code blocks (continuations joined, shell operators,
    comments and output redirections cut off)."""
    commands = []
    for block in _blocks(text, ("sh", "bash", "yaml", "")):
        for line in block.replace("\\\n", " ").splitlines():
            if "docker build" in line:  # the image's name, not the command
                continue
            for match in re.finditer(r"(?:^|[\s:|&;(-])engineering-api (.+)", line):
                command = re.split(r"\s(?:\|\||&&|\||#|>|2>|<)\s?", match.group(1))[0].strip().rstrip(")")
                if command and not command.startswith(("check", "$")):
                    commands.append(command)
    return commands


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_command_line_of_the_docs_parses(page: Path) -> None:
    parser = build_parser()
    lines = _commands(page.read_text())
    assert lines or page.name == "editors.md"
    failed = []
    for command in lines:
        try:
            parser.parse_args(shlex.split(command))
        except SystemExit as exc:
            if exc.code:
                failed.append(command)
    assert not failed, failed
