"""Command line checks for CI pipelines: ``scl check``, ``simaticml check``, ``plc check``, ``scl build``, and
``test run FOLDER`` (:mod:`.testrun`), a folder's PLC unit tests offline; ``simaticml textconv`` (:mod:`.textconv`),
an export as text for ``git diff``.

:mod:`engineering_api.ci.report` writes diagnostics as text, JSON, JUnit XML, GitHub Actions workflow
commands or SARIF and gives the exit code (0 clean, 1 findings; 2, a usage error, is returned by the commands).
"""

from __future__ import annotations

__all__ = ("EXIT_CLEAN", "EXIT_FINDINGS", "EXIT_USAGE", "FORMATS")

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
FORMATS = ("text", "json", "junit", "github", "sarif")
