"""What real clients meet (issue 92): a real ``engineering-api serve`` asked with curl, as a browser, a gzip client
or an operator's script asks it, and the answers' headers read as they are sent on the wire."""

from __future__ import annotations

import gzip
import json
import subprocess
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.realclient.conftest import serve
from tools.bounds import HANG_GUARD_S

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.realclient.conftest import Served


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    yield from serve(tmp_path_factory.mktemp("clients") / "data")


@pytest.fixture
def limited(tmp_path: Path) -> Iterator[Served]:
    """A server with the JSON access log on and a rate limit of two requests a minute per key."""
    yield from serve(tmp_path / "data", env={"ENGINEERING_API_ACCESS_LOG": "json",
                                             "ENGINEERING_API_RATE_LIMIT_PER_MINUTE": "2"})


def _curl(url: str, *options: str) -> tuple[dict[str, list[str]], bytes]:
    """The answer's headers as curl received them (every value of a repeated header kept) and its body's bytes as
    sent (curl decodes no Content-Encoding unless asked with ``--compressed``)."""
    with tempfile.TemporaryDirectory() as folder:
        head, body = Path(folder) / "head", Path(folder) / "body"
        subprocess.run(["curl", "-sS", "-o", str(body), "-D", str(head), *options, url], capture_output=True,
                       timeout=HANG_GUARD_S, check=True)
        lines, sent = head.read_text(errors="replace").splitlines(), body.read_bytes()
    headers: dict[str, list[str]] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if value:
            headers.setdefault(name.strip().lower(), []).append(value.strip())
    return headers, sent


def test_swagger_names_its_charset_once(server: Served) -> None:
    """Litestar adds ``; charset=utf-8`` to a text media type itself: the page's Content-Type said it twice."""
    content_type = _curl(f"{server.base}/swagger")[0]["content-type"]
    assert len(content_type) == 1
    assert content_type[0].lower().count("charset") == 1, content_type
    assert content_type[0].lower().startswith("text/html")


def test_the_openapi_document_is_gzipped_for_a_gzip_client(server: Served) -> None:
    """The document (some 2 MB) is the largest answer a browser fetches (Swagger UI does, at every visit); it was
    not under ``/api/`` nor on a compressed route, so the app's gzip layer passed it as it was."""
    url = f"{server.base}/schema/openapi.json"
    plain_headers, plain = _curl(url)
    headers, sent = _curl(url, "-H", "Accept-Encoding: gzip")
    assert "content-encoding" not in plain_headers  # a client that does not ask gets the bytes as they are
    assert headers.get("content-encoding") == ["gzip"], headers
    assert len(sent) < len(plain) // 4
    assert json.loads(gzip.decompress(sent)) == json.loads(plain)


def _access_lines(served: Served) -> list[dict[str, object]]:
    """The access log's JSON lines among what the server printed."""
    lines = (line for line in served.output().splitlines() if line.startswith("{") and '"durationMs"' in line)
    return [json.loads(line) for line in lines]


def test_the_access_log_of_a_rate_limited_key_names_the_key(limited: Served) -> None:
    """A 429 for a valid key is the line an operator looks for: it named no key (``keyId: null``), as if the
    caller had none. It names the key's id, as the key's answered requests do; the key itself is never written."""
    for _ in range(4):  # two within the limit, two over it
        _curl(f"{limited.base}/api/jobs", "-H", f"X-API-Key: {limited.admin_key}")
    deadline = time.monotonic() + HANG_GUARD_S
    while len(lines := [line for line in _access_lines(limited) if line["route"] == "/api/jobs"]) < 4:
        assert time.monotonic() < deadline, limited.output()  # the lines are written as each answer ends
        time.sleep(0.05)
    answered = {line["keyId"] for line in lines if line["status"] == 200}
    limited_ids = {line["keyId"] for line in lines if line["status"] == 429}
    assert len(answered) == 1 and None not in answered, lines
    assert limited_ids == answered, lines
    assert limited.admin_key not in limited.output()
