"""Issue 16 (first hour) on the web pages: Danish time, the no-chain note, the menu per role.

Issue 16.11: a run made at 10:20 Danish time is shown as 10:20 in the web app, not as
its stored UTC time (09:20 in winter, 08:20 in summer)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from telefonspor.settings import Settings
from telefonspor.store import Store

from .conftest import csrf_of, sample_result, sign_in


@pytest.mark.parametrize(
    ("utc", "shown"),
    [
        (datetime(2026, 11, 30, 9, 20, tzinfo=UTC), "30. november 2026 kl. 10:20"),
        (datetime(2026, 6, 15, 8, 20, tzinfo=UTC), "15. juni 2026 kl. 10:20"),
    ],
)
def test_run_times_are_danish_time(
    admin: TestClient, settings: Settings, utc: datetime, shown: str
) -> None:
    with Store.open(settings.db_url()) as store:
        run_id = store.save_run(sample_result(), started_at=utc, finished_at=utc)
    for path in ["/koersler", f"/koersler/{run_id}"]:
        html = admin.get(path).text
        assert shown in html, path
        assert f"kl. {utc:%H:%M}" not in html, path


@pytest.mark.usefixtures("stored_run")
def test_run_without_chain_says_causes_need_it(viewer: TestClient) -> None:
    """Issue 16.6: the web run and overview pages say that causes need the chain."""
    from telefonspor.texts import NO_CHAIN_TITLE

    assert NO_CHAIN_TITLE in viewer.get("/").text
    assert NO_CHAIN_TITLE in viewer.get("/koersler/2").text


def test_viewer_is_not_offered_a_new_run(app: FastAPI) -> None:
    """Issue 16.9: a viewer cannot start a run, so the menu does not offer it."""
    for name, offered in [("viggo", False), ("anna", True)]:
        with TestClient(app) as client:
            sign_in(client, name)
            assert ('href="/ny-koersel"' in client.get("/").text) is offered, name


@pytest.mark.usefixtures("stored_run")
def test_one_holder_is_singular(viewer: TestClient) -> None:
    """Issue 16.9: a filter that leaves one holder says "1 rolleindehaver"."""
    html = viewer.get("/roller?q=mette").text
    assert "<strong>1</strong> rolleindehaver." in html


@pytest.mark.usefixtures("stored_run")
def test_accept_without_reason_is_answered_at_the_form(admin: TestClient) -> None:
    """Issue 16.9: the person page comes back with the message at the form, accept still
    chosen, instead of an error page."""
    page = admin.get("/person/mette")
    response = admin.post(
        "/person/mette/beslutning",
        data={"decision": "accept", "reason": " ", "csrf_token": csrf_of(page.text)},
    )
    assert response.status_code == 400
    html = response.text
    assert 'role="alert" id="reason-error">Skriv en begrundelse' in html
    assert 'value="accept" checked' in html
    assert "Mette Østergård" in html and 'action="/person/mette/beslutning"' in html


@pytest.mark.usefixtures("stored_run")
def test_task_accept_without_reason_is_answered_in_the_panel(admin: TestClient) -> None:
    page = admin.get("/")
    response = admin.post(
        "/opgave/beslutning",
        data={"decision": "accept", "reason": "", "csrf_token": csrf_of(page.text)},
    )
    assert response.status_code == 400
    assert 'id="task-reason-error">Skriv en begrundelse' in response.text
    assert '<details class="panel" open>' in response.text


def test_settings_page_shows_code_not_backticks(viewer: TestClient) -> None:
    """Issue 16.9: help texts' Markdown `code` is shown as code; names wrap only at . and _."""
    html = viewer.get("/indstillinger").text
    help_cells = re.findall(r'<td class="small">(.*?)</td>', html)
    assert help_cells and not any("`" in cell for cell in help_cells)
    assert "<code>" in "".join(help_cells)
    assert '<code class="setting">audit.<wbr>shared_<wbr>threshold</code>' in html
