"""The command line, run as a pipeline would run it."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.full_disk import FullDiskConnection
from tools.bounds import HANG_GUARD_S
from tests.lib.shared_corpus import SHARED

CORPUS = SHARED / "corpus"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "engineering_api.cli", *args], capture_output=True, text=True, cwd=cwd,
        timeout=HANG_GUARD_S
    )


def test_openapi_prints_the_document_without_a_server() -> None:
    result = run("openapi")
    assert result.returncode == 0
    assert json.loads(result.stdout)["info"]["title"] == "engineering-api"


def test_keys_create_list_revoke(tmp_path: Path) -> None:
    created = run("keys", "create", "--role", "viewer", "--name", "ci", "--data-dir", str(tmp_path))
    assert created.returncode == 0
    key_id = created.stdout.split()[2]
    secret = created.stdout.strip().splitlines()[-1]
    assert secret.startswith("eapi_")
    listed = run("keys", "list", "--data-dir", str(tmp_path))
    assert key_id in listed.stdout and "viewer" in listed.stdout and secret not in listed.stdout
    assert run("keys", "revoke", key_id, "--data-dir", str(tmp_path)).returncode == 0
    assert "revoked" in run("keys", "list", "--data-dir", str(tmp_path)).stdout
    again = run("keys", "revoke", key_id, "--data-dir", str(tmp_path))
    assert again.returncode == 1 and "no active API key" in again.stderr
    assert run("keys", "create", "--role", "root", "--name", "x", "--data-dir", str(tmp_path)).returncode == 2


@pytest.mark.skipif(sys.platform == "win32", reason="checks the non-Windows answer")
def test_doctor_for_openness_on_linux_explains_and_fails(tmp_path: Path) -> None:
    result = run("doctor", "--backend", "openness", "--data-dir", str(tmp_path))
    assert result.returncode == 1
    assert "TIA Portal and Openness run only on Windows" in result.stdout
    assert "fix:" in result.stdout


def test_doctor_for_the_fake_passes(tmp_path: Path) -> None:
    result = run("doctor", "--data-dir", str(tmp_path))
    assert "[ok  ] hardware catalog" in result.stdout
    assert "[ok  ] data directory" in result.stdout


def test_serve_refuses_the_openness_backend_here(tmp_path: Path) -> None:
    if sys.platform == "win32":
        pytest.skip("on Windows the answer depends on the installed TIA Portal")
    result = run("serve", "--backend", "openness", "--data-dir", str(tmp_path), "--port", "0")
    assert result.returncode == 2
    assert "openness backend cannot start" in result.stderr


@pytest.mark.parametrize("command", [("serve", "--port", "0"), ("keys", "list")])
def test_a_full_disk_at_the_first_start_is_one_line_naming_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: tuple[str, ...],
) -> None:
    """It was SQLite's traceback; now the path and the next step, exit 2, and no server started."""
    from engineering_api import cli
    from engineering_api.lib import db

    connect = sqlite3.connect
    monkeypatch.setattr(db.sqlite3, "connect", lambda *a, **k: FullDiskConnection(connect(*a, **k)))
    assert cli.main([*command, "--data-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: No space left on the device at ") and "engineering-api.sqlite3" in err
    assert "Free disk space and retry." in err and "Traceback" not in err


def test_simaticml_check_and_convert(tmp_path: Path) -> None:
    files = sorted((CORPUS / "simaticml" / "fb").glob("*.xml"))[:3]
    if not files:
        pytest.skip(f"corpus not found at {CORPUS}")
    # three unrelated FBs checked as one set miss each other's tags and types: --allow-missing
    ok = run("simaticml", "check", *map(str, files), "--allow-missing", "--format", "json")
    assert ok.returncode == 0 and json.loads(ok.stdout)["files"] == 3
    broken = tmp_path / "broken.xml"
    broken.write_text("<Document><Engineering version='V19'/></Document>")
    bad = run("simaticml", "check", str(files[0]), str(broken), "--allow-missing")
    assert bad.returncode == 1 and f"{broken}: error: The SimaticML document cannot be read" in bad.stdout
    out = tmp_path / "v18.xml"
    converted = run("simaticml", "convert", str(files[0]), "--to", "V18", "--output", str(out))
    assert converted.returncode == 0
    assert b'<Engineering version="V18" />' in out.read_bytes()
    refused = run("simaticml", "convert", str(files[0]), "--to", "V12")
    assert refused.returncode == 1 and "V12" in refused.stderr


def test_scl_check(tmp_path: Path) -> None:
    good = tmp_path / "good.scl"
    good.write_text('FUNCTION "Add" : Int\nVAR_INPUT\n a : Int;\n b : Int;\nEND_VAR\nBEGIN\n #Add := #a + '
                    '#b;\nEND_FUNCTION\n')
    bad = tmp_path / "bad.scl"
    bad.write_text('FUNCTION "Add" : Int\nBEGIN\n #Add := ;\nEND_FUNCTION\n')
    assert run("scl", "check", str(good)).returncode == 0
    result = run("scl", "check", str(good), str(bad))
    assert result.returncode == 1
    assert f"{bad}:3:10: error: expected an operand or expression, found ';'" in result.stdout
