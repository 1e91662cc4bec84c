"""Hypothesis without the constants of this checkout's source.

Hypothesis (since 6.131) now and then draws, instead of a generated value, a constant it found in the source of the
"local" modules loaded so far, here every module of the checkout: ~8,800 strings once the app is imported. Two
costs for the suite:

* the inputs depend on which modules the worker had imported when the test ran, so on what xdist gave that worker
  before: the gate's "the same run every time" (tests/service/test_schemathesis_gate.py) did not hold across runs
  with another distribution;
* each newly imported module (the app imports lazily) empties Hypothesis' cache of the constants each string
  constraint permits, and each is refilled by testing every constant: ~25% of the Schemathesis gate's CPU.

The generated inputs (seeded, derandomized) and Hypothesis' own constants stay. Hypothesis has no setting for this;
the provider's attribute is replaced, Hypothesis being pinned exactly (pyproject.toml), and
tests/service/test_gate_probes.py checks that the replacement still takes effect.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING

import pytest
from hypothesis.internal.conjecture.providers import HypothesisProvider
from hypothesis.internal.constants_ast import Constants

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ("without_local_constants",)


@contextmanager
def without_local_constants() -> Iterator[None]:
    """Within, Hypothesis draws no constant of the checkout's source (tests/conftest.py: the whole session)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(HypothesisProvider, "_local_constants", Constants())
        yield
