"""The generated part of a docs page: what lies between its two marker comments.

``make docs`` rewrites that part of ``docs/architecture.md`` (:mod:`tools.architecture`) and of ``docs/layout.md``
(:mod:`tools.layout`); their tests compare it with what the code draws today.
"""

from __future__ import annotations

__all__ = ("page_with",)


def page_with(text: str, generated: str, *, begin: str, end: str) -> str:
    """``text`` with the part between the markers ``begin`` and ``end`` replaced by ``generated``."""
    head, _, rest = text.partition(begin)
    _, _, tail = rest.partition(end)
    return f"{head}{begin}\n{generated}{end}{tail}"
