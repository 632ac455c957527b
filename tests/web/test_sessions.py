"""Sessions end on the server (issue 12, point 9): a cookie copied before logout or before a
password change is refused afterwards. The old stateless cookie stayed valid for 12 hours."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from starlette.testclient import TestClient  # imported in conftest first (warning filtered)
from typer.testing import CliRunner

from telefonspor.cli import app as cli_app
from telefonspor.settings import Settings
from telefonspor.web.auth import COOKIE, Session, SessionCodec

from .conftest import PASSWORD, csrf_of, sign_in

NEW_PASSWORD = "helt nyt kodeord 2026"


def _client(app: FastAPI, cookie: str | None = None) -> TestClient:
    client = TestClient(app, raise_server_exceptions=False)
    if cookie is not None:
        client.cookies.set(COOKIE, cookie)
    return client


def _signed_in(app: FastAPI, name: str, password: str = PASSWORD) -> tuple[TestClient, str]:
    client = _client(app)
    sign_in(client, name, password)
    cookie = client.cookies.get(COOKIE)
    assert cookie
    return client, cookie


def _accepted(app: FastAPI, cookie: str) -> bool:
    """Does a browser holding only ``cookie`` get a page that needs a signed-in user?"""
    with _client(app, cookie) as other:
        response = other.get("/koersler", follow_redirects=False)
    if response.status_code == 303:
        assert response.headers["location"].startswith("/login")
        return False
    assert response.status_code == 200, response.text
    return True


def test_cookie_copied_before_logout_is_refused_after_it(app: FastAPI) -> None:
    client, cookie = _signed_in(app, "anna")
    assert _accepted(app, cookie)
    token = csrf_of(client.get("/").text)
    assert (
        client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code
        == 303
    )
    assert not _accepted(app, cookie)
    # Not only page views: a form posted with the copied cookie and its CSRF token is refused.
    with _client(app, cookie) as thief:
        refused = thief.post(
            "/opgave/beslutning",
            data={"csrf_token": token, "decision": "accept", "reason": "stjålet cookie"},
        )
    assert refused.status_code == 401, refused.text  # the CSRF token matched: not signed in
    client.close()


def test_logout_ends_only_that_session(app: FastAPI) -> None:
    first, first_cookie = _signed_in(app, "anna")
    _second, second_cookie = _signed_in(app, "anna")
    first.post("/logout", data={"csrf_token": csrf_of(first.get("/").text)})
    assert not _accepted(app, first_cookie)
    assert _accepted(app, second_cookie), "logout on one device leaves the other signed in"


def test_password_change_in_the_cli_ends_every_session_of_that_user(
    app: FastAPI, settings: Settings
) -> None:
    _one, anna_a = _signed_in(app, "anna")
    _two, anna_b = _signed_in(app, "anna")
    _three, viggo = _signed_in(app, "viggo")
    done = CliRunner().invoke(
        cli_app,
        ["users", "password", "anna", "--password-stdin", "--db", settings.db_url()],
        input=NEW_PASSWORD + "\n",
        env={},
    )
    assert done.exit_code == 0, done.output
    assert "logget ud" in done.output
    assert not _accepted(app, anna_a)
    assert not _accepted(app, anna_b)
    assert _accepted(app, viggo), "other users keep their sessions"
    _new, fresh = _signed_in(app, "anna", NEW_PASSWORD)
    assert _accepted(app, fresh)
    with _client(app) as old_password:
        page = old_password.get("/login")
        response = old_password.post(
            "/login",
            data={"username": "anna", "password": PASSWORD, "csrf_token": csrf_of(page.text)},
        )
    assert response.status_code == 401


def test_password_change_errors_are_danish(settings: Settings, app: FastAPI) -> None:
    short = CliRunner().invoke(
        cli_app,
        ["users", "password", "anna", "--password-stdin", "--db", settings.db_url()],
        input="kort\n",
        env={},
    )
    assert short.exit_code == 2 and "mindst 10 tegn" in short.output
    unknown = CliRunner().invoke(
        cli_app,
        ["users", "password", "ukendt", "--password-stdin", "--db", settings.db_url()],
        input=NEW_PASSWORD + "\n",
        env={},
    )
    assert unknown.exit_code == 2 and "findes ikke" in unknown.output


def test_removing_a_user_ends_the_session(app: FastAPI, settings: Settings) -> None:
    _client_a, cookie = _signed_in(app, "viggo")
    done = CliRunner().invoke(
        cli_app, ["users", "remove", "viggo", "--db", settings.db_url()], env={}
    )
    assert done.exit_code == 0, done.output
    assert not _accepted(app, cookie)


def test_stateless_cookie_from_an_older_version_signs_no_one_in(
    app: FastAPI, tmp_path: Path
) -> None:
    """A cookie signed with the right key but without a session id, as before this change."""
    key = (tmp_path / "web" / "secret.key").read_text("ascii").strip()
    codec = SessionCodec(key)
    old = codec._serializer.dumps({"u": "anna", "c": "x" * 43})
    assert not _accepted(app, old)
    forged = codec._serializer.dumps({"u": "anna", "c": "x" * 43, "s": "gættet-id"})
    assert not _accepted(app, forged), "a session id the server never issued"
    assert Session().sid == ""


def test_password_change_in_the_web_ends_the_other_sessions(app: FastAPI) -> None:
    here, here_cookie = _signed_in(app, "anna")
    _there, there_cookie = _signed_in(app, "anna")
    page = here.get("/adgangskode")
    assert page.status_code == 200 and "Skift adgangskode" in page.text
    token = csrf_of(page.text)
    wrong = here.post(
        "/adgangskode",
        data={
            "csrf_token": token,
            "current": "forkert kodeord",
            "new": NEW_PASSWORD,
            "repeat": NEW_PASSWORD,
        },
    )
    assert wrong.status_code == 400 and "nuværende adgangskode er forkert" in wrong.text
    assert _accepted(app, there_cookie), "a refused change ends nothing"
    changed = here.post(
        "/adgangskode",
        data={
            "csrf_token": token,
            "current": PASSWORD,
            "new": NEW_PASSWORD,
            "repeat": NEW_PASSWORD,
        },
    )
    assert changed.status_code == 200 and "Adgangskoden er skiftet" in changed.text
    assert not _accepted(app, there_cookie)
    assert not _accepted(app, here_cookie), "the cookie from before the change is refused too"
    assert here.get("/koersler", follow_redirects=False).status_code == 200, "this browser goes on"
