"""The expression families of the semantics suite: each row an SCL expression, the type of the tag it is assigned
to, the value an S7-1500 stores, and the document that says so. One compiled program and one ``test run`` per
family (:func:`tests.plc_semantics.harness.expression_family`).

Operands come from the global DB ``"V"`` (:data:`INPUTS`, typed tags with start values), so each operation runs in
its operands' type at run time rather than as an untyped constant.
"""

from __future__ import annotations

import struct
from datetime import date
from typing import Any

from tests.plc_semantics.harness import Family, expression_family

__all__ = ("FAMILIES", "INPUTS")

# ----- sources ------------------------------------------------------------------------------------------------------
INT_DEF = ("data type definition: SInt/Int/DInt/LInt are 8/16/32/64-bit two's complement, USInt/UInt/UDInt/ULInt "
           "unsigned (STEP 7 help, 'Integers'); a result out of range keeps the low-order bits (S7-1200 System "
           "Manual A5E02486680-05, 7.4 Math: overflow sets ENO FALSE)")
DIV = "STEP 7 help DIV/MOD (S7-1500): the integer quotient is truncated; MOD's result has the dividend's sign"
IMPLICIT = "STEP 7 help 'Implicit conversion' (S7-1500): integer widening keeps the value; Real into an integer rounds"
CONVERT = ("STEP 7 help 'Explicit conversion' (CONVERT, S7-1500): REAL_TO_INT rounds half to even, TRUNC cuts, "
           "INT_TO_WORD keeps the bits")
ROUND = "STEP 7 help ROUND/TRUNC/CEIL/FLOOR (S7-1200 System Manual A5E02486680-05, 7.6 Conversion operations)"
BITS = "STEP 7 help SHL/SHR/ROL/ROR/SWAP (S7-1200 System Manual A5E02486680-05, 7.7 Shift and rotate)"
ROTATE = ("S7-1200 System Manual A5E02486680-AK (09/2016), 8.10, p. 333, Tables 8-185 .. 8-187: ROR/ROL rotate IN by N "
          "bit positions, the bits rotated out of one side entering on the other; N beyond the width still rotates")
DECO = ("S7-1200 System Manual A5E02486680-AK (09/2016), 8.9, p. 328, Table 8-174: DECO sets the one bit of OUT "
        "that IN selects (IN's low 5 bits for a DWord)")
LOGIC = "STEP 7 help word logic AND/OR/XOR/NOT (S7-1200 System Manual A5E02486680-05, 7.8 Word logic operations)"
SLICE = "STEP 7 help 'Addressing slices of tags' (x.%X0, x.%B1, x.%W0: bit/byte/word of a bit string, S7-1500)"
STRINGS = ("STEP 7 help LEN/CONCAT/LEFT/RIGHT/MID/FIND/INSERT/DELETE/REPLACE (S7-1200 System Manual "
           "A5E02486680-05, 8.5 String and character)")
REAL = ("Real data type: IEEE 754 single precision, each operation rounded to single (STEP 7 help 'Floating-point "
        "numbers'; S7-1500 FPU)")
LREAL = "LReal data type: IEEE 754 double precision (STEP 7 help 'Floating-point numbers')"
IEEE = ("IEEE 754: x/0 is +-inf, 0/0 and SQRT(-1) are NaN, NaN is unequal to itself (STEP 7 help 'Invalid "
        "floating-point numbers')")
MATH = "STEP 7 help SQRT/SQR/ABS/EXP/LN/SIN/COS/EXPT (S7-1200 System Manual A5E02486680-05, 7.4 Math)"
TIME_DEF = "TIME data type: a signed 32-bit count of ms (S7-1200 System Manual A5E02486680-05, Table 7-20)"
LTIME_DEF = "LTIME data type: a signed 64-bit count of ns (STEP 7 help 'LTIME', S7-1500)"
TOD_DEF = "TIME_OF_DAY data type: ms since midnight, 0..86399999 (STEP 7 help 'TIME_OF_DAY')"
DATE_DEF = "DATE data type: days since 1990-01-01 in a UInt (STEP 7 help 'DATE')"
TIME_ARITH = "STEP 7 help 'Time and date arithmetic' (S7-1500: TOD + TIME = TOD, DATE - DATE = TIME, LTIME + TIME)"
SELECT = "STEP 7 help SEL/MUX/LIMIT/MIN/MAX (S7-1200 System Manual A5E02486680-05, 7.4/7.5)"
SCALE = ("STEP 7 help NORM_X/SCALE_X (S7-1200 System Manual A5E02486680-05, Table 7-53: OUT = VALUE*(MAX-MIN)+MIN, "
         "NORM_X = (VALUE-MIN)/(MAX-MIN), not clamped)")
FLOW = "STEP 7 help SCL FOR/WHILE/REPEAT/CASE/EXIT/CONTINUE"
FOR_END = ("SCL FOR: the end value and increment are evaluated once, when the loop starts (STEP 7 help FOR; IEC "
           "61131-3 leaves a change inside the loop undefined); thin evidence")
CHARS = "Char data type: one byte (ISO 8859-1 code); CHAR_TO_INT/INT_TO_CHAR give and take the code (STEP 7 help)"
BOOL = "Bool data type and logic operators AND/OR/XOR/NOT (STEP 7 help)"

INPUTS = """\
      i_max : Int := 32767; i_min : Int := -32768; i_7 : Int := 7; i_m7 : Int := -7; i_2 : Int := 2;
      i_m2 : Int := -2; i_0 : Int := 0; i_1 : Int := 1; i_m1 : Int := -1; i_100 : Int := 100;
      si_max : SInt := 127; si_min : SInt := -128; usi_max : USInt := 255; usi_0 : USInt := 0;
      ui_max : UInt := 65535; udi_max : UDInt := 4294967295; di_max : DInt := 2147483647;
      di_min : DInt := -2147483648; di_m1 : DInt := -1; di_7 : DInt := 7; li_max : LInt := 9223372036854775807;
      uli_max : ULInt := 18446744073709551615;
      b_ff : Byte := 16#FF; b_0f : Byte := 16#0F; b_81 : Byte := 16#81; w_1234 : Word := 16#1234;
      w_8001 : Word := 16#8001; w_ff00 : Word := 16#FF00; dw_1 : DWord := 16#00000001;
      dw_8 : DWord := 16#80000000; dw_12345678 : DWord := 16#12345678; lw_1 : LWord := 16#1;
      r_1 : Real := 1.0; r_0 : Real := 0.0; r_m1 : Real := -1.0; r_25 : Real := 2.5; r_35 : Real := 3.5;
      r_m25 : Real := -2.5; r_m35 : Real := -3.5; r_01 : Real := 0.1; r_02 : Real := 0.2; r_03 : Real := 0.3;
      r_big : Real := 3.0E38; r_1e8 : Real := 1.0E8; r_27 : Real := 2.7; r_m27 : Real := -2.7; r_4 : Real := 4.0;
      r_half : Real := 0.5; r_40000 : Real := 40000.0; lr_01 : LReal := 0.1; lr_02 : LReal := 0.2;
      lr_25 : LReal := 2.5; lr_1e300 : LReal := 1.0E300;
      t_1s : Time := T#1s; t_m1s : Time := T#-1s; t_1d : Time := T#1d; t_max : Time := T#24D_20H_31M_23S_647MS;
      t_25h : Time := T#25h; lt_1ns : LTime := LT#1ns; lt_1ms : LTime := LT#1ms; lt_1s : LTime := LT#1s;
      tod_23 : Time_Of_Day := TOD#23:00:00; tod_1 : Time_Of_Day := TOD#1:00:00; d_0228 : Date := D#2024-02-28;
      d_0301 : Date := D#2024-03-01; d_1990 : Date := D#1990-01-01;
      s_hello : String := 'Hello'; s_empty : String := ''; s_abc : String[10] := 'abc'; s_world : String := 'World';
      s_aaa : String := 'abcabc'; c_a : Char := 'A'; x_t : Bool := TRUE; x_f : Bool := FALSE;
"""


def _f32(x: float) -> float:
    return float(struct.unpack("<f", struct.pack("<f", x))[0])


def _days(y: int, m: int, d: int) -> int:
    return date(y, m, d).toordinal() - date(1990, 1, 1).toordinal()


V = '"V".'


def _v(name: str) -> str:
    return V + name


INTEGER = [
    (f'{_v("i_max")} + {_v("i_1")}', "Int", -32768, INT_DEF),
    (f'{_v("i_min")} - {_v("i_1")}', "Int", 32767, INT_DEF),
    (f'{_v("i_max")} * {_v("i_2")}', "Int", -2, INT_DEF),
    (f'-{_v("i_min")}', "Int", -32768, INT_DEF),
    (f'{_v("si_max")} + 1', "SInt", -128, INT_DEF),
    (f'{_v("si_min")} - 1', "SInt", 127, INT_DEF),
    (f'{_v("usi_max")} + 1', "USInt", 0, INT_DEF),
    (f'{_v("usi_0")} - 1', "USInt", 255, INT_DEF),
    (f'{_v("ui_max")} + 1', "UInt", 0, INT_DEF),
    (f'{_v("udi_max")} + 1', "UDInt", 0, INT_DEF),
    (f'{_v("di_max")} + 1', "DInt", -2147483648, INT_DEF),
    (f'{_v("di_min")} - 1', "DInt", 2147483647, INT_DEF),
    (f'{_v("li_max")} + 1', "LInt", -9223372036854775808, INT_DEF),
    (f'{_v("uli_max")} + 1', "ULInt", 0, INT_DEF),
    (f'{_v("i_7")} / {_v("i_2")}', "Int", 3, DIV),
    (f'{_v("i_m7")} / {_v("i_2")}', "Int", -3, DIV),
    (f'{_v("i_7")} / {_v("i_m2")}', "Int", -3, DIV),
    (f'{_v("i_m7")} / {_v("i_m2")}', "Int", 3, DIV),
    (f'{_v("i_7")} MOD {_v("i_2")}', "Int", 1, DIV),
    (f'{_v("i_m7")} MOD {_v("i_2")}', "Int", -1, DIV),
    (f'{_v("i_7")} MOD {_v("i_m2")}', "Int", 1, DIV),
    (f'{_v("i_m7")} MOD {_v("i_m2")}', "Int", -1, DIV),
    (f'{_v("i_min")} / {_v("i_m1")}', "Int", -32768, INT_DEF),
    (f'{_v("i_7")} * {_v("i_m7")}', "Int", -49, INT_DEF),
    (f'{_v("i_max")} + {_v("i_max")}', "DInt", -2, INT_DEF + "; the sum is an Int before it is widened"),
    (f'{_v("i_max")}', "DInt", 32767, IMPLICIT),
    (f'{_v("i_m1")}', "DInt", -1, IMPLICIT),
    (f'{_v("i_m1")}', "LInt", -1, IMPLICIT),
    (f'{_v("usi_max")}', "Int", 255, IMPLICIT),
    (f'{_v("ui_max")}', "DInt", 65535, IMPLICIT),
    (f'{_v("di_7")} * {_v("di_7")}', "DInt", 49, INT_DEF),
    (f'{_v("di_max")} * 2', "DInt", -2, INT_DEF),
    (f'{_v("i_100")} * {_v("i_100")} * {_v("i_100")}', "Int", 1000000 % 65536 - 65536 * (1000000 % 65536 > 32767),
     INT_DEF),
    (f'({_v("i_7")} + {_v("i_m7")}) * {_v("i_max")}', "Int", 0, INT_DEF),
    (f'ABS({_v("i_m7")})', "Int", 7, MATH),
    (f'ABS({_v("i_min")})', "Int", -32768, INT_DEF + "; ABS of the smallest Int overflows"),
    (f'{_v("i_7")} / {_v("i_0")}', "Int", 0, DIV + "; a division by 0 gives 0 and ENO FALSE (no STOP on S7-1500)",
     True),
    (f'{_v("i_7")} MOD {_v("i_0")}', "Int", 0, DIV + "; MOD 0 gives 0 (ENO FALSE)", True),
    (f'{_v("i_2")} ** {_v("i_2")}', "Int", 4, MATH),
    (f'{_v("di_m1")} = {_v("i_m1")}', "Bool", True, IMPLICIT + "; comparison in the wider type"),
    (f'{_v("i_m1")} < {_v("i_0")}', "Bool", True, INT_DEF),
    (f'{_v("ui_max")} > {_v("i_0")}', "Bool", True, INT_DEF),
    (f'{_v("i_max")} + {_v("i_1")} < {_v("i_0")}', "Bool", True, INT_DEF + "; the Int sum wraps before the compare"),
]

CONVERSIONS = [
    (f'REAL_TO_INT({_v("r_25")})', "Int", 2, CONVERT),
    (f'REAL_TO_INT({_v("r_35")})', "Int", 4, CONVERT),
    (f'REAL_TO_INT({_v("r_m25")})', "Int", -2, CONVERT),
    (f'REAL_TO_INT({_v("r_m35")})', "Int", -4, CONVERT),
    (f'REAL_TO_INT({_v("r_27")})', "Int", 3, CONVERT),
    (f'REAL_TO_INT({_v("r_m27")})', "Int", -3, CONVERT),
    (f'REAL_TO_DINT({_v("r_1e8")})', "DInt", 100000000, CONVERT),
    (f'LREAL_TO_DINT({_v("lr_25")})', "DInt", 2, CONVERT),
    (f'{_v("r_25")}', "Int", 2, IMPLICIT),
    (f'{_v("r_35")}', "Int", 4, IMPLICIT),
    (f'{_v("r_27")}', "DInt", 3, IMPLICIT),
    (f'TRUNC({_v("r_27")})', "DInt", 2, ROUND),
    (f'TRUNC({_v("r_m27")})', "DInt", -2, ROUND),
    (f'ROUND({_v("r_25")})', "DInt", 2, ROUND),
    (f'ROUND({_v("r_35")})', "DInt", 4, ROUND),
    (f'ROUND({_v("r_m25")})', "DInt", -2, ROUND),
    (f'CEIL({_v("r_27")})', "DInt", 3, ROUND),
    (f'CEIL({_v("r_m27")})', "DInt", -2, ROUND),
    (f'FLOOR({_v("r_27")})', "DInt", 2, ROUND),
    (f'FLOOR({_v("r_m27")})', "DInt", -3, ROUND),
    (f'INT_TO_REAL({_v("i_m7")})', "Real", -7.0, CONVERT),
    (f'DINT_TO_REAL({_v("di_max")})', "Real", 2147483648.0, CONVERT + "; 2^31-1 has no Real: rounded"),
    (f'INT_TO_WORD({_v("i_m1")})', "Word", 0xFFFF, CONVERT),
    (f'WORD_TO_INT({_v("w_8001")})', "Int", -32767, CONVERT),
    (f'DINT_TO_INT({_v("di_max")})', "Int", -1, CONVERT + "; the low-order 16 bits"),
    (f'INT_TO_USINT({_v("i_m1")})', "USInt", 255, CONVERT + "; the low-order 8 bits"),
    (f'BYTE_TO_INT({_v("b_ff")})', "Int", 255, CONVERT),
    (f'INT_TO_BYTE({_v("i_100")})', "Byte", 100, CONVERT),
    (f'DWORD_TO_DINT({_v("dw_8")})', "DInt", -2147483648, CONVERT),
    (f'DINT_TO_DWORD({_v("di_m1")})', "DWord", 0xFFFFFFFF, CONVERT),
    (f'UDINT_TO_DINT({_v("udi_max")})', "DInt", -1, CONVERT),
    (f'BOOL_TO_INT({_v("x_t")})', "Int", 1, CONVERT),
    (f'CHAR_TO_INT({_v("c_a")})', "Int", 65, CHARS),
    (f'INT_TO_CHAR({_v("i_100")})', "Char", "d", CHARS),
    (f'INT_TO_STRING({_v("i_m7")})', "String", "-7", STRINGS + "; INT_TO_STRING: a sign only when negative", True),
    ("STRING_TO_INT('  42')", "Int", 42, STRINGS + "; leading blanks are skipped", True),
    (f'TIME_TO_DINT({_v("t_1s")})', "DInt", 1000, TIME_DEF),
    (f'DINT_TO_TIME({_v("di_7")})', "Time", 7, TIME_DEF),
    (f'{_v("t_1s")}', "LTime", 1_000_000_000, IMPLICIT + "; TIME ms to LTIME ns"),
    (f'{_v("lt_1s")}', "Time", 1000, IMPLICIT + "; LTIME ns to TIME ms"),
    (f'{_v("lt_1ns")}', "LInt", 1, LTIME_DEF),
    (f'{_v("r_40000")}', "Int", 40000 - 65536, IMPLICIT + "; rounded, then the low-order 16 bits", True),
    (f'{_v("r_01")}', "LReal", _f32(0.1), IMPLICIT + "; a Real widens exactly"),
    (f'{_v("lr_01")}', "Real", _f32(0.1), IMPLICIT + "; an LReal is rounded to single"),
    (f'{_v("i_max")}', "Real", 32767.0, IMPLICIT),
    (f'{_v("di_max")}', "LReal", 2147483647.0, IMPLICIT),
]

BITSTRING = [
    (f'SHL(IN := {_v("w_1234")}, N := 4)', "Word", 0x2340, BITS),
    (f'SHR(IN := {_v("w_1234")}, N := 4)', "Word", 0x0123, BITS),
    (f'SHL(IN := {_v("w_1234")}, N := 16)', "Word", 0, BITS),
    (f'SHR(IN := {_v("w_8001")}, N := 15)', "Word", 1, BITS),
    (f'ROL(IN := {_v("w_8001")}, N := 1)', "Word", 0x0003, ROTATE),
    (f'ROR(IN := {_v("w_8001")}, N := 1)', "Word", 0xC000, ROTATE),
    (f'ROL(IN := {_v("dw_8")}, N := 33)', "DWord", 1, ROTATE + "; N beyond the width rotates by N mod 32"),
    (f'ROR(IN := {_v("b_81")}, N := 4)', "Byte", 0x18, ROTATE),
    (f'SHL(IN := {_v("dw_1")}, N := 31)', "DWord", 0x80000000, BITS),
    (f'SHR(IN := {_v("dw_8")}, N := 31)', "DWord", 1, BITS),
    (f'SHR(IN := {_v("i_min")}, N := 15)', "Int", -1, BITS + "; a signed IN is filled with its sign"),
    (f'SHR(IN := {_v("i_max")}, N := 14)', "Int", 1, BITS),
    (f'SHR(IN := {_v("di_m1")}, N := 31)', "DWord", 1,
     BITS + "; into a DWord the DInt is a DWord first: practitioner report of a real S7-1500 (issue 66)", True),
    (f'SWAP({_v("w_1234")})', "Word", 0x3412, BITS),
    (f'SWAP({_v("dw_12345678")})', "DWord", 0x78563412, BITS),
    (f'{_v("w_1234")} AND {_v("w_ff00")}', "Word", 0x1200, LOGIC),
    (f'{_v("w_1234")} OR {_v("w_ff00")}', "Word", 0xFF34, LOGIC),
    (f'{_v("w_1234")} XOR {_v("w_ff00")}', "Word", 0xED34, LOGIC),
    (f'NOT {_v("w_1234")}', "Word", 0xEDCB, LOGIC),
    (f'NOT {_v("b_0f")}', "Byte", 0xF0, LOGIC),
    (f'{_v("b_ff")} AND {_v("b_0f")}', "Byte", 0x0F, LOGIC),
    (f'{_v("w_1234")}.%X2', "Bool", True, SLICE),
    (f'{_v("w_1234")}.%X0', "Bool", False, SLICE),
    (f'{_v("w_1234")}.%B0', "Byte", 0x34, SLICE + "; %B0 is the least significant byte"),
    (f'{_v("w_1234")}.%B1', "Byte", 0x12, SLICE),
    (f'{_v("dw_12345678")}.%W0', "Word", 0x5678, SLICE),
    (f'{_v("dw_12345678")}.%W1', "Word", 0x1234, SLICE),
    (f'{_v("dw_12345678")}.%B3', "Byte", 0x12, SLICE),
    (f'{_v("x_t")} AND NOT {_v("x_f")}', "Bool", True, BOOL),
    (f'{_v("x_t")} XOR {_v("x_t")}', "Bool", False, BOOL),
    (f'{_v("x_f")} OR {_v("x_f")}', "Bool", False, BOOL),
    (f'NOT {_v("x_t")}', "Bool", False, BOOL),
    (f'DECO(IN := {_v("i_7")})', "DWord", 0x80, DECO),
    (f'ENCO(IN := {_v("w_1234")})', "Int", 2, "STEP 7 help ENCO: the lowest set bit's number"),
    (f'{_v("lw_1")}', "LWord", 1, BITS),
]

STRING_ROWS = [
    (f'LEN({_v("s_hello")})', "Int", 5, STRINGS),
    (f'LEN({_v("s_empty")})', "Int", 0, STRINGS),
    (f'CONCAT(IN1 := {_v("s_hello")}, IN2 := {_v("s_world")})', "String", "HelloWorld", STRINGS),
    (f'LEFT(IN := {_v("s_hello")}, L := 2)', "String", "He", STRINGS),
    (f'LEFT(IN := {_v("s_hello")}, L := 9)', "String", "Hello", STRINGS + "; L beyond the length: the whole string"),
    (f'RIGHT(IN := {_v("s_hello")}, L := 3)', "String", "llo", STRINGS),
    (f'MID(IN := {_v("s_hello")}, L := 3, P := 2)', "String", "ell", STRINGS),
    (f'MID(IN := {_v("s_hello")}, L := 9, P := 4)', "String", "lo", STRINGS),
    (f'FIND(IN1 := {_v("s_hello")}, IN2 := \'l\')', "Int", 3, STRINGS),
    (f'FIND(IN1 := {_v("s_hello")}, IN2 := \'z\')', "Int", 0, STRINGS),
    (f'FIND(IN1 := {_v("s_aaa")}, IN2 := \'ca\')', "Int", 3, STRINGS),
    (f'INSERT(IN1 := {_v("s_hello")}, IN2 := \'XY\', P := 2)', "String", "HeXYllo", STRINGS),
    (f'DELETE(IN := {_v("s_hello")}, L := 2, P := 2)', "String", "Hlo", STRINGS),
    (f'REPLACE(IN1 := {_v("s_hello")}, IN2 := \'J\', L := 1, P := 1)', "String", "Jello", STRINGS),
    (f'{_v("s_hello")} = \'Hello\'', "Bool", True, STRINGS),
    (f'{_v("s_hello")} < {_v("s_world")}', "Bool", True, STRINGS + "; compared by character codes"),
    (f'{_v("s_abc")} > \'abC\'', "Bool", True, STRINGS + "; lower case after upper case"),
    (f'{_v("s_hello")}[1]', "Char", "H", STRINGS + "; a String's characters count from 1"),
    (f'{_v("s_hello")}', "String[3]", "Hel", STRINGS + "; a longer string is cut to the declared length"),
    (f'CONCAT(IN1 := {_v("s_abc")}, IN2 := {_v("s_abc")})', "String[4]", "abca", STRINGS),
    (f'{_v("c_a")}', "String", "A", STRINGS + "; a Char into a String"),
    (f'LEN(CONCAT(IN1 := {_v("s_empty")}, IN2 := {_v("s_empty")}))', "Int", 0, STRINGS),
    (f'LEFT(IN := {_v("s_hello")}, L := 0)', "String", "", STRINGS),
    (f'RIGHT(IN := {_v("s_hello")}, L := 5)', "String", "Hello", STRINGS),
]

REALS = [
    (f'{_v("r_01")} + {_v("r_02")}', "Real", _f32(_f32(0.1) + _f32(0.2)), REAL),
    (f'{_v("r_01")} + {_v("r_02")} = {_v("r_03")}', "Bool", True, REAL + "; 0.1 + 0.2 = 0.3 in single precision"),
    (f'{_v("r_01")} + {_v("r_02")} = 0.3', "Bool", True, REAL + "; the constant beside a Real is a Real"),
    (f'{_v("lr_01")} + {_v("lr_02")} = 0.3', "Bool", False, LREAL),
    (f'{_v("r_01")} * 3.0', "Real", _f32(_f32(0.1) * 3.0), REAL),
    (f'{_v("r_1e8")} + {_v("r_1")}', "Real", 1.0e8, REAL + "; 1 is below a Real's resolution at 1E8"),
    (f'{_v("r_1e8")} + {_v("r_1")} - {_v("r_1e8")}', "Real", 0.0, REAL + "; each operation rounds to single"),
    (f'{_v("r_1")} / 3.0', "Real", _f32(1 / 3), REAL),
    (f'{_v("r_1")} / 3.0 * 3.0 = {_v("r_1")}', "Bool", True, REAL),
    (f'{_v("r_big")} * 10.0 > 3.4E38', "Bool", True, IEEE + "; overflow gives +inf"),
    (f'{_v("r_1")} / {_v("r_0")} > 3.4E38', "Bool", True, IEEE),
    (f'{_v("r_m1")} / {_v("r_0")} < -3.4E38', "Bool", True, IEEE),
    (f'{_v("r_0")} / {_v("r_0")} = {_v("r_0")} / {_v("r_0")}', "Bool", False, IEEE),
    (f'{_v("r_0")} / {_v("r_0")} <> {_v("r_0")} / {_v("r_0")}', "Bool", True, IEEE),
    (f'SQRT({_v("r_m1")}) = SQRT({_v("r_m1")})', "Bool", False, IEEE),
    (f'SQRT({_v("r_4")})', "Real", 2.0, MATH),
    (f'SQR({_v("r_25")})', "Real", 6.25, MATH),
    (f'ABS({_v("r_m25")})', "Real", 2.5, MATH),
    (f'EXP({_v("r_0")})', "Real", 1.0, MATH),
    (f'LN({_v("r_1")})', "Real", 0.0, MATH),
    (f'SIN({_v("r_0")})', "Real", 0.0, MATH),
    (f'COS({_v("r_0")})', "Real", 1.0, MATH),
    (f'{_v("r_4")} ** {_v("r_half")}', "Real", 2.0, MATH),
    (f'FRAC({_v("r_25")})', "Real", 0.5, "STEP 7 help FRAC: the fractional part"),
    (f'{_v("r_m25")} < {_v("r_0")}', "Bool", True, REAL),
    (f'{_v("lr_1e300")} * {_v("lr_1e300")} > 1.7E308', "Bool", True, IEEE),
    (f'LREAL_TO_REAL({_v("lr_1e300")}) > 3.4E38', "Bool", True,
     IEEE + "; an LReal beyond a Real's range is +inf as a Real", True),
    (f'{_v("r_big")} + {_v("r_big")} > {_v("r_big")}', "Bool", True, IEEE + "; +inf is greater than any number"),
    (f'-{_v("r_0")} = {_v("r_0")}', "Bool", True, IEEE + "; -0.0 equals 0.0"),
    (f'{_v("r_01")}', "LReal", _f32(0.1), REAL),
    (f'{_v("i_7")} / {_v("r_2") if False else _v("r_4")}', "Real", 1.75, REAL + "; Int / Real is a Real division"),
    (f'{_v("r_27")} + {_v("i_1")}', "Real", _f32(_f32(2.7) + 1), REAL),
    (f'{_v("r_01")} * 0.5 + {_v("r_02")}', "Real", _f32(_f32(0.1) * 0.5 + _f32(0.2)), REAL + "; x * 0.5 is exact"),
    (f'{_v("r_27")} * 0.99 + {_v("r_1e8")}', "Real", _f32(_f32(_f32(2.7) * _f32(0.99)) + 1e8), REAL),
    (f'({_v("r_01")} + {_v("r_02")}) * 0.25', "Real", _f32(_f32(_f32(0.1) + _f32(0.2)) * 0.25), REAL),
]

TIMES = [
    (f'{_v("t_1s")} + {_v("t_1s")}', "Time", 2000, TIME_DEF),
    (f'{_v("t_1s")} - {_v("t_1d")}', "Time", 1000 - 86_400_000, TIME_DEF),
    (f'{_v("t_max")} + {_v("t_1s")}', "Time", 2147483647 + 1000 - 2**32, TIME_DEF + "; wraps as a DInt"),
    (f'{_v("t_1s")} * 3', "Time", 3000, TIME_DEF),
    (f'{_v("t_1s")} / 4', "Time", 250, TIME_DEF),
    (f'{_v("t_m1s")} < {_v("t_1s")}', "Bool", True, TIME_DEF),
    (f'{_v("lt_1s")} + {_v("lt_1ns")}', "LTime", 1_000_000_001, LTIME_DEF),
    (f'{_v("lt_1ms")} + {_v("t_1s")}', "LTime", 1_001_000_000, TIME_ARITH + "; the TIME in ns"),
    (f'{_v("lt_1ns")} * 1000', "LTime", 1000, LTIME_DEF),
    ('LT#1ms500us', "LTime", 1_500_000, LTIME_DEF),
    ('LT#7ns', "LTime", 7, LTIME_DEF),
    ('LT#1us', "LTime", 1000, LTIME_DEF),
    ('LT#1d2h', "LTime", 26 * 3600 * 10**9, LTIME_DEF),
    ('LT#-5s', "LTime", -5 * 10**9, LTIME_DEF),
    ('T#1s500ms', "Time", 1500, TIME_DEF),
    ('T#1.5s', "Time", 1500, TIME_DEF),
    (f'{_v("lt_1s")} > {_v("t_1s")}', "Bool", False, TIME_ARITH + "; compared in ns"),
    (f'{_v("lt_1ms")} < {_v("t_1s")}', "Bool", True, TIME_ARITH),
    (f'{_v("tod_23")} + {_v("t_1s")}', "Time_Of_Day", 23 * 3_600_000 + 1000, TIME_ARITH),
    (f'{_v("tod_23")} + T#2h', "Time_Of_Day", 3_600_000, TIME_ARITH + "; wraps at midnight", True),
    (f'{_v("tod_23")} - {_v("tod_1")}', "Time", 22 * 3_600_000, TIME_ARITH),
    (f'{_v("d_0301")} - {_v("d_0228")}', "Time", 2 * 86_400_000, TIME_ARITH + "; 2024 is a leap year"),
    (f'{_v("d_0228")} + {_v("t_1d")}', "Date", _days(2024, 2, 29), TIME_ARITH + "; whole days (no Siemens table "
     "for DATE + TIME found; thin)", True),
    (f'{_v("d_0228")} + {_v("t_25h")}', "Date", _days(2024, 2, 29), TIME_ARITH + "; a part day is cut off (thin)",
     True),
    (f'{_v("d_0301")} - {_v("t_1d")}', "Date", _days(2024, 2, 29), TIME_ARITH + "; whole days (thin)", True),
    (f'{_v("d_1990")}', "UInt", 0, DATE_DEF),
    ('D#2024-02-29', "Date", _days(2024, 2, 29), DATE_DEF),
    ('TOD#12:30:15.5', "Time_Of_Day", (12 * 3600 + 30 * 60 + 15) * 1000 + 500, TOD_DEF),
    (f'TIME_TO_DINT({_v("t_25h")})', "DInt", 25 * 3_600_000, TIME_DEF),
    (f'{_v("t_1d")} = T#24h', "Bool", True, TIME_DEF),
]

SELECTION = [
    (f'SEL(G := {_v("x_t")}, IN0 := {_v("i_1")}, IN1 := {_v("i_7")})', "Int", 7, SELECT),
    (f'SEL(G := {_v("x_f")}, IN0 := {_v("i_1")}, IN1 := {_v("i_7")})', "Int", 1, SELECT),
    (f'MUX(K := {_v("i_1")}, IN0 := {_v("i_m1")}, IN1 := {_v("i_7")}, INELSE := {_v("i_0")})', "Int", 7, SELECT),
    (f'MUX(K := {_v("i_100")}, IN0 := {_v("i_m1")}, IN1 := {_v("i_7")}, INELSE := {_v("i_0")})', "Int", 0,
     SELECT + "; K out of range gives INELSE"),
    (f'LIMIT(MN := {_v("i_0")}, IN := {_v("i_100")}, MX := {_v("i_7")})', "Int", 7, SELECT),
    (f'LIMIT(MN := {_v("i_0")}, IN := {_v("i_m7")}, MX := {_v("i_7")})', "Int", 0, SELECT),
    (f'LIMIT(MN := {_v("i_0")}, IN := {_v("i_2")}, MX := {_v("i_7")})', "Int", 2, SELECT),
    (f'MIN(IN1 := {_v("i_7")}, IN2 := {_v("i_m7")}, IN3 := {_v("i_2")})', "Int", -7, SELECT),
    (f'MAX(IN1 := {_v("i_7")}, IN2 := {_v("i_m7")}, IN3 := {_v("i_2")})', "Int", 7, SELECT),
    (f'MAX(IN1 := {_v("r_25")}, IN2 := {_v("r_27")})', "Real", _f32(2.7), SELECT),
    (f'NORM_X(MIN := 0, VALUE := {_v("i_100")}, MAX := 400)', "Real", 0.25, SCALE),
    (f'NORM_X(MIN := 0.0, VALUE := {_v("r_25")}, MAX := 2.0)', "Real", 1.25, SCALE + "; not clamped"),
    (f'SCALE_X(MIN := 0, VALUE := {_v("r_half")}, MAX := 27648)', "Int", 13824, SCALE),
    (f'SCALE_X(MIN := 0, VALUE := {_v("r_01")}, MAX := 27648)', "Int", 2765,
     SCALE + "; OUT takes the target's type: 2764.8 rounded"),
    (f'SCALE_X(MIN := {_v("i_0")}, VALUE := {_v("r_01")}, MAX := {_v("i_max")})', "Int", 3277, SCALE),
    (f'SCALE_X(MIN := -100.0, VALUE := {_v("r_half")}, MAX := 100.0)', "Real", 0.0, SCALE),
    (f'SCALE_X(MIN := 0, VALUE := {_v("r_01")}, MAX := 27648) / 2', "Int", 1382,
     SCALE + "; the Int result holds no fraction"),
    (f'SCALE_X(MIN := 0, VALUE := {_v("r_01")}, MAX := 27648) MOD 10', "Int", 5, SCALE),
    (f'SCALE_X(MIN := 0, VALUE := {_v("r_01")}, MAX := 27648)', "DInt", 2765, SCALE),
    (f'{_v("i_7")} > {_v("i_2")} AND {_v("i_2")} > {_v("i_0")}', "Bool", True, SELECT),
]

FLOW_EXTRA = """
FUNCTION "Loops" : DInt
VAR_INPUT mode : Int; END_VAR
VAR_TEMP i : Int; n : DInt; e : Int; END_VAR
BEGIN
    #n := 0;
    CASE #mode OF
        1:  FOR #i := 1 TO 10 DO #n := #n + 1; END_FOR;
        2:  FOR #i := 10 TO 1 BY -2 DO #n := #n + 1; END_FOR;
        3:  FOR #i := 1 TO 0 DO #n := #n + 1; END_FOR;
        4:  FOR #i := 1 TO 10 DO IF #i = 4 THEN EXIT; END_IF; #n := #n + 1; END_FOR;
        5:  FOR #i := 1 TO 10 DO IF #i MOD 2 = 0 THEN CONTINUE; END_IF; #n := #n + 1; END_FOR;
        6:  #e := 5; FOR #i := 1 TO #e DO #e := 1; #n := #n + 1; END_FOR;
        7:  FOR #i := 1 TO 3 DO #n := #n + 1; END_FOR; #n := #n * 100 + #i;
        8:  WHILE #n < 7 DO #n := #n + 1; END_WHILE;
        9:  REPEAT #n := #n + 1; UNTIL TRUE END_REPEAT;
        10: FOR #i := 1 TO 3 BY 1 DO FOR #e := 1 TO 3 DO #n := #n + 1; END_FOR; END_FOR;
        11..13: #n := 11;
        14, 15: #n := 14;
    ELSE
        #n := -1;
    END_CASE;
    #Loops := #n;
END_FUNCTION
"""

FLOWS = [
    ('"Loops"(mode := 1)', "DInt", 10, FLOW),
    ('"Loops"(mode := 2)', "DInt", 5, FLOW),
    ('"Loops"(mode := 3)', "DInt", 0, FLOW),
    ('"Loops"(mode := 4)', "DInt", 3, FLOW),
    ('"Loops"(mode := 5)', "DInt", 5, FLOW),
    ('"Loops"(mode := 6)', "DInt", 5, FOR_END, True),
    ('"Loops"(mode := 7)', "DInt", 304, FLOW + "; after the loop the run variable is end + 1", True),
    ('"Loops"(mode := 8)', "DInt", 7, FLOW),
    ('"Loops"(mode := 9)', "DInt", 1, FLOW + "; REPEAT runs at least once"),
    ('"Loops"(mode := 10)', "DInt", 9, FLOW),
    ('"Loops"(mode := 12)', "DInt", 11, FLOW + "; a CASE range"),
    ('"Loops"(mode := 15)', "DInt", 14, FLOW + "; a CASE list"),
    ('"Loops"(mode := 99)', "DInt", -1, FLOW + "; ELSE"),
]


def _family(name: str, rows: list[tuple[Any, ...]], extra: str = "") -> Family:
    return expression_family(name, rows, INPUTS, extra)


FAMILIES: list[Family] = [
    _family("integers", INTEGER), _family("conversions", CONVERSIONS), _family("bit strings", BITSTRING),
    _family("strings", STRING_ROWS), _family("reals", REALS), _family("times and dates", TIMES),
    _family("selection and scaling", SELECTION), _family("control flow", FLOWS, FLOW_EXTRA),
]

ENO_SOURCE = ("STEP 7 help CONVERT/ROUND (ENO = 0 when the result is outside the permitted range or the input is "
              "invalid), SQRT/LN/EXP (ENO = 0 for an invalid result), LIMIT (ENO = 0 when MN > MX), MUX (ENO = 0 "
              "when K is out of range)")
ENO_EXTRA = """
FUNCTION "Eno" : Bool
VAR_INPUT mode : Int; END_VAR
VAR_TEMP ok : Bool; i : Int; di : DInt; r : Real; w : Word; END_VAR
BEGIN
    #ok := TRUE;
    CASE #mode OF
        1: #i := REAL_TO_INT(IN := "V".r_40000, ENO => #ok);
        2: #i := REAL_TO_INT(IN := "V".r_25, ENO => #ok);
        3: #i := DINT_TO_INT(IN := "V".di_max, ENO => #ok);
        4: #i := DINT_TO_INT(IN := "V".di_7, ENO => #ok);
        5: #w := INT_TO_WORD(IN := "V".i_m1, ENO => #ok);
        6: #r := SQRT(IN := "V".r_m1, ENO => #ok);
        7: #r := SQRT(IN := "V".r_4, ENO => #ok);
        8: #r := LN(IN := "V".r_0, ENO => #ok);
        9: #i := LIMIT(MN := "V".i_7, IN := "V".i_2, MX := "V".i_0, ENO => #ok);
        10: #i := LIMIT(MN := "V".i_0, IN := "V".i_2, MX := "V".i_7, ENO => #ok);
        11: #di := TRUNC(IN := "V".r_big, ENO => #ok);
        12: #i := UDINT_TO_INT(IN := "V".udi_max, ENO => #ok);
        13: #r := SQRT(IN := SQRT(IN := "V".r_m1), ENO => #ok);
        14: #i := MUX(K := "V".i_100, IN0 := "V".i_1, IN1 := "V".i_2, INELSE := "V".i_7, ENO => #ok);
        15: #i := MUX(K := "V".i_1, IN0 := "V".i_1, IN1 := "V".i_2, INELSE := "V".i_7, ENO => #ok);
        16: #i := MUX(K := "V".i_2, IN0 := "V".i_1, IN1 := "V".i_2, ENO => #ok);
    END_CASE;
    #Eno := #ok;
END_FUNCTION
"""
ENO_ROWS = [
    ('"Eno"(mode := 1)', "Bool", False, ENO_SOURCE + "; 40000.0 is outside Int"),
    ('"Eno"(mode := 2)', "Bool", True, ENO_SOURCE),
    ('"Eno"(mode := 3)', "Bool", False, ENO_SOURCE + "; a DInt outside Int"),
    ('"Eno"(mode := 4)', "Bool", True, ENO_SOURCE),
    ('"Eno"(mode := 5)', "Bool", True, ENO_SOURCE + "; a bit string takes the bits"),
    ('"Eno"(mode := 6)', "Bool", False, ENO_SOURCE + "; SQRT of a negative number"),
    ('"Eno"(mode := 7)', "Bool", True, ENO_SOURCE),
    ('"Eno"(mode := 8)', "Bool", False, ENO_SOURCE + "; LN(0)"),
    ('"Eno"(mode := 9)', "Bool", False, ENO_SOURCE + "; MN > MX"),
    ('"Eno"(mode := 10)', "Bool", True, ENO_SOURCE),
    ('"Eno"(mode := 11)', "Bool", False, ENO_SOURCE + "; 3E38 is outside DInt"),
    ('"Eno"(mode := 12)', "Bool", False, ENO_SOURCE + "; a UDInt outside Int"),
    ('"Eno"(mode := 13)', "Bool", False, ENO_SOURCE + "; an invalid (NaN) result, whatever the input", True),
    ('"Eno"(mode := 14)', "Bool", False, ENO_SOURCE + "; MUX: K selects no input (INELSE given)", True),
    ('"Eno"(mode := 15)', "Bool", True, ENO_SOURCE),
    ('"Eno"(mode := 16)', "Bool", False, ENO_SOURCE + "; MUX: K selects no input"),
]
FAMILIES.append(_family("eno", ENO_ROWS, ENO_EXTRA))
