"""``python -m simatic_xml.scl check FILE...`` / ``python -m simatic_xml.scl speed [DIR...]``."""
import sys
from collections.abc import Sequence

from .check import main as check_main
from .speed import main as speed_main


def main(argv: Sequence[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if args and args[0] == "check":
        return check_main(args[1:])
    if args and args[0] == "speed":
        return speed_main(args[1:])
    print("usage: python -m simatic_xml.scl check FILE... | speed [DIR_OR_FILE...]")
    return 2


if __name__ == "__main__":
    sys.exit(main())
