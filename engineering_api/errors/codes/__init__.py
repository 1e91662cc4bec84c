"""Every API error code as an importable constant, as mypy's ``errorcodes``: a raise site writes
``from engineering_api.errors import codes`` and ``code=codes.TAG_NOT_FOUND``, so a code that is not declared is a
name error (mypy, the import) before it is a wire code.

The codes are declared one module per area, each in alphabetical order, with their HTTP status, title and meaning
(:func:`engineering_api.errors.entry.declare`); this module gathers them into one namespace. A new area module is
added to the imports below (``tests/lib/test_error_codes.py`` fails naming a declared code this namespace lacks).
"""

from __future__ import annotations

# one namespace of every code: each area module's __all__ is its codes, and nothing else
from engineering_api.errors.codes.farm import *  # noqa: F403
from engineering_api.errors.codes.hardware import *  # noqa: F403
from engineering_api.errors.codes.hmi import *  # noqa: F403
from engineering_api.errors.codes.pipelines import *  # noqa: F403
from engineering_api.errors.codes.portal import *  # noqa: F403
from engineering_api.errors.codes.program import *  # noqa: F403
from engineering_api.errors.codes.project import *  # noqa: F403
from engineering_api.errors.codes.requests import *  # noqa: F403
from engineering_api.errors.codes.runtime import *  # noqa: F403
