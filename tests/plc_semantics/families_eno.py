"""ENO families of the semantics suite: a user block's ENO (assigned in SCL, set automatically on an overflow, EN
FALSE) and the ENO of the string instructions, each read through a call's ``ENO => x``."""

from __future__ import annotations

from dataclasses import replace

from tests.plc_semantics.families import INPUTS
from tests.plc_semantics.harness import Family, expression_family
from tests.scl_frames import instance_db

__all__ = ("ENO_FAMILIES",)

EN_ENO = ("STEP 7 help (TIA Portal, S7-1200/S7-1500), 'EN/ENO mechanism': an SCL block may assign its own ENO, "
          "which its caller receives; with EN FALSE the block does not run and ENO is FALSE (Chinese rendering of "
          "the page: whsf66.com/post/4018.html)")
EN_EXPR = (EN_ENO + "; inside an expression too: EN FALSE, so the FC does not run (its in/out n stays 0); "
           "its function value is then the return type's default, 0, as IEC 61131-3 peers document (no Siemens "
           "page on the value found)")
AUTO_ENO = ("STEP 7 help, block property 'Set ENO automatically' (SCL, S7-1200/S7-1500): an error in the block's "
            "processing (an arithmetic overflow, an integer division by 0, an instruction's error) resets its ENO; "
            "without the property only an assignment to ENO does (no Siemens page found in our search corpora)")

AUTO_BLOCKS = """
FUNCTION "AddAuto" : Int
VAR_INPUT a : Int; b : Int; END_VAR
BEGIN
    #AddAuto := #a + #b;
END_FUNCTION

FUNCTION "DivAuto" : Int
VAR_INPUT a : Int; b : Int; END_VAR
BEGIN
    #DivAuto := #a / #b;
END_FUNCTION

FUNCTION "ConvAuto" : Int
VAR_INPUT r : Real; END_VAR
BEGIN
    #ConvAuto := REAL_TO_INT(#r);
END_FUNCTION

FUNCTION "MidAuto" : String
VAR_INPUT p : Int; END_VAR
BEGIN
    #MidAuto := MID(IN := 'Hello', L := 2, P := #p);
END_FUNCTION

FUNCTION "RealDivAuto" : Real
VAR_INPUT a : Real; b : Real; END_VAR
BEGIN
    #RealDivAuto := #a / #b;
END_FUNCTION

FUNCTION "RealMulAuto" : Real
VAR_INPUT a : Real; b : Real; END_VAR
VAR_TEMP x : Real; END_VAR
BEGIN
    #x := #a * #b;
    #RealMulAuto := #x;
END_FUNCTION

FUNCTION "LRealMulAuto" : LReal
VAR_INPUT a : LReal; b : LReal; END_VAR
BEGIN
    #LRealMulAuto := #a * #b + 1.0;
END_FUNCTION

FUNCTION_BLOCK "MulAuto"
VAR_INPUT a : DInt; b : DInt; END_VAR
VAR_OUTPUT p : DInt; END_VAR
BEGIN
    #p := #a * #b;
END_FUNCTION_BLOCK
"""

BLOCK_EXTRA = """
FUNCTION "AddPlain" : Int
VAR_INPUT a : Int; b : Int; END_VAR
BEGIN
    #AddPlain := #a + #b;
END_FUNCTION

FUNCTION "SetsEno" : Int
VAR_INPUT a : Int; END_VAR
BEGIN
    IF #a < 0 THEN
        ENO := FALSE;
    END_IF;
    #SetsEno := #a;
END_FUNCTION

""" + instance_db("MulDb", "MulAuto") + """
FUNCTION "BlockEno" : Bool
VAR_INPUT mode : Int; END_VAR
VAR_TEMP ok : Bool; i : Int; s : String; r : Real; lr : LReal; END_VAR
BEGIN
    #ok := TRUE;
    CASE #mode OF
        1: #i := "AddAuto"(a := "V".i_max, b := "V".i_1, ENO => #ok);
        2: #i := "AddAuto"(a := "V".i_7, b := "V".i_1, ENO => #ok);
        3: #i := "AddPlain"(a := "V".i_max, b := "V".i_1, ENO => #ok);
        4: #i := "DivAuto"(a := "V".i_7, b := "V".i_0, ENO => #ok);
        5: #i := "DivAuto"(a := "V".i_7, b := "V".i_2, ENO => #ok);
        6: #i := "SetsEno"(a := "V".i_m1, ENO => #ok);
        7: #i := "SetsEno"(a := "V".i_1, ENO => #ok);
        8: "MulDb"(a := "V".di_max, b := 2, ENO => #ok);
        9: "MulDb"(a := "V".di_7, b := 2, ENO => #ok);
        10: "MulDb"(EN := "V".x_f, a := "V".di_7, b := 2, ENO => #ok);
        11: #i := "AddAuto"(a := "V".i_min, b := "V".i_m1, ENO => #ok);
        12: #i := "DivAuto"(a := "V".i_min, b := "V".i_m1, ENO => #ok);
        13: #i := "ConvAuto"(r := "V".r_40000, ENO => #ok);
        14: #i := "ConvAuto"(r := "V".r_25, ENO => #ok);
        15: #s := "MidAuto"(p := 0, ENO => #ok);
        16: #s := "MidAuto"(p := 2, ENO => #ok);
        17: #r := "RealDivAuto"(a := "V".r_1, b := "V".r_0, ENO => #ok);
        18: #r := "RealDivAuto"(a := "V".r_1, b := "V".r_4, ENO => #ok);
        19: #r := "RealMulAuto"(a := "V".r_big, b := "V".r_4, ENO => #ok);
        20: #lr := "LRealMulAuto"(a := "V".lr_1e300, b := "V".lr_1e300, ENO => #ok);
        21: #lr := "LRealMulAuto"(a := "V".lr_25, b := "V".lr_25, ENO => #ok);
        22: #i := "AddPlain"(EN := "V".x_f, a := "V".i_7, b := "V".i_1, ENO => #ok) + 1;
        23: #i := "AddPlain"(EN := TRUE, a := "V".i_7, b := "V".i_1, ENO => #ok) + 1;
    END_CASE;
    #BlockEno := #ok;
END_FUNCTION

FUNCTION "Counts" : Int
VAR_IN_OUT n : Int; END_VAR
BEGIN
    #n := #n + 1;
    #Counts := 5;
END_FUNCTION

FUNCTION "EnInExpression" : Int
VAR_INPUT mode : Int; END_VAR
VAR_TEMP n : Int; v : Int; END_VAR
BEGIN
    #n := 0;
    CASE #mode OF
        1: #v := "Counts"(EN := "V".x_f, n := #n) + 1;
        2: #v := "Counts"(EN := TRUE, n := #n) + 1;
        3: #v := ABS(EN := "V".x_f, IN := -7) + 1;
        4: #v := ABS(EN := TRUE, IN := -7) + 1;
    END_CASE;
    #EnInExpression := #n * 100 + #v;
END_FUNCTION
"""

BLOCK_ROWS = [
    ('"BlockEno"(mode := 1)', "Bool", False, AUTO_ENO + "; 32767 + 1 overflows Int", True),
    ('"BlockEno"(mode := 2)', "Bool", True, AUTO_ENO),
    ('"BlockEno"(mode := 3)', "Bool", True, AUTO_ENO + "; without the property an overflow leaves ENO TRUE", True),
    ('"BlockEno"(mode := 4)', "Bool", False, AUTO_ENO + "; 7 / 0", True),
    ('"BlockEno"(mode := 5)', "Bool", True, AUTO_ENO),
    ('"BlockEno"(mode := 6)', "Bool", False, EN_ENO + "; the FC assigned ENO := FALSE"),
    ('"BlockEno"(mode := 7)', "Bool", True, EN_ENO),
    ('"BlockEno"(mode := 8)', "Bool", False, AUTO_ENO + "; an FB: DInt 2147483647 * 2 overflows", True),
    ('"BlockEno"(mode := 9)', "Bool", True, AUTO_ENO),
    ('"BlockEno"(mode := 10)', "Bool", False, EN_ENO + "; EN FALSE"),
    ('"BlockEno"(mode := 11)', "Bool", False, AUTO_ENO + "; -32768 + -1 overflows Int", True),
    ('"BlockEno"(mode := 12)', "Bool", False, AUTO_ENO + "; -32768 / -1 overflows Int", True),
    ('"BlockEno"(mode := 13)', "Bool", False, AUTO_ENO + "; an instruction's error (REAL_TO_INT of 40000.0)", True),
    ('"BlockEno"(mode := 14)', "Bool", True, AUTO_ENO),
    ('"BlockEno"(mode := 15)', "Bool", False, AUTO_ENO + "; an instruction's error (MID with P = 0)", True),
    ('"BlockEno"(mode := 16)', "Bool", True, AUTO_ENO),
    ('"BlockEno"(mode := 17)', "Bool", False, AUTO_ENO + "; a Real division by 0 (inf)", True),
    ('"BlockEno"(mode := 18)', "Bool", True, AUTO_ENO),
    ('"BlockEno"(mode := 19)', "Bool", False, AUTO_ENO + "; 3E38 * 4.0 overflows Real (inf)", True),
    ('"BlockEno"(mode := 20)', "Bool", False, AUTO_ENO + "; 1E300 * 1E300 overflows LReal (inf)", True),
    ('"BlockEno"(mode := 21)', "Bool", True, AUTO_ENO),
    ('"BlockEno"(mode := 22)', "Bool", False, EN_ENO + "; an FC called inside an expression with EN FALSE"),
    ('"BlockEno"(mode := 23)', "Bool", True, EN_ENO + "; an FC called inside an expression with EN TRUE"),
    ('"EnInExpression"(mode := 1)', "Int", 1, EN_EXPR, True),
    ('"EnInExpression"(mode := 2)', "Int", 106, EN_ENO + "; EN TRUE: the FC runs (n + 1) and returns 5"),
    ('"EnInExpression"(mode := 3)', "Int", 1, EN_EXPR.replace("the FC", "ABS"), True),
    ('"EnInExpression"(mode := 4)', "Int", 8, EN_ENO + "; EN TRUE: ABS(-7) = 7"),
    ('"AddAuto"(a := "V".i_max, b := "V".i_1)', "Int", -32768,
     "Int data type: the result wraps around whatever ENO says (S7-1200 System Manual A5E02486680-05, 7.4 Math)"),
    ('"DivAuto"(a := "V".i_7, b := "V".i_0)', "Int", 0,
     "STEP 7 help DIV: a division by 0 gives 0 on S7-1500 (no STOP); ENO is the block's concern"),
]

STRINGS_AG = "S7-1200 System Manual A5E02486680-AG (03/2014), 8.2.4"
STRINGS_02 = "S7-1200 System Manual A5E02486680-02 (11/2009), 6.2, REPLACE/INSERT/DELETE condition tables"
CONCAT = STRINGS_AG + ", Table 8-54 (CONCAT ENO: the result is longer than OUT's maximum length)"
SUBSTRING = (STRINGS_AG + ", LEFT/RIGHT/MID ENO table: L or P <= 0, P beyond IN's maximum length, L longer than "
             "OUT (the table's rows as remembered; the page was not in our corpora)")
EDIT = (STRINGS_02 + ": P beyond IN1, P within IN1 but fewer than L characters left, L < 0 or P <= 0, result "
        "longer than OUT")

S_CONV = "S7-1200 System Manual A5E02486680-05 (11/2011), S_CONV, Tables 8-32 (ENO status) and 8-33 (examples)"

S_CONV_TEXT = (S_CONV.replace("Tables 8-32 (ENO status) and 8-33 (examples)", "Table 8-32 (ENO status)") +
               " from a number to text: ENO 0 when OUT's maximum length cannot hold the characters; the characters "
               "are the type's field (S7-1200 System Manual A5E02486680-AK (09/2016), Table 9-21: Int 6, Real 14)")

STRING_EXTRA = """
FUNCTION "StrEno" : Bool
VAR_INPUT mode : Int; END_VAR
VAR_TEMP ok : Bool; s : String[10]; s4 : String[4]; p : Int; si : SInt; r : Real; END_VAR
BEGIN
    #ok := TRUE;
    CASE #mode OF
        1: #s4 := CONCAT(IN1 := "V".s_hello, IN2 := "V".s_world, ENO => #ok);
        2: #s := CONCAT(IN1 := "V".s_hello, IN2 := "V".s_world, ENO => #ok);
        3: #s := LEFT(IN := "V".s_hello, L := -1, ENO => #ok);
        4: #s := LEFT(IN := "V".s_hello, L := 2, ENO => #ok);
        5: #s4 := RIGHT(IN := "V".s_hello, L := 5, ENO => #ok);
        6: #s := MID(IN := "V".s_hello, L := 2, P := 0, ENO => #ok);
        7: #s := MID(IN := "V".s_hello, L := 2, P := 2, ENO => #ok);
        8: #s := INSERT(IN1 := "V".s_abc, IN2 := 'xy', P := 7, ENO => #ok);
        9: #s := INSERT(IN1 := "V".s_abc, IN2 := 'xy', P := 1, ENO => #ok);
        10: #s4 := INSERT(IN1 := "V".s_abc, IN2 := 'xy', P := 1, ENO => #ok);
        11: #s := DELETE(IN := "V".s_hello, L := 2, P := 9, ENO => #ok);
        12: #s := DELETE(IN := "V".s_hello, L := 2, P := 2, ENO => #ok);
        13: #s := DELETE(IN := "V".s_hello, L := 9, P := 2, ENO => #ok);
        14: #s := REPLACE(IN1 := "V".s_hello, IN2 := 'J', L := 1, P := 1, ENO => #ok);
        15: #s := REPLACE(IN1 := "V".s_hello, IN2 := 'J', L := 1, P := 0, ENO => #ok);
        16: #s := REPLACE(IN1 := "V".s_hello, IN2 := 'XY', L := 3, P := 4, ENO => #ok);
        17: #s4 := REPLACE(IN1 := "V".s_hello, IN2 := 'XY', L := 1, P := 1, ENO => #ok);
        18: #p := FIND(IN1 := "V".s_hello, IN2 := 'z', ENO => #ok);
        19: S_CONV(IN := '12345', OUT => #si, ENO => #ok);
        20: S_CONV(IN := 'A123', OUT => #p, ENO => #ok);
        21: S_CONV(IN := '', OUT => #p, ENO => #ok);
        22: S_CONV(IN := '++123', OUT => #p, ENO => #ok);
        23: S_CONV(IN := '00123AB', OUT => #p, ENO => #ok);
        24: S_CONV(IN := '-00456', OUT => #p, ENO => #ok);
        25: S_CONV(IN := 'x1.5', OUT => #r, ENO => #ok);
        26: S_CONV(IN := '1.23e-4', OUT => #r, ENO => #ok);
        27: S_CONV(IN := "V".i_m1, OUT => #s4, ENO => #ok);
        28: S_CONV(IN := "V".i_min, OUT => #s4, ENO => #ok);
        29: S_CONV(IN := "V".i_max, OUT => #s, ENO => #ok);
        30: S_CONV(IN := "V".r_25, OUT => #s4, ENO => #ok);
        31: S_CONV(IN := "V".r_25, OUT => #s, ENO => #ok);
    END_CASE;
    #StrEno := #ok;
END_FUNCTION
"""

STRING_ROWS = [
    ('"StrEno"(mode := 1)', "Bool", False, CONCAT + "; 10 characters into a String[4]"),
    ('"StrEno"(mode := 2)', "Bool", True, CONCAT),
    ('"StrEno"(mode := 3)', "Bool", False, SUBSTRING + "; LEFT with L < 0", True),
    ('"StrEno"(mode := 4)', "Bool", True, SUBSTRING),
    ('"StrEno"(mode := 5)', "Bool", False, SUBSTRING + "; RIGHT: 5 characters into a String[4]", True),
    ('"StrEno"(mode := 6)', "Bool", False, SUBSTRING + "; MID with P = 0", True),
    ('"StrEno"(mode := 7)', "Bool", True, SUBSTRING),
    ('"StrEno"(mode := 8)', "Bool", False, EDIT + "; INSERT: P beyond IN1 (IN2 appended)"),
    ('"StrEno"(mode := 9)', "Bool", True, EDIT),
    ('"StrEno"(mode := 10)', "Bool", False, EDIT + "; INSERT: 5 characters into a String[4]"),
    ('"StrEno"(mode := 11)', "Bool", False, EDIT + "; DELETE: P beyond IN (IN copied)", True),
    ('"StrEno"(mode := 12)', "Bool", True, EDIT),
    ('"StrEno"(mode := 13)', "Bool", False, EDIT + "; DELETE: fewer than L characters after P", True),
    ('"StrEno"(mode := 14)', "Bool", True, EDIT),
    ('"StrEno"(mode := 15)', "Bool", False, EDIT + "; REPLACE: P = 0"),
    ('"StrEno"(mode := 16)', "Bool", False, EDIT + "; REPLACE: fewer than L characters after P"),
    ('"StrEno"(mode := 17)', "Bool", False, EDIT + "; REPLACE: 6 characters into a String[4]"),
    ('"StrEno"(mode := 18)', "Bool", True, STRINGS_AG + ", FIND: a pattern not found is 0, not an error"),
    ('"StrEno"(mode := 19)', "Bool", False, S_CONV + ": '12345' into a SInt"),
    ('"StrEno"(mode := 20)', "Bool", False, S_CONV + ": 'A123'"),
    ('"StrEno"(mode := 21)', "Bool", False, S_CONV + ": ''"),
    ('"StrEno"(mode := 22)', "Bool", False, S_CONV + ": '++123'"),
    ('"StrEno"(mode := 23)', "Bool", True, S_CONV + ": '00123AB' reads 123"),
    ('"StrEno"(mode := 24)', "Bool", True, S_CONV + ": '-00456'"),
    ('"StrEno"(mode := 25)', "Bool", False, S_CONV + ": a text that starts with no number, into a Real", True),
    ('"StrEno"(mode := 26)', "Bool", True, S_CONV + ": '1.23e-4' into a Real reads 1.23"),
    ('"StrEno"(mode := 27)', "Bool", False, S_CONV_TEXT + ": Int -1 is '    -1', 6 characters, OUT holds 4"),
    ('"StrEno"(mode := 28)', "Bool", False, S_CONV_TEXT + ": Int -32768 is 6 characters, OUT holds 4"),
    ('"StrEno"(mode := 29)', "Bool", True, S_CONV_TEXT + ": Int 32767 is ' 32767' in a String[10]"),
    ('"StrEno"(mode := 30)', "Bool", False, S_CONV_TEXT + ": Real 2.5 is '   2.500000E+0', 14 characters", True),
    ('"StrEno"(mode := 31)', "Bool", False, S_CONV_TEXT + ": '   2.500000E+0' is 14 characters, a String[10] too short",
     True),
]

ENO_FAMILIES: list[Family] = [
    replace(expression_family("block eno", BLOCK_ROWS, INPUTS, BLOCK_EXTRA), auto_eno=AUTO_BLOCKS),
    expression_family("string eno", STRING_ROWS, INPUTS, STRING_EXTRA),
]
