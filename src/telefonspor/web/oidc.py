"""OpenID Connect sign-in (Entra ID, OS2faktor): the authorization-code flow with PKCE.

The ID token comes straight from the token endpoint over TLS, so (OpenID Connect
Core 3.1.3.7) its issuer, audience, expiry and nonce are checked but not its
signature. The identity (``preferred_username``, else ``email``, else ``upn``)
must match a local account made with ``telefonspor users add``: that account's
role applies, so who may do what stays in the municipality's hands.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

from telefonspor.errors import ConfigError, SourceError
from telefonspor.settings import Key, Settings

_TIMEOUT_S = 15.0


@dataclass(frozen=True, slots=True)
class OidcConfig:
    issuer: str
    client_id: str
    client_secret: str

    @classmethod
    def from_settings(cls, settings: Settings) -> OidcConfig | None:
        issuer = settings.get(Key.WEB_OIDC_ISSUER).rstrip("/")
        if not issuer:
            return None
        parts = urlsplit(issuer)
        loopback = parts.hostname in {"127.0.0.1", "localhost", "::1"}
        if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
            raise ConfigError(f"web.oidc_issuer skal være en https-adresse, ikke '{issuer}'.")
        client_id = settings.get(Key.WEB_OIDC_CLIENT_ID)
        if not client_id:
            raise ConfigError("web.oidc_client_id skal sættes, når web.oidc_issuer er sat.")
        secret_env = settings.get(Key.WEB_OIDC_CLIENT_SECRET_ENV)
        return cls(issuer, client_id, os.environ.get(secret_env, "") if secret_env else "")


@dataclass(frozen=True, slots=True)
class Start:
    url: str
    state: str
    nonce: str
    verifier: str


def _discover(config: OidcConfig) -> dict[str, Any]:
    url = config.issuer + "/.well-known/openid-configuration"
    try:
        response = httpx.get(url, timeout=_TIMEOUT_S)
        response.raise_for_status()
        data = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise SourceError(
            f"OpenID Connect-udstederen {config.issuer} svarer ikke korrekt ({exc})."
        ) from exc
    if not isinstance(data, dict) or "authorization_endpoint" not in data:
        raise SourceError(f"{url} er ikke en OpenID Connect-konfiguration.")
    return data


def start(config: OidcConfig, redirect_uri: str) -> Start:
    """Where to send the browser, and what to remember until it comes back."""
    endpoints = _discover(config)
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    query = urlencode(
        {
            "response_type": "code",
            "client_id": config.client_id,
            "redirect_uri": redirect_uri,
            "scope": "openid profile email",
            "state": state,
            "nonce": nonce,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    return Start(f"{endpoints['authorization_endpoint']}?{query}", state, nonce, verifier)


def finish(config: OidcConfig, *, code: str, redirect_uri: str, nonce: str, verifier: str) -> str:
    """Exchange the code; return the signed-in identity (user name or e-mail)."""
    endpoints = _discover(config)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "client_id": config.client_id,
        "code_verifier": verifier,
    }
    if config.client_secret:
        form["client_secret"] = config.client_secret
    try:
        response = httpx.post(str(endpoints["token_endpoint"]), data=form, timeout=_TIMEOUT_S)
        response.raise_for_status()
        token = response.json()["id_token"]
    except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
        raise SourceError(
            f"OpenID Connect-udstederen {config.issuer} afviste log ind ({exc})."
        ) from exc
    claims = _claims(str(token))
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if str(claims.get("iss", "")).rstrip("/") != config.issuer:
        raise SourceError("ID-tokenet er udstedt af en anden udsteder end web.oidc_issuer.")
    if config.client_id not in audiences:
        raise SourceError("ID-tokenet er ikke udstedt til denne webapp (aud).")
    if not isinstance(claims.get("exp"), int | float) or claims["exp"] < time.time():
        raise SourceError("ID-tokenet er udløbet. Prøv at logge ind igen.")
    if not secrets.compare_digest(str(claims.get("nonce", "")), nonce):
        raise SourceError("ID-tokenet hører ikke til dette log ind (nonce). Prøv igen.")
    for claim in ("preferred_username", "email", "upn"):
        if claims.get(claim):
            return str(claims[claim])
    raise SourceError("ID-tokenet har hverken preferred_username, email eller upn.")


def _claims(token: str) -> dict[str, Any]:
    try:
        payload = token.split(".")[1]
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError) as exc:
        raise SourceError("ID-tokenet fra OpenID Connect-udstederen kan ikke læses.") from exc
    if not isinstance(data, dict):
        raise SourceError("ID-tokenet fra OpenID Connect-udstederen kan ikke læses.")
    return data
