"""The console's diff page of a real commit pair, against a health check's round trip in the same run (issue 93:
within 20 times ``GET /api/health``, median of 9).

    python bench/console_repo_diff.py --git-dir /work/.mirror/ShivAsare+VERSION_CONTROL/repo \\
        --before 0311ef2 --after 38bc191 --folder SYNOKEM_5000LTR/PLC [--rounds 9]

In process, over Litestar's test client (as ``bench/console_xref_diff.py``). Every SimaticML document under
``--folder`` of the repository at ``--before`` is imported into the fake (PLC data types, then the code blocks, then
the data blocks; what the fake refuses is counted and left out) and committed; the documents that ``--after``
changed are imported again as they are there and committed. The diff page of the two commits, and the drawing of
the first network it lists as changed, are each asked ``--rounds`` times, by turns with ``/api/health``; the figures
are medians, and the first request of each (nothing kept yet). Writes bench/results/console_repo_diff.json.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchlib import plc_project_client, print_named, write_results  # noqa: E402
from litestar.testing import TestClient  # noqa: E402


_KINDS = ("<SW.Types.PlcStruct", "<SW.Blocks.FC", "<SW.Blocks.FB", "<SW.Blocks.OB", "<SW.Blocks.GlobalDB",
          "<SW.Blocks.InstanceDB", "<SW.Blocks.ArrayDB")
"""Import order: types, then the code that uses them, then the data blocks (an instance DB needs its FB)."""


def _git(git_dir: Path, *args: str) -> str:
    return subprocess.run(["git", f"--git-dir={git_dir}", *args], capture_output=True, text=True, check=True,
                          encoding="utf-8").stdout


def _documents(git_dir: Path, revision: str, folder: str, paths: list[str] | None = None) -> list[str]:
    """The SimaticML documents under ``folder`` at ``revision`` (or those of ``paths``), in import order."""
    if paths is None:
        paths = [p for p in _git(git_dir, "ls-tree", "-r", "--name-only", revision, "--", folder).splitlines()
                 if p.endswith(".xml")]
    texts = [_git(git_dir, "show", f"{revision}:{p}").lstrip("\ufeff") for p in paths]
    return sorted((t for t in texts if any(k in t for k in _KINDS)),
                  key=lambda t: min(i for i, k in enumerate(_KINDS) if k in t))


def _import(client: TestClient[Any], rest: dict[str, str], texts: list[str]) -> tuple[int, int]:
    imported = refused = 0
    for text in texts:
        if "<SW.Types.PlcStruct" in text:
            answer = client.post("/api/devices/PLC_1/udts", json={"xml": text}, headers=rest)
        else:
            answer = client.post("/api/devices/PLC_1/blocks", json={"rawXml": text, "overwrite": True}, headers=rest)
        imported, refused = (imported + 1, refused) if answer.status_code == 200 else (imported, refused + 1)
    return imported, refused


def _commit(client: TestClient[Any], rest: dict[str, str], message: str) -> str:
    answer = client.post("/api/source-control/commit-sync", json={"message": message}, headers=rest)
    answer.raise_for_status()
    return str(answer.json()["data"]["sha"])


def _by_turns(client: TestClient[Any], path: str, rounds: int) -> dict[str, float]:
    """The first request of ``path`` (ms), then the medians of ``rounds`` of it and of ``/api/health`` by turns."""
    started = time.perf_counter()
    client.get(path).raise_for_status()
    first = time.perf_counter() - started
    health, page = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        client.get("/api/health").raise_for_status()
        health.append(time.perf_counter() - started)
        started = time.perf_counter()
        client.get(path).raise_for_status()
        page.append(time.perf_counter() - started)
    return {"first_ms": 1000 * first, "median_ms": 1000 * statistics.median(page),
            "health_ms": 1000 * statistics.median(health), "ratio": statistics.median(page) / statistics.median(health)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--git-dir", type=Path, required=True, help="a clone's .git (or a bare repository)")
    parser.add_argument("--before", required=True)
    parser.add_argument("--after", required=True)
    parser.add_argument("--folder", required=True, help="the PLC's folder in the repository")
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    changed = [p for p in _git(args.git_dir, "diff", "--name-only", args.before, args.after, "--",
                               args.folder).splitlines() if p.endswith(".xml")]
    with plc_project_client("repo-diff-bench-") as (client, rest, key):
        imported, refused = _import(client, rest, _documents(args.git_dir, args.before, args.folder))
        client.post("/api/source-control/init", headers=rest).raise_for_status()
        first = _commit(client, rest, args.before)
        changed_imported, changed_refused = _import(client, rest,
                                                    _documents(args.git_dir, args.after, args.folder, changed))
        second = _commit(client, rest, args.after)
        token = client.get("/").text.split('name="_csrf_token" value="', 1)[1].split('"', 1)[0]
        client.post("/console/signin", data={"apiKey": key, "_csrf_token": token}, follow_redirects=False)
        diff_path = f"/console/history/diff?from={first}&to={second}"
        results: dict[str, Any] = {"documents_imported": imported, "documents_refused": refused,
                                   "changed_files": len(changed), "changed_imported": changed_imported,
                                   "changed_refused": changed_refused}
        results.update({f"diff_{k}": v for k, v in _by_turns(client, diff_path, args.rounds).items()})
        page = client.get(diff_path)
        results["diff_page_bytes"] = len(page.content)
        opened = re.search(r'data-src="([^"]+)"', page.text)
        if opened:
            network = opened.group(1).replace("&amp;", "&")
            results.update({f"network_{k}": v for k, v in _by_turns(client, network, args.rounds).items()})
    print_named(results, 22)
    write_results("console_repo_diff.json", results)


if __name__ == "__main__":
    main()
