"""The access families of :func:`tests.compiler.mutants.scl_access_mutants` in the contexts its one shape (``IF
#x.mut_m THEN``, after BEGIN) does not reach (issue 89: "the same error deeper in an expression, in a FOR bound"):
each access error of a source's first integer tag ``#x`` is put in a FOR loop's end value and its increment, deep in
an arithmetic expression, in an argument of an instruction call nested in another, in a CASE selector, in a WHILE
condition and in a REPEAT's UNTIL; each mutant is refused at the access's line with its own code, and
each control (the same statement with the tag itself, or its last bit) adds nothing.

* an element of a name (``#x.mut_m``): ``UNKNOWN_MEMBER``; an index (``#x[0]``): ``INDEX_NOT_ARRAY`` (an Int has
  neither);
* the bit past the tag's width (``#x.%X16`` of an Int): ``SLICE_RANGE`` (STEP 7 help, "Slice access": the bits of
  an Int are 0 to 15); control: ``%X15``.

An integer access stands where an integer goes, a bit access where a Bool goes: the statement is otherwise legal,
so the only new finding a check may give is the access's.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from tests.compiler.mutants import Mutant, first_integer_tag

__all__ = ("ACCESSES", "CONTEXTS", "scl_context_mutants")

CONTEXTS: dict[str, tuple[str, str]] = {
    # context -> (kind of value it takes, statement with {e} where the access goes)
    "FOR end value": ("int", "FOR #{x} := 0 TO {e} DO\n   ;\nEND_FOR;"),
    "FOR increment": ("int", "FOR #{x} := 0 TO 10 BY {e} DO\n   ;\nEND_FOR;"),
    "nested expression": ("int", "#{x} := #{x} + (2 * ({e} - 1));"),
    "nested call argument": ("int", "#{x} := ABS(MAX(IN1 := {e}, IN2 := 2));"),
    "CASE selector": ("int", "CASE {e} OF\n   1:\n      ;\nEND_CASE;"),
    "WHILE condition": ("bool", "WHILE NOT ({e} OR TRUE) DO\n   ;\nEND_WHILE;"),
    "REPEAT condition": ("bool", "REPEAT\n   ;\nUNTIL {e} OR TRUE\nEND_REPEAT;"),
}
"""Where an access is put: the statements inserted after the block's BEGIN line."""
ACCESSES: tuple[tuple[str, str, str, str, str], ...] = (
    # (family, kind, refused access, its code, control)
    ("member access", "int", "#{x}.mut_m", "UNKNOWN_MEMBER", "#{x}"),
    ("index access", "int", "#{x}[0]", "INDEX_NOT_ARRAY", "#{x}"),
    ("slice access", "bool", "#{x}.%X{width}", "SLICE_RANGE", "#{x}.%X{last}"),
)


def scl_context_mutants(path: Path, text: str) -> Iterator[Mutant]:
    """Every access of :data:`ACCESSES` in every context of its kind (:data:`CONTEXTS`), in the source's first code
    block, refused at the access's line; each with its control."""
    found = first_integer_tag(text)
    if found is None:
        return
    at, name, width = found
    line = text.count("\n", 0, at) + 1
    for family, kind, access, code, control in ACCESSES:
        for context, (takes, statement) in CONTEXTS.items():
            if takes != kind:
                continue
            for made, expected in ((access, code), (control, None)):
                value = made.format(x=name, width=width, last=width - 1)
                inserted = statement.format(x=name, e=value)
                yield Mutant(f"{family} in {context}", path, (text[:at] + inserted + "\n" + text[at:]).encode("utf-8"),
                             line + statement[:statement.index("{e}")].count("\n"), expected)
