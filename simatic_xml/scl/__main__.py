"""``python -m simatic_xml.scl speed [DIR...]``: the parser's throughput.

There is no ``check`` here: the one SCL checker is ``engineering_api.rules.compiler`` (``engineering-api scl check``),
and simatic_xml, the ground floor, may not import it.
"""
import sys
from collections.abc import Sequence

from .speed import main as speed_main

USAGE = ("usage: python -m simatic_xml.scl speed [DIR_OR_FILE...]\n"
         "(to check SCL sources: engineering-api scl check FILE...)")


def main(argv: Sequence[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if args and args[0] == "speed":
        return speed_main(args[1:])
    print(USAGE, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
