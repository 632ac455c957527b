"""OpenID Connect sign-in against a tiny fake issuer on 127.0.0.1 (authorization code + PKCE)."""

from __future__ import annotations

import base64
import hashlib
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
from starlette.testclient import TestClient  # imported in conftest first (warning filtered)

from telefonspor.settings import load
from telefonspor.web import create_app
from telefonspor.web.accounts import Accounts

from .conftest import PASSWORD


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Issuer(BaseHTTPRequestHandler):
    base: ClassVar[str] = ""
    username: ClassVar[str] = "anna"
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
                    "issuer": self.base,
                    "authorization_endpoint": self.base + "/authorize",
                    "token_endpoint": self.base + "/token",
                },
            )
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
        claims = {
            "iss": self.base,
            "aud": asked["client_id"],
            "exp": int(time.time()) + 300,
            "nonce": asked["nonce"],
            "preferred_username": self.username,
        }
        token = ".".join(
            [_b64(b'{"alg":"RS256"}'), _b64(json.dumps(claims).encode()), _b64(b"sig")]
        )
        self._json(200, {"id_token": token, "access_token": "at", "token_type": "Bearer"})


@pytest.fixture
def issuer() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Issuer)
    Issuer.base = f"http://127.0.0.1:{server.server_address[1]}"
    Issuer.username = "anna"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Issuer.base
    server.shutdown()
    server.server_close()


@pytest.fixture
def oidc_client(
    issuer: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    monkeypatch.setenv("TELEFONSPOR_OIDC_SECRET", "hemmelig")
    settings = load(
        None,
        overrides=[
            f"store.db=sqlite:///{tmp_path / 't.db'}",
            f"web.oidc_issuer={issuer}",
            "web.oidc_client_id=telefonspor",
        ],
        environ={},
    )
    accounts = Accounts.open(settings.db_url())
    accounts.add("anna", "admin", PASSWORD)
    accounts.close()
    with TestClient(create_app(settings, data_dir=tmp_path / "web")) as client:
        yield client


def _round_trip(client: TestClient, next_page: str = "/koersler") -> httpx.Response:
    assert "Log ind med organisationens konto" in client.get("/login").text
    start = client.get(f"/login/oidc?next={next_page}", follow_redirects=False)
    assert start.status_code == 303
    at_issuer = httpx.get(start.headers["location"], follow_redirects=False)
    assert at_issuer.status_code == 302
    back = urlsplit(at_issuer.headers["location"])
    return client.get(f"{back.path}?{back.query}", follow_redirects=False)


def test_sign_in_with_the_issuer(oidc_client: TestClient) -> None:
    response = _round_trip(oidc_client)
    assert response.status_code == 303
    assert response.headers["location"] == "/koersler"
    assert "anna" in oidc_client.get("/koersler").text


def test_identity_without_local_account_is_refused(oidc_client: TestClient) -> None:
    Issuer.username = "mallory@kommune.dk"
    response = _round_trip(oidc_client)
    assert response.status_code == 403
    assert "telefonspor users add mallory@kommune.dk" in response.text
    assert oidc_client.get("/", follow_redirects=False).status_code == 303


def test_forged_state_is_refused(oidc_client: TestClient) -> None:
    oidc_client.get("/login/oidc", follow_redirects=False)
    response = oidc_client.get("/login/oidc/svar?code=code-0&state=forkert")
    assert response.status_code == 403
