"""The SCL and LAD/FBD compiler: TIA's semantic checks on a program view, the project's one SCL checker.

Its one entry is :mod:`.check` (:func:`~.check.check_sources`: sources in, diagnostics out), which ``scl check``,
``plc check``, ``simaticml check``, ``scl build``, the language server and the tests use;
:func:`~.check.check_source` is that entry for one SCL text. The REST compile of a PLC's software
(:func:`.plc_compile.compile_software`) checks the stored objects through it too. Every message is bound to its
code in :mod:`simatic_xml.diagnostic_codes`.
"""

from __future__ import annotations

__all__: list[str] = []
