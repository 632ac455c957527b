"""Issue 12, points 4 and 5: anonymous requests cannot grow the server's memory, and no request
body is read past its limit, chunked or not (real HTTP to uvicorn on 127.0.0.1)."""

from __future__ import annotations

import re
import socket
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import starlette.formparsers
import uvicorn
from fastapi import FastAPI
from starlette.testclient import TestClient  # imported in conftest first (warning filtered)
from starlette.types import Message, Receive, Scope, Send

from telefonspor.settings import load
from telefonspor.web import create_app
from telefonspor.web.accounts import Accounts
from telefonspor.web.auth import LoginLimiter
from telefonspor.web.state import WebState

from .conftest import PASSWORD, csrf_of

MB = 1024 * 1024
_BOUNDARY = "telefonsporgraense"


def _limiter(app: FastAPI) -> LoginLimiter:
    state = app.state.web
    assert isinstance(state, WebState)
    return state.limiter


# -- point 4: the login limiter and the form fields ---------------------------------------------


def test_1300_user_names_keep_the_limiter_table_small(client: TestClient, app: FastAPI) -> None:
    """The measured attack: 1,300 POSTs with distinct user names from one client."""
    token = csrf_of(client.get("/login").text)
    statuses = []
    for i in range(1300):
        response = client.post(
            "/login",
            data={"username": f"gaet{i:04d}", "password": "forkert", "csrf_token": token},
        )
        statuses.append(response.status_code)
    assert statuses[:5] == [401] * 5
    assert set(statuses[5:]) == {429}
    assert "For mange forkerte forsøg" in response.text
    # The client's key and the five names that failed; refused attempts add nothing.
    assert len(_limiter(app)) <= 6


def test_limiter_table_is_bounded_by_size_and_age() -> None:
    now = [0.0]
    limiter = LoginLimiter(attempts=5, window_s=300, clock=lambda: now[0], max_keys=1000)
    for i in range(20_000):  # many clients, each trying one name once
        limiter.failed(f"ip:10.0.{i // 250}.{i % 250}", f"user:navn{i}")
    assert len(limiter) == 1000
    # The newest failures are still counted, so the limit itself holds.
    for _ in range(4):
        limiter.failed("ip:192.0.2.1", "user:anna")
    assert limiter.wait_s("user:anna") == 0
    limiter.failed("ip:192.0.2.1", "user:anna")
    assert limiter.wait_s("user:anna") == pytest.approx(300)
    assert len(limiter) == 1000
    now[0] = 301.0
    assert limiter.wait_s("user:anna") == 0
    assert len(limiter) == 0  # everything older than the window is gone


def test_megabyte_user_name_is_refused_early_in_danish(client: TestClient, app: FastAPI) -> None:
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login", data={"username": "x" * MB, "password": "forkert", "csrf_token": token}
    )
    assert response.status_code == 413
    assert "Forespørgslen er for stor" in response.text
    assert "Forespørgslen er større end 32 kB" in response.text
    assert "web.max_anonymous_kb" in response.text
    response = client.post(
        "/login", data={"username": "x" * 300, "password": "forkert", "csrf_token": token}
    )
    assert response.status_code == 400
    assert "Brugernavnet er for langt (højst 256 tegn)" in response.text
    assert len(_limiter(app)) == 0


def test_every_form_field_is_capped(admin: TestClient, stored_run: int) -> None:
    token = csrf_of(admin.get("/").text)
    response = admin.post(
        "/opgave/beslutning",
        data={"csrf_token": token, "decision": "accept", "reason": "x" * (65 * 1024)},
    )
    assert response.status_code == 413
    assert "Et felt i formularen er længere end 64 kB" in response.text
    assert "Traceback" not in response.text


# -- point 5: body limits over real HTTP ----------------------------------------------------------


class ReadCounter:
    """Wraps the ASGI app and counts the body bytes the app pulled from the server."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.read = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def counted() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                self.read += len(message.get("body", b""))
            return message

        await self.app(scope, counted, send)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, ReadCounter]]:
    settings = load(
        None,
        overrides=[f"store.db=sqlite:///{tmp_path / 't.db'}", "web.max_upload_mb=1"],
        environ={},
    )
    accounts = Accounts.open(settings.db_url())
    accounts.add("anna", "admin", PASSWORD)
    accounts.close()
    counter = ReadCounter(create_app(settings, data_dir=tmp_path / "web"))
    port = _free_port()
    config = uvicorn.Config(counter, host="127.0.0.1", port=port, log_level="warning")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    while not uv.started:  # bounded by the test timeout
        thread.join(0.05)
        if not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
    yield f"http://127.0.0.1:{port}", counter
    uv.should_exit = True
    thread.join()


@pytest.fixture
def spooled(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Bytes written into the form parser's temporary files (memory, then /tmp)."""
    written: list[int] = []

    class Spy(tempfile.SpooledTemporaryFile):  # type: ignore[type-arg]
        def write(self, data: Any) -> int:
            written.append(len(data))
            return int(super().write(data))

    monkeypatch.setattr(starlette.formparsers, "SpooledTemporaryFile", Spy)
    return written


def _multipart(token: str, file_bytes: int, *, first: str = "csrf_token") -> Iterator[bytes]:
    """A KLIK upload as a browser builds it, streamed in 64 kB pieces (sent chunked)."""
    yield (
        f'--{_BOUNDARY}\r\nContent-Disposition: form-data; name="{first}"\r\n\r\n{token}\r\n'
        f'--{_BOUNDARY}\r\nContent-Disposition: form-data; name="klik"; filename="klik.csv"\r\n'
        "Content-Type: text/csv\r\n\r\nBrugernavn;Navn\r\n"
    ).encode()
    piece = b"bruger;Navn Navnesen\r\n" * 2979  # 65,538 bytes
    for _ in range(file_bytes // len(piece)):
        yield piece
    yield f"\r\n--{_BOUNDARY}--\r\n".encode()


@pytest.fixture
def anna(server: tuple[str, ReadCounter]) -> Iterator[tuple[httpx.Client, str]]:
    """A client signed in as the admin, and the CSRF token of Ny kørsel."""
    with httpx.Client(base_url=server[0], timeout=60) as http:
        token = csrf_of(http.get("/login").text)
        response = http.post(
            "/login", data={"username": "anna", "password": PASSWORD, "csrf_token": token}
        )
        assert response.status_code == 303, response.text
        yield http, csrf_of(http.get("/ny-koersel").text)


def test_chunked_upload_is_cut_off_at_the_limit(
    server: tuple[str, ReadCounter],
    anna: tuple[httpx.Client, str],
    spooled: list[int],
    tmp_path: Path,
) -> None:
    counter = server[1]
    http, token = anna
    before = counter.read
    response = http.post(
        "/ny-koersel",
        content=_multipart(token, 16 * MB),
        headers={"Content-Type": f"multipart/form-data; boundary={_BOUNDARY}"},
    )
    assert response.request.headers["transfer-encoding"] == "chunked"
    assert response.status_code == 413
    assert "Upload højst 1 MB ad gangen" in response.text
    assert response.headers["connection"] == "close"
    # The limit is 1 MB of files plus 1 MB for the form fields; the app stopped there
    # (one last read from the server may overshoot it by what the socket held).
    assert counter.read - before < 3 * MB
    assert sum(spooled) <= 2 * MB
    uploads = tmp_path / "web" / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())


def test_anonymous_chunked_body_is_cut_off_at_the_small_limit(
    server: tuple[str, ReadCounter], spooled: list[int]
) -> None:
    base, counter = server
    with httpx.Client(base_url=base, timeout=60) as http:
        token = csrf_of(http.get("/login").text)

        def body() -> Iterator[bytes]:
            yield f"csrf_token={token}&password=x&username=".encode()
            for _ in range(128):
                yield b"a" * 65536  # 8 MB of user name

        response = http.post(
            "/login",
            content=body(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    assert response.status_code == 413
    assert "før man er logget ind" in response.text
    assert counter.read < MB
    assert spooled == []


def test_forged_upload_is_refused_before_its_body_is_read(
    server: tuple[str, ReadCounter], anna: tuple[httpx.Client, str], spooled: list[int]
) -> None:
    counter = server[1]
    http, token = anna
    headers = {"Content-Type": f"multipart/form-data; boundary={_BOUNDARY}"}
    for content in (
        _multipart("forfalsket", MB + MB // 2),  # a wrong token, under the size limit
        _multipart(token, MB + MB // 2, first="kaede"),  # the token not first
    ):
        before = counter.read
        response = http.post("/ny-koersel", content=content, headers=headers)
        assert response.status_code == 403
        assert "Formularen kunne ikke godkendes" in response.text
        # Only the first few kB were read (plus what the socket held at that moment).
        assert counter.read - before < 512 * 1024
    assert spooled == []
    # The same upload with the token first is read and handled.
    response = http.post("/ny-koersel", content=_multipart(token, 64 * 1024), headers=headers)
    assert response.status_code == 303, response.text
    assert re.fullmatch(r"/ny-koersel/[0-9a-f]+", response.headers["location"])


def test_signed_in_form_that_is_not_an_upload_stays_small(
    server: tuple[str, ReadCounter], anna: tuple[httpx.Client, str]
) -> None:
    """Only an upload, with its CSRF token checked first, may be large."""
    counter = server[1]
    http, token = anna

    def body() -> Iterator[bytes]:
        yield f"csrf_token={token}&decision=accept&reason=ok".encode()
        for i in range(30):  # 1.8 MB: every field under its cap, all under an upload's 2 MB
            yield f"&felt{i}=".encode() + b"a" * 60 * 1024

    before = counter.read
    response = http.post(
        "/opgave/beslutning",
        content=body(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413
    assert "Formularen er større end 1 MB" in response.text
    assert counter.read - before < MB + MB // 2


def test_declared_length_over_the_limit_is_refused_unread(
    server: tuple[str, ReadCounter], anna: tuple[httpx.Client, str]
) -> None:
    counter = server[1]
    http, token = anna
    body = b"".join(_multipart(token, 3 * MB))
    before = counter.read
    response = http.post(
        "/ny-koersel",
        content=body,
        headers={"Content-Type": f"multipart/form-data; boundary={_BOUNDARY}"},
    )
    assert response.request.headers["content-length"] == str(len(body))
    assert response.status_code == 413
    assert counter.read == before


def test_signed_in_upload_under_the_limit_still_works(admin: TestClient) -> None:
    token = csrf_of(admin.get("/ny-koersel").text)
    response = admin.post(
        "/ny-koersel",
        data={"csrf_token": token},
        files={"klik": ("klik.csv", b"Brugernavn;Navn\r\nanna;Anna\r\n", "text/csv")},
        follow_redirects=False,
    )
    assert response.status_code == 303
