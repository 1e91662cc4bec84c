"""SCL front end: lexer, parser and typed AST (the checker is ``engineering_api.rules.compiler``).

It lives beside the SimaticML library because SCL is what SimaticML's SCL networks hold; the block
generator validates network text with it, and the checker (``engineering_api.rules.compiler``, which both adapters
and ``plc check`` use) builds on its AST.

    from simatic_xml.scl import parse, parse_file
    src = parse(text)            # -> ast.SourceFile; raises SclSyntaxError
    for block in src.blocks: ...
"""
from . import ast
from .errors import ClassicSclNotSupportedError, SclError, SclSyntaxError
from .lexer import Token, source_lines, tokenize
from .parser import parse, parse_expression, parse_file, parse_network, parse_statements, read_source

__all__ = [
    "ast", "parse", "parse_expression", "parse_file", "parse_network", "parse_statements", "read_source",
    "source_lines", "tokenize",
    "Token", "SclError", "SclSyntaxError", "ClassicSclNotSupportedError",
]
