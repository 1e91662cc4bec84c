"""F-I/O data blocks: the DB TIA generates for each fail-safe I/O module, which no export holds.

For every F-I/O of a fail-safe CPU, TIA creates a data block from the hardware configuration, named ``F``, the
module's start address in five digits, ``_`` and the module's name (``"F00008_198"``,
``"F01008_10A61-8xF-DI"``). A safety program reads and sets its tags: ``"F01008_10A61-8xF-DI".QBAD``. The DB is
the hardware configuration's, not the program's, so it is in no block export: a Version Control Interface
repository of a safety program (Fwaldt/EssaisGit_TiaPortalV20@65ddec5 ``PLC_1/Program blocks/100_Safety``, V20;
its ``Main_Safety_RTG1.xml`` is in the corpus) names three and holds none.

The tags, as documented for the F-I/O DB (SEW-EURODRIVE, "F-periphery data component of the safety card", which
lists them with their addresses; TR-Electronic's PROFIsafe manual TR-ECE-TI-DGB-0292, 6.2-6.3, after Siemens'
"SIMATIC Safety - Configuring and Programming" A5E02714440; Siemens' S7-1200 safety programming guideline 3.11:
QBAD and ACK_REQ of "the module's F-I/O data block"): PASS_ON, ACK_NEC, ACK_REI, IPAR_EN (set by the program),
PASS_OUT, QBAD, ACK_REQ, IPAR_OK (Bool, read) and DIAG (Byte). The channel-wise value status ``QBAD_I_xx`` /
``QBAD_O_xx`` and ``DISABLE``/``DISABLED`` of the S7-1200/1500 F-I/O DB are taken from Siemens' manual's table as
remembered, not from a stored page: which of them a module has depends on the module, which an export does not
say, so all are accepted.

A name of that pattern that the program does not define is read as such a DB; any other member of it is an
error, as in TIA.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .types import StructT, Var

__all__ = ("f_io_db",)

_NAME = re.compile(r"F\d{5}_.+\Z", re.DOTALL)
_BOOL_TAGS = ("PASS_ON", "ACK_NEC", "ACK_REI", "IPAR_EN", "DISABLE", "PASS_OUT", "QBAD", "ACK_REQ", "IPAR_OK",
              "DISABLED")
_CHANNELS = 64
"""QBAD_I_00 .. QBAD_I_63 (and _O_): more channels than an F-I/O module has."""


def f_io_db(name: str) -> StructT | None:
    """The F-I/O DB a global name that the program does not define stands for, or None when it is no such name."""
    return _layout() if _NAME.match(name) else None


@lru_cache(maxsize=1)
def _layout() -> StructT:
    members = {tag.lower(): Var(tag, "BOOL") for tag in _BOOL_TAGS}
    members["diag"] = Var("DIAG", "BYTE")
    for direction in ("I", "O"):
        for channel in range(_CHANNELS):
            tag = f"QBAD_{direction}_{channel:02d}"
            members[tag.lower()] = Var(tag, "BOOL")
    return StructT(members)
