"""Issue 16.4: history you can see and repair: --save says where the run went, diff with one
run is not an error, a wrong run can be deleted, and a sudden drop is held back."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from telefonspor.cli import app
from telefonspor.store import Store

from .test_audit_cmd import ROWS, write_klik

runner = CliRunner(env={"COLUMNS": "200"})


def _audit(tmp_path: Path, db: str, rows: list[list[object]], *extra: str) -> tuple[int, str]:
    klik = write_klik(tmp_path / "klik.xlsx", rows)
    outcome = runner.invoke(
        app, ["audit", str(klik), "--out", str(tmp_path / "r"), "--save", "--db", db, *extra]
    )
    return outcome.exit_code, outcome.output


def _run_ids(db: str) -> list[int]:
    with Store.open(db) as store:
        return [r.id for r in store.runs()]


def test_save_says_run_number_and_database(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'h.db'}"
    code, out = _audit(tmp_path, db, ROWS)
    assert code == 0, out
    assert f"Gemt som kørsel nr. 1 i {db}." in " ".join(out.split())


def test_diff_with_one_run_is_not_a_failure(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'h.db'}"
    outcome = runner.invoke(app, ["diff", "--db", db])
    assert outcome.exit_code == 0, outcome.output
    assert "ingen gemte kørsler" in outcome.output
    _audit(tmp_path, db, ROWS)
    outcome = runner.invoke(app, ["diff", "--db", db])
    assert outcome.exit_code == 0, outcome.output
    assert "kun én gemt kørsel (nr. 1)" in outcome.output


def test_delete_a_wrong_run(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'h.db'}"
    _audit(tmp_path, db, ROWS)
    _audit(tmp_path, db, ROWS)
    refused = runner.invoke(app, ["history", "delete", "2", "--db", db], input="nej\n")
    assert refused.exit_code == 2 and "Intet er slettet" in refused.output
    assert _run_ids(db) == [1, 2]
    asked = runner.invoke(app, ["history", "delete", "2", "--db", db], input="ja\n")
    assert asked.exit_code == 0, asked.output
    assert "Slettet:" in asked.output and "nyeste kørsel er nu nr. 1" in asked.output
    assert _run_ids(db) == [1]
    scripted = runner.invoke(app, ["history", "delete", "1", "--yes", "--db", db])
    assert scripted.exit_code == 0, scripted.output
    assert _run_ids(db) == []
    missing = runner.invoke(app, ["history", "delete", "7", "--yes", "--db", db])
    assert missing.exit_code == 4 and "7" in missing.output
    listed = runner.invoke(app, ["history", "--db", db, "--json"])
    assert json.loads(listed.output) == []


def test_a_sudden_drop_is_held_back(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'h.db'}"
    assert _audit(tmp_path, db, ROWS)[0] == 0  # 4 role holders
    code, out = _audit(tmp_path, db, ROWS[:1])  # 1 role holder: likely the wrong file
    assert code == 2
    flat = " ".join(out.split())
    assert "Kørslen er ikke gemt" in flat and "--accept-drop" in flat
    assert _run_ids(db) == [1]
    assert (tmp_path / "r" / "rapport.html").is_file()  # the reports are still written
    code, out = _audit(tmp_path, db, ROWS[:1], "--accept-drop")
    assert code == 0, out
    assert _run_ids(db) == [1, 2]


def test_fail_under_must_be_a_percentage(tmp_path: Path) -> None:
    klik = write_klik(tmp_path / "klik.xlsx", ROWS)
    for bad in ("150", "-5"):
        outcome = runner.invoke(app, ["audit", str(klik), "--fail-under", bad])
        assert outcome.exit_code == 2, outcome.output
        assert "fra 0 til 100" in outcome.output
