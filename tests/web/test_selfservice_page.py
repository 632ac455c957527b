"""/mit-nummer/<token> and /selvbetjening: the employee's page and the administrator's review.

Real app, real SQLite store, the real link issuing of ``notify``; the page is
reached without signing in, exactly as from the e-mail.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from msgspec.structs import replace

from telefonspor.model import AuditResult
from telefonspor.selfservice.links import issue_links
from telefonspor.settings import Settings
from telefonspor.store import Store

from .conftest import PASSWORD, csrf_of, sample_result, sign_in

BASE = "https://telefonspor.example"


def _links(settings: Settings, result: AuditResult | None = None) -> dict[str, str]:
    with Store.open(settings.db_url()) as store:
        return issue_links(
            store, result or sample_result(), settings.replace({"selfservice.base_url": BASE})
        )


def _path(link: str) -> str:
    return link.removeprefix(BASE)


@pytest.fixture
def link(settings: Settings, stored_run: int) -> str:
    links = _links(settings)
    assert set(links) == {"mette"}  # only missing_in_source, with an e-mail address
    return _path(links["mette"])


def _post(client: TestClient, path: str, **fields: str) -> object:
    page = client.get(path)
    return client.post(path, data={"csrf_token": csrf_of(page.text), **fields})


def test_the_page_shows_the_holder_without_login(client: TestClient, link: str) -> None:
    page = client.get(link)
    assert page.status_code == 200
    assert "Mette Østergård" in page.text and "mette" in page.text
    assert "Løn-administrator, Sikkerhedsansvarlig" in page.text
    assert "Person 0001" not in page.text and "hans" not in page.text  # nobody else's data
    assert "Log ud" not in page.text


def test_a_valid_number_is_stored_sealed_and_the_link_is_spent(
    client: TestClient, link: str, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        response = _post(client, link, direkte="33 66 33 66", mobil="")
    assert response.status_code == 200, response.text  # type: ignore[attr-defined]
    assert "••••••66" in response.text  # type: ignore[attr-defined]
    assert "33663366" not in caplog.text and "33 66 33 66" not in caplog.text
    with Store.open(settings.db_url()) as store:
        [sub] = store.selfservice().submissions()
        assert sub.user_id == "mette" and sub.status == "pending"
        assert store.selfservice().numbers(sub)["direct"] == "33663366"
    again = client.get(link)
    unknown = client.get("/mit-nummer/" + "A" * 22)
    assert again.status_code == unknown.status_code == 404
    assert _body(again.text) == _body(unknown.text)


@pytest.mark.parametrize(
    ("direct", "mobile", "reason"),
    [
        ("12345678", "", "pladsholdernummer"),
        ("70101155", "", "pladsholdernummer"),
        ("70 20 30 40", "", "servicenumre"),
        ("1234", "", "ikke et gyldigt telefonnummer"),
        ("+46 8 123 456 78", "", "Kun danske numre"),
        ("", "", "mindst ét nummer"),
        ("33663366", "33663366", "det samme"),
    ],
)
def test_bad_numbers_are_refused_with_the_reason_inline(
    client: TestClient, link: str, direct: str, mobile: str, reason: str, settings: Settings
) -> None:
    response = _post(client, link, direkte=direct, mobil=mobile)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert reason in response.text  # type: ignore[attr-defined]
    assert 'aria-invalid="true"' in response.text or reason == "mindst ét nummer"  # type: ignore[attr-defined]
    with Store.open(settings.db_url()) as store:
        assert store.selfservice().submissions() == []
    assert client.get(link).status_code == 200  # the link still works after a refusal


def test_the_town_halls_main_number_is_refused(
    client: TestClient, settings: Settings, stored_run: int, tmp_path: Path
) -> None:
    app_settings = settings.replace({"audit.placeholders": ["33113311"]})
    client.app.state.web.settings = app_settings  # type: ignore[attr-defined]
    path = _path(_links(settings)["mette"])
    response = _post(client, path, direkte="33 11 33 11")
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "hovednummer" in response.text  # type: ignore[attr-defined]


def test_no_work_number_becomes_a_proposed_accept(
    client: TestClient, link: str, settings: Settings
) -> None:
    refused = _post(client, link, ingen_nummer="ja", begrundelse="")
    assert refused.status_code == 400  # type: ignore[attr-defined]
    response = _post(
        client, link, ingen_nummer="ja", begrundelse="Jeg arbejder kun ved skrivebord uden telefon"
    )
    assert response.status_code == 200  # type: ignore[attr-defined]
    with Store.open(settings.db_url()) as store:
        [sub] = store.selfservice().submissions()
        assert sub.kind == "no_number" and sub.status == "pending"
        assert "mette" not in store.decisions()  # proposed only: the administrator decides


def test_form_without_csrf_is_refused(client: TestClient, link: str, settings: Settings) -> None:
    client.get(link)
    response = client.post(link, data={"direkte": "33663366"})
    assert response.status_code == 403
    with Store.open(settings.db_url()) as store:
        assert store.selfservice().submissions() == []


def test_guessing_links_is_rate_limited(client: TestClient, link: str) -> None:
    for i in range(10):
        assert client.get(f"/mit-nummer/gaet{i:018d}").status_code == 404
    limited = client.get("/mit-nummer/gaet-igen")
    assert limited.status_code == 429
    assert client.get(link).status_code == 429  # even a good link waits: no oracle meanwhile


def test_revoked_and_expired_links_get_the_neutral_page(
    client: TestClient, settings: Settings, stored_run: int
) -> None:
    first = _path(_links(settings)["mette"])
    second = _path(_links(settings)["mette"])  # a new mail revokes the old link
    assert client.get(second).status_code == 200
    old = client.get(first)
    assert old.status_code == 404 and "Linket virker ikke" in old.text
    with Store.open(settings.db_url()) as store:
        assert store.selfservice().revoke("mette") == 1
    assert client.get(second).status_code == 404


def test_admin_approves_a_no_number_as_accept_decision(
    client: TestClient, link: str, settings: Settings
) -> None:
    _post(client, link, ingen_nummer="ja", begrundelse="Deler telefon med teamet")
    sign_in(client, "viggo")
    page = client.get("/selvbetjening")
    assert page.status_code == 200 and "Deler telefon med teamet" in page.text
    assert "/godkend" not in page.text  # a viewer sees, but cannot approve
    refused = client.post("/selvbetjening/1/godkend", data={"csrf_token": csrf_of(page.text)})
    assert refused.status_code == 403
    client.post("/logout", data={"csrf_token": csrf_of(page.text)})
    sign_in(client, "anna", PASSWORD)
    page = client.get("/selvbetjening")
    done = client.post("/selvbetjening/1/godkend", data={"csrf_token": csrf_of(page.text)})
    assert done.status_code == 200 and "Gennemført" in done.text
    with Store.open(settings.db_url()) as store:
        decision = store.decisions()["mette"]
    assert decision.decision == "accept" and decision.decided_by == "anna"
    assert "Deler telefon med teamet" in decision.reason


def test_admin_rejects_and_the_number_is_gone(
    client: TestClient, link: str, settings: Settings
) -> None:
    _post(client, link, mobil="20 30 40 50")
    sign_in(client, "anna")
    page = client.get("/selvbetjening")
    assert "••••••50" in page.text and "20304050" not in page.text
    client.post("/selvbetjening/1/afvis", data={"csrf_token": csrf_of(page.text)})
    with Store.open(settings.db_url()) as store:
        [sub] = store.selfservice().submissions()
    assert sub.status == "rejected" and not sub.holds_numbers and sub.decided_by == "anna"


def _body(html: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]+"', "", html)


def test_send_page_writes_employee_mails_with_personal_links(
    settings: Settings, tmp_path: Path, stored_run: int
) -> None:
    from telefonspor.web import create_app

    configured = settings.replace({"selfservice.base_url": BASE})
    with TestClient(create_app(configured, data_dir=tmp_path / "web")) as client:
        sign_in(client, "anna")
        token = csrf_of(client.get("/ansvarlige").text)
        sent = client.post(
            "/ansvarlige/send",
            data={"maade": "proeve", "medarbejdere": "ja", "csrf_token": token},
        )
        assert sent.status_code == 200 and "mette@kommune.dk" in sent.text
        run = client.app.state.web.store().run(stored_run)  # type: ignore[attr-defined]
        mail = (Path(run.report_dir) / "beskeder" / "employee__mette_kommune.dk.eml").read_text(
            encoding="utf-8"
        )
        found = re.search(r"/mit-nummer/[A-Za-z0-9_-]{22}", mail.replace("=\n", ""))
        assert found, mail
        page = client.get(found.group(0))
        assert page.status_code == 200 and "Mette" in page.text


def test_auto_approval_approves_numbers_but_not_no_number(
    client: TestClient, settings: Settings, stored_run: int
) -> None:
    client.app.state.web.settings = settings.replace({"selfservice.auto_approve": True})  # type: ignore[attr-defined]
    links = _links(settings)
    _post(client, _path(links["mette"]), direkte="33 66 33 66")
    again = _path(_links(settings)["mette"])
    _post(client, again, ingen_nummer="ja", begrundelse="Ingen telefon")
    with Store.open(settings.db_url()) as store:
        number, no_number = store.selfservice().submissions()
    assert (number.status, number.decided_by) == ("approved", "automatisk")
    assert no_number.status == "pending"  # an accept is always a person's decision


def test_a_number_the_run_found_on_many_holders_is_refused(
    client: TestClient, settings: Settings, stored_run: int
) -> None:
    from datetime import UTC, datetime

    from tests.store import factory

    shared = factory.phone("33112233").with_findings("shared")
    holders = [factory.holder(f"s{i}", covered=True) for i in range(3)]
    holders = [replace(h, direct=shared) for h in holders]
    with Store.open(settings.db_url()) as store:
        now = datetime.now(UTC)
        store.save_run(factory.result(holders), started_at=now, finished_at=now)
    path = _path(_links(settings)["mette"])  # bound to that (latest) run
    response = _post(client, path, direkte="+45 33 11 22 33")
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "bruges af mange medarbejdere" in response.text  # type: ignore[attr-defined]
    assert _post(client, path, direkte="33 11 22 34").status_code == 200  # type: ignore[attr-defined]


def _approved_number(client: TestClient, link: str) -> str:
    """The employee sends 33 66 33 66, the administrator approves; returns a fresh CSRF token."""
    _post(client, link, direkte="33 66 33 66")
    sign_in(client, "anna")
    page = client.get("/selvbetjening")
    client.post("/selvbetjening/1/godkend", data={"csrf_token": csrf_of(page.text)})
    return csrf_of(client.get("/selvbetjening").text)


def test_write_back_from_the_page_dry_run_confirm_then_fix_files(
    client: TestClient, link: str, settings: Settings, tmp_path: Path
) -> None:
    """No live AD/OS2sofd in the chain: the target is fix files, made from the stored run."""
    token = _approved_number(client, link)
    page = client.get("/selvbetjening")
    assert "Rettelsesfiler" in page.text and 'action="/selvbetjening/proevekoersel"' in page.text
    dry = client.post("/selvbetjening/proevekoersel", data={"csrf_token": token})
    assert dry.status_code == 200 and "Prøvekørsel: intet er skrevet" in dry.text
    assert "Ville skrive" in dry.text and "••••••66" in dry.text and "33663366" not in dry.text
    unconfirmed = client.post("/selvbetjening/skriv", data={"csrf_token": token})
    assert "Sæt hak i bekræftelsen" in unconfirmed.text
    with Store.open(settings.db_url()) as store:
        [sub] = store.selfservice().submissions()
        assert sub.status == "approved" and store.selfservice().writes() == []
    assert not (tmp_path / "web" / "selvbetjening").exists() or not any(
        (tmp_path / "web" / "selvbetjening").iterdir()
    )
    done = client.post("/selvbetjening/skriv", data={"csrf_token": token, "bekraeft": "ja"})
    assert done.status_code == 200 and "1 felter skrevet, 0 konflikter" in done.text
    with Store.open(settings.db_url()) as store:
        [sub] = store.selfservice().submissions()
        writes = store.selfservice().writes()
    assert sub.status == "applied" and not sub.holds_numbers
    assert [(w.field, w.target, w.outcome, w.applied_by) for w in writes] == [
        ("direct", "fixfiles", "fix_file", "anna")
    ]
    zip_link = re.search(r'href="(/selvbetjening/rettelsesfiler/\d{8}T\d{6}Z\.zip)"', done.text)
    assert zip_link, done.text
    download = client.get(zip_link.group(1))
    assert download.status_code == 200 and download.headers["content-type"] == "application/zip"
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        texts = {n: archive.read(n).decode("utf-8-sig") for n in archive.namelist()}
    assert any("+4533663366" in text or "33663366" in text for text in texts.values()), texts
    again = client.get("/selvbetjening")
    assert "Ingen godkendte numre venter" in again.text and zip_link.group(1) in again.text


def test_only_administrators_write_back_or_fetch_the_files(
    client: TestClient, link: str, settings: Settings
) -> None:
    _approved_number(client, link)
    page = client.get("/selvbetjening")
    client.post("/logout", data={"csrf_token": csrf_of(page.text)})
    sign_in(client, "viggo")
    seen = client.get("/selvbetjening")
    assert "proevekoersel" not in seen.text
    token = csrf_of(seen.text)
    for path in ("/selvbetjening/proevekoersel", "/selvbetjening/skriv"):
        assert client.post(path, data={"csrf_token": token, "bekraeft": "ja"}).status_code == 403
    assert client.get("/selvbetjening/rettelsesfiler/20261130T120000Z.zip").status_code == 403
    with Store.open(settings.db_url()) as store:
        assert store.selfservice().submissions()[0].status == "approved"


def test_write_back_names_a_target_the_chain_lacks(
    client: TestClient, link: str, settings: Settings
) -> None:
    token = _approved_number(client, link)
    client.app.state.web.settings = settings.replace({"selfservice.target": "ad"})  # type: ignore[attr-defined]
    page = client.get("/selvbetjening")
    assert (
        "selfservice.target = &#39;ad&#39;" in page.text or "selfservice.target = 'ad'" in page.text
    )
    refused = client.post("/selvbetjening/proevekoersel", data={"csrf_token": token})
    assert refused.status_code == 409 and "intet live ad-system" in refused.text
    assert "Traceback" not in refused.text


def test_fix_file_downloads_serve_only_their_own_folders(admin: TestClient) -> None:
    for name in ("..", "koersler", "20261130T120000Z", "x" * 16):
        assert admin.get(f"/selvbetjening/rettelsesfiler/{name}.zip").status_code == 404


def test_fix_files_from_self_service_say_the_employee_sent_the_number(
    client: TestClient, link: str, settings: Settings, tmp_path: Path
) -> None:
    """Not 'rettet i hånden (rettelsesfilen række 0)': there is no corrections file here."""
    token = _approved_number(client, link)
    client.post("/selvbetjening/skriv", data={"csrf_token": token, "bekraeft": "ja"})
    [folder] = (tmp_path / "web" / "selvbetjening").iterdir()
    texts = "".join(p.read_text(encoding="utf-8-sig") for p in folder.iterdir())
    assert "medarbejderens eget nummer (selvbetjening, indsendelse nr. 1)" in texts
    assert "rettelsesfilen række 0" not in texts
