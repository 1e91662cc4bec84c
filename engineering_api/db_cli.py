"""``engineering-api db current | upgrade`` (the service database's schema version) and what ``serve`` says about
the keys in that database."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from engineering_api.config import Settings
from engineering_api.lib.private_files import make_private_dir

if TYPE_CHECKING:
    import argparse

__all__ = ("cmd_db", "keys_message")


def keys_message(settings: Settings, created: Path | None) -> str:
    """What serve says about the keys: only what is true on this node."""
    if created:
        return f"First start: an admin API key was written to {created} (mode 0600). Send it as X-API-Key."
    if settings.secret_path.is_file():
        return f"API keys are in {settings.database_shown}; the first admin key was written to {settings.secret_path}."
    return (f"API keys are in {settings.database_shown}, which had keys already (made by another node or by "
            f"`engineering-api keys create`); no key file was written on this node. Use a key you hold, or create "
            f"one with `engineering-api keys create --role admin --name NAME` on this database.")


def cmd_db(args: argparse.Namespace) -> int:
    """``db current``: the schema's revision; ``db upgrade``: migrate to this build's (as serve does at start)."""
    from engineering_api.lib.db import Database
    from engineering_api.lib.migrate import MigrationError, state, upgrade

    settings = Settings.from_env(data_dir=Path(args.data_dir) if args.data_dir else None, db=args.db)
    if not settings.db:
        make_private_dir(settings.data_dir)
    db = Database(settings.database_target, migrate=False, data_dir=settings.data_dir)
    try:
        before = state(db)
        if args.db_command == "current":
            print(f"{settings.database_shown}: {before.describe()}")
            return 0 if before.up_to_date else 1
        after = upgrade(db)
    except MigrationError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    finally:
        db.close()
    if before.up_to_date:
        print(f"{settings.database_shown}: already at {after.head}; nothing to do")
    else:
        print(f"{settings.database_shown}: upgraded from {before.current or 'no recorded revision'} to {after.head}")
    return 0
