"""Rollemigrering in headless Chromium against uvicorn on 127.0.0.1 (issue 18 point 3):
sign in, open the page from the menu, decide a row, see the decision saved in place.

The screenshot goes to test-artifacts/web/rollemigrering.png.
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

from telefonspor.edge.run import audit_files
from telefonspor.fixfiles import write_fix_files
from telefonspor.reports import write_reports
from telefonspor.sample import generate_chain
from telefonspor.settings import load
from telefonspor.store import Store
from telefonspor.twins import migration_rows
from telefonspor.web import create_app
from telefonspor.web.accounts import Accounts

from .conftest import PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Page

from browser_support import ARGS, BROWSER_MARKS, CHROMIUM

playwright_api = pytest.importorskip("playwright.sync_api")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
pytestmark = BROWSER_MARKS


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    """A stored run with reports; yields the base URL, a row with a twin and that twin."""
    folder = tmp_path_factory.mktemp("migrering-e2e")
    chain = generate_chain(folder / "kommune", holders=250, users=800, seed=2)
    settings = load(
        chain.config, overrides=[f"store.db=sqlite:///{folder / 'telefonspor.db'}"], environ={}
    )
    result = audit_files(chain.klik, settings)
    report = folder / "rapport"
    write_reports(result, report)
    write_fix_files(result, report / "rettelser", settings=settings)
    with Store.open(settings.db_url()) as store:
        now = datetime.now(UTC)
        store.save_run(result, started_at=now, finished_at=now, report_dir=str(report))
    accounts = Accounts.open(settings.db_url())
    accounts.add("anna", "admin", PASSWORD)
    accounts.close()
    move = next(r for r in migration_rows(result.holders) if r.kind == "move")
    assert move.twin is not None
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
    yield f"http://127.0.0.1:{port}", move.holder.user_id, move.twin.user_id
    uv.should_exit = True
    thread.join()


@pytest.fixture(scope="module")
def page() -> Iterator[Page]:
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="da-DK")
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        yield tab
        browser.close()
        assert errors == []


def test_decide_a_move_in_the_browser(page: Page, server: tuple[str, str, str]) -> None:
    base, old, twin = server
    page.goto(base + "/login")
    page.get_by_label("Brugernavn").fill("anna")
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(base + "/")
    menu = page.get_by_role("navigation", name="Hovedmenu")
    menu.get_by_role("link", name="Rollemigrering").click()
    page.wait_for_url(base + "/rollemigrering")
    assert page.get_by_role("heading", name="Rollemigrering", level=1).is_visible()

    row = page.locator(f"tr#r-{old}")
    row.get_by_label(f"Beslutning for {old}").select_option(f"move:{twin}")
    row.get_by_label(f"Note for {old}").fill("Aftalt med personen")
    row.get_by_role("button", name="Gem").click()
    page.wait_for_url(f"{base}/rollemigrering?gemt={old}*")
    saved = page.locator(f"tr#r-{old} p.saved")
    assert saved.is_visible()
    assert f"Flyt rollerne til {twin} – Aftalt med personen" in saved.inner_text()
    # The action column stays on screen at 1366 px: the table fits the viewport.
    width = page.evaluate("document.querySelector('table.migration').getBoundingClientRect().right")
    assert width <= 1366
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "rollemigrering-gemt.png"), full_page=False)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / "rollemigrering.png"), full_page=False)
