"""Server time of a cross-reference query (REST and the console page) and of the console's diff page of two
commits, on the largest corpus repository loaded as one project, each as a ratio to a ``/api/health`` round trip
in the same run (issue 72: "within a few times").

    python bench/console_xref_diff.py [--rounds 20] [--repo Fwaldt/EssaisGit_TiaPortalV20] [--all]

In process, over Litestar's test client. Every document of the repository (``SOURCES.tsv`` names the repository
of each corpus file; ``--all``: every corpus document) is imported into the fake through
``POST …/blocks`` (``rawXml``, PLC data types through ``POST …/udts``), the fake playing TIA V20 (the
repository's exports are V20's); what the fake refuses is counted and left out. The program is committed, one LAD
block is changed (an operand of its first network renamed) and committed again; the diff page compares the two.
The cross-reference query names the tag used most often. Cold is the first query after the program changed (every
document read), warm the best of ``--rounds``. Writes bench/results/console_xref_diff.json.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchlib import best_get_ms, plc_project_client, print_named, write_results  # noqa: E402
from litestar.testing import TestClient  # noqa: E402

from engineering_api.domain.cross_references import document_index  # noqa: E402

_ORDER = ("udt", "fc", "fb", "ob", "db")
"""Types first, then the code that uses them, instance and global DBs last."""


def _documents(corpus: Path, repo: str | None) -> list[Path]:
    rows = [line.split("\t") for line in (corpus / "SOURCES.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    files = [corpus / row[0] for row in rows if len(row) > 1 and (repo is None or row[1] == repo)]
    return sorted((f for f in files if f.parent.name in _ORDER), key=lambda f: (_ORDER.index(f.parent.name), f.name))



def _commit(client: TestClient[Any], rest: dict[str, str], message: str) -> str:
    started = client.post("/api/source-control/commit", json={"Message": message}, headers=rest)
    started.raise_for_status()
    job = started.json()["data"]["jobId"] if "data" in started.json() else started.json()["jobId"]
    for _ in range(600):
        record = client.get(f"/api/jobs/{job}", headers=rest).json()
        record = record.get("data", record)
        if record["status"] in ("Completed", "Failed", "Canceled"):
            assert record["status"] == "Completed", record
            return str(record["result"]["sha"])
        time.sleep(0.05)
    raise AssertionError("the commit did not end")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "simaticml")
    parser.add_argument("--repo", default="Fwaldt/EssaisGit_TiaPortalV20")
    parser.add_argument("--all", action="store_true", help="every corpus document, not one repository")
    parser.add_argument("--tia", default="V20", help="the TIA version the fake plays (the exports' newest)")
    args = parser.parse_args()
    with plc_project_client("xref-bench-", tia_version=args.tia) as (client, rest, key):
        imported, refused, lad = 0, 0, None
        for path in _documents(args.corpus, None if args.all else args.repo):
            text = path.read_text(encoding="utf-8-sig")
            if path.parent.name == "udt":
                answer = client.post("/api/devices/PLC_1/udts", json={"xml": text}, headers=rest)
            else:
                answer = client.post("/api/devices/PLC_1/blocks", json={"rawXml": text, "overwrite": True},
                                     headers=rest)
            if answer.status_code != 200:
                refused += 1
                continue
            imported += 1
            if lad is None and "<FlgNet" in text and "<Component Name=" in text:
                lad = text
        assert lad is not None, "the repository has no LAD/FBD block to change"
        uses = Counter(re.findall(r'<Access Scope="GlobalVariable"[^>]*>\s*<Symbol>\s*<Component Name="([^"]+)"',
                                  "".join(p.read_text(encoding="utf-8-sig") for p in
                                          _documents(args.corpus, None if args.all else args.repo))))
        tag = uses.most_common(1)[0][0] if uses else "Main"
        client.post("/api/source-control/init", headers=rest).raise_for_status()
        first = _commit(client, rest, "corpus")
        renamed = re.sub(r'<Component Name="([^"]+)"', lambda m: f'<Component Name="{m.group(1)}_x"', lad, count=1)
        client.post("/api/devices/PLC_1/blocks", json={"rawXml": renamed, "overwrite": True},
                    headers=rest).raise_for_status()
        second = _commit(client, rest, "one operand renamed")
        page = client.get("/")
        token = page.text.split('name="_csrf_token" value="', 1)[1].split('"', 1)[0]
        client.post("/console/signin", data={"apiKey": key, "_csrf_token": token}, follow_redirects=False)

        health = best_get_ms(client, "/api/health", {}, args.rounds)
        document_index.cache_clear()
        xref_cold = best_get_ms(client, "/api/devices/PLC_1/cross-references", rest, 1, objectName=tag)
        xref_rest = best_get_ms(client, "/api/devices/PLC_1/cross-references", rest, args.rounds, objectName=tag)
        xref_page = best_get_ms(client, "/console/devices/PLC_1/cross-references", {}, args.rounds, name=tag)
        diff = client.get("/console/history/diff", params={"from": first, "to": second})
        diff_page = best_get_ms(client, "/console/history/diff", {}, args.rounds, **{"from": first, "to": second})
        opened = re.search(r'data-src="([^"]+)"', diff.text)
        network_ms = best_get_ms(client, opened.group(1).replace("&amp;", "&"), {}, args.rounds) if opened else 0.0
        results: dict[str, Any] = {
            "documents_imported": imported, "documents_refused": refused, "tag": tag,
            "health_ms": health, "xref_cold_ms": xref_cold, "xref_rest_ms": xref_rest, "xref_page_ms": xref_page,
            "diff_page_ms": diff_page, "diff_page_bytes": len(diff.content), "diff_network_ms": network_ms,
            "xref_rest_ratio": xref_rest / health, "xref_page_ratio": xref_page / health,
            "diff_page_ratio": diff_page / health,
        }
    print_named(results, 22)
    write_results("console_xref_diff.json", results)


if __name__ == "__main__":
    main()
