"""The server's stored UMAC credentials for protected projects: used when an open or retrieve brings none.

The user name and type are kept in ``<data dir>/project-credentials.json`` (mode 0600), the password encrypted with
Fernet (:class:`~engineering_api.lib.secret_box.SecretBox`, its own key file), as the assistant's provider key is. The
password is decrypted only to answer TIA's ``UmacDelegate``; it is never returned (``passwordSet``) or logged.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

from engineering_api.backend.models import ProjectCredentials
from engineering_api.lib.secret_box import SecretBox

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ("ProjectCredentialStore",)

_FILE = "project-credentials.json"
_KEY_FILE = "project-credentials.key"


class ProjectCredentialStore:
    """The stored credentials of one data directory."""

    def __init__(self, data_dir: Path) -> None:
        self._data_dir = data_dir
        self._box = SecretBox(data_dir, _KEY_FILE)

    def save(self, credentials: ProjectCredentials) -> None:
        record = {"user": credentials.user, "userType": credentials.user_type,
                  "password": self._box.encrypt(credentials.password)}
        self._data_dir.mkdir(parents=True, exist_ok=True)
        path = self._data_dir / _FILE
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(record, handle)
        os.chmod(path, 0o600)

    def load(self) -> ProjectCredentials | None:
        """The stored credentials, or None (none stored, or the key file was replaced: enter them again)."""
        path = self._data_dir / _FILE
        if not path.is_file():
            return None
        record = json.loads(path.read_text(encoding="utf-8"))
        password = self._box.decrypt(record["password"])
        if password is None:
            return None
        return ProjectCredentials(user=record["user"], password=password, user_type=record["userType"])

    def clear(self) -> None:
        (self._data_dir / _FILE).unlink(missing_ok=True)
