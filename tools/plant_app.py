"""The served app holding a plant project (:mod:`tools.plant_project`), and the main operations on it, in process.

``bench/plant_scale.py`` measures each operation's CPU time at growing sizes and ``tests/perf/test_plant_growth.py``
counts its work at two sizes; both drive the same operations through this module, over the app's ASGI entry
(:class:`tools.work_count.AsgiDriver`: every middleware, the routing, the job machinery and the TIA worker thread, no
sockets), as a client would call them.

    async with plant_app(data_dir, blocks=2_000) as plant:
        await plant.run("block list")
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.plant_documents import graphic_documents, tag_tables
from tools.plant_project import PlantSource, plant_sources
from tools.work_count import AsgiDriver, sessionless_mcp

__all__ = ("OPERATIONS", "Plant", "plant_app")

DEVICE = "PLC_1"
CPU = "6ES7 516-3AN02-0AB0"
MODULES_PER_REQUEST = 25
"""Modules generated per request while the plant is filled: a pipeline's bulk import, fewer round trips."""


@dataclass
class Plant:
    """The app, its admin key and the plant it holds (``sources``, imported in order)."""

    driver: AsgiDriver
    key: dict[str, str]
    sources: list[PlantSource]
    project_path: str = ""
    seed: int = 0
    _fresh: Any = field(default=None, repr=False)
    _changes: Any = field(default_factory=itertools.count, repr=False)
    _console: str = field(default="", repr=False)
    import_cpu_s: float = 0.0
    """The process's CPU time (every thread) of importing the plant's sources, the project's creation, save and
    commit left out."""

    @property
    def blocks(self) -> int:
        """Program objects the plant holds (besides the PLC's OB1 and default tag table)."""
        return sum(len(s.objects) for s in self.sources)

    @property
    def console_cookie(self) -> str:
        """The console's CSRF and session cookies (a ``Cookie`` header) once :meth:`page` has signed in."""
        return self._console

    async def call(self, method: str, path: str, body: Any = None, query: str = "") -> Any:
        """One request; its JSON answer's ``data``.

        Raises:
            RuntimeError: the answer is not a 2xx.
        """
        status, answer = await self.driver.call(method, path, self.key, body, query)
        if not 200 <= status < 300:
            raise RuntimeError(f"{method} {path} answered {status}: {str(answer)[:600]}")
        return answer.get("data") if isinstance(answer, dict) else answer

    async def page(self, path: str, query: str = "") -> bytes:
        """A console page, signed in as the admin key through the sign-in form (once); its HTML.

        Raises:
            RuntimeError: the page did not answer 200.
        """
        if not self._console:
            self._console = await self._sign_in()
        status, html = await self.driver.call_raw("GET", path, {"cookie": self._console}, query=query)
        if status != 200:
            raise RuntimeError(f"GET {path}?{query} answered {status}: {html[:600]!r}")
        return html

    async def _sign_in(self) -> str:
        _, form_page = await self.driver.call_raw("GET", "/")
        csrf = _cookies(self.driver.last_headers)["console_csrf"]
        found = re.search(rb'name="_csrf_token" value="([^"]+)"', form_page)
        if found is None:
            raise RuntimeError("the console's sign-in page has no CSRF token")
        status, _ = await self.driver.call_raw("POST", "/console/signin", {"cookie": f"console_csrf={csrf}"},
                                               form={"apiKey": self.key["x-api-key"],
                                                     "_csrf_token": found.group(1).decode()})
        if status != 303:
            raise RuntimeError(f"the console's sign-in answered {status}")
        return f"console_csrf={csrf}; console_session={_cookies(self.driver.last_headers)['console_session']}"

    async def generate(self, text: str, name: str) -> Any:
        """Import SCL text as an external source and generate its blocks (overwrite: a regeneration replaces)."""
        return await self.call("POST", f"/api/devices/{DEVICE}/external-sources/import-and-generate",
                               {"sourceName": name, "sclContent": text})

    async def run(self, operation: str) -> None:
        """One of :data:`OPERATIONS` on the plant."""
        await OPERATIONS[operation](self)

    # ----- the operations ------------------------------------------------------------------------------------------

    async def import_one(self) -> None:
        """A module the plant does not hold yet, its source imported and generated: the pipeline's step per file."""
        if self._fresh is None:
            self._fresh = iter(plant_sources(self.blocks + 10_000, self.seed)[len(self.sources):])
        source = next(self._fresh)
        await self.generate(source.text, source.name)

    async def change_one(self) -> None:
        """One module's FB regenerated with another body: a one-block change of the program."""
        source = self.sources[len(self.sources) // 2]
        n = next(self._changes)
        await self.generate(source.text.replace("#state.speed := #setpoint * 2.0;",
                                                f"#state.speed := #setpoint * {n + 3}.0;"), source.name)

    async def commit_one_change(self) -> None:
        """The source-control round of an engineer: one block changed, status, commit."""
        await self.change_one()
        await self.call("GET", "/api/source-control/status")
        await self.call("POST", "/api/source-control/commit-sync", {"message": "one change"})

    async def reopen(self) -> None:
        """Save, close and open the project again."""
        await self.call("POST", "/api/projects/actions/save-sync")
        await self.call("POST", "/api/projects/actions/close-sync", None)
        await self.call("POST", "/api/projects/actions/open-sync", {"path": self.project_path})


async def _block_list(plant: Plant) -> None:
    await plant.call("GET", f"/api/devices/{DEVICE}/blocks")


async def _export_one(plant: Plant) -> None:
    await plant.call("GET", f"/api/devices/{DEVICE}/blocks/FB_M1/export-xml")


async def _cross_references(plant: Plant) -> None:
    await plant.call("GET", f"/api/devices/{DEVICE}/blocks/FC_M1/cross-references")


async def _cross_references_after_a_change(plant: Plant) -> None:
    """The first query after a one-block change: the program's index read again (warm queries reuse it)."""
    await plant.change_one()
    await _cross_references(plant)


async def _tag_list(plant: Plant) -> None:
    await plant.call("GET", f"/api/devices/{DEVICE}/tag-tables/Plant_IO_0/tags")


async def _tag_cross_references(plant: Plant) -> None:
    await plant.call("GET", f"/api/devices/{DEVICE}/cross-references", query="objectName=M1_Start")


async def _console_tag_table(plant: Plant) -> None:
    await plant.page(f"/console/devices/{DEVICE}/tag-tables/Plant_IO_0")


async def _console_lad_block(plant: Plant) -> None:
    await plant.page(f"/console/devices/{DEVICE}/blocks/Interlock_M1")


async def _compile(plant: Plant) -> None:
    await plant.call("POST", f"/api/devices/{DEVICE}/actions/compile-sync", {"scope": "software"})


async def _diff(plant: Plant) -> None:
    """The last commit against the one before: the diff of one change (commit one change runs first)."""
    await plant.call("GET", "/api/source-control/diff", query="from=HEAD~1&to=HEAD")


async def _console_block(plant: Plant) -> None:
    await plant.page(f"/console/devices/{DEVICE}/blocks/FB_M1")


async def _console_cross_references(plant: Plant) -> None:
    await plant.page(f"/console/devices/{DEVICE}/cross-references", "name=FC_M1")


async def _console_diff(plant: Plant) -> None:
    await plant.page("/console/history/diff", "from=HEAD~1&to=HEAD")


async def _console_diff_computed(plant: Plant) -> None:
    """The diff page of a commit pair no diff read before: the kept diffs and document digests forgotten first (a
    diff asked again is answered from them)."""
    from engineering_api.domain.sourcecontrol.diffs import forget_diffs

    forget_diffs()
    await _console_diff(plant)


_MCP_HEADERS, _MCP_META = sessionless_mcp("tools/list", "plant-scale")


async def _mcp_tool_list(plant: Plant) -> None:
    """An assistant's tools/list over MCP (session-less, protocol 2026-07-28)."""
    status, answer = await plant.driver.call("POST", "/mcp", {**plant.key, **_MCP_HEADERS},
                                             {"jsonrpc": "2.0", "id": 1, "method": "tools/list",
                                              "params": {"_meta": _MCP_META}})
    if status != 200 or not isinstance(answer, dict) or not answer.get("result", {}).get("tools"):
        raise RuntimeError(f"MCP tools/list answered {status}: {str(answer)[:600]}")


def _cookies(headers: list[tuple[bytes, bytes]]) -> dict[str, str]:
    """The cookies an answer sets, by name."""
    pairs = (value.decode("latin-1").split(";", 1)[0].split("=", 1) for name, value in headers
             if name == b"set-cookie")
    return {pair[0].strip(): pair[1] for pair in pairs if len(pair) == 2}


async def _save(plant: Plant) -> None:
    await plant.change_one()
    await plant.call("POST", "/api/projects/actions/save-sync")


OPERATIONS: dict[str, Callable[[Plant], Awaitable[None]]] = {
    "import one source": Plant.import_one,
    "change one block": Plant.change_one,
    "block list": _block_list,
    "export one block": _export_one,
    "cross-references": _cross_references,
    "cross-references after a change": _cross_references_after_a_change,
    "save one change": _save,
    "open": Plant.reopen,
    "commit one change": Plant.commit_one_change,
    "diff of one change": _diff,
    "console diff page": _console_diff,
    "console diff page, nothing kept": _console_diff_computed,
    "console block page": _console_block,
    "console cross-references page": _console_cross_references,
    "MCP tool list": _mcp_tool_list,
    "tag list": _tag_list,
    "tag cross-references": _tag_cross_references,
    "console tag table page": _console_tag_table,
    "console LAD block page": _console_lad_block,
    "compile": _compile,
}
"""The operations measured, by the name the benchmark and the work-count test report."""


@contextlib.asynccontextmanager
async def plant_app(data_dir: Path, *, blocks: int, seed: int = 0, git: bool = True,
                    progress: Callable[[int, int], None] | None = None) -> AsyncIterator[Plant]:
    """The served app (fake backend, ``data_dir``) with a project holding a plant of ``blocks`` program objects,
    saved, and (``git``) committed to a repository of the project.

    The garbage collector runs as in a served app (:func:`engineering_api.asgi.held_start`: held for the start,
    then the served young threshold), not at Python's default, which collects ~14 times as often; the thresholds
    are put back when the plant is closed (the test suite's process goes on)."""
    from engineering_api.app import create_app
    from engineering_api.asgi import held_start
    from engineering_api.config import Settings

    thresholds = gc.get_threshold()
    app, start_ended = held_start(lambda: create_app(Settings.from_env(data_dir=data_dir)))
    driver = AsgiDriver(app)
    try:
        async with _plant(driver, data_dir, blocks, seed, git, progress) as plant:
            yield plant
    finally:
        start_ended(serving=False)  # a start that never ended ends here (a second call changes nothing)
        gc.set_threshold(*thresholds)


@contextlib.asynccontextmanager
async def _plant(driver: AsgiDriver, data_dir: Path, blocks: int, seed: int, git: bool,
                 progress: Callable[[int, int], None] | None) -> AsyncIterator[Plant]:
    async with driver.running():
        key = {"x-api-key": (data_dir / "api.secret").read_text(encoding="utf-8").strip()}
        sources = plant_sources(blocks, seed, graphics=True)
        plant = Plant(driver, key, sources, seed=seed)
        created = await plant.call("POST", "/api/projects/actions/create-sync", {"name": "Plant"})
        plant.project_path = created["path"]
        await plant.call("POST", "/api/projects/devices/actions/add-sync", {"orderNumber": CPU, "name": DEVICE})
        drawn = data_dir / "workspace" / "plant-graphics"  # written before the clock starts: the client's files
        drawn.mkdir(parents=True, exist_ok=True)
        for name, document in graphic_documents(sources):
            (drawn / name).write_bytes(document)
        before = time.process_time()
        tags = [tag for table in tag_tables(sources).values() for tag in table]
        await plant.call("POST", f"/api/devices/{DEVICE}/tags/actions/import-sync", {"tags": tags})
        plant.import_cpu_s += time.process_time() - before
        for start in range(0, len(sources), MODULES_PER_REQUEST):
            batch = sources[start:start + MODULES_PER_REQUEST]
            before = time.process_time()
            await plant.generate("\n".join(s.text for s in batch), f"Modules_{start}.scl")
            plant.import_cpu_s += time.process_time() - before
            if progress is not None:
                progress(min(start + MODULES_PER_REQUEST, len(sources)), len(sources))
        before = time.process_time()  # the LAD, FBD and GRAPH blocks read the SCL blocks' instance DBs: after them
        await plant.call("POST", "/api/blockgeneration/bulk-import",
                         {"deviceName": DEVICE, "directory": "plant-graphics"})
        plant.import_cpu_s += time.process_time() - before
        await plant.call("POST", "/api/projects/actions/save-sync")
        if git:
            await plant.call("POST", "/api/source-control/init")
            await plant.call("POST", "/api/source-control/commit-sync", {"message": "the plant"})
        yield plant
