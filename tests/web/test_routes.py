"""Every page in-process: signed in, signed out, as viewer, with bad input."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient  # imported in conftest first (warning filtered)

from .conftest import HOSTILE, csrf_of

PAGES = [
    "/",
    "/roller",
    "/roller?aarsag=missing_in_source",
    "/person/mette",
    "/ansvarlige",
    "/ansvarlige/supplier.csv",
    "/koersler",
    "/koersler/forskel",
    "/koersler/2",
    "/koersler/2/hent/rapport.xlsx",
    "/koersler/2/hent/resultat.json",
    "/koersler/2/rettelser/ad-rettelser.ps1",
    "/ny-koersel",
    "/indstillinger",
]


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_is_sent_to_login(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


@pytest.mark.usefixtures("stored_run")
@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_for_a_viewer(viewer: TestClient, path: str) -> None:
    response = viewer.get(path)
    assert response.status_code == 200, response.text
    assert "Traceback" not in response.text


def test_pages_without_runs(admin: TestClient) -> None:
    for path in ["/", "/roller", "/ansvarlige", "/koersler", "/koersler/forskel"]:
        response = admin.get(path)
        assert response.status_code == 200
    assert "ingen kørsler" in admin.get("/").text


@pytest.mark.usefixtures("stored_run")
def test_overview_shows_coverage_trend_chain_and_steps(viewer: TestClient) -> None:
    html = viewer.get("/").text
    assert "<svg" in html and "<polyline" in html
    assert "Kilde → Lokal organisationsløsning" in html
    assert "Identificér roller uden telefonnummer" in html or "Find rollerne" in html


@pytest.mark.usefixtures("stored_run")
def test_holder_names_are_escaped(viewer: TestClient) -> None:
    for path in ["/roller?q=xss", "/person/xss", "/ansvarlige"]:
        html = viewer.get(path).text
        assert HOSTILE not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.usefixtures("stored_run")
def test_filter_search_sort_and_paging(viewer: TestClient) -> None:
    html = viewer.get("/roller?aarsag=missing_in_source").text
    assert "Mette Østergård" in html and "Person 0001" not in html
    html = viewer.get("/roller?q=%C3%B8sterg").text  # "østerg", case-insensitive
    assert "Mette Østergård" in html
    html = viewer.get("/roller?enhed=L%C3%B8n").text
    assert "Mette Østergård" in html and "Gammel Bruger" not in html
    html = viewer.get("/roller?rolle=L%C3%B8n-administrator").text
    assert "Mette Østergård" in html and "Gammel Bruger" not in html
    first = viewer.get("/roller?sorter=bruger").text
    assert "side 1 af 2" in first and "Person 0047" in first and "Person 0048" not in first
    second = viewer.get("/roller?sorter=bruger&side=2").text
    assert "Person 0048" in second and "Gammel Bruger" not in second
    backwards = viewer.get("/roller?sorter=bruger&faldende=1").text
    assert backwards.index("u0059") < backwards.index("u0058")


@pytest.mark.usefixtures("stored_run")
def test_admin_records_a_decision(admin: TestClient) -> None:
    page = admin.get("/person/mette")
    response = admin.post(
        "/person/mette/beslutning",
        data={
            "decision": "accept",
            "reason": "Har ingen telefon",
            "csrf_token": csrf_of(page.text),
        },
    )
    assert response.status_code == 200
    assert "Beslutningen er gemt" in response.text and "Har ingen telefon" in response.text
    # accepted cases leave the open list
    assert "Mette Østergård" not in admin.get("/roller").text
    assert "Mette Østergård" in admin.get("/roller?status=accepted").text


@pytest.mark.usefixtures("stored_run")
def test_accept_needs_a_reason(admin: TestClient) -> None:
    page = admin.get("/person/mette")
    response = admin.post(
        "/person/mette/beslutning",
        data={"decision": "accept", "reason": "", "csrf_token": csrf_of(page.text)},
    )
    assert response.status_code == 400
    assert "begrundelse" in response.text


@pytest.mark.usefixtures("stored_run")
def test_viewer_cannot_decide_or_upload(viewer: TestClient) -> None:
    token = csrf_of(viewer.get("/person/mette").text)
    response = viewer.post(
        "/person/mette/beslutning", data={"decision": "fix", "reason": "", "csrf_token": token}
    )
    assert response.status_code == 403
    assert "administrator" in response.text
    response = viewer.post(
        "/ny-koersel",
        data={"csrf_token": token},
        files={"klik": ("klik.csv", b"Brugernavn;Navn\nx;y\n", "text/csv")},
    )
    assert response.status_code == 403
    response = viewer.post("/opgave/beslutning", data={"decision": "fix", "csrf_token": token})
    assert response.status_code == 403
    assert "Gem beslutning" not in viewer.get("/person/mette").text


@pytest.mark.usefixtures("stored_run")
def test_post_without_csrf_is_refused(admin: TestClient) -> None:
    response = admin.post("/person/mette/beslutning", data={"decision": "fix", "reason": "x"})
    assert response.status_code == 403
    assert "Formularen" in response.text
    response = admin.post(
        "/person/mette/beslutning",
        data={"decision": "fix", "reason": "x", "csrf_token": "forkert"},
    )
    assert response.status_code == 403


def test_anonymous_post_is_refused(client: TestClient) -> None:
    response = client.post("/opgave/beslutning", data={"decision": "fix"})
    assert response.status_code == 401


@pytest.mark.usefixtures("stored_run")
def test_unknown_pages_and_files_are_danish_404s(viewer: TestClient) -> None:
    for path in [
        "/findes-ikke",
        "/person/ingen-saadan",
        "/koersler/2/hent/..%2F..%2Fsecret.key",
        "/koersler/2/rettelser/..%2Fresultat.json",
        "/ansvarlige/hacker.csv",
    ]:
        response = viewer.get(path)
        assert response.status_code == 404, path
        assert "findes ikke" in response.text
    response = viewer.get("/koersler/99")
    assert response.status_code in {400, 404, 500}
    assert "Traceback" not in response.text


@pytest.mark.usefixtures("stored_run")
def test_downloads_are_attachments(viewer: TestClient) -> None:
    response = viewer.get("/koersler/2/hent/rapport.html")
    assert response.headers["content-disposition"].startswith("attachment")
    csv_text = viewer.get("/ansvarlige/supplier.csv").content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("Brugernavn;Navn")
    assert "xss" in csv_text


def test_security_headers_and_cookie_flags(client: TestClient) -> None:
    response = client.get("/login")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    assert "Secure" not in cookie  # plain http here
    https = TestClient(client.app, base_url="https://telefonspor.example")
    assert "Secure" in https.get("/login").headers["set-cookie"]


def test_wrong_password_and_rate_limit(client: TestClient) -> None:
    for _ in range(5):
        token = csrf_of(client.get("/login").text)
        response = client.post(
            "/login", data={"username": "anna", "password": "forkert!!!!", "csrf_token": token}
        )
        assert response.status_code == 401
        assert "Forkert brugernavn eller adgangskode" in response.text
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login", data={"username": "anna", "password": "korrekt hest batteri", "csrf_token": token}
    )
    assert response.status_code == 429
    assert "For mange" in response.text


def test_open_redirect_is_refused(client: TestClient) -> None:
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={
            "username": "anna",
            "password": "korrekt hest batteri",
            "csrf_token": token,
            "next": "//evil.example/",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_logout_ends_the_session(admin: TestClient) -> None:
    token = csrf_of(admin.get("/").text)
    admin.post("/logout", data={"csrf_token": token})
    assert admin.get("/", follow_redirects=False).status_code == 303


def test_settings_page_masks_secrets(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from telefonspor.settings import load
    from telefonspor.web import create_app
    from telefonspor.web.accounts import Accounts

    config = tmp_path / "kaede.toml"
    config.write_text(
        '[store]\ndb = "sqlite:///' + str(tmp_path / "t.db") + '"\n'
        '[[source]]\nkind = "os2sofd"\nlive = true\nurl = "https://sofd.example"\n'
        'api_key = "hemmelig-nøgle-123"\napi_key_env = "SOFD_KEY"\n',
        encoding="utf-8",
    )
    settings = load(config, environ={})
    accounts = Accounts.open(settings.db_url())
    accounts.add("anna", "admin", "korrekt hest batteri")
    accounts.close()
    with TestClient(create_app(settings, data_dir=tmp_path / "web")) as c:
        from .conftest import sign_in

        sign_in(c, "anna")
        html = c.get("/indstillinger").text
    assert "hemmelig-nøgle-123" not in html
    assert "SOFD_KEY" in html and "https://sofd.example" in html
