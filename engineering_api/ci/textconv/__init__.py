"""``simaticml textconv FILE``: a SimaticML export as stable, readable text for ``git diff`` (a git diff driver's
``textconv``: ``.gitattributes`` ``*.xml diff=simaticml`` and ``git config diff.simaticml.textconv "engineering-api
simaticml textconv"``, docs/git-and-pipelines.md).

The same object exported twice gives the same bytes (no UIds, IDs, timestamps or export settings; boxes of LAD/FBD
networks numbered by topology), and one changed operand one changed line. :mod:`.document` writes the document,
with :mod:`.interface`, :mod:`.flgnet` and :mod:`.graph`; the reading is :mod:`simatic_xml`'s.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..simaticml_files import read_simaticml
from .document import document_text

__all__ = ("add_arguments", "document_text", "run")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``FILE``: the export to write as text."""
    parser.add_argument("file", metavar="FILE", help="a SimaticML export (block, PLC data type, tag table)")


def run(args: argparse.Namespace) -> int:
    """Write the text of ``args.file`` to standard output (UTF-8); exit 1 with one line on standard error when the
    file cannot be read as SimaticML."""
    from simatic_xml import parse_bytes

    text = read_simaticml(Path(args.file), lambda data: document_text(parse_bytes(data)))
    if text is None:
        return 1
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.buffer.flush()
    return 0
