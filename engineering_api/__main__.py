"""``python -m engineering_api``: the ``engineering-api`` command, for an editor or a script that knows the Python
interpreter rather than where pip put the console script (the VS Code extension's ``engineeringApi.python``)."""

import sys

from engineering_api.cli import main

if __name__ == "__main__":  # importing the package's modules (the declaration tests do) runs nothing
    sys.exit(main())
