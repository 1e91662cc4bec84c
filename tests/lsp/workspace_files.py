"""Workspace files for the language server's workspace tests: a PLC's SimaticML, tag table and UDT."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.lib.shared_corpus import READS_SHARED, SHARED

__all__ = ("MAIN", "MOTOR_DB", "SIMATICML", "TAG_TABLE", "UDT", "needs_corpus", "plc")

SIMATICML = SHARED / "corpus" / "simaticml"

TAG_TABLE = SIMATICML / "tagtable" / "fseenig_Falhas.xml"  # TIA's export: FALHA_24VDC : Bool among others

UDT = SIMATICML / "udt" / "Gildej31_UDT_CALCUL.xml"  # TIA's export: UDT_CALCUL with int_1 : Int, Result : Real

needs_corpus = READS_SHARED

MAIN = '''FUNCTION "Main" : Void
{ S7_Optimized_Access := 'TRUE' }
VERSION : 0.1
   VAR_TEMP
      calc : "UDT_CALCUL";
   END_VAR

BEGIN
	#calc.int_1 := "Motor_DB".speed;
	IF "FALHA_24VDC" THEN
	    "Motor_DB".speed := 0;
	END_IF;
	"Lamp" := NOT "FALHA_24VDC";
END_FUNCTION
'''

MOTOR_DB = '''DATA_BLOCK "Motor_DB"
{ S7_Optimized_Access := 'TRUE' }
VERSION : 0.1
NON_RETAIN
   VAR
      speed : Int;
   END_VAR

BEGIN

END_DATA_BLOCK
'''


def plc(root: Path, *, tags: bool = True) -> Path:
    """A PLC folder as TIA's version control interface lays it out; the path of its Main source."""
    blocks = root / "PLC_1" / "Program blocks"
    blocks.mkdir(parents=True)
    (blocks / "Main.scl").write_text(MAIN, encoding="utf-8")
    (blocks / "Motor_DB.db").write_text(MOTOR_DB, encoding="utf-8")
    (root / "PLC_1" / "PLC data types").mkdir()
    shutil.copy(UDT, root / "PLC_1" / "PLC data types" / "UDT_CALCUL.xml")
    if tags:
        (root / "PLC_1" / "PLC tags").mkdir()
        shutil.copy(TAG_TABLE, root / "PLC_1" / "PLC tags" / "Falhas.xml")
    return blocks / "Main.scl"
