"""The map in headless Chromium: 98 tiles, each with its coverage in an accessible label."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from telefonspor.national import MUNICIPALITIES, Overview, Statement, combine, write_overview
from telefonspor.national.overview import Unmatched

if TYPE_CHECKING:
    from playwright.sync_api import Page

from browser_support import ARGS, BROWSER_MARKS, CHROMIUM

playwright_api = pytest.importorskip("playwright.sync_api")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = BROWSER_MARKS

#: Every seventh municipality has no data; the rest spread over the whole scale.
NO_DATA = {m.code for i, m in enumerate(MUNICIPALITIES) if i % 7 == 3}


def _overview() -> Overview:
    statements = []
    for i, m in enumerate(MUNICIPALITIES):
        if m.code in NO_DATA:
            continue
        roles = 200 + 13 * i
        covered = roles * (35 + (i * 37) % 64) // 100
        statements.append(
            Statement(
                m,
                "2024-05-01",
                roles,
                covered,
                roles // 2,
                covered // 2,
                {"legacy_klik_user": 1 + i % 5, "missing_in_source": i % 3},
            )
        )
        if i % 4 == 0:  # an older statement: the map shows the change since then
            statements.append(Statement(m, "2024-01-10", roles, roles // 2, roles // 2, roles // 4))
    return combine(
        statements,
        [Unmatched("klik-alle.xlsx", "Christiansø", 2)],
        inputs=("erklaeringer",),
        generated_at="2024-06-01T12:00:00+00:00",
    )


@pytest.fixture(scope="module")
def overview() -> Overview:
    return _overview()


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory, overview: Overview) -> Iterator[Page]:
    html = write_overview(overview, tmp_path_factory.mktemp("land"))[0]
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        tab = browser.new_page(viewport={"width": 1200, "height": 900})
        errors: list[str] = []
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        tab.on("request", lambda r: errors.append(r.url) if not r.url.startswith("file:") else None)
        tab.goto(html.as_uri())
        yield tab
        assert errors == []
        browser.close()


def test_every_municipality_is_a_tile_with_its_coverage_in_the_label(
    page: Page, overview: Overview
) -> None:
    tiles = page.locator("#kort [data-code]")
    assert tiles.count() == 98
    labels = dict(
        page.eval_on_selector_all(
            "#kort [data-code]",
            "els => els.map(e => [e.dataset.code, e.getAttribute('aria-label')])",
        )
    )
    assert set(labels) == {m.code for m in MUNICIPALITIES}
    for entry in overview.entries:
        label = labels[entry.municipality.code]
        assert label.startswith(entry.municipality.name + ": ")
        if entry.coverage_pct is None:
            assert label == f"{entry.municipality.name}: ingen data"
        else:
            pct = f"{entry.coverage_pct:.1f}".replace(".", ",")
            assert f": {pct} % af rollerne har telefonnummer" in label


def test_tiles_are_visible_labelled_and_reachable_by_keyboard(page: Page) -> None:
    kbh = page.locator('#kort [data-code="101"]')
    assert kbh.is_visible()
    assert kbh.locator("text.lbl").text_content() == "KBH"
    assert kbh.get_attribute("tabindex") == "0"
    assert page.get_by_role("img", name="København:", exact=False).count() == 1
    box_kbh, box_bornholm = kbh.bounding_box(), page.locator('[data-code="400"]').bounding_box()
    box_esbjerg = page.locator('[data-code="561"]').bounding_box()
    assert box_kbh and box_bornholm and box_esbjerg
    assert box_esbjerg["x"] < box_kbh["x"] < box_bornholm["x"]


def test_no_data_tiles_are_hatched_and_listed(page: Page) -> None:
    code = sorted(NO_DATA)[0]
    rect = page.locator(f'[data-code="{code}"] rect')
    assert rect.get_attribute("fill") == "url(#ingen-data)"
    listed = page.locator("#uden-data").inner_text()
    assert all(m.name in listed for m in MUNICIPALITIES if m.code in NO_DATA)


def test_ranking_regions_causes_and_warning(page: Page) -> None:
    assert page.locator("#rangering tbody tr").count() == 98
    assert page.locator("#regioner tbody tr").count() == 5
    assert page.locator("#aarsager tbody tr").count() == 2
    assert "Christiansø" in page.locator("#advarsler").inner_text()
    assert page.locator("#rangering").get_by_text("procentpoint").count() > 0


def test_screenshots(page: Page) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    whole, map_only = ARTIFACTS / "landsoversigt.png", ARTIFACTS / "landsoversigt-kort.png"
    page.screenshot(path=str(whole), full_page=True)
    page.locator("section[aria-labelledby=kort-titel]").screenshot(path=str(map_only))
    assert whole.stat().st_size > 10_000
    assert map_only.stat().st_size > 10_000
