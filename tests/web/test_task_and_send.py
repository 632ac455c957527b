"""Whole-task decision, task completion and sending the parties' lists from the web."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient  # imported in conftest first (warning filtered)

from telefonspor.settings import Settings
from telefonspor.web import create_app

from .conftest import csrf_of, sign_in


@pytest.mark.usefixtures("stored_run")
def test_whole_task_decision_and_completion(admin: TestClient) -> None:
    token = csrf_of(admin.get("/").text)
    response = admin.post("/opgave/beslutning", data={"decision": "accept", "csrf_token": token})
    assert response.status_code == 400 and "begrundelse" in response.text
    response = admin.post(
        "/opgave/beslutning",
        data={"decision": "accept", "reason": "Numrene vedligeholdes i KY", "csrf_token": token},
    )
    assert response.status_code == 200
    assert "Vi iværksætter ikke aktiviteter" in response.text
    assert "Numrene vedligeholdes i KY" in response.text
    response = admin.post(
        "/opgave/fuldfoer", data={"reason": "Besluttet i styregruppen", "csrf_token": token}
    )
    assert response.status_code == 200
    assert response.text.count("Udført") >= 3


@pytest.mark.usefixtures("stored_run")
def test_viewer_cannot_send(viewer: TestClient) -> None:
    token = csrf_of(viewer.get("/ansvarlige").text)
    assert "Send listerne" not in viewer.get("/ansvarlige").text
    response = viewer.post("/ansvarlige/send", data={"maade": "proeve", "csrf_token": token})
    assert response.status_code == 403


@pytest.mark.usefixtures("stored_run")
def test_send_without_addresses_says_what_is_missing(admin: TestClient) -> None:
    token = csrf_of(admin.get("/ansvarlige").text)
    response = admin.post("/ansvarlige/send", data={"maade": "proeve", "csrf_token": token})
    assert response.status_code == 200
    assert "Ingen e-mailadresse til" in response.text
    response = admin.post("/ansvarlige/send", data={"maade": "send", "csrf_token": token})
    assert response.status_code == 400
    assert "smtp.sender" in response.text


def test_dry_run_writes_the_messages(settings: Settings, tmp_path: Path, stored_run: int) -> None:
    configured = settings.replace(
        {"notify.parties": {"supplier": "leverandoer@example.dk", "klik_admin": "klik@kommune.dk"}}
    )
    with TestClient(create_app(configured, data_dir=tmp_path / "web")) as client:
        sign_in(client, "anna")
        token = csrf_of(client.get("/ansvarlige").text)
        first = client.post("/ansvarlige/send", data={"maade": "proeve", "csrf_token": token})
        assert "leverandoer@example.dk" in first.text
        assert first.text.count("Skrevet (prøvekørsel)") == 2
    run = client.app.state.web.store().run(stored_run)
    outbox = Path(run.report_dir) / "beskeder"
    assert len(list(outbox.glob("*.eml"))) >= 2
