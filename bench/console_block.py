"""Server time of the web console's block page for a LAD block of 50 networks (in all and per network), and of the
project page with 500 blocks in the tree, each against the REST read of the same data in the same run (issue 38:
< 200 ms); and the time to draw each LAD/FBD network of the corpus (median, slowest).

    python bench/console_block.py [--rounds 20] [--corpus ../shared/corpus/simaticml]

In process, over Litestar's test client (no network): the time is the app's. The 50-network block is the corpus'
LAD block ``nlanderCON_LED`` (5 networks: contacts, branches, TON boxes, coils) with its networks repeated ten
times, imported into the fake. The baseline for the block page is ``GET …/blocks/{name}/content`` (the block's
SimaticML, the input the page draws); for the project page it is ``GET …/blocks/tree``. The best round counts.
The corpus drawing times are ``draw_network`` alone on every FlgNet of the corpus (GRAPH conditions included), the
best of ``--rounds`` per network.
Not a test: run it by hand, it prints milliseconds and ratios and writes bench/results/console_block.json.
"""

from __future__ import annotations

import argparse
import copy
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchlib import best_get_ms, print_named, write_results  # noqa: E402
from litestar.testing import TestClient  # noqa: E402

from engineering_api.app import create_app  # noqa: E402
from engineering_api.config import Settings  # noqa: E402
from simatic_xml import read_file, to_bytes  # noqa: E402
from simatic_xml.objects import CompileUnit  # noqa: E402

CPU = "6ES7 516-3AN02-0AB0"


def _fifty_networks(corpus: Path) -> str:
    doc = read_file(corpus / "fc" / "nlanderCON_LED.xml")
    children = doc.object.children
    assert children is not None, "the FC has its object list"
    units = [c for c in children if isinstance(c, CompileUnit)]
    tail = [c for c in children if not isinstance(c, CompileUnit)][1:]
    head = [c for c in children if not isinstance(c, CompileUnit)][:1]
    children[:] = head + [copy.deepcopy(u) for _ in range(10) for u in units] + tail
    return to_bytes(doc, renumber=True).decode("utf-8-sig")


def _draw_times(corpus: Path, rounds: int) -> dict[str, float | int | str]:
    """Per network of the corpus, the best time to draw it; their median and the slowest (milliseconds)."""
    from engineering_api.console.render.ladder import draw_network
    from simatic_xml import flgnet, graph

    times: list[tuple[float, str]] = []
    for path in sorted(corpus.rglob("*.xml")):
        block = read_file(path).object
        language = getattr(block, "programming_language", None) or ""
        for number, unit in enumerate(getattr(block, "compile_units", None) or [], start=1):
            body = unit.network_source.body if unit.network_source is not None else None
            if body is None or body.tag not in ("FlgNet", "Graph"):
                continue
            nets = [(flgnet.from_xml(body), unit.programming_language or language)] if body.tag == "FlgNet" else [
                (t.net, t.programming_language) for t in graph.from_xml(body).sequence.transitions if t.net]
            for net, net_language in nets:
                best = float("inf")
                for _ in range(rounds):
                    started = time.perf_counter()
                    draw_network(net, net_language)
                    best = min(best, time.perf_counter() - started)
                times.append((best * 1000, f"{path.parent.name}/{path.name} network {number}"))
    times.sort()
    return {"corpus_networks": len(times), "draw_median_ms": times[len(times) // 2][0],
            "draw_slowest_ms": times[-1][0], "draw_slowest": times[-1][1]}



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "simaticml")
    parser.add_argument("--profile", action="store_true", help="print a profile of one project page")
    args = parser.parse_args()
    app = create_app(Settings.from_env(data_dir=Path(tempfile.mkdtemp(prefix="console-bench-"))))
    with TestClient(app, base_url="http://127.0.0.1") as client:  # the server answers localhost only
        services = app.state.services
        _, key = services.keys.create("bench", "admin")
        rest = {"X-API-Key": key}
        client.post("/api/projects/actions/create-sync", json={"name": "Bench"}, headers=rest).raise_for_status()
        client.post("/api/projects/devices/actions/add-sync", json={"orderNumber": CPU, "name": "PLC_1"},
                    headers=rest).raise_for_status()
        client.post("/api/devices/PLC_1/blocks", json={"rawXml": _fifty_networks(args.corpus)},
                    headers=rest).raise_for_status()
        for number in range(100, 599):  # 500 blocks in the tree with the LAD one
            spec = {"blockType": "FC", "name": f"FC_{number}", "number": number, "language": "SCL",
                    "networks": [{"scl": "RETURN;"}]}
            answer = client.post("/api/devices/PLC_1/blocks", json={"spec": spec, "folder": f"Area_{number % 10}"},
                                 headers=rest)
            assert answer.status_code == 200, answer.text[:300]
        page = client.get("/")
        token = page.text.split('name="_csrf_token" value="', 1)[1].split('"', 1)[0]
        client.post("/console/signin", data={"apiKey": key, "_csrf_token": token}, follow_redirects=False)
        networks = client.get("/console/devices/PLC_1/blocks/LED").text.count('<article class="network"')
        block_page = best_get_ms(client, "/console/devices/PLC_1/blocks/LED", {}, args.rounds)
        block_rest = best_get_ms(client, "/api/devices/PLC_1/blocks/LED/content", rest, args.rounds)
        project_page = best_get_ms(client, "/console/project", {}, args.rounds)
        tree_rest = best_get_ms(client, "/api/devices/PLC_1/blocks/tree", rest, args.rounds)
        results: dict[str, float | int | str] = {
            "networks": networks, "block_page_ms": block_page, "block_rest_ms": block_rest,
            "block_page_per_network_ms": block_page / networks, "block_ratio": block_page / block_rest,
            "project_page_ms": project_page, "tree_rest_ms": tree_rest, "project_ratio": project_page / tree_rest,
        }
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
            client.get("/console/project")
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    results.update(_draw_times(args.corpus, max(1, args.rounds // 4)))
    print_named(results, 26)
    write_results("console_block.json", results)


if __name__ == "__main__":
    main()
