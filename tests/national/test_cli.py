"""`telefonspor statement` and `telefonspor national` through the real CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

import telefonspor.cli.national_cmd  # noqa: F401  (registers the commands until cli/__init__ does)
from telefonspor.audit import run_audit
from telefonspor.cli import app
from telefonspor.settings import defaults
from telefonspor.sources.klik import read_klik
from telefonspor.store import Store

from .builders import LOCAL_ROWS, NATIONAL_ROWS, write_klik, write_result

runner = CliRunner()


def test_statement_from_resultat_json(tmp_path: Path) -> None:
    result = write_result(tmp_path)
    out = tmp_path / "erklaering.json"
    done = runner.invoke(app, ["statement", str(result), "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert "Vejle Kommune (630)" in done.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["schema"] == "telefonspor/statement/v1"
    assert doc["municipality"]["code"] == "630"


def test_statement_municipality_option_wins_and_can_print(tmp_path: Path) -> None:
    result = write_result(tmp_path)
    done = runner.invoke(app, ["statement", str(result), "--out", "-", "--municipality", "0101"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["municipality"]["name"] == "København"


def test_statement_from_a_stored_run(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'historik.db'}"
    klik = read_klik(write_klik(tmp_path / "klik.xlsx", LOCAL_ROWS))
    result = run_audit(klik, [], defaults(), generated_at="2024-05-02T08:30:00+00:00")
    with Store.open(url) as store:
        run_id = store.save_run(
            result,
            started_at=datetime(2024, 5, 2, 8, 30, tzinfo=UTC),
            finished_at=datetime(2024, 5, 2, 8, 31, tzinfo=UTC),
        )
    out = tmp_path / "e.json"
    args = ["statement", str(run_id), "--db", url, "--out", str(out)]
    assert runner.invoke(app, args).exit_code == 2  # the store does not know the municipality
    done = runner.invoke(app, [*args, "--set", "audit.municipality_code=630"])
    assert done.exit_code == 0, done.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert (doc["municipality"]["name"], doc["roles"]) == ("Vejle", result.summary.roles)


def test_statement_unknown_municipality_is_one_danish_line(tmp_path: Path) -> None:
    result = write_result(tmp_path)
    done = runner.invoke(app, ["statement", str(result), "-m", "Christiansø"])
    assert done.exit_code == 2
    assert "'Christiansø' er ikke en dansk kommune" in done.output
    assert "Traceback" not in done.output


def test_national_writes_three_files_and_warns(tmp_path: Path) -> None:
    national = write_klik(tmp_path / "klik-alle.xlsx", NATIONAL_ROWS)
    result = write_result(tmp_path)
    out = tmp_path / "ud"
    done = runner.invoke(app, ["national", str(national), str(result), "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert "5 af 98 kommuner har data" in done.output
    assert "Christiansø" in done.output
    assert sorted(p.name for p in out.iterdir()) == [
        "landsoversigt.html", "landsoversigt.json", "landsoversigt.xlsx",
    ]  # fmt: skip


def test_national_with_a_missing_file_exits_2(tmp_path: Path) -> None:
    done = runner.invoke(app, ["national", str(tmp_path / "findes-ikke.json")])
    assert done.exit_code == 2
    assert "findes ikke" in done.output
