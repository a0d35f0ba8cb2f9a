"""The user token format: what verifies, and the reason given for everything that does not."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from pathlib import Path

import pytest
from pydantic import ValidationError

from api.widget.config import WidgetSettings
from api.widget.tokens import TokenExpired, TokenInvalid, sign_token, verify_token

KEY = b"k" * 40
NOW = 1_800_000_000.0
WALLET = "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh"


def _verify(token: str, now: float = NOW) -> object:
    return verify_token(KEY, token, leeway_seconds=30, max_lifetime_seconds=3600, now=now)


def _readme_example(secret: bytes, user_id: str, wallets: list[str], name: str) -> str:
    """The README's five-line signing example, verbatim, as a platform's backend runs it."""
    claims = {"sub": user_id, "wallets": wallets, "name": name, "exp": int(time.time()) + 600}
    body = "v1." + base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    mac = hmac.new(secret, body.encode(), hashlib.sha256).digest()
    return body + "." + base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def test_a_signed_token_gives_back_the_user_and_wallets() -> None:
    token = sign_token(KEY, "u_42", [WALLET], "Alice", 600, now=NOW)
    identity = verify_token(KEY, token, leeway_seconds=30, max_lifetime_seconds=3600, now=NOW)
    assert identity.user_id == "u_42"
    assert identity.wallets == (WALLET,)
    assert identity.display_name == "Alice"
    assert identity.expires_at == int(NOW) + 600
    assert identity.metadata() == {"user_id": "u_42", "wallets": [WALLET], "display_name": "Alice"}


def test_the_readme_example_makes_tokens_the_api_accepts() -> None:
    token = _readme_example(KEY, "fan_7", [WALLET], "Sam")
    identity = verify_token(KEY, token, leeway_seconds=30, max_lifetime_seconds=3600)
    assert (identity.user_id, identity.wallets, identity.display_name) == (
        "fan_7",
        (WALLET,),
        "Sam",
    )


def test_expired_token_is_refused_after_the_leeway_only() -> None:
    token = sign_token(KEY, "u_42", [], None, 60, now=NOW)
    assert _verify(token, now=NOW + 60 + 29)  # within the 30 s leeway
    with pytest.raises(TokenExpired, match=r"expired at .* \(90 s ago\)"):
        _verify(token, now=NOW + 150)


def test_a_token_signed_with_another_secret_is_refused() -> None:
    token = sign_token(b"x" * 40, "u_42", [WALLET], None, 600, now=NOW)
    with pytest.raises(TokenInvalid, match="signature does not match"):
        _verify(token)


def test_an_altered_payload_is_refused() -> None:
    version, _, signature = sign_token(KEY, "u_42", [], None, 600, now=NOW).split(".")
    forged = base64.urlsafe_b64encode(
        json.dumps({"sub": "admin", "wallets": [WALLET], "exp": int(NOW) + 600}).encode()
    )
    with pytest.raises(TokenInvalid, match="signature does not match"):
        _verify(f"{version}.{forged.decode().rstrip('=')}.{signature}")


def test_a_token_living_longer_than_the_maximum_is_refused() -> None:
    token = sign_token(KEY, "u_42", [], None, 7 * 86_400, now=NOW)
    with pytest.raises(TokenInvalid, match="tokens may live at most 3600 s"):
        _verify(token)


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        ("", "three parts"),
        ("abc", "three parts"),
        ("v2.e30.AAAA", "version 'v2' is not supported"),
        ("v1.e30.!!!!", "signature is not base64url"),
        ("x" * 5000, "longer than 4096"),
    ],
)
def test_malformed_tokens_say_what_is_wrong(token: str, reason: str) -> None:
    with pytest.raises(TokenInvalid, match=reason):
        _verify(token)


def _signed_payload(payload: object) -> str:
    body = "v1." + base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
    signature = hmac.new(KEY, body.encode(), hashlib.sha256).digest()
    return body + "." + base64.urlsafe_b64encode(signature).decode().rstrip("=")


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ([1, 2], "not a JSON object"),
        ({"exp": int(NOW) + 60}, "'sub' must be a non-empty string"),
        ({"sub": "u", "exp": "soon"}, "'exp' must be an integer"),
        ({"sub": "u", "exp": True}, "'exp' must be an integer"),
        ({"sub": "u", "exp": int(NOW) + 60, "wallets": "rX"}, "'wallets' must be a list"),
        ({"sub": "u", "exp": int(NOW) + 60, "wallets": ["r"] * 21}, "at most 20 addresses"),
        ({"sub": "u", "exp": int(NOW) + 60, "name": 7}, "'name' must be a string"),
        ({"sub": "u" * 129, "exp": int(NOW) + 60}, "at most 128 characters"),
    ],
)
def test_signed_but_malformed_payloads_say_which_field(payload: object, reason: str) -> None:
    with pytest.raises(TokenInvalid, match=reason):
        _verify(_signed_payload(payload))


def test_secret_comes_from_the_environment_or_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("API_WIDGET_SECRET", "s" * 32)
    assert WidgetSettings(_env_file=None).signing_key() == b"s" * 32
    monkeypatch.delenv("API_WIDGET_SECRET")
    assert WidgetSettings(_env_file=None).signing_key() is None

    secret_file = tmp_path / "widget_secret"
    secret_file.write_text("f" * 40 + "\n")
    monkeypatch.setenv("API_WIDGET_SECRET_FILE", str(secret_file))
    assert WidgetSettings(_env_file=None).signing_key() == b"f" * 40


def test_bad_secret_settings_are_refused_naming_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="API_WIDGET_SECRET is too short: 5 characters"):
        WidgetSettings(secret="short", _env_file=None)
    with pytest.raises(ValidationError, match="not both"):
        WidgetSettings(secret="s" * 32, secret_file=tmp_path / "x", _env_file=None)
    with pytest.raises(ValueError, match="cannot be read"):
        WidgetSettings(secret_file=tmp_path / "missing", _env_file=None).signing_key()
    (tmp_path / "short").write_text("abc")
    with pytest.raises(ValueError, match="too short: 3 characters"):
        WidgetSettings(secret_file=tmp_path / "short", _env_file=None).signing_key()
