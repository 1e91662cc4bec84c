"""ASGI entry for servers: ``engineering_api.asgi:create`` (factory), configured by environment."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from litestar import Litestar

__all__ = ("create",)


def create() -> Litestar:
    """The app from ``ENGINEERING_API_*`` settings."""
    from engineering_api.app import create_app
    from engineering_api.config import Settings

    return create_app(Settings.from_env())
