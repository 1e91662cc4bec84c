"""The README's quick start runs: its curl commands, as written, against a real ``engineering-api serve``.

The ``sh`` block that reads the admin key from ``var/api.secret`` is run by bash with ``curl -f`` (an HTTP error
fails it), against a served process on a free port instead of ``localhost:9000``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.realclient.conftest import serve

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.realclient.conftest import Served

README = Path(__file__).resolve().parents[2] / "README.md"


def _blocks(text: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)```", text, flags=re.DOTALL)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    yield from serve(tmp_path / "data")


def test_the_readme_names_the_two_commands() -> None:
    first = _blocks(README.read_text(encoding="utf-8"))[0]
    assert "make run" in first and "make test" in first


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed: the README's quick start uses it")
def test_the_quick_start_commands_run(served: Served, tmp_path: Path) -> None:
    quick = [b for b in _blocks(README.read_text(encoding="utf-8")) if "var/api.secret" in b]
    assert quick, "README.md has no sh block that reads var/api.secret"
    secret = tmp_path / "api.secret"
    secret.write_text(served.admin_key, encoding="utf-8")
    script = quick[0].replace("var/api.secret", str(secret)).replace("localhost:9000", served.base.removeprefix(
        "http://")).replace("curl -s ", "curl -sf ")
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", script], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, f"{script}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
    assert '"success":true' in done.stdout.replace(" ", "")
