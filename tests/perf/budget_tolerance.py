"""The tolerance of the work budgets."""

from __future__ import annotations

__all__ = ("TOLERANCE",)

TOLERANCE = 1.10
"""A count may exceed its budget by 10% (an unrelated library update, one more check) before the guard fails."""
