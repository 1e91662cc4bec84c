"""What the formatter changes and what it keeps, one construct at a time (the corpus tests cover whole files)."""

from __future__ import annotations

from simatic_xml.scl_format import format_source


def _formatted(text: str) -> str:
    result = format_source(text)
    assert result.refused is None, result.refused
    assert format_source(result.text).text == result.text
    return result.text


def _fb(decls: str, code: str = "") -> str:
    return f'FUNCTION_BLOCK "A"\nVERSION : 0.1\n{decls}BEGIN\n{code}END_FUNCTION_BLOCK\n'


def test_keywords_used_as_names_keep_their_case() -> None:
    text = _fb("   VAR \n      type : Int;\n   END_VAR\n\n\n",
               '\tif #hdr.type = 1 then "FB"(to := #x.region); end_if;\n')
    assert _formatted(text).endswith('\tIF #hdr.type = 1 THEN "FB"(to := #x.region); END_IF;\nEND_FUNCTION_BLOCK\n')


def test_literals_strings_comments_and_regions_keep_their_text() -> None:
    code = ("\tregion if then // else\n\t#s := 'if then';   (* and or *)\n\t#b := true OR False;\n"
            "\tend_region if then\n")
    assert _formatted(_fb("", code)).endswith(
        "\tREGION if then // else\n\t#s := 'if then';   (* and or *)\n\t#b := true OR False;\n"
        "\tEND_REGION if then\nEND_FUNCTION_BLOCK\n")


def test_a_declaration_tia_writes_is_rebuilt_and_what_it_does_not_is_kept() -> None:
    decls = ("   VAR \n"
             "   a  { S7_SetPoint := 'True'}:BOOL:=TRUE ;//kept\n"
             "    b (* between *) : Int;\n"
             "    c : Array[0..1] of Int := [1,\n"
             "          2];\n"
             "      d : struct   // parts\n"
             "   e : array [ 1 .. 2 , 0..#MAX ] OF \"UDT_X\" ;\n"
             "         end_struct;\n"
             "   END_VAR\n")
    assert _formatted(_fb(decls)).split("BEGIN")[0] == (
        'FUNCTION_BLOCK "A"\nVERSION : 0.1\n   VAR \n'
        "      a { S7_SetPoint := 'True'} : Bool := TRUE;   //kept\n"
        "    b (* between *) : Int;\n"
        "    c : Array[0..1] of Int := [1,\n"
        "          2];\n"
        "      d : Struct   // parts\n"
        '         e : Array[1..2, 0..#MAX] of "UDT_X";\n'
        "      END_STRUCT;\n"
        "   END_VAR\n\n\n")


def test_blank_lines_after_sections_none_between_runs_of_one_section() -> None:
    decls = ("   VAR_INPUT \n      a : Int;\n   END_VAR\n   VAR_INPUT DB_SPECIFIC\n      b : Int;\n   END_VAR\n"
             "   VAR \n      c : Int;\n   END_VAR\n\n\n\n   VAR CONSTANT \n      d : Int := 1;\n   END_VAR\n")
    header = _formatted(_fb(decls)).split("BEGIN")[0]
    assert header.endswith("   END_VAR\n   VAR_INPUT DB_SPECIFIC\n      b : Int;\n   END_VAR\n\n   VAR \n"
                           "      c : Int;\n   END_VAR\n\n   VAR CONSTANT \n      d : Int := 1;\n   END_VAR\n\n\n")


def test_tia_v13_layout_is_kept() -> None:
    text = ('FUNCTION "F" : Void\r\nVERSION : 0.1\r\n\r\nVAR_INPUT \r\n    a:Bool;\r\nEND_VAR\r\n\r\n'
            "BEGIN\r\n#a := FALSE;\r\nEND_FUNCTION\r\n")
    assert _formatted(text) == text.replace("    a:Bool;", "  a : Bool;")


def test_a_data_blocks_start_values_are_three_blanks_in() -> None:
    text = ('DATA_BLOCK "D"\nVERSION : 0.1\nNON_RETAIN\n"FB_X"\nBEGIN\nt.PT:=T#5S;  // five\n'
            "arr[1,2]  :=  16#FF ;\n\n\nEND_DATA_BLOCK\n")
    assert _formatted(text) == ('DATA_BLOCK "D"\nVERSION : 0.1\nNON_RETAIN\n"FB_X"\nBEGIN\n   t.PT := T#5S;   // five\n'
                                "   arr[1, 2] := 16#FF;\n\nEND_DATA_BLOCK\n")


def test_line_endings_bom_and_header_words() -> None:
    text = '\ufeffFUNCTION "F" : void\ntitle = My title\r\nversion:0.1\r\nBEGIN\r\nreturn;\r\nEND_FUNCTION\r\n'
    assert _formatted(text) == ('\ufeffFUNCTION "F" : Void\r\nTITLE = My title\r\nVERSION : 0.1\r\nBEGIN\r\n'
                                "RETURN;\r\nEND_FUNCTION\r\n")


def test_what_does_not_parse_is_left_alone_with_the_reason() -> None:
    for text, why in (('FUNCTION_BLOCK "A"\nBEGIN\n  IF #a THEN\n', "expected END_IF"),
                      ("", "no block"),
                      ("\x00\x01SQLite", "unexpected character")):
        result = format_source(text)
        assert (result.text, result.changed) == (text, False)
        assert result.refused is not None and why in result.refused


def test_a_source_naming_its_locals_without_hash_is_left_alone() -> None:
    text = ('FUNCTION "F" : Int\nVAR_TEMP\n  len : Int;\nEND_VAR\nBEGIN\n  len := LEN(IN := \'ab\');\n  F := '
            'len;\nEND_FUNCTION\n')
    result = format_source(text)
    assert result.refused is not None and "local len without '#' (line 6)" in result.refused
    assert format_source(text.replace("  len :=", "  #len :=").replace("F := len", "#F := #len")).refused is None
