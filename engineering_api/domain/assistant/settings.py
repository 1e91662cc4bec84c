"""The assistant's provider settings: stored in the ``kv`` table, the API key encrypted with Fernet.

The Fernet key lives in its own file in the data directory (mode 0600, created on first use), so a copy of
the database alone does not reveal the provider key. The key is decrypted only to call the provider; it is
never returned by a route (the settings show ``apiKeySet``), never put into an error and never logged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, Literal

import msgspec

from engineering_api.backend.errors import NotSupportedError
from engineering_api.domain.assistant.endpoint import check_api_key, check_base_url
from engineering_api.errors import codes
from engineering_api.lib.db import KeyValueStore
from engineering_api.lib.secret_box import fernet_for
from engineering_api.lib.schema import CamelStruct, utc_now

if TYPE_CHECKING:
    from pathlib import Path

    from cryptography.fernet import Fernet

    from engineering_api.services import Services

__all__ = (
    "DEFAULT_BASE_URLS", "SETTINGS_ROUTE", "AssistantSettingsInput", "AssistantSettingsView", "ProviderConfig",
    "SettingsStore", "settings_store",
)

SETTINGS_ROUTE = "/api/assistant/settings"
KEY_FILE = "assistant-secret.key"
Provider = Literal["openai", "anthropic"]
DEFAULT_BASE_URLS = {"openai": "https://api.openai.com/v1", "anthropic": "https://api.anthropic.com"}
_Url = Annotated[str, msgspec.Meta(pattern=r"^https?://[^\s/?#]+[^\s]*$", max_length=2000)]


class AssistantSettingsInput(CamelStruct):
    """The model provider the assistant talks to (admin only)."""

    provider: Provider
    """``openai`` for any OpenAI-compatible chat-completions endpoint (OpenAI, Ollama, vLLM, LM Studio, Groq,
    Mistral), ``anthropic`` for Anthropic's Messages API."""
    model: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    base_url: _Url | None = None
    """Up to the API version, e.g. ``http://127.0.0.1:11434/v1`` (Ollama); default the vendor's public API."""
    api_key: Annotated[str, msgspec.Meta(max_length=4096)] | None = None
    """Stored encrypted, never shown again. Omit (or null) to keep the stored key; ``""`` removes it."""
    max_tokens: Annotated[int, msgspec.Meta(ge=1, le=200_000)] = 4096
    timeout_seconds: Annotated[float, msgspec.Meta(ge=1, le=600)] = 120.0
    """How long one provider call may take (local models can be slow)."""


class AssistantSettingsView(CamelStruct):
    """The provider settings as shown: the API key only as ``apiKeySet``."""

    configured: bool
    provider: str | None = None
    model: str | None = None
    base_url: str | None = None
    api_key_set: bool = False
    max_tokens: int | None = None
    timeout_seconds: float | None = None
    updated_at: str | None = None


@dataclass(frozen=True)
class ProviderConfig:
    """Everything needed to call a provider; ``repr`` leaves the key out, so it cannot reach a log."""

    provider: str
    base_url: str
    model: str
    api_key: str | None = field(default=None, repr=False)
    max_tokens: int = 4096
    timeout_seconds: float = 120.0


def _fernet(data_dir: Path) -> Fernet:
    return fernet_for(data_dir, KEY_FILE)


class SettingsStore:
    """Reads and writes the provider settings of one data directory."""

    def __init__(self, services: Services) -> None:
        self._kv = KeyValueStore(services.db, "assistant.")
        self._data_dir = services.settings.data_dir

    def _raw(self) -> dict[str, Any] | None:
        value = self._kv.get("settings")
        return value if isinstance(value, dict) else None

    def view(self) -> AssistantSettingsView:
        """What ``GET /api/assistant/settings`` shows."""
        raw = self._raw()
        if raw is None:
            return AssistantSettingsView(configured=False)
        return AssistantSettingsView(
            configured=True, provider=raw["provider"], model=raw["model"], base_url=raw["baseUrl"],
            api_key_set=bool(raw.get("apiKey")), max_tokens=raw["maxTokens"], timeout_seconds=raw["timeoutSeconds"],
            updated_at=raw.get("updatedAt"),
        )

    def save(self, given: AssistantSettingsInput) -> AssistantSettingsView:
        """Store the settings; an omitted key keeps the stored one (only for the same provider and URL).

        Raises:
            ValidationError: a link-local or cloud-metadata ``baseUrl``, an ``apiKey`` that is not visible ASCII.
        """
        check_base_url(given.base_url)
        check_api_key(given.api_key)
        old = self._raw() or {}
        base_url = (given.base_url or DEFAULT_BASE_URLS[given.provider]).rstrip("/")
        token = old.get("apiKey")
        if given.api_key is not None:
            token = self._encrypt(given.api_key) if given.api_key else None
        elif (old.get("provider"), old.get("baseUrl")) != (given.provider, base_url):
            token = None  # a key is for one endpoint: never send it to another one it was not entered for
        self._kv.set("settings", {
            "provider": given.provider, "model": given.model, "baseUrl": base_url, "apiKey": token,
            "maxTokens": given.max_tokens, "timeoutSeconds": given.timeout_seconds, "updatedAt": utc_now(),
        })
        return self.view()

    def clear(self) -> bool:
        """Forget the settings; returns whether there were any."""
        return self._kv.delete("settings")

    def config(self) -> ProviderConfig | None:
        """The stored settings with the key decrypted, or None when none are stored."""
        raw = self._raw()
        if raw is None:
            return None
        return ProviderConfig(
            provider=raw["provider"], base_url=raw["baseUrl"], model=raw["model"],
            api_key=self._decrypt(raw["apiKey"]) if raw.get("apiKey") else None,
            max_tokens=raw["maxTokens"], timeout_seconds=raw["timeoutSeconds"],
        )

    def require(self) -> ProviderConfig:
        """The stored settings.

        Raises:
            NotSupportedError: NO_ASSISTANT_PROVIDER (501) when an admin has not configured one.
        """
        config = self.config()
        if config is None:
            raise NotSupportedError(
                f"No AI provider is configured for the assistant; an admin sets one with PUT {SETTINGS_ROUTE} "
                "({provider: openai|anthropic, model, baseUrl, apiKey})", code=codes.NO_ASSISTANT_PROVIDER,
                details={"settingsRoute": SETTINGS_ROUTE})
        return config

    def _encrypt(self, secret: str) -> str:
        return _fernet(self._data_dir).encrypt(secret.encode()).decode()

    def _decrypt(self, token: str) -> str | None:
        from cryptography.fernet import InvalidToken  # here: the server's start does not load cryptography

        try:
            return _fernet(self._data_dir).decrypt(token.encode()).decode()
        except InvalidToken:
            return None  # the key file was replaced: the stored key is lost, the admin enters it again


def settings_store(services: Services) -> SettingsStore:
    """The settings store of ``services``."""
    return SettingsStore(services)
