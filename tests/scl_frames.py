"""SCL frames the tests' programs share: a global DB, an instance DB, an organization block (the cycle OB that runs
a program), the FB with a Start input and a Running output. Each returns the source text a client would send, one
declaration or statement a line, indented as TIA writes it; every block has optimized access, TIA's default."""

from __future__ import annotations

__all__ = ("global_db", "instance_db", "main_ob", "organization_block", "start_running_fb")

_OPTIMIZED = "{ S7_Optimized_Access := 'TRUE' }\n"


def _body(statements: tuple[str, ...]) -> str:
    return "".join(f"   {statement}\n" for statement in statements)


def organization_block(name: str, *statements: str) -> str:
    """``ORGANIZATION_BLOCK name`` running ``statements`` (which OB it is follows from the name: ``Main`` the
    program cycle, ``Startup`` the startup OB)."""
    return f'ORGANIZATION_BLOCK "{name}"\n{_OPTIMIZED}BEGIN\n{_body(statements)}END_ORGANIZATION_BLOCK\n'


def main_ob(*statements: str) -> str:
    """``ORGANIZATION_BLOCK "Main"`` (the program cycle OB) running ``statements``."""
    return organization_block("Main", *statements)


def global_db(name: str, *members: str) -> str:
    """``DATA_BLOCK name`` holding ``members`` in its ``VAR`` section, each a declaration without its semicolon
    (``"raw : Int"``, ``"count : Int := 5"``; several on one line as ``"a : Bool; b : Int"``)."""
    declarations = "".join(f"      {member};\n" for member in members)
    return f'DATA_BLOCK "{name}"\n{_OPTIMIZED}   VAR\n{declarations}   END_VAR\nBEGIN\nEND_DATA_BLOCK\n'


def instance_db(name: str, block: str) -> str:
    """``DATA_BLOCK name`` of the FB ``block`` (its instance DB)."""
    return f'DATA_BLOCK "{name}"\n{_OPTIMIZED}"{block}"\nBEGIN\nEND_DATA_BLOCK\n'


def start_running_fb(name: str, *statements: str) -> str:
    """``FUNCTION_BLOCK name`` with the Bool input ``Start`` and the Bool output ``Running``, running ``statements``."""
    return (
        f'FUNCTION_BLOCK "{name}"\n'
        "VERSION : 0.1\n"
        "   VAR_INPUT\n"
        "      Start : Bool;\n"
        "   END_VAR\n"
        "   VAR_OUTPUT\n"
        "      Running : Bool;\n"
        "   END_VAR\n"
        "BEGIN\n"
        f"{_body(statements)}"
        "END_FUNCTION_BLOCK\n"
    )
