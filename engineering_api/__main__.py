"""``python -m engineering_api``: the ``engineering-api`` command, for an editor or a script that knows the Python
interpreter rather than where pip put the console script (the VS Code extension's ``engineeringApi.python``)."""

import sys

from engineering_api.cli import main

sys.exit(main())
