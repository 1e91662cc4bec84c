"""``engineering-api lsp``: a Language Server Protocol server for TIA Portal's SCL over stdio (pygls).

It gives an editor the verdict ``scl check`` gives a pipeline (the same checker, codes, messages and places), with
the workspace folder as the PLC's software (:mod:`.project`), and hover, navigation, completion and quick fixes
from the same program view. Editors: ``docs/editors.md``.
"""

__all__: list[str] = []
