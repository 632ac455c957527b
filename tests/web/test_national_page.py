"""Landsoversigt in the web app: upload statements, see the overview, download its files."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient  # imported in conftest first (warning filtered)
from tests.national.builders import NATIONAL_ROWS, write_klik, write_result

from telefonspor.national import match_municipality
from telefonspor.national.statement import STATEMENT_SCHEMA, Statement, dumps

from .conftest import HOSTILE, csrf_of, sign_in

GUARDED = [
    "/landsoversigt",
    "/landsoversigt/kort",
    "/landsoversigt/hent/landsoversigt.html",
    "/landsoversigt/hent/landsoversigt.xlsx",
    "/landsoversigt/hent/landsoversigt.json",
]


def statement(code: str, roles: int, covered: int, day: str = "2024-05-01") -> bytes:
    found = match_municipality(code)
    assert found is not None
    made = Statement(
        municipality=found,
        measured_at=day,
        roles=roles,
        roles_covered=covered,
        role_holders=roles // 2,
        covered_holders=covered // 2,
        causes={"legacy_klik_user": 3},
        findings={"missing": roles - covered},
    )
    return dumps(made).encode("utf-8")


def upload(
    client: TestClient, *files: tuple[str, bytes], token: str | None = None
) -> httpx.Response:
    if token is None:
        token = csrf_of(client.get("/landsoversigt").text)
    response: httpx.Response = client.post(
        "/landsoversigt",
        data={"csrf_token": token},
        files=[("filer", (name, content, "application/octet-stream")) for name, content in files],
        follow_redirects=False,
    )
    return response


def uploads_left(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "web" / "uploads"
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


@pytest.mark.parametrize("path", GUARDED)
def test_anonymous_is_sent_to_login(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


def test_anonymous_post_is_refused(client: TestClient, tmp_path: Path) -> None:
    response = client.post("/landsoversigt", files=[("filer", ("a.json", b"{}", "text/plain"))])
    assert response.status_code == 401
    assert not (tmp_path / "web" / "landsoversigt").exists()


def test_menu_has_landsoversigt_and_page_without_overview(viewer: TestClient) -> None:
    html = viewer.get("/").text
    assert '<a href="/landsoversigt"' in html
    page = viewer.get("/landsoversigt")
    assert page.status_code == 200
    assert "Der er endnu ingen landsoversigt" in page.text
    assert 'name="filer"' not in page.text  # viewers get no form
    assert viewer.get("/landsoversigt/kort").status_code == 404
    assert viewer.get("/landsoversigt/hent/landsoversigt.json").status_code == 404


def test_viewer_cannot_upload(viewer: TestClient, tmp_path: Path) -> None:
    token = csrf_of(viewer.get("/landsoversigt").text)
    response = upload(viewer, ("k101.json", statement("101", 100, 80)), token=token)
    assert response.status_code == 403
    assert "administrator" in response.text
    assert not (tmp_path / "web" / "landsoversigt").exists()


def test_post_without_csrf_is_refused(admin: TestClient, tmp_path: Path) -> None:
    response = admin.post(
        "/landsoversigt",
        files=[("filer", ("k101.json", statement("101", 100, 80), "application/json"))],
    )
    assert response.status_code == 403
    assert "Formularen kunne ikke godkendes" in response.text
    response = upload(admin, ("k101.json", statement("101", 100, 80)), token="forkert")
    assert response.status_code == 403
    assert not (tmp_path / "web" / "landsoversigt").exists()


def test_two_statements_make_an_overview(admin: TestClient, tmp_path: Path) -> None:
    response = upload(
        admin,
        ("erklaering-kbh.json", statement("101", 200, 150)),
        ("erklaering-aarhus.json", statement("751", 100, 90)),
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/landsoversigt"
    assert uploads_left(tmp_path) == []

    html = admin.get("/landsoversigt").text
    assert "Dan en ny landsoversigt" in html  # admins keep the form
    ranking = html[html.index('id="rangering"') :]
    assert ranking.index("Aarhus") < ranking.index("København")  # 90 % before 75 %
    assert "90,0 %" in html and "75,0 %" in html
    assert "80,0 %" in html  # the national coverage: 240 of 300 roles
    assert "2 af 98" in html
    assert '<iframe src="/landsoversigt/kort' in html and "sandbox" in html
    for name in ("landsoversigt.html", "landsoversigt.xlsx", "landsoversigt.json"):
        assert f'href="/landsoversigt/hent/{name}"' in html

    data = admin.get("/landsoversigt/hent/landsoversigt.json")
    assert data.status_code == 200
    assert "attachment" in data.headers["content-disposition"]
    doc = json.loads(data.content)
    figures = {m["code"]: m["coverage_pct"] for m in doc["municipalities"]}
    assert figures["101"] == 75.0 and figures["751"] == 90.0 and figures["147"] is None
    workbook = admin.get("/landsoversigt/hent/landsoversigt.xlsx")
    assert workbook.status_code == 200 and workbook.content.startswith(b"PK\x03\x04")
    report = admin.get("/landsoversigt/hent/landsoversigt.html")
    assert report.status_code == 200 and "attachment" in report.headers["content-disposition"]
    assert 'aria-label="København: 75,0 %' in report.text
    assert admin.get("/landsoversigt/hent/secret.key").status_code == 404
    assert admin.get("/landsoversigt/hent/..%2Fsecret.key").status_code == 404


def test_map_is_framed_only_by_the_app_and_sandboxed(admin: TestClient) -> None:
    upload(admin, ("k101.json", statement("101", 100, 80)))
    response = admin.get("/landsoversigt/kort")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert "sandbox" in policy and "frame-ancestors 'self'" in policy
    assert "script-src" not in policy and "default-src 'none'" in policy
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    assert 'data-code="101"' in response.text
    # every other page still refuses to be framed
    assert admin.get("/landsoversigt").headers["x-frame-options"] == "DENY"


def test_viewer_sees_the_overview_without_the_form(admin: TestClient) -> None:
    upload(admin, ("k101.json", statement("101", 100, 80)))
    admin.post("/logout", data={"csrf_token": csrf_of(admin.get("/").text)})
    sign_in(admin, "viggo")
    html = admin.get("/landsoversigt").text
    assert "København" in html and "80,0 %" in html
    assert 'name="filer"' not in html
    assert admin.get("/landsoversigt/hent/landsoversigt.json").status_code == 200


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("falsk.xlsx", b"det her er ikke et regneark", "falsk.xlsx: filen hedder .xlsx"),
        ("billede.json", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "filen er hverken et Excel-regneark"),
        ("andet.json", b'{"schema": "noget/andet"}', "andet.json: JSON-filen er hverken"),
        ("brudt.json", b'{"schema": ', "brudt.json: Ugyldig JSON i linje 1"),
    ],
)
def test_bad_file_gives_a_danish_message(
    admin: TestClient, tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    response = upload(admin, (name, content))
    assert response.status_code == 400
    text = response.text
    assert expected in text
    assert "Traceback" not in text and str(tmp_path) not in text  # no server paths
    assert uploads_left(tmp_path) == []
    assert not (tmp_path / "web" / "landsoversigt").exists()


def test_no_file_chosen(admin: TestClient) -> None:
    response = upload(admin, ("", b""))
    assert response.status_code == 400
    assert "Vælg mindst én fil" in response.text


def test_bad_upload_keeps_the_previous_overview(admin: TestClient) -> None:
    upload(admin, ("k101.json", statement("101", 100, 80)))
    upload(admin, ("falsk.xlsx", b"ikke et regneark"))
    assert "København" in admin.get("/landsoversigt").text
    assert admin.get("/landsoversigt/hent/landsoversigt.json").status_code == 200


def test_unmatched_hostile_name_is_reported_and_escaped(admin: TestClient) -> None:
    hostile = {
        "schema": STATEMENT_SCHEMA,
        "municipality": {"name": HOSTILE},
        "date": "2024-05-01",
        "roles": 10,
        "roles_covered": 5,
        "role_holders": 5,
        "covered_holders": 2,
    }
    response = upload(
        admin,
        ("ukendt.json", json.dumps(hostile).encode()),
        ("k101.json", statement("101", 100, 80)),
    )
    assert response.status_code == 303
    html = admin.get("/landsoversigt").text
    assert HOSTILE not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "ukendt.json" in html and "blev ikke genkendt" in html
    framed = admin.get("/landsoversigt/kort").text
    assert HOSTILE not in framed and "&lt;script&gt;" in framed


def test_national_klik_export_and_result_json(admin: TestClient, tmp_path: Path) -> None:
    klik = write_klik(tmp_path / "klik-alle.xlsx", NATIONAL_ROWS)
    result = write_result(tmp_path)
    response = upload(
        admin,
        ("klik-alle.xlsx", klik.read_bytes()),
        ("resultat.json", result.read_bytes()),
    )
    assert response.status_code == 303, response.text
    html = admin.get("/landsoversigt").text
    ranking = html[html.index('id="rangering"') :]
    for name in ("København", "Aarhus", "Bornholm", "Høje-Taastrup", "Vejle"):
        assert name in ranking
    assert "klik-alle.xlsx: kommunen &#39;Christiansø&#39; blev ikke genkendt" in html
    assert "Ane Kbh" not in html and "kbh1" not in html  # aggregates only, no people
    assert str(tmp_path) not in admin.get("/landsoversigt/hent/landsoversigt.json").text
