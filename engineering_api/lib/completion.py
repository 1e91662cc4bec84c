"""Shell completion scripts generated from the command line's argparse parser (``engineering-api completion``).

bash and zsh come from shtab, which walks an argparse parser and writes both; shtab has no fish writer, so
:func:`fish_script` walks the same parser into fish's ``complete`` commands (fish's own documentation, "Writing
your own completions": ``-n`` conditions with ``__fish_use_subcommand`` / ``__fish_seen_subcommand_from``,
``-l``/``-s`` for options, ``-x -a`` for an option's choices).
"""

from __future__ import annotations

import argparse
from typing import Iterable, Iterator

__all__ = ("SHELLS", "completion_script", "fish_script")

SHELLS = ("bash", "zsh", "fish")


def completion_script(parser: argparse.ArgumentParser, shell: str) -> str:
    """The completion script of ``parser`` for ``shell`` (one of :data:`SHELLS`)."""
    if shell == "fish":
        return fish_script(parser)
    import shtab

    return str(shtab.complete(parser, shell=shell))


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, tuple[argparse.ArgumentParser, str]]:
    """The subcommands of ``parser``: name -> (its parser, its help)."""
    found: dict[str, tuple[argparse.ArgumentParser, str]] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
            for name, sub in action.choices.items():
                found[name] = (sub, helps.get(name, ""))
    return found


def _walk(parser: argparse.ArgumentParser, path: tuple[str, ...]
          ) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser,
                              dict[str, tuple[argparse.ArgumentParser, str]]]]:
    subs = _subcommands(parser)
    yield path, parser, subs
    for name, (sub, _) in subs.items():
        yield from _walk(sub, (*path, name))


def _quote(text: str) -> str:
    """A fish single-quoted string (backslash and quote escaped, as fish reads them inside single quotes)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _condition(path: tuple[str, ...], subs: Iterable[str]) -> str:
    """The fish condition true when the command line has walked ``path`` and not gone further."""
    if not path:
        return "__fish_use_subcommand"
    parts = [f"__fish_seen_subcommand_from {name}" for name in path]
    names = " ".join(subs)
    if names:
        parts.append(f"not __fish_seen_subcommand_from {names}")
    return "; and ".join(parts)


def fish_script(parser: argparse.ArgumentParser) -> str:
    """fish ``complete`` commands for every subcommand and option of ``parser``."""
    prog = parser.prog
    lines = [f"# fish completion for {prog}, generated from its argument parser ({prog} completion fish)",
             f"complete -c {prog} -e"]
    for path, node, subs in _walk(parser, ()):
        condition = _quote(_condition(path, subs))
        for name, (_, help_text) in subs.items():
            lines.append(f"complete -c {prog} -f -n {condition} -a {name} -d {_quote(help_text)}")
        for action in node._actions:
            if not action.option_strings or action.help == argparse.SUPPRESS:
                continue
            flags = []
            for option in action.option_strings:
                flags.append(f"-l {option[2:]}" if option.startswith("--") else f"-s {option[1:]}")
            choices = ""
            if action.choices is not None:
                choices = " -x -a " + _quote(" ".join(str(choice) for choice in action.choices))
            elif action.nargs != 0:
                choices = " -r"
            described = f" -d {_quote(action.help)}" if action.help else ""
            lines.append(f"complete -c {prog} -n {condition} {' '.join(flags)}{choices}{described}")
    return "\n".join(lines) + "\n"
