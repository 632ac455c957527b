"""Issue 16 in headless Chromium: what a new KLIK administrator meets in the web app.

A run made at 10:20 Danish time reads "kl. 10:20"; a run without the chain says that causes
need it; causes are ordered; an accept without a reason is answered at the form; the settings
page shows code, not Markdown; the message for KOMBIT is ready to copy; a wrong run is deleted
after confirming. Screenshots go to test-artifacts/web/ to be looked at.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import uvicorn

from telefonspor.reports import write_reports
from telefonspor.settings import load
from telefonspor.store import Store
from telefonspor.web import create_app
from telefonspor.web.accounts import Accounts

from .conftest import PASSWORD, sample_result

if TYPE_CHECKING:
    from playwright.sync_api import Page

from browser_support import ARGS, BROWSER_MARKS, CHROMIUM

playwright_api = pytest.importorskip("playwright.sync_api")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
pytestmark = BROWSER_MARKS
WINTER_RUN = datetime(2026, 11, 30, 9, 20, tzinfo=UTC)  # 10:20 in Copenhagen


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("foerste-time")
    settings = load(
        None,
        overrides=[
            f"store.db=sqlite:///{folder / 'telefonspor.db'}",
            "audit.municipality_name=Testrup Kommune",
        ],
        environ={},
    )
    accounts = Accounts.open(settings.db_url(), settings)
    accounts.add("anna", "admin", PASSWORD)
    accounts.close()
    result = sample_result(extra_uncovered=3)
    reports = folder / "web" / "koersler" / "forste"
    write_reports(result, reports)
    with Store.from_settings(settings) as store:
        store.save_run(result, started_at=WINTER_RUN, finished_at=WINTER_RUN)
        store.save_run(
            result, started_at=WINTER_RUN, finished_at=WINTER_RUN, report_dir=str(reports)
        )
    app = create_app(settings, data_dir=folder / "web")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:  # bounded by the test timeout
        thread.join(0.05)
        if not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join()


@pytest.fixture(scope="module")
def page(base: str) -> Iterator[Page]:
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="da-DK")
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        tab.goto(base + "/login")
        tab.get_by_label("Brugernavn").fill("anna")
        tab.get_by_label("Adgangskode").fill(PASSWORD)
        tab.get_by_role("button", name="Log ind").click()
        tab.wait_for_url(base + "/")
        yield tab
        browser.close()
        assert errors == []


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_run_page_danish_time_no_chain_and_ordered_causes(page: Page, base: str) -> None:
    page.goto(base + "/koersler/2")
    lead = page.locator("p.lead").first.inner_text()
    assert "30. november 2026 kl. 10:20" in lead
    assert page.get_by_text("Årsagerne kræver kæden.").is_visible()
    counts = [int(n) for n in page.locator("table tbody td.num").all_inner_texts()[:4]]
    assert counts == sorted(counts, reverse=True)
    _shot(page, "koersel-foerste-time")


def test_accept_without_reason_is_answered_at_the_form(page: Page, base: str) -> None:
    page.goto(base + "/person/mette")
    page.get_by_label("Accepteres (handles ikke)").check()
    page.get_by_role("button", name="Gem beslutning").click()
    alert = page.get_by_role("alert")
    assert alert.is_visible() and "Skriv en begrundelse" in alert.inner_text()
    assert page.get_by_label("Accepteres (handles ikke)").is_checked()
    _shot(page, "person-uden-begrundelse")


def test_settings_page_shows_code_not_markdown(page: Page, base: str) -> None:
    page.goto(base + "/indstillinger")
    text = page.locator("main").inner_text()
    assert "`" not in text
    _shot(page, "indstillinger")


def test_kombit_message_is_ready_to_copy(page: Page, base: str) -> None:
    page.goto(base + "/")
    page.get_by_text("Beslut for hele opgaven (trin 3)").click()
    page.get_by_label("Vi iværksætter ikke aktiviteter").check()
    page.locator("#task-reason").fill("Rollerne flyttes til nye brugere")
    page.get_by_role("button", name="Gem beslutning").first.click()
    page.wait_for_url(base + "/#opgaven")
    message = page.locator("#kombit-besked")
    assert message.is_visible()
    text = message.input_value()
    assert text.startswith("Telefonnumre på roller i KLIK – Testrup Kommune")
    assert "Begrundelse: Rollerne flyttes til nye brugere" in text
    for secret in ("mette", "Mette", "xss", "hans"):
        assert secret not in text
    _shot(page, "overblik-besked-til-kombit")


def test_a_wrong_run_is_deleted_after_confirming(page: Page, base: str) -> None:
    page.goto(base + "/koersler/2")
    page.get_by_role("link", name="Slet kørsel nr. 2 …").click()
    page.wait_for_url(base + "/koersler/2/slet")
    _shot(page, "slet-koersel")
    page.get_by_label("Ja, slet kørsel nr. 2").check()
    page.get_by_role("button", name="Slet kørslen").click()
    page.wait_for_url(base + "/koersler")
    assert page.locator("a[href='/koersler/2']").count() == 0
