"""`telefonspor history`, `diff`, `decide` and `task ...` through the real CLI on a SQLite file."""

from __future__ import annotations

import getpass
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tests.store.factory import holder, result
from typer.testing import CliRunner

import telefonspor.cli.history_cmd  # noqa: F401  (registers the commands)
from telefonspor.cli.app import app
from telefonspor.store import Store

runner = CliRunner(env={"COLUMNS": "200"})


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'historik.db'}"


@pytest.fixture
def two_runs(db: str) -> str:
    start = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    first = result([holder("anna", covered=True, roles=("R1", "R2")), holder("bo"), holder("carl")])
    second = result(
        [
            holder("anna", covered=True, roles=("R1", "R2")),
            holder("bo", covered=True),
            holder("carl", cause="lost_local_to_fkorg"),
            holder("dorte"),
        ]
    )
    with Store.open(db) as store:
        store.save_run(first, started_at=start, finished_at=start)
        later = start + timedelta(days=7)
        store.save_run(second, started_at=later, finished_at=later)
    return db


def invoke(*args: str) -> tuple[int, str]:
    outcome = runner.invoke(app, list(args))
    return outcome.exit_code, outcome.output


def test_history_without_runs(db: str) -> None:
    code, out = invoke("history", "--db", db)
    assert code == 0 and "ingen gemte kørsler" in out
    code, out = invoke("history", "--db", db, "--json")
    assert (code, json.loads(out)) == (0, [])


def test_history_json_oldest_first(two_runs: str) -> None:
    code, out = invoke("history", "--db", two_runs, "--json")
    assert code == 0
    assert json.loads(out) == [
        {
            "id": 1,
            "started_at": "2026-01-05T08:00:00+00:00",
            "coverage_pct": 50.0,
            "roles": 4,
            "roles_covered": 2,
            "role_holders": 3,
            "covered_holders": 1,
        },
        {
            "id": 2,
            "started_at": "2026-01-12T08:00:00+00:00",
            "coverage_pct": 60.0,
            "roles": 5,
            "roles_covered": 3,
            "role_holders": 4,
            "covered_holders": 2,
        },
    ]


def test_history_table(two_runs: str) -> None:
    code, out = invoke("history", "--db", two_runs)
    assert code == 0
    assert "Kørsler" in out and "60,0 %" in out and "2 af 4 personer" in out
    assert "12-01-2026 09:00" in out  # 08:00 UTC shown in Danish time


def test_diff_defaults_to_previous_against_latest(two_runs: str) -> None:
    code, out = invoke("diff", "--db", two_runs, "--json")
    assert code == 0
    assert json.loads(out) == {
        "from_run": 1,
        "to_run": 2,
        "fixed": ["bo"],
        "fixed_by_selfservice": [],
        "newly_missing": ["dorte"],
        "changed_cause": [
            {"user_id": "carl", "old": "missing_in_source", "new": "lost_local_to_fkorg"}
        ],
        "gone": [],
    }
    code, table = invoke("diff", "1", "2", "--db", two_runs)
    assert code == 0
    assert "Ændringer fra kørsel 1 til 2" in table
    assert "Rettet: 1" in table and "Nye uden nummer: 1" in table
    assert "dorte" in table and "Ændret årsag" in table


def test_diff_needs_two_runs(db: str) -> None:
    with Store.open(db) as store:
        now = datetime.now(UTC)
        store.save_run(result([holder("bo")]), started_at=now, finished_at=now)
    code, out = invoke("diff", "--db", db)
    assert code == 0  # issue 16.4: one run is a normal state, not "history could not be read"
    assert "intet at sammenligne med" in out
    code, out = invoke("diff", "1", "7", "--db", db)
    assert code == 4 and "Kørsel nr. 7 findes ikke" in out


def test_decide_for_one_holder(two_runs: str) -> None:
    code, out = invoke("decide", "--holder", "CARL", "--decision", "accept", "--db", two_runs)
    assert code == 2 and "kræver en begrundelse" in out
    code, out = invoke("decide", "--holder", "ukendt", "--decision", "fix", "--db", two_runs)
    assert code == 2 and "findes ikke i den nyeste kørsel" in out
    code, out = invoke(
        "decide", "--holder", "CARL", "--decision", "accept", "--reason", "Vikar i tre uger",
        "--db", two_runs,
    )  # fmt: skip
    assert code == 0 and "Beslutning gemt" in out and "carl" in out
    code, out = invoke("decide", "--holder", "dorte", "--decision", "fix", "--db", two_runs)
    assert code == 0
    with Store.open(two_runs) as store:
        decided = store.decisions()
    assert decided["carl"].reason == "Vikar i tre uger"
    assert decided["dorte"].decided_by == getpass.getuser()


def test_task_status_decide_and_complete(two_runs: str) -> None:
    code, out = invoke("task", "status", "--db", two_runs, "--json")
    status = json.loads(out)
    assert code == 0 and status["open_cases"] == 2
    assert [s["done_at"] is not None for s in status["steps"]] == [True, False, False, False, False]
    code, out = invoke("task", "complete", "--db", two_runs, "--by", "kim")
    assert code == 2 and "der er stadig 2 åbne sager" in out and "--reason" in out
    code, out = invoke(
        "task", "decide", "--decision", "accept", "--reason", "Numrene bruges ikke",
        "--by", "Kim Ærø", "--db", two_runs,
    )  # fmt: skip
    assert code == 0 and "hele opgaven" in out
    code, out = invoke("task", "status", "--db", two_runs)
    assert code == 0 and "Beslut om I vil sikre telefonnumre" in out
    assert "Åbne sager i nyeste kørsel: 0" in out
    code, out = invoke("task", "complete", "--db", two_runs, "--by", "kim")
    assert code == 0 and "markeret som fuldført" in out
    status = json.loads(invoke("task", "status", "--db", two_runs, "--json")[1])
    assert status["task_decision"] == "accept"
    assert all(s["done_at"] for s in status["steps"][2:])


def test_bad_database_url_is_one_red_line(tmp_path: Path) -> None:
    code, out = invoke("history", "--db", "mysql://x@y/z")
    assert code == 4 and "understøttes ikke" in out
    assert "Traceback" not in out
