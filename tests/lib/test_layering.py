"""The packages' imports checked against the written layer table (``tools/layering.py``, ``ALLOWED``, whose
docstring reads the floors from the ground up); ``KNOWN_EXCEPTIONS`` there lists the imports that break it today.
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
    assert architecture.page(page) == page, "run make docs and commit docs/architecture.md"
