"""Where the tests find ``../shared`` (TIA's own exports and sources, ``SOURCES.tsv`` with TIA's verdicts), and
their way out when a clone has none beside it: a skip naming the folder (with ``CI=true`` a failure).

Every test module reading the corpus names its paths from :data:`SHARED`. When the folder is missing, each test
that names a path under it (its parameters, its function, its fixtures or the tests' helpers they call) is skipped
before it runs, by the root ``conftest.py`` calling :func:`missing_shared_reason`: a newcomer's clone runs the rest,
and a module that would have read the corpus at import reads nothing (its paths are only named there, or guarded).
A test whose code need not name the folder (its parameters come from the corpus: none without it) is marked
:data:`READS_SHARED`; a module all of whose tests read it calls :func:`require_shared` at its top.
``ENGINEERING_API_SHARED`` points the tests at another folder (``/nonexistent`` to try a newcomer's clone).
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
from pathlib import Path
from collections.abc import Iterator
from types import CodeType
from typing import Any

import pytest

__all__ = ("READS_SHARED", "SHARED", "missing_shared_reason", "needs_shared", "reaches_shared", "require_shared",
           "shared_reason")

SHARED = Path(os.environ.get("ENGINEERING_API_SHARED") or Path(__file__).resolve().parents[3] / "shared")
"""``../shared`` beside the checkout (CI lays a copy there), or ``ENGINEERING_API_SHARED``."""
READS_SHARED = pytest.mark.reads_shared
"""A test (a module's ``pytestmark``) reading under :data:`SHARED` whose function need not name it: parameters taken
from the corpus (none without it). Skipped, with ``CI=true`` failed, naming the folder when it is missing."""


def shared_reason(folder: Path = SHARED) -> str | None:
    """Why the corpus tests cannot run (``folder`` missing), or None when it is there."""
    if (folder / "corpus").is_dir():
        return None
    return (f"{folder} is missing: the corpus tests read TIA's exports from ../shared beside the checkout (corpus/, "
            "SOURCES.tsv); put it there or name it in ENGINEERING_API_SHARED")


def require_shared() -> None:
    """At a module's top, for a module all of whose tests read the corpus: skip it naming the missing folder (with
    ``CI=true`` fail its collection)."""
    reason = shared_reason()
    if reason is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI must run the corpus tests)", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def _under(value: Any, folder: Path) -> bool:
    return isinstance(value, Path) and value.is_absolute() and value.is_relative_to(folder)


_TESTS = str(Path(__file__).resolve().parents[1])


def _tests_own(value: Any) -> bool:
    """A function or class of the tests (by its file: pytest imports a test module under its bare name)."""
    if isinstance(value, type):
        return str(getattr(sys.modules.get(value.__module__), "__file__", "")).startswith(_TESTS)
    code = getattr(inspect.unwrap(value), "__code__", None) if callable(value) else None
    # this module's own functions name SHARED without reading it
    return isinstance(code, CodeType) and code.co_filename.startswith(_TESTS) and code.co_filename != __file__


def _names(code: CodeType) -> Iterator[str]:
    """The global names a function's code (and the code of the functions and comprehensions in it) looks up."""
    yield from code.co_names
    for const in code.co_consts:
        if isinstance(const, CodeType):
            yield from _names(const)


def reaches_shared(function: Any, folder: Path = SHARED, seen: set[CodeType] | None = None) -> bool:
    """Whether ``function`` names a path under ``folder``: a global of its module, or one that a test helper it
    calls names (followed through the tests' own functions and classes, not into the product)."""
    code = getattr(inspect.unwrap(function), "__code__", None)  # through functools.cache and other wrappers
    seen = set() if seen is None else seen
    if not isinstance(code, CodeType) or code in seen:
        return False
    seen.add(code)
    found = getattr(inspect.unwrap(function), "__globals__", {})
    for name in set(_names(code)):
        value = found.get(name)
        if _under(value, folder) or isinstance(value, (list, tuple)) and any(_under(v, folder) for v in value[:3]):
            return True
        if not _tests_own(value):
            continue
        helpers = [v for v in vars(value).values() if callable(v)] if isinstance(value, type) else \
            [value] if callable(value) else []
        if any(reaches_shared(helper, folder, seen) for helper in helpers):
            return True
    return False


def needs_shared(item: Any, folder: Path = SHARED) -> bool:
    """Whether a collected test reads under ``folder``: its parameters, its function or its fixtures name a path
    there."""
    params = getattr(getattr(item, "callspec", None), "params", {})
    if any(_under(v, folder) for v in params.values()):
        return True
    functions = [getattr(item, "function", None)]
    info = getattr(item, "_fixtureinfo", None)
    for definitions in (info.name2fixturedefs.values() if info is not None else ()):
        functions += [d.func for d in definitions if _tests_own(d.func)]
    seen: set[CodeType] = set()
    return any(reaches_shared(f, folder, seen) for f in functions if f is not None)


@functools.cache
def _missing() -> str | None:
    return shared_reason()


def missing_shared_reason(item: Any) -> str | None:
    """The reason to skip ``item`` (it reads under a missing ``../shared``), else None."""
    reason = _missing()
    if reason is None or item.get_closest_marker("reads_shared") is None and not needs_shared(item):
        return None
    return reason
