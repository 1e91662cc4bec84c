"""What real clients meet (issue 92): a real ``engineering-api serve`` asked with curl, as a browser, a gzip client
or an operator's script asks it, and the answers' headers read as they are sent on the wire."""

from __future__ import annotations

import subprocess
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


def _curl_headers(url: str, *options: str) -> dict[str, list[str]]:
    """The answer's headers as curl received them (``-D -``), every value of a repeated header kept."""
    done = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-D", "-", *options, url], capture_output=True,
                          text=True, timeout=HANG_GUARD_S, check=True)
    headers: dict[str, list[str]] = {}
    for line in done.stdout.splitlines()[1:]:
        name, _, value = line.partition(":")
        if value:
            headers.setdefault(name.strip().lower(), []).append(value.strip())
    return headers


def test_swagger_names_its_charset_once(server: Served) -> None:
    """Litestar adds ``; charset=utf-8`` to a text media type itself: the page's Content-Type said it twice."""
    content_type = _curl_headers(f"{server.base}/swagger")["content-type"]
    assert len(content_type) == 1
    assert content_type[0].lower().count("charset") == 1, content_type
    assert content_type[0].lower().startswith("text/html")
