"""OpenID Connect sign-in against a test provider on 127.0.0.1 that signs its ID tokens (RS256,
key published as a JWKS next to a discovery document), and misbehaves on demand."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
import sqlalchemy as sa
from joserfc import jwt
from joserfc.jwk import KeySet, OctKey, RSAKey
from starlette.testclient import TestClient  # imported in conftest first (warning filtered)

from telefonspor.settings import Settings, load
from telefonspor.store import engine_url, migrate
from telefonspor.web import create_app
from telefonspor.web.accounts import Accounts
from telefonspor.web.oidc import OidcConfig, Refused, verify_id_token

from .conftest import PASSWORD

# Generated once: RSA key generation is the slow part of these tests.
KEY = RSAKey.generate_key(2048, parameters={"kid": "nøgle-1", "use": "sig"})
OTHER_KEY = RSAKey.generate_key(2048, parameters={"kid": "nøgle-1", "use": "sig"})


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Provider(BaseHTTPRequestHandler):
    """Discovery, JWKS, authorize and token endpoints; the class variables say how to behave."""

    base: ClassVar[str] = ""
    #: "signed", "none" (alg none, no signature), "wrong-key", "hs256" (HMAC with the public key).
    signing: ClassVar[str] = "signed"
    #: Merged into the ID token's claims; a None value removes the claim.
    claims: ClassVar[dict[str, Any]] = {}
    discovery_issuer: ClassVar[str | None] = None
    codes: ClassVar[dict[str, dict[str, str]]] = {}

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _json(self, status: int, data: object) -> None:
        body = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path == "/.well-known/openid-configuration":
            self._json(
                200,
                {
                    "issuer": self.discovery_issuer or self.base,
                    "authorization_endpoint": self.base + "/authorize",
                    "token_endpoint": self.base + "/token",
                    "jwks_uri": self.base + "/jwks",
                    "id_token_signing_alg_values_supported": ["RS256"],
                },
            )
        elif url.path == "/jwks":
            self._json(200, KeySet([KEY]).as_dict(private=False))
        elif url.path == "/authorize":
            q = {k: v[0] for k, v in parse_qs(url.query).items()}
            code = f"code-{len(self.codes)}"
            self.codes[code] = q
            self.send_response(302)
            self.send_header(
                "Location", q["redirect_uri"] + "?" + urlencode({"code": code, "state": q["state"]})
            )
            self.end_headers()
        else:
            self._json(404, {})

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        asked = self.codes.pop(form.get("code", ""), None)
        challenge = _b64(hashlib.sha256(form.get("code_verifier", "").encode()).digest())
        if (
            asked is None
            or asked["code_challenge"] != challenge
            or form.get("client_secret") != "hemmelig"
            or form.get("redirect_uri") != asked["redirect_uri"]
        ):
            self._json(400, {"error": "invalid_grant"})
            return
        claims: dict[str, Any] = {
            "iss": self.base,
            "sub": "emp-0001",
            "aud": asked["client_id"],
            "iat": int(time.time()),
            "exp": int(time.time()) + 300,
            "nonce": asked["nonce"],
            "preferred_username": "anna",
        }
        claims.update(self.claims)
        claims = {k: v for k, v in claims.items() if v is not None}
        self._json(
            200, {"id_token": _id_token(claims), "access_token": "at", "token_type": "Bearer"}
        )


def _id_token(claims: dict[str, Any]) -> str:
    if Provider.signing == "none":
        header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
        return f"{header}.{_b64(json.dumps(claims).encode())}."
    if Provider.signing == "hs256":
        # The classic confusion: HMAC keyed with the provider's public key.
        # (built by hand: joserfc rightly refuses to make an HMAC key of a public key).
        header = _b64(json.dumps({"alg": "HS256", "kid": "nøgle-1", "typ": "JWT"}).encode())
        signing_input = f"{header}.{_b64(json.dumps(claims).encode())}"
        mac = hmac.new(KEY.as_pem(private=False), signing_input.encode(), hashlib.sha256)
        return f"{signing_input}.{_b64(mac.digest())}"
    key = OTHER_KEY if Provider.signing == "wrong-key" else KEY
    return jwt.encode({"alg": "RS256", "kid": "nøgle-1"}, claims, key)


@pytest.fixture
def provider() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Provider)
    Provider.base = f"http://127.0.0.1:{server.server_address[1]}"
    Provider.signing = "signed"
    Provider.claims = {}
    Provider.discovery_issuer = None
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Provider.base
    server.shutdown()
    server.server_close()


@pytest.fixture
def oidc_settings(provider: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("TELEFONSPOR_OIDC_SECRET", "hemmelig")
    return load(
        None,
        overrides=[
            f"store.db=sqlite:///{tmp_path / 't.db'}",
            f"web.oidc_issuer={provider}",
            "web.oidc_client_id=telefonspor",
        ],
        environ={},
    )


@pytest.fixture
def accounts(oidc_settings: Settings) -> Iterator[Accounts]:
    accounts = Accounts.open(oidc_settings.db_url())
    accounts.add("anna", "admin", PASSWORD)
    accounts.link_oidc("anna", "anna")
    yield accounts
    accounts.close()


@pytest.fixture
def oidc_client(
    oidc_settings: Settings, accounts: Accounts, tmp_path: Path
) -> Iterator[TestClient]:
    with TestClient(
        create_app(oidc_settings, data_dir=tmp_path / "web"), raise_server_exceptions=False
    ) as client:
        yield client


def _round_trip(client: TestClient, next_page: str = "/koersler") -> httpx.Response:
    assert "Log ind med organisationens konto" in client.get("/login").text
    start = client.get(f"/login/oidc?next={next_page}", follow_redirects=False)
    assert start.status_code == 303, start.text
    at_provider = httpx.get(start.headers["location"], follow_redirects=False)
    assert at_provider.status_code == 302
    back = urlsplit(at_provider.headers["location"])
    return client.get(f"{back.path}?{back.query}", follow_redirects=False)


def _signed_in(client: TestClient) -> bool:
    return client.get("/koersler", follow_redirects=False).status_code == 200


def test_signed_token_signs_in_to_the_linked_account(oidc_client: TestClient) -> None:
    response = _round_trip(oidc_client)
    assert response.status_code == 303
    assert response.headers["location"] == "/koersler"
    assert "anna" in oidc_client.get("/koersler").text


@pytest.mark.parametrize(
    ("signing", "why"),
    [
        ("none", "alg none: no signature at all"),
        ("wrong-key", "signed by a key the provider does not publish"),
        ("hs256", "HMAC keyed with the public key"),
    ],
)
def test_token_not_signed_by_the_provider_is_refused(
    oidc_client: TestClient, signing: str, why: str
) -> None:
    Provider.signing = signing
    response = _round_trip(oidc_client)
    assert response.status_code == 403, why
    assert "ikke gyldigt signeret" in response.text
    assert not _signed_in(oidc_client)


def test_provider_offering_only_hmac_does_not_open_the_default_algorithms() -> None:
    """joserfc falls back to its default algorithms (HS256 among them) on an empty list."""
    config = OidcConfig("https://login.kommune.dk", "telefonspor", "")
    claims = {
        "iss": config.issuer,
        "sub": "emp-0001",
        "aud": "telefonspor",
        "exp": int(time.time()) + 300,
        "nonce": "n",
    }
    secret = OctKey.generate_key(256, parameters={"kid": "hemmelig"})
    token = jwt.encode({"alg": "HS256", "kid": "hemmelig"}, claims, secret)
    jwks = KeySet([secret]).as_dict(private=True)
    endpoints = {"id_token_signing_alg_values_supported": ["HS256"]}
    with pytest.raises(Refused, match="ikke gyldigt signeret"):
        verify_id_token(token, jwks, config, nonce="n", endpoints=endpoints)
    signed = jwt.encode({"alg": "RS256", "kid": "nøgle-1"}, claims, KEY)
    public = KeySet([KEY]).as_dict(private=False)
    assert verify_id_token(signed, public, config, nonce="n", endpoints=endpoints)["sub"] == (
        "emp-0001"
    )


def test_discovery_from_another_issuer_is_refused(oidc_client: TestClient) -> None:
    Provider.discovery_issuer = "https://login.example.net/anden"
    response = oidc_client.get("/login/oidc", follow_redirects=False)
    assert response.status_code == 502
    assert "ikke af web.oidc_issuer" in response.text
    assert "https://login.example.net/anden" in response.text


def test_discovery_changed_during_sign_in_is_refused(oidc_client: TestClient) -> None:
    start = oidc_client.get("/login/oidc", follow_redirects=False)
    at_provider = httpx.get(start.headers["location"], follow_redirects=False)
    Provider.discovery_issuer = Provider.base + "/anden"
    back = urlsplit(at_provider.headers["location"])
    response = oidc_client.get(f"{back.path}?{back.query}", follow_redirects=False)
    assert response.status_code == 502
    assert not _signed_in(oidc_client)


def test_unverified_email_is_refused(oidc_client: TestClient, accounts: Accounts) -> None:
    accounts.add("anna@kommune.dk", "admin", None, oidc="anna@kommune.dk")
    Provider.claims = {
        "preferred_username": None,
        "email": "anna@kommune.dk",
        "email_verified": False,
    }
    response = _round_trip(oidc_client)
    assert response.status_code == 403
    assert "ikke bekræftet e-mailadressen anna@kommune.dk" in response.text
    assert not _signed_in(oidc_client)
    Provider.claims = {**Provider.claims, "email_verified": True}
    assert _round_trip(oidc_client).status_code == 303
    assert _signed_in(oidc_client)


@pytest.mark.parametrize(
    ("claims", "message"),
    [
        ({"exp": 1_000_000}, "udløbet"),
        ({"aud": "en-anden-app"}, "ikke udstedt til denne webapp"),
        ({"iss": "https://login.example.net"}, "anden udsteder"),
        ({"nonce": "gammel"}, "nonce"),
        ({"sub": None}, "ugyldigt"),
    ],
)
def test_claims_are_checked(oidc_client: TestClient, claims: dict[str, Any], message: str) -> None:
    Provider.claims = claims
    response = _round_trip(oidc_client)
    assert response.status_code == 403
    assert message in response.text
    assert not _signed_in(oidc_client)


def test_local_account_of_the_same_name_is_not_entered_unless_linked(
    oidc_client: TestClient, accounts: Accounts
) -> None:
    """The provider's identity equals a local password account's name: no sign-in by accident."""
    accounts.add("bo@kommune.dk", "admin", PASSWORD)
    Provider.claims = {"preferred_username": "bo@kommune.dk", "sub": "emp-0002"}
    response = _round_trip(oidc_client)
    assert response.status_code == 403
    assert "ikke koblet til organisationens login" in response.text
    assert "telefonspor users link-oidc bo@kommune.dk" in response.text
    assert not _signed_in(oidc_client)
    accounts.link_oidc("bo@kommune.dk", "BO@kommune.dk")
    assert _round_trip(oidc_client).status_code == 303
    assert "bo@kommune.dk" in oidc_client.get("/koersler").text


def test_subject_is_pinned_at_the_first_sign_in(
    oidc_client: TestClient, accounts: Accounts
) -> None:
    """A reused user name at the provider (another ``sub``) does not inherit the account."""
    assert _round_trip(oidc_client).status_code == 303
    oidc_client.cookies.clear()
    Provider.claims = {"sub": "emp-9999"}
    response = _round_trip(oidc_client)
    assert response.status_code == 403
    assert "koblet til en anden person" in response.text
    assert not _signed_in(oidc_client)
    accounts.link_oidc("anna", "anna")  # the operator links it again: the new person may enter
    assert _round_trip(oidc_client).status_code == 303


def test_identity_without_account_is_refused(oidc_client: TestClient) -> None:
    Provider.claims = {"preferred_username": "mallory@kommune.dk"}
    response = _round_trip(oidc_client)
    assert response.status_code == 403
    assert "telefonspor users add mallory@kommune.dk --role viewer --oidc" in response.text
    assert oidc_client.get("/", follow_redirects=False).status_code == 303


def test_forged_state_is_refused(oidc_client: TestClient) -> None:
    oidc_client.get("/login/oidc", follow_redirects=False)
    response = oidc_client.get("/login/oidc/svar?code=code-0&state=forkert")
    assert response.status_code == 403


def test_state_is_used_once(oidc_client: TestClient) -> None:
    """After one answer (here a forged code the provider refuses) the state is spent."""
    start = oidc_client.get("/login/oidc", follow_redirects=False)
    back = urlsplit(httpx.get(start.headers["location"]).headers["location"])
    state = parse_qs(back.query)["state"][0]
    forged = oidc_client.get(f"{back.path}?code=opdigtet&state={state}", follow_redirects=False)
    assert forged.status_code == 502  # the provider refused the code
    response = oidc_client.get(f"{back.path}?{back.query}", follow_redirects=False)
    assert response.status_code == 403
    assert not _signed_in(oidc_client)


def test_oidc_only_account_has_no_password(oidc_settings: Settings, accounts: Accounts) -> None:
    accounts.add("carl@kommune.dk", "viewer", None, oidc="carl@kommune.dk")
    assert accounts.verify("carl@kommune.dk", "") is None
    assert accounts.verify("carl@kommune.dk", "!") is None


def test_existing_accounts_are_not_linked_by_the_migration(tmp_path: Path) -> None:
    """A database from before the link (revision 0003): its accounts keep working, unlinked."""
    url = f"sqlite:///{tmp_path / 'gammel.db'}"
    engine = sa.create_engine(engine_url(url))
    migrate.upgrade(engine, "0003")
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO web_users (name, role, password_hash, created_at) "
                "VALUES ('anna@kommune.dk', 'admin', 'x', '2025-11-01')"
            )
        )
    engine.dispose()
    accounts = Accounts.open(url)
    try:
        assert accounts.get("anna@kommune.dk") is not None
        assert accounts.for_oidc("anna@kommune.dk", "emp-0001") is None
        accounts.link_oidc("anna@kommune.dk", "anna@kommune.dk")
        linked = accounts.for_oidc("anna@kommune.dk", "emp-0001")
        assert linked is not None and linked.oidc_identity == "anna@kommune.dk"
    finally:
        accounts.close()
    engine = sa.create_engine(engine_url(url))
    assert migrate.current_revision(engine) == migrate.head_revision()
    engine.dispose()
