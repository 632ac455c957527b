"""The web app's Rollemigrering page (issue 18 point 3): the list in order, a decision per
row saved like other decisions, the downloads; viewers read, only administrators decide."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from telefonspor.edge.run import audit_files
from telefonspor.fixfiles import write_fix_files
from telefonspor.model import AuditResult
from telefonspor.reports import write_reports
from telefonspor.sample import SampleChain, generate_chain
from telefonspor.settings import Settings, load
from telefonspor.store import Store
from telefonspor.twins import migration_rows
from telefonspor.web.views.migration import parse_choice

from .conftest import csrf_of


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, AuditResult, SampleChain]:
    folder = tmp_path_factory.mktemp("migrering")
    chain = generate_chain(folder / "kommune", holders=250, users=800, seed=2)
    result = audit_files(chain.klik, load(chain.config))
    report = folder / "rapport"
    write_reports(result, report)
    write_fix_files(result, report / "rettelser", settings=load(chain.config))
    return report, result, chain


@pytest.fixture
def run_id(app: FastAPI, settings: Settings, audited: tuple[Path, AuditResult, SampleChain]) -> int:
    report, result, _ = audited
    with Store.open(settings.db_url()) as store:
        now = datetime.now(UTC)
        return store.save_run(result, started_at=now, finished_at=now, report_dir=str(report))


def _decide(client: TestClient, page: str, user_id: str, choice: str, note: str = "") -> int:
    response = client.post(
        "/rollemigrering/beslutning",
        data={"csrf_token": csrf_of(page), "user_id": user_id, "choice": choice, "note": note},
        follow_redirects=False,
    )
    return response.status_code


def test_the_list_in_order_with_twins_and_downloads(
    admin: TestClient, run_id: int, audited: tuple[Path, AuditResult, SampleChain]
) -> None:
    _, result, chain = audited
    page = admin.get("/rollemigrering")
    assert page.status_code == 200
    html = page.text
    rows = migration_rows(result.holders)
    assert len(rows) == len(chain.twins) > 10
    # Rows appear in the list's order: roles only old users hold first.
    positions = [html.index(f'id="r-{r.holder.user_id}"') for r in rows]
    assert positions == sorted(positions)
    flagged = next(r for r in rows if r.holder.sole_roles)
    assert f'<tr id="r-{flagged.holder.user_id}" class="flagged">' in html
    move = next(r for r in rows if r.kind == "move" and r.twin)
    assert move.twin is not None
    assert f'value="move:{move.twin.user_id}"' in html
    ambiguous = next(r for r in rows if r.kind == "ambiguous" and r.twin)
    assert ambiguous.twin is not None
    for candidate in ambiguous.twin.candidates:
        assert f'value="move:{candidate}"' in html
    assert f'href="/koersler/{run_id}/rettelser/rollemigrering.xlsx"' in html
    download = admin.get(f"/rollemigrering.csv?koersel={run_id}")
    assert download.status_code == 200
    body = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig")), delimiter=";"))
    assert [r[0] for r in body[1:]] == [r.holder.user_id for r in rows]
    xlsx = admin.get(f"/koersler/{run_id}/rettelser/rollemigrering.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_a_decision_per_row_is_saved_as_a_decision(
    admin: TestClient,
    run_id: int,
    audited: tuple[Path, AuditResult, SampleChain],
    settings: Settings,
) -> None:
    _, result, _ = audited
    rows = migration_rows(result.holders)
    move = next(r for r in rows if r.kind == "move" and r.twin)
    create = next(r for r in rows if r.kind == "create")
    page = admin.get("/rollemigrering").text
    assert move.twin is not None
    assert (
        _decide(admin, page, move.holder.user_id, f"move:{move.twin.user_id}", "aftalt med IT")
        == 303
    )
    assert _decide(admin, page, create.holder.user_id, "remove") == 303
    # A move to someone who is not the found twin is refused, in Danish.
    refused = admin.post(
        "/rollemigrering/beslutning",
        data={
            "csrf_token": csrf_of(page),
            "user_id": create.holder.user_id,
            "choice": "move:hvemsomhelst",
        },
    )
    assert (
        refused.status_code == 400 and "kan kun flyttes til en fundet FK-ORG-bruger" in refused.text
    )

    with Store.open(settings.db_url()) as store:
        decisions = store.decisions()
    saved = decisions[move.holder.user_id]
    assert saved.decision == "fix" and saved.decided_by == "anna"
    choice = parse_choice(saved)
    assert choice is not None
    assert (choice.choice, choice.target, choice.note) == (
        "move",
        move.twin.user_id,
        "aftalt med IT",
    )
    removed = parse_choice(decisions[create.holder.user_id])
    assert removed is not None and (removed.choice, removed.target) == ("remove", "")

    again = admin.get(f"/rollemigrering?gemt={move.holder.user_id}").text
    assert f"<strong>Flyt rollerne</strong> til {move.twin.user_id} – aftalt med IT" in again
    # The person page shows the same decision: it is an ordinary holder decision.
    person = admin.get(f"/person/{move.holder.user_id}").text
    assert "Rollemigrering: flyt rollerne til " + move.twin.user_id in person
    assert f"<dd>{move.twin.user_id} (nummer efter flytning)" in person


def test_viewers_read_but_cannot_decide(viewer: TestClient, run_id: int) -> None:
    page = viewer.get("/rollemigrering")
    assert page.status_code == 200 and "Rollemigrering" in page.text
    assert 'action="/rollemigrering/beslutning"' not in page.text
    refused = viewer.post(
        "/rollemigrering/beslutning",
        data={"csrf_token": csrf_of(page.text), "user_id": "x", "choice": "remove"},
    )
    assert refused.status_code == 403
