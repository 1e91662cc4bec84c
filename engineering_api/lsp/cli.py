"""The ``lsp`` command: ``engineering-api lsp`` serves the Language Server Protocol over standard input/output."""

from __future__ import annotations

import argparse

__all__ = ("add_arguments", "run")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stdio", action="store_true",
                        help="serve over standard input and output (the default and only transport; accepted "
                             "because editors' LSP clients pass it)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from .server import start

    return start()
