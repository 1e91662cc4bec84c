"""The packages' layers, checked on their imports against one written table (``ALLOWED``).

Read from the ground up: ``simatic_xml`` (SimaticML and SCL) imports nothing of ours; ``engineering_api.lib`` and
``config`` are plumbing; ``engineering_api.backend`` is the port (its areas, models and errors) and
``engineering_api.rules`` the TIA rules every adapter applies; the two adapters, ``fakes`` and ``openness_bridge``,
build on those and never on each other or on the service layer above them. The service layer (``jobs``,
``services``, ``domain``, ``runtime``, ``farm``…) sees the port, never an adapter; only the composition root
(``engineering_api.compose``) names an adapter. The entry points (``app``, ``cli``, ``asgi``, ``mcp``) sit on top.

Every import counts: top level, inside a function, under ``TYPE_CHECKING``. ``KNOWN_EXCEPTIONS`` lists the
imports that break the table today, file by file, to be removed; a new one fails, and so does a listed one that
is gone (delete its line).
"""

from __future__ import annotations

from tools.layering import ADAPTERS, ALLOWED, KNOWN_EXCEPTIONS, ROOT, files, imported, permits, unit_of


def test_every_unit_has_a_row() -> None:
    units = {unit for unit, _ in files()}
    assert sorted(units - ALLOWED.keys()) == [], "add a row to ALLOWED for each new package or module"


def test_imports_follow_the_table() -> None:
    found: set[tuple[str, str]] = set()
    for unit, path in files():
        row = ALLOWED.get(unit, set())
        for module in imported(path):
            target = unit_of(module)
            if target not in (unit, "engineering_api") and not permits(row, target):
                found.add((str(path.relative_to(ROOT)), target))
    assert sorted(found - KNOWN_EXCEPTIONS) == [], "imports against the layer table (ALLOWED)"
    assert sorted(KNOWN_EXCEPTIONS - found) == [], "these exceptions are gone: delete them from KNOWN_EXCEPTIONS"


def test_adapters_never_import_each_other() -> None:
    for unit, path in files():
        if unit in ADAPTERS:
            other = ADAPTERS[1] if unit == ADAPTERS[0] else ADAPTERS[0]
            assert not any(unit_of(m) == other for m in imported(path)), path


def test_the_architecture_page_shows_todays_imports() -> None:
    from tools import architecture

    page = architecture.PAGE.read_text(encoding="utf-8")
    assert architecture.page_with(page, architecture.diagram()) == page, "run make docs and commit docs/architecture.md"
