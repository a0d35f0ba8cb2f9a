"""Settings of the embedded chat widget (env prefix ``API_WIDGET_``).

The platform's backend and the api share ``secret`` (or a file holding it, ``secret_file``): the
backend signs short-lived user tokens with it, the api verifies them. Without a secret the api
runs anonymous chat only and refuses tokens with a message saying so. ``demo`` (off by default;
``make run`` turns it on) serves ``/demo``, a fake platform page signed in as a demo user.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["MIN_SECRET_CHARS", "WidgetSettings"]

# An HMAC-SHA256 key should carry at least 128 bits; 32 characters of any sane alphabet do.
MIN_SECRET_CHARS = 32


class WidgetSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="API_WIDGET_", env_file=".env", extra="ignore")

    secret: SecretStr | None = None
    secret_file: Path | None = None
    # Clock difference tolerated between the platform's servers and the api.
    token_leeway_seconds: int = Field(30, ge=0, le=300)
    # A token may not expire later than this after it is presented: tokens are short-lived.
    token_max_lifetime_seconds: int = Field(3600, ge=60, le=86_400)
    # Origins whose pages may call the chat endpoints from the browser ("*": any page; the
    # widget authenticates with a header, never a cookie, so no credentials are shared).
    allowed_origins: list[str] = Field(default_factory=lambda: ["*"])
    demo: bool = False
    demo_user_id: str = "demo-alice"
    demo_display_name: str = "Alice"
    demo_token_seconds: int = Field(600, ge=60, le=3600)

    @model_validator(mode="after")
    def _one_secret_source(self) -> WidgetSettings:
        if self.secret is not None and self.secret_file is not None:
            raise ValueError("set API_WIDGET_SECRET or API_WIDGET_SECRET_FILE, not both")
        if self.secret is not None:
            _check_length(self.secret.get_secret_value(), "API_WIDGET_SECRET")
        return self

    def signing_key(self) -> bytes | None:
        """The shared secret as bytes, or None when signed-in chat is off."""
        if self.secret is not None:
            return self.secret.get_secret_value().encode()
        if self.secret_file is None:
            return None
        try:
            value = self.secret_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ValueError(
                f"API_WIDGET_SECRET_FILE {self.secret_file} cannot be read: {exc.strerror}"
            ) from exc
        _check_length(value, f"the secret in API_WIDGET_SECRET_FILE {self.secret_file}")
        return value.encode()


def _check_length(value: str, name: str) -> None:
    if len(value) < MIN_SECRET_CHARS:
        raise ValueError(
            f"{name} is too short: {len(value)} characters, at least {MIN_SECRET_CHARS} needed"
        )
