"""Ny kørsel: uploads checked by size and content; a real audit run in the background."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from starlette.testclient import TestClient  # imported in conftest first (warning filtered)

from telefonspor.sample import generate_chain
from telefonspor.settings import load
from telefonspor.web import create_app
from telefonspor.web.accounts import Accounts
from telefonspor.web.uploads import sniff

from .conftest import PASSWORD, csrf_of, sign_in


def _post(client: TestClient, files: dict[str, tuple[str, bytes, str]], **data: str):  # type: ignore[no-untyped-def]
    token = csrf_of(client.get("/ny-koersel").text)
    return client.post("/ny-koersel", data={"csrf_token": token, **data}, files=files)


def test_fake_xlsx_is_refused_in_danish(admin: TestClient) -> None:
    response = _post(
        admin, {"klik": ("klik.xlsx", b"Navn;Brugernavn\nA;b\n", "application/octet-stream")}
    )
    assert response.status_code == 400
    assert "ikke et Excel-regneark" in response.text
    assert "Traceback" not in response.text
    response = _post(
        admin, {"klik": ("klik.xlsx", bytes(range(256)) * 8, "application/octet-stream")}
    )
    assert response.status_code == 400
    assert "hverken et Excel-regneark" in response.text


def test_zip_that_is_not_a_workbook_is_refused(admin: TestClient, tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "x.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hej")
    response = _post(admin, {"klik": ("klik.xlsx", path.read_bytes(), "application/zip")})
    assert response.status_code == 400
    assert "ZIP-fil" in response.text


def test_oversized_upload_is_refused(tmp_path: Path) -> None:
    settings = load(
        None,
        overrides=[f"store.db=sqlite:///{tmp_path / 't.db'}", "web.max_upload_mb=1"],
        environ={},
    )
    accounts = Accounts.open(settings.db_url())
    accounts.add("anna", "admin", PASSWORD)
    accounts.close()
    with TestClient(
        create_app(settings, data_dir=tmp_path / "web"), raise_server_exceptions=False
    ) as client:
        sign_in(client, "anna")
        big = b"a;b\n" * (800 * 1024)  # 3.2 MB
        response = _post(client, {"klik": ("klik.csv", big, "text/csv")})
        assert response.status_code == 413
        assert "højst 1 MB" in response.text
        # just over the limit, under the form overhead margin: caught while saving
        response = _post(client, {"klik": ("klik.csv", b"a;b\n" * (300 * 1024), "text/csv")})
        assert response.status_code == 413
    assert not any((tmp_path / "web" / "uploads").iterdir())


def test_sniff_by_content_not_name() -> None:
    assert sniff(b"Navn;Brugernavn\r\n", "klik.csv") == "csv"
    assert sniff("Navn;Brugernavn;Afdeling\nÅse;å;Løn\n".encode("cp1252"), "x.txt") == "csv"
    assert sniff(b'[{"uuid": "1"}]', "data.csv") == "json"
    assert sniff(bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 100, "klik.csv") == "xls"


def _wait_for(client: TestClient, job_url: str) -> dict[str, object]:
    for _ in range(600):  # waits for the background thread; bounded, never a timing assert
        status = client.get(job_url + "/status").json()
        if status["state"] != "running":
            return dict(status)
        time.sleep(0.1)
    raise AssertionError("the job never finished")


@pytest.mark.slow
def test_upload_runs_an_audit_with_uploaded_sources(tmp_path: Path) -> None:
    chain = generate_chain(tmp_path / "kommune", holders=300, users=1500)
    settings = load(chain.config, overrides=[f"store.db=sqlite:///{tmp_path / 't.db'}"], environ={})
    accounts = Accounts.open(settings.db_url())
    accounts.add("anna", "admin", PASSWORD)
    accounts.close()
    web = tmp_path / "web"
    with TestClient(create_app(settings, data_dir=web)) as client:
        sign_in(client, "anna")
        files = {
            "klik": ("klik.xlsx", chain.klik.read_bytes(), "application/octet-stream"),
            "kilde_fil_1": ("ad.csv", chain.sources["ad"].read_bytes(), "text/csv"),
            "kilde_fil_2": ("sofd.json", chain.sources["os2sofd"].read_bytes(), "application/json"),
            "kilde_fil_3": ("fkorg.csv", chain.sources["fkorg"].read_bytes(), "text/csv"),
        }
        response = _post(
            client,
            files,
            kaede="filer",
            kilde_type_1="ad",
            kilde_type_2="os2sofd",
            kilde_type_3="fkorg",
        )
        assert response.status_code == 200
        job_url = str(response.url.path)
        status = _wait_for(client, job_url)
        assert status["state"] == "done", status
        page = client.get(job_url)
        assert page.url.path == f"/koersler/{status['run_id']}"
        assert "rapport.xlsx" in page.text and "ad-rettelser.ps1" in page.text
        holders = client.get("/roller?aarsag=lost_source_to_local").text
        assert "Tabt mellem kilde og lokal organisationsløsning" in holders
        assert client.get(f"/koersler/{status['run_id']}/hent/rapport.xlsx").content[:2] == b"PK"
    assert not any((web / "uploads").iterdir())  # deleted after the run


def test_failed_run_shows_the_danish_message(admin: TestClient) -> None:
    response = _post(admin, {"klik": ("klik.csv", b"foo;bar\n1;2\n", "text/csv")})
    status = _wait_for(admin, str(response.url.path))
    assert status["state"] == "failed"
    page = admin.get(str(response.url.path)).text
    assert "Kørslen fejlede" in page and "Traceback" not in page
