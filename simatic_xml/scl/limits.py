"""TIA's size limits for one code block, checked on the SCL text before any parsing.

TIA refuses to compile or download a code block (OB, FB, FC) that does not fit the CPU. The S7-1500
technical specifications give the largest code block, counted in the CPU's code work memory:

* **S7-1500: 512 KB per code block** ("Blocks > OB/FB/FC > Size, max.: 512 kbyte" in the technical
  specifications of the S7-1500 CPU manuals, e.g. CPU 1516-3 PN/DP, Equipment Manual, A5E02839777; the
  smallest CPUs are further bounded by their whole code work memory, e.g. 150 KB on a CPU 1511). S7-1200
  blocks are smaller still (their whole code work memory is below that). That a CPU defines such a limit
  per block is also how Siemens' system status list reports it: SSL-ID W#16#xy15 ("Block types") gives,
  per block type, "MaxAbl: maximum length of the work memory part of a block in bytes" (System Software
  for S7-300/400, System and Standard Functions, A5E00739858-01, section 33.9).

The compiled size is only known after compiling, and the point of the check is to refuse a block before
that work. So the text is measured instead, with bounds derived from the documented limit:

* **statements** (each ``;`` outside comments and strings ends one): at most
  ``CODE_BLOCK_MAX_BYTES // MIN_BYTES_PER_STATEMENT``. The divisor is this service's assumption, not a
  Siemens figure: a statement that does anything compiles to at least a load and a store, two MC7+
  instruction words of 4 bytes. With it, a block at the statement limit would still need the whole 512 KB.
* **source text**: at most ``MAX_SOURCE_CHARS`` characters, eight characters of text per byte of code; a
  guard against text that is all comments or one endless expression, generous for real blocks (TIA
  blocks at the code limit hold well under that).

:class:`BlockTooLargeError` names the limit, the number found and the next step. It is a
:class:`~simatic_xml.errors.SclError`, so callers that map SCL errors keep working; the service maps it to
422 ``BLOCK_TOO_LARGE``.
"""

from __future__ import annotations

from ..errors import SclError
from ..scl_blanking import blank_comments_and_strings

__all__ = (
    "CODE_BLOCK_MAX_BYTES",
    "MAX_SOURCE_CHARS",
    "MAX_STATEMENTS",
    "MIN_BYTES_PER_STATEMENT",
    "BlockTooLargeError",
    "check_block_size",
    "check_document_size",
    "count_statements",
)

CODE_BLOCK_MAX_BYTES = 512 * 1024
"""Largest S7-1500 code block (OB/FB/FC) in code work memory, from the CPU technical specifications."""
MIN_BYTES_PER_STATEMENT = 8
"""Assumed smallest compiled size of a statement: two MC7+ instruction words (a load and a store)."""
MAX_STATEMENTS = CODE_BLOCK_MAX_BYTES // MIN_BYTES_PER_STATEMENT
"""65,536 statements per code block."""
MAX_SOURCE_CHARS = 8 * CODE_BLOCK_MAX_BYTES
"""4 Mi characters of SCL text per code block."""



class BlockTooLargeError(SclError):
    """A code block's SCL exceeds TIA's block size limit (see the module); ``limit`` and ``found`` say by how much."""

    code = "BLOCK_TOO_LARGE"

    def __init__(self, block: str, measure: str, limit: int, found: int) -> None:
        self.block = block
        self.measure = measure
        """``statements`` or ``characters``."""
        self.limit = limit
        self.found = found
        super().__init__(
            f"{block} has {found:,} {measure} of SCL; a code block may have at most {limit:,} (TIA's S7-1500 limit is "
            f"{CODE_BLOCK_MAX_BYTES // 1024} KB of code per block). Split the code into several FCs or FBs and call "
            "them."
        )

    @property
    def details(self) -> dict[str, object]:
        """The wire details of the 422 answer."""
        return {"block": self.block, "measure": self.measure, "limit": self.limit, "found": self.found,
                "codeBlockMaxBytes": CODE_BLOCK_MAX_BYTES}


def count_statements(text: str) -> int:
    """Statements in SCL ``text``: the ``;`` outside comments, strings and quoted names (one linear pass)."""
    if ";" not in text:
        return 0
    if not any(c in text for c in ("//", "(*", "/*", "'", '"')):
        return text.count(";")
    # Comments (nested ones too), strings and quoted names may hold ';' that ends nothing.
    return blank_comments_and_strings(text).count(";")


def check_block_size(texts: list[str] | str, block: str = "the block") -> None:
    """Refuse a block whose SCL (one text, or all its networks) is over the limits, before it is parsed.

    Raises:
        BlockTooLargeError: too many characters or statements for one code block.
    """
    parts = [texts] if isinstance(texts, str) else texts
    statements = sum(count_statements(t) for t in parts)
    if statements > MAX_STATEMENTS:
        raise BlockTooLargeError(block, "statements", MAX_STATEMENTS, statements)
    chars = sum(len(t) for t in parts)
    if chars > MAX_SOURCE_CHARS:
        raise BlockTooLargeError(block, "characters", MAX_SOURCE_CHARS, chars)


def check_document_size(data: bytes, source: str = "the document") -> None:
    """Refuse a SimaticML document whose SCL networks are over the statement limit, before it is parsed.

    The statements are the ``;`` tokens of its StructuredText, counted in one scan of the bytes.

    Raises:
        BlockTooLargeError: too many statements for one code block.
    """
    if b"StructuredText" not in data:
        return
    # A statement's ';' is a <Token Text=";"/> of its StructuredText (comments and strings are elements of their
    # own, whose text is content, not a Text attribute); counting the attribute is one C-speed pass per quote style.
    statements = data.count(b'Text=";"') + data.count(b"Text=';'")
    if statements > MAX_STATEMENTS:
        raise BlockTooLargeError(source, "statements", MAX_STATEMENTS, statements)
