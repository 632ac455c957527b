"""Issue 14.1: a run saved from the command line shows in full in the web app."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from telefonspor.cli import app as cli
from telefonspor.sample import generate_chain
from telefonspor.settings import Settings
from telefonspor.store import Store

runner = CliRunner()


def test_audit_save_from_the_cli_is_shown_in_full(
    admin: TestClient, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gc, "freeze", lambda: None)  # the CLI's edge must not freeze pytest
    chain = generate_chain(tmp_path / "kaede", holders=60, users=200, seed=11)
    monkeypatch.chdir(tmp_path)  # a relative --out, as people type it
    result = runner.invoke(
        cli,
        [
            "audit",
            str(chain.klik),
            "--config",
            str(chain.config),
            "--out",
            "rapport",
            "--save",
            "--db",
            settings.db_url(),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Gemt som kørsel nr. 1" in result.output
    with Store.open(settings.db_url()) as store:
        assert store.run(1).report_dir == str(tmp_path / "rapport")

    doc = json.loads((tmp_path / "rapport" / "resultat.json").read_text(encoding="utf-8"))
    holder = next(h for h in doc["holders"] if not h["covered"] and h["cause"])
    monkeypatch.chdir(tmp_path / "kaede")  # the web app runs from elsewhere
    person = admin.get(f"/person/{holder['user_id']}")
    assert person.status_code == 200, person.text
    assert holder["name"] in person.text
    assert holder["action"].split(".")[0] in person.text

    roles = admin.get("/roller")
    assert roles.status_code == 200 and holder["user_id"] in roles.text
    run_page = admin.get("/koersler/1")
    assert "ad-rettelser.ps1" in run_page.text, "the CLI run's fix files are offered"
    fix = admin.get("/koersler/1/rettelser/ad-rettelser.ps1")
    assert fix.status_code == 200 and "ad-rettelser.ps1" in fix.text
    report = admin.get("/koersler/1/hent/resultat.json")
    assert report.status_code == 200 and report.json()["run_id"] == 1
