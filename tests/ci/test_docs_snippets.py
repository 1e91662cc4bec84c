"""The snippets users paste from docs/cli.md, docs/editors.md and the README: every release they pin exists, and
every ``engineering-api`` command line in them parses with today's options.

Releases are git tags ``v<version>``. A CI clone may hold no tags (a shallow checkout fetches none), so the pins are
checked against the tags when the clone has them, and against the version of pyproject.toml otherwise (the release
being made: ``--version`` prints it, and the tag ``v<version>`` is created on main for it).
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
PINS = [
    re.compile(r"^\s*rev:\s*(\S+)", re.MULTILINE),  # pre-commit's repository revision
    re.compile(r"project:\s*\S*engineering-api\s*\n\s*ref:\s*(\S+)"),  # GitLab's include
    re.compile(r"uses:\s*\S+/engineering-api@(\S+)"),  # the GitHub Action
    re.compile(r"engineering-api\.git@([\w.\-]+)"),  # pip's git URL
    re.compile(r"engineering-api==([\w.\-]+)"),  # a pinned requirement (the version, not the tag)
]


def _version() -> str:
    version: str = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    return version


def releases() -> set[str]:
    """The release tags: the clone's ``v*`` tags, else the one of pyproject's version."""
    listed = subprocess.run(["git", "-C", str(ROOT), "tag", "--list", "v*"], capture_output=True, text=True)
    tags = set(listed.stdout.split()) if listed.returncode == 0 else set()
    return tags or {f"v{_version()}"}


def _pins() -> list[tuple[str, str]]:
    found = []
    for path in PAGES + TEMPLATES:
        text = path.read_text()
        for pattern in PINS:
            found += [(path.name, match.group(1)) for match in pattern.finditer(text)]
    return found


def test_the_version_is_the_one_the_command_line_prints() -> None:
    from engineering_api.lib.version import api_version

    assert api_version() == _version()
    assert re.fullmatch(r"\d+\.\d+\.\d+", _version())


def test_every_pinned_release_in_the_docs_exists() -> None:
    pins = _pins()
    assert {name for name, _ in pins} >= {"cli.md", "engineering-api.gitlab-ci.yml"}
    tags = releases()
    wrong = [(name, pin) for name, pin in pins
             if (pin if pin.startswith("v") or not pin[0].isdigit() else f"v{pin}") not in tags]
    assert not wrong, f"pins that are no release ({sorted(tags)}): {wrong}"


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
