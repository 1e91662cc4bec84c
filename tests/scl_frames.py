"""SCL frames the tests' programs share: the cycle OB that runs a program, the FB with a Start input and a Running
output. Each returns the source text a client would send, one statement a line, indented as TIA writes it."""

from __future__ import annotations

__all__ = ("main_ob", "start_running_fb")


def _body(statements: tuple[str, ...]) -> str:
    return "".join(f"   {statement}\n" for statement in statements)


def main_ob(*statements: str) -> str:
    """``ORGANIZATION_BLOCK "Main"`` (the program cycle OB, optimized access) running ``statements``."""
    return (
        'ORGANIZATION_BLOCK "Main"\n'
        "{ S7_Optimized_Access := 'TRUE' }\n"
        "BEGIN\n"
        f"{_body(statements)}"
        "END_ORGANIZATION_BLOCK\n"
    )


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
