"""Self-service end to end: real slapd, real CLI, real web app under uvicorn, headless Chromium.

Audit (KLIK + live AD) -> notify dry run writes the mail -> open the link from that mail in
Chromium -> submit -> the administrator approves in Chromium -> `selvbetjening apply --apply`
writes AD with the write account -> AD re-read live -> the next KLIK export carries the
number (as OS2sync and FK-ORG would deliver it) -> audit again -> the holder is covered,
credited to self-service in the diff page and the CLI.
"""

from __future__ import annotations

import email
import json
import re
import socket
import threading
from collections.abc import Iterator
from email.policy import default
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import uvicorn
import xlsxwriter
from typer.testing import CliRunner

from browser_support import ARGS, BROWSER_MARKS, CHROMIUM
from telefonspor.cli import app
from telefonspor.settings import load
from telefonspor.web import create_app
from telefonspor.web.accounts import Accounts

from .pki import Pki
from .selfservice_support import ad_write_source
from .slapd import READER_PASSWORD, WRITER_PASSWORD, Slapd
from .test_selfservice_ad import read_entry

if TYPE_CHECKING:
    from playwright.sync_api import Page

playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = [*BROWSER_MARKS, pytest.mark.ldap, pytest.mark.slow]

PASSWORD = "korrekt hest batteri"
HEADERS = ["Navn", "Brugernavn", "E-mail", "Direkte nummer", "Mobil nummer", "Roller", "Enhed"]


def write_klik(path: Path, rows: list[list[object]]) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Brugere")
    sheet.write_row(0, 0, ["Brugere i KLIK"])
    sheet.write_row(2, 0, HEADERS)
    for i, row in enumerate(rows, start=3):
        sheet.write_row(i, 0, row)
    book.close()
    return path


def klik_rows(sel10_direct: object = "") -> list[list[object]]:
    return [
        [
            "Selv Betjent 10",
            "sel10",
            "sel10@kommune.dk",
            sel10_direct,
            "",
            "Sikkerhedsansvarlig",
            "IT",
        ],
        ["Selv Betjent 11", "sel11", "sel11@kommune.dk", "", "", "Lokal administrator", "Løn"],
    ]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def setup(
    tmp_path: Path, slapd: Slapd, pki: Pki, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, Path]]:
    monkeypatch.setenv("T_AD_READ", READER_PASSWORD)
    monkeypatch.setenv("T_AD_WRITE", WRITER_PASSWORD)
    port = _free_port()
    config = tmp_path / "kaede.toml"
    config.write_text(
        f"""
[ad]
user_id_attribute = "uid"

[store]
db = "sqlite:///{tmp_path / "historik.db"}"

[selfservice]
base_url = "http://127.0.0.1:{port}"

{ad_write_source(slapd.ldaps_url, pki.ca_file)}""",
        encoding="utf-8",
    )
    settings = load(config)
    accounts = Accounts.open(settings.db_url())
    accounts.add("anna", "admin", PASSWORD)
    accounts.close()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, data_dir=tmp_path / "web"),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="on",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        thread.join(0.05)
        if not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
    yield f"http://127.0.0.1:{port}", config
    server.should_exit = True
    thread.join()


@pytest.fixture
def page() -> Iterator[Page]:
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        tab = browser.new_context(locale="da-DK").new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        yield tab
        browser.close()
        assert errors == []


def _cli(*args: str) -> str:
    run = CliRunner().invoke(app, list(args))
    assert run.exit_code == 0, run.output
    return run.output


def test_employee_registers_admin_approves_ad_is_written_next_audit_covers(
    setup: tuple[str, Path], page: Page, tmp_path: Path, slapd: Slapd, pki: Pki
) -> None:
    base, config = setup
    klik1 = write_klik(tmp_path / "klik1.xlsx", klik_rows())
    _cli("audit", str(klik1), "--config", str(config), "--save", "--out", str(tmp_path / "r1"))
    _cli(
        "notify",
        str(tmp_path / "r1" / "resultat.json"),
        "--config",
        str(config),
        "--employees",
        "--outbox",
        str(tmp_path / "ud"),
    )
    raw = (tmp_path / "ud" / "employee__sel10_kommune.dk.eml").read_bytes()
    body = email.message_from_bytes(raw, policy=default).get_body()
    assert body is not None
    found = re.search(re.escape(base) + r"/mit-nummer/[A-Za-z0-9_-]+", body.get_content())  # type: ignore[attr-defined]
    assert found, "no personal link in the mail"

    # The employee, not signed in, opens the link from the mail.
    page.goto(found.group(0))
    assert page.locator("#brugernavn").inner_text() == "sel10"
    assert page.locator("#roller").inner_text() == "Sikkerhedsansvarlig"
    assert "sel11" not in page.content()
    page.get_by_label("Direkte nummer (fastnet)").fill("12345678")
    page.get_by_role("button", name="Send").click()
    assert page.locator("#direkte-fejl").is_visible()  # refused inline, with the reason
    page.get_by_label("Direkte nummer (fastnet)").fill("33 66 33 10")
    page.get_by_role("button", name="Send").click()
    assert page.get_by_role("heading", name="Tak, Selv Betjent 10").is_visible()
    page.goto(found.group(0))
    assert page.get_by_role("heading", name="Linket virker ikke").is_visible()

    # The administrator approves in the web app.
    page.goto(base + "/login?next=/selvbetjening")
    page.get_by_label("Brugernavn").fill("anna")
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(base + "/selvbetjening")
    row = page.locator("#indsendelse-1")
    assert "••••••10" in row.inner_text() and "33663310" not in page.content()
    row.get_by_role("button", name="Godkend").click()
    page.wait_for_url(base + "/selvbetjening")
    assert "Godkendt" in page.locator("#indsendelse-1 .status").inner_text()

    # Apply: a dry run first, then for real; AD re-read live.
    assert "Ville skrive" in _cli("selvbetjening", "apply", "--config", str(config))
    assert read_entry(slapd, pki, "sel10")["telephoneNumber"] == []
    _cli("selvbetjening", "apply", "--apply", "--config", str(config), "--by", "anna")
    in_ad = read_entry(slapd, pki, "sel10")["telephoneNumber"]
    assert in_ad == ["33663310"]

    # The chain delivers it to KLIK; the next audit sees the holder covered.
    klik2 = write_klik(tmp_path / "klik2.xlsx", klik_rows(sel10_direct=in_ad[0]))
    _cli("audit", str(klik2), "--config", str(config), "--save", "--out", str(tmp_path / "r2"))
    diff = json.loads(_cli("diff", "--config", str(config), "--json"))
    assert diff["fixed"] == ["sel10"] and diff["fixed_by_selfservice"] == ["sel10"]

    page.goto(base + "/koersler/forskel")
    assert page.locator("#via-selvbetjening").inner_text() == "1"
    page.goto(base + "/selvbetjening")
    log = page.locator("#skrivninger").inner_text()
    assert "sel10" in log and "Skrevet" in log and "••••••10" in log and "AD" in log
