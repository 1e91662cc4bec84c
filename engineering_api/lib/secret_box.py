"""Secrets at rest: Fernet (``cryptography``) with a key file of its own in the data directory.

The key file (mode 0600, created on first use) is apart from the database, so a copy of the database alone does
not reveal what was stored encrypted in it. Used for the assistant provider's API key and the runtime
connections' OPC UA passwords; each keeps its own key file.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from cryptography.fernet import Fernet

__all__ = ("SecretBox", "fernet_for")


def fernet_for(data_dir: Path, key_file: str) -> Fernet:
    """The Fernet of ``data_dir/key_file``, making the key on first use (two first users share one key)."""
    from cryptography.fernet import Fernet  # here: the server's start does not load cryptography

    path = data_dir / key_file
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another request created it first; read theirs
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(Fernet.generate_key())
    os.chmod(path, 0o600)
    return Fernet(path.read_bytes().strip())


class SecretBox:
    """Encrypts and decrypts short secrets with one key file."""

    def __init__(self, data_dir: Path, key_file: str) -> None:
        self._data_dir = data_dir
        self._key_file = key_file

    def encrypt(self, secret: str) -> str:
        return fernet_for(self._data_dir, self._key_file).encrypt(secret.encode()).decode()

    def decrypt(self, token: str) -> str | None:
        """The secret, or None when the key file was replaced (the secret is lost and must be entered again)."""
        from cryptography.fernet import InvalidToken

        try:
            return fernet_for(self._data_dir, self._key_file).decrypt(token.encode()).decode()
        except InvalidToken:
            return None
