"""SCL front end of the fake TIA model: lexer, parser, typed AST and offline check.

    from fakes.scl import parse, parse_file, check_file
    src = parse(text)            # -> ast.SourceFile; raises SclSyntaxError
    for block in src.blocks: ...
"""
from . import ast
from .check import CheckResult, Diagnostic, check_file, check_text
from .errors import ClassicSclNotSupportedError, SclError, SclSyntaxError
from .lexer import Token, tokenize
from .parser import parse, parse_file, read_source

__all__ = [
    "ast", "parse", "parse_file", "read_source", "tokenize", "Token",
    "check_text", "check_file", "CheckResult", "Diagnostic",
    "SclError", "SclSyntaxError", "ClassicSclNotSupportedError",
]
