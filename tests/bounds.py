"""The suite's hang guard (:mod:`tools.bounds`, shared with the benchmarks), under the name the tests import."""

from tools.bounds import HANG_GUARD_S, until

__all__ = ("HANG_GUARD_S", "until")
