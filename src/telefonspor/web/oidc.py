"""OpenID Connect sign-in (Entra ID, OS2faktor): the authorization-code flow with PKCE.

The provider is found by discovery, whose ``issuer`` must be the configured one
(OpenID Connect Discovery 4.3). The ID token is verified with joserfc: its
signature against a key from the provider's JWKS (asymmetric algorithms only, so
``alg: none`` or an HMAC trick fails), then issuer, audience, expiry and nonce
(OpenID Connect Core 3.1.3.7).

The identity is ``preferred_username``, else ``email`` (only when the provider
says ``email_verified``), else ``upn``. It never signs in to an account by its
name alone: an account must be linked to the identity explicitly (see
:mod:`telefonspor.web.accounts`).
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlencode, urlsplit

import httpx
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from telefonspor.errors import ConfigError, SourceError
from telefonspor.settings import Key, Settings

_TIMEOUT_S: Final = 15.0
#: Clock skew allowed between the provider and this server.
_LEEWAY_S: Final = 60
#: Signature algorithms an ID token may use: asymmetric only, never "none" or HMAC.
_ALGORITHMS: Final = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384")
_LOOPBACK: Final = frozenset({"127.0.0.1", "localhost", "::1"})


class Refused(Exception):
    """The provider answered, but its answer may not sign anyone in; the message is Danish."""


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
        if not _secure(issuer):
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


@dataclass(frozen=True, slots=True)
class Identity:
    """Who the provider vouches for: ``name`` to link an account to, ``subject`` its ``sub``."""

    name: str
    subject: str


def _secure(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOOPBACK)


def _get_json(url: str, what: str) -> dict[str, Any]:
    try:
        response = httpx.get(url, timeout=_TIMEOUT_S)
        response.raise_for_status()
        data = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise SourceError(f"OpenID Connect: {what} ({url}) svarer ikke korrekt ({exc}).") from exc
    if not isinstance(data, dict):
        raise SourceError(f"OpenID Connect: {what} ({url}) er ikke et JSON-objekt.")
    return data


def _discover(config: OidcConfig) -> dict[str, Any]:
    url = config.issuer + "/.well-known/openid-configuration"
    data = _get_json(url, "udstederens konfiguration")
    if str(data.get("issuer", "")).rstrip("/") != config.issuer:
        raise SourceError(
            f"OpenID Connect: konfigurationen på {url} er udstedt af '{data.get('issuer', '')}', "
            f"ikke af web.oidc_issuer ({config.issuer}). Ret web.oidc_issuer."
        )
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(data.get(key), str) or not _secure(data[key]):
            raise SourceError(f"OpenID Connect: {url} mangler en https-adresse i '{key}'.")
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


def finish(
    config: OidcConfig, *, code: str, redirect_uri: str, nonce: str, verifier: str
) -> Identity:
    """Exchange the code for an ID token, verify it and return who signed in."""
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
    keys = _get_json(str(endpoints["jwks_uri"]), "udstederens nøgler (JWKS)")
    claims = verify_id_token(str(token), keys, config, nonce=nonce, endpoints=endpoints)
    return identity_of(claims)


def verify_id_token(
    token: str,
    jwks: dict[str, Any],
    config: OidcConfig,
    *,
    nonce: str,
    endpoints: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The ID token's claims once its signature and claims are checked; else Refused."""
    offered = (endpoints or {}).get("id_token_signing_alg_values_supported")
    algorithms = [a for a in _ALGORITHMS if isinstance(offered, list) and a in offered]
    # Never an empty list: joserfc would then fall back to its defaults, HMAC included.
    algorithms = algorithms or list(_ALGORITHMS)
    try:
        key_set = KeySet.import_key_set(jwks)  # type: ignore[arg-type]
        decoded = jwt.decode(token, key_set, algorithms=algorithms)
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise Refused(
            "ID-tokenet fra OpenID Connect-udstederen er ikke gyldigt signeret med en af "
            f"udstederens nøgler ({type(exc).__name__}). Log ind blev afvist."
        ) from exc
    claims = dict(decoded.claims)
    registry = jwt.JWTClaimsRegistry(
        leeway=_LEEWAY_S,
        iss={"essential": True, "value": config.issuer},
        aud={"essential": True, "value": config.client_id},
        exp={"essential": True},
        sub={"essential": True},
    )
    try:
        registry.validate(claims)
    except JoseError as exc:
        raise Refused(_claim_message(exc)) from exc
    audience = claims["aud"]
    if isinstance(audience, list) and len(audience) > 1 and claims.get("azp") != config.client_id:
        raise Refused("ID-tokenet er ikke udstedt til denne webapp (azp).")
    if not secrets.compare_digest(str(claims.get("nonce", "")), nonce):
        raise Refused("ID-tokenet hører ikke til dette log ind (nonce). Prøv igen.")
    return claims


def _claim_message(exc: JoseError) -> str:
    claim = str(getattr(exc, "claim", "") or "")
    if claim == "exp" or "expired" in str(exc).lower():
        return "ID-tokenet er udløbet. Prøv at logge ind igen."
    if claim == "iss":
        return "ID-tokenet er udstedt af en anden udsteder end web.oidc_issuer."
    if claim == "aud":
        return "ID-tokenet er ikke udstedt til denne webapp (aud)."
    return f"ID-tokenet er ugyldigt ({exc}). Log ind blev afvist."


def identity_of(claims: dict[str, Any]) -> Identity:
    """``preferred_username``, else a verified ``email``, else ``upn``."""
    subject = str(claims["sub"])
    if claims.get("preferred_username"):
        return Identity(str(claims["preferred_username"]), subject)
    if claims.get("email"):
        if claims.get("email_verified") is True:
            return Identity(str(claims["email"]), subject)
        if not claims.get("upn"):
            raise Refused(
                f"Udstederen har ikke bekræftet e-mailadressen {claims['email']} "
                "(email_verified), så den kan ikke bruges til at logge ind."
            )
    if claims.get("upn"):
        return Identity(str(claims["upn"]), subject)
    raise Refused("ID-tokenet har hverken preferred_username, en bekræftet email eller upn.")
