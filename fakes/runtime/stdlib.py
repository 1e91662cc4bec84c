"""System instructions the simulated CPU executes: the public surface of the ``stdlib_*`` modules.

* :data:`SYSTEM_FBS` / :class:`SystemFb` / :data:`TYPE_ALIASES` / :func:`system_fb_for`: IEC timers,
  counters and edge instructions (:mod:`.stdlib_fbs`).
* :data:`FUNCTIONS` / :class:`SystemFunction`: functions specialised per type at code-generation time
  -- math, selection, bits (:mod:`.stdlib_math`), conversions and rounding (:mod:`.stdlib_convert`),
  strings (:mod:`.stdlib_strings`), time (:mod:`.stdlib_blocks`), the clock (:mod:`.stdlib_clock`), the calling
  instance's name (:mod:`.stdlib_instances`).
* :func:`move_blk`, :func:`umove_blk`, :func:`fill_blk`, :func:`ufill_blk`, :func:`move_blk_variant`: block
  moves (MOVE_BLK_VARIANT is also in ``FUNCTIONS``, its RET_VAL as the value).

An instruction that is not implemented is absent from ``FUNCTIONS``/``SYSTEM_FBS``, never a no-op:
the code generator then raises ``UnsupportedInstructionError`` when it is executed.
"""

from __future__ import annotations

from . import stdlib_clock, stdlib_convert, stdlib_instances, stdlib_math, stdlib_strings  # noqa: F401 - registers them
from .stdlib_blocks import fill_blk, move_blk, move_blk_variant, ufill_blk, umove_blk
from .stdlib_convert import converter
from .stdlib_core import FUNCTIONS, SystemFunction
from .stdlib_fbs import SYSTEM_FBS, TYPE_ALIASES, SystemFb, system_fb_for
from .stdlib_strings import number_parser, number_to_text

__all__ = (
    "FUNCTIONS", "SYSTEM_FBS", "TYPE_ALIASES", "SystemFb", "SystemFunction", "converter", "fill_blk", "move_blk",
    "move_blk_variant", "number_parser", "number_to_text", "system_fb_for", "ufill_blk", "umove_blk",
)
