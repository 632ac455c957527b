"""End to end in headless Chromium against uvicorn on 127.0.0.1: sign in, upload the demo
KLIK export, wait for the run, filter, open a person, decide, download the Excel report.

Screenshots go to test-artifacts/web/; the ones the README shows are copied to docs/img/ when
they are missing there or TELEFONSPOR_UPDATE_SCREENSHOTS=1 (so a test run leaves the checkout clean).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import uvicorn

from telefonspor.sample import generate_chain
from telefonspor.settings import load
from telefonspor.web import create_app
from telefonspor.web.accounts import Accounts

from .conftest import PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Page

from browser_support import ARGS, BROWSER_MARKS, CHROMIUM

playwright_api = pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "web"
README_IMAGES = ROOT / "docs" / "img"

pytestmark = BROWSER_MARKS


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("e2e")
    chain = generate_chain(folder / "kommune", holders=300, users=1500)
    settings = load(
        chain.config, overrides=[f"store.db=sqlite:///{folder / 'telefonspor.db'}"], environ={}
    )
    accounts = Accounts.open(settings.db_url())
    accounts.add("anna", "admin", PASSWORD)
    accounts.close()
    app = create_app(settings, data_dir=folder / "web")
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    while not uv.started:  # bounded by the test timeout
        thread.join(0.05)
        if not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
    yield f"http://127.0.0.1:{port}", chain.klik
    uv.should_exit = True
    thread.join()


@pytest.fixture(scope="module")
def page(server: tuple[str, Path]) -> Iterator[Page]:
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, accept_downloads=True, locale="da-DK"
        )
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        yield tab
        browser.close()
        assert errors == []


def _shot(page: Page, name: str, *, readme: bool = False) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    target = README_IMAGES / f"web-{name}.png"
    if readme and (not target.exists() or os.environ.get("TELEFONSPOR_UPDATE_SCREENSHOTS") == "1"):
        README_IMAGES.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


def _nav(page: Page, label: str) -> None:
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name=label).click()


def test_the_whole_task_in_a_browser(page: Page, server: tuple[str, Path]) -> None:
    base, klik = server
    page.goto(base + "/")
    assert page.url.startswith(base + "/login")
    _shot(page, "login", readme=True)
    page.get_by_label("Brugernavn").fill("anna")
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(base + "/")

    _nav(page, "Ny kørsel")
    page.get_by_label("KLIK-eksport").set_input_files(str(klik))
    page.get_by_label("Brug den konfigurerede kæde").check()
    _shot(page, "ny-koersel", readme=True)
    page.get_by_role("button", name="Start kørslen").click()
    # The job page polls /status and moves on to the run's result page.
    page.wait_for_url(f"{base}/koersler/*", timeout=120_000)
    assert page.get_by_role("heading", name="Kørsel nr. 1").is_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel-rapport (rapport.xlsx)").click()
    download = download_info.value
    xlsx = ARTIFACTS / "rapport.xlsx"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    download.save_as(str(xlsx))
    import openpyxl

    workbook = openpyxl.load_workbook(xlsx, read_only=True)
    assert len(workbook.sheetnames) >= 2
    workbook.close()

    _nav(page, "Overblik")
    assert page.get_by_text("Udviklingen vises, når der er mindst to kørsler.").is_visible()

    _nav(page, "Roller uden telefon")
    page.get_by_label("Årsag").select_option("lost_source_to_local")
    page.get_by_role("button", name="Vis").click()
    page.wait_for_url("**aarsag=lost_source_to_local**")
    rows = page.locator("table.holders tbody tr")
    assert rows.count() >= 1
    for cause in rows.locator("td:nth-child(5)").all_inner_texts():
        assert cause == "Tabt mellem kilde og lokal organisationsløsning"
    _shot(page, "roller", readme=True)

    rows.first.locator("a").first.click()
    page.wait_for_url("**/person/**")
    assert page.get_by_role("heading", name="Sporet gennem kæden").is_visible()
    page.get_by_label("Accepteres (handles ikke)").check()
    page.get_by_label("Begrundelse").fill("Fratræder ved månedens udgang")
    page.get_by_role("button", name="Gem beslutning").click()
    assert page.get_by_text("Beslutningen er gemt.").is_visible()
    assert page.get_by_text("Fratræder ved månedens udgang").is_visible()
    _shot(page, "person", readme=True)

    _nav(page, "Ansvarlige")
    _shot(page, "ansvarlige")

    # a second run, so the overview shows the trend
    _nav(page, "Ny kørsel")
    page.get_by_label("KLIK-eksport").set_input_files(str(klik))
    page.get_by_role("button", name="Start kørslen").click()
    page.wait_for_url(f"{base}/koersler/2", timeout=120_000)
    _nav(page, "Overblik")
    assert page.locator("svg.chart polyline").count() == 1
    _shot(page, "overblik", readme=True)

    # narrow screen (a phone, or 200 % zoom of a small laptop): nothing scrolls sideways
    page.set_viewport_size({"width": 400, "height": 800})
    _nav(page, "Overblik")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400
    _shot(page, "overblik-smal")

    # keyboard: the skip link is the first stop and moves focus to the content
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Gå til indhold"
