"""A free loopback port (:mod:`tools.ports`, shared with the benchmarks), under the name the tests import."""

from tools.ports import free_port

__all__ = ("free_port",)
